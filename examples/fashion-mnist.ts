// Fashion-MNIST (Debian's dataset-fashion-mnist): an MLP classifier 784-256-128-10 with ReLU,
// softmax and sparse cross-entropy, Adam with cosine decay. Target: test accuracy ≥ 0.88.
//   npx tsx examples/fashion-mnist.ts [--epochs N]
import { init, layers, optimizers, schedules, sequential } from '../src/index.js';
import * as report from '../src/report/index.js';
import { fashionMnist } from '../src/data/idx.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';

export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export async function run({ epochs = 12, seed = 1, verbose = 0, callbacks }: ExampleOptions = {}): Promise<ExampleResult> {
  await init();
  const d = await fashionMnist(); // a clear error naming the apt package when it is missing
  const net = sequential([
    layers.dense(256, { activation: 'relu', inputShape: [784] }),
    layers.dense(128, { activation: 'relu' }),
    layers.dense(10, { activation: 'softmax' }),
  ], { seed });
  // Adam with the learning rate annealed to zero over the run (cosine decay): the last epochs settle
  // instead of hopping between minima, which steadies the final test accuracy.
  const steps = Math.ceil(60000 / 128) * epochs;
  const learningRate = schedules.cosineDecay({ initialLearningRate: 1e-3, decaySteps: steps });
  net.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const yTrain = { data: Float32Array.from(d.yTrain), shape: [d.yTrain.length] };
  const yTest = { data: Float32Array.from(d.yTest), shape: [d.yTest.length] };
  const h = await net.fit(d.xTrain, yTrain, { epochs, batchSize: 128, validationData: [d.xTest, yTest], verbose, callbacks });
  const ev = net.evaluate(d.xTest, yTest, { batchSize: 1000 });
  const p = net.predict(d.xTest).data;
  const confusion = CLASSES.map(() => CLASSES.map(() => 0));
  for (let i = 0; i < d.yTest.length; i++) {
    let best = 0;
    for (let j = 1; j < 10; j++) if (p[i * 10 + j] > p[i * 10 + best]) best = j;
    confusion[d.yTest[i]][best]++;
  }
  const results = { 'test accuracy': ev.accuracy, 'test loss': ev.loss, epochs };
  return {
    results,
    target: { description: 'test accuracy ≥ 0.88', value: ev.accuracy, pass: ev.accuracy >= 0.88 },
    report: {
      title: 'Fashion-MNIST MLP 784-256-128-10',
      results,
      figures: [...report.historyPlots(h.history).map((f) => ({ name: `history-${f.name}`, svg: f.svg })),
        { name: 'confusion', svg: report.confusionPlot(confusion, CLASSES), caption: 'Test set, 10,000 images.' }],
      history: h.history,
      summary: net.summary({ print: false }),
    },
  };
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: Number(process.argv[process.argv.indexOf('--epochs') + 1]) || undefined, verbose: 2 });
  console.log(r.results, r.target);
}

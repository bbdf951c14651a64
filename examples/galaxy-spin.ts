// Seed 004's classification example: 32×32 images of spiral galaxies (a 1024-vector each),
// labelled by the rotation direction of their arms, one-hot (1 0) right / (0 1) left; a
// fully-connected network with a two-node softmax output and cross-entropy. Target: test
// accuracy ≥ 0.95.
//   npx tsx examples/galaxy-spin.ts [--epochs N]
import { data, init, layers, optimizers, sequential } from '../src/index.js';
import * as report from '../src/report/index.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';

export async function run({ epochs = 20, seed = 1, verbose = 0, callbacks }: ExampleOptions = {}): Promise<ExampleResult> {
  await init();
  const train = await data.galaxySpin({ n: 4000, seed }).toArrays();
  const test = await data.galaxySpin({ n: 1000, seed: seed + 1 }).toArrays();
  const net = sequential([
    layers.dense(128, { activation: 'relu', inputShape: [1024] }),
    layers.dense(64, { activation: 'relu' }),
    layers.dense(2, { activation: 'softmax' }),
  ], { seed });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'categoricalCrossentropy', metrics: ['accuracy', 'auc'] });
  const h = await net.fit(train.x, train.y!, { epochs, batchSize: 32, validationSplit: 0.1, verbose, callbacks });
  const ev = net.evaluate(test.x, test.y!);
  const p = net.predict(test.x).data, t = test.y!.data;
  const confusion = [[0, 0], [0, 0]];
  for (let i = 0; i < t.length / 2; i++) confusion[t[2 * i] === 1 ? 0 : 1][p[2 * i] >= p[2 * i + 1] ? 0 : 1]++;
  const shown = [0, 1, 2, 3, 4, 5].map((i) => ({ data: test.x.data.subarray(i * 1024, (i + 1) * 1024), title: `${t[2 * i] === 1 ? 'right' : 'left'} → ${p[2 * i] >= 0.5 ? 'right' : 'left'}` }));
  const results = { 'test accuracy': ev.accuracy, 'test AUC': ev.auc, 'test loss': ev.loss };
  return {
    results,
    target: { description: 'test accuracy ≥ 0.95', value: ev.accuracy, pass: ev.accuracy >= 0.95 },
    report: {
      title: 'Spiral galaxies: rotation direction from 32×32 images (seed 004)',
      results: { ...results, epochs, 'training images': 4000 },
      figures: [
        { name: 'galaxies', svg: report.imageGrid(shown, 32, 32, 6, 'Test images: true → predicted rotation') },
        ...report.historyPlots(h.history).map((f) => ({ name: `history-${f.name}`, svg: f.svg })),
        { name: 'confusion', svg: report.confusionPlot(confusion, ['right', 'left']) },
      ],
      history: h.history,
      summary: net.summary({ print: false }),
    },
  };
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: Number(process.argv[process.argv.indexOf('--epochs') + 1]) || undefined, verbose: 2 });
  console.log(r.results, r.target);
}

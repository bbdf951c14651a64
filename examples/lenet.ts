// Seed 002's CNN: "2 convolution layers using 5x5 filter kernels, each followed by a 2x2
// max-pooling layer, 2 fully connected layers leading to 10 outputs", here with 32 and 64 'same'
// filters, dense 1024 ReLU and dense 10 softmax, on Fashion-MNIST. Adam 0.001, batch 64, sparse
// cross-entropy. Reports the test accuracy with a binomial error per class, the learned first-layer
// filters ("each convolution filter is tuned to identify a given shape") and the feature maps of one
// test image after each convolution. Target: test accuracy ≥ 0.91 (the full run: 60,000 images,
// 10 epochs; examples/peers/cnn_torch.py trains the same network in PyTorch).
//   npx tsx examples/lenet.ts [--epochs N] [--train N] [--test N]
import { init, input, layers, model, optimizers, type Model, type SymbolicTensor, type Tensor } from '../src/index.js';
import * as report from '../src/report/index.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';
import { argNumber, argmaxRows, classAccuracies, CLASSES, fashionImages, featureMapImages, kernelImages, pct, type ClassAccuracy } from './cnn-common.js';

export interface CnnOptions extends ExampleOptions {
  /** The first N training images (60,000 in the full run). */
  trainSize?: number;
  /** The first N test images (10,000 in the full run). */
  testSize?: number;
}

/** The network on `size`×`size` single-channel images, and the two convolutions' outputs (for pictures). */
export function lenet(size: number, seed: number): { net: Model; conv1: SymbolicTensor; conv2: SymbolicTensor; inp: SymbolicTensor } {
  const inp = input({ shape: [size, size, 1], name: 'image' });
  const conv1 = layers.conv2d(32, { kernelSize: 5, padding: 'same', activation: 'relu', name: 'conv1' }).apply(inp);
  const pool1 = layers.maxPooling2d({ poolSize: 2 }).apply(conv1);
  const conv2 = layers.conv2d(64, { kernelSize: 5, padding: 'same', activation: 'relu', name: 'conv2' }).apply(pool1);
  const pool2 = layers.maxPooling2d({ poolSize: 2 }).apply(conv2);
  const hidden = layers.dense(1024, { activation: 'relu' }).apply(layers.flatten().apply(pool2));
  const out = layers.dense(10, { activation: 'softmax' }).apply(hidden);
  const net = model({ inputs: inp, outputs: out, seed, name: `lenet_${size}` });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return { net, conv1, conv2, inp };
}

/** Trains the network on (xTrain, yTrain) and returns its per-class test accuracies and history. */
export async function trainAndScore(size: number, x: Tensor, y: Tensor, xTest: Tensor, testIds: Int32Array, o: CnnOptions, epochs: number) {
  const built = lenet(size, o.seed ?? 1);
  const h = await built.net.fit(x, y, { epochs, batchSize: 64, verbose: o.verbose, callbacks: o.callbacks });
  const pred = argmaxRows((built.net.predict(xTest, { batchSize: 500 }) as Tensor).data, 10);
  return { ...built, history: h.history, scores: classAccuracies(testIds, pred) };
}

/** The per-class rows as a results table: "class: 84.8 ± 0.6 %". */
export const classRows = (prefix: string, s: { perClass: ClassAccuracy[]; overall: ClassAccuracy }): Record<string, string> =>
  Object.fromEntries([...s.perClass, s.overall].map((a) => [`${prefix}${a.name} [%]`, pct(a)]));

export async function run(o: CnnOptions = {}): Promise<ExampleResult> {
  const { epochs = 10, trainSize = 60000, testSize = 10000 } = o;
  await init();
  const d = await fashionImages(trainSize, testSize);
  const t0 = performance.now();
  const r = await trainAndScore(28, d.xTrain, d.yTrain, d.xTest, d.testIds, o, epochs);
  const seconds = (performance.now() - t0) / 1000;
  // the first test image through the trained layers (a probe model sharing them)
  const probe = model({ inputs: r.inp, outputs: [r.conv1, r.conv2], name: 'probe' });
  const one: Tensor = { data: d.xTest.data.subarray(0, 784), shape: [1, 28, 28, 1] };
  const [m1, m2] = probe.predict(one) as Tensor[];
  const kernel = r.net.getLayer('conv1').getWeights()[0];
  const acc = r.scores.overall.accuracy;
  const results: Record<string, number | string> = {
    'test accuracy': acc, 'test accuracy [%]': pct(r.scores.overall), ...classRows('', r.scores),
    epochs, 'training images': d.yTrain.shape[0], 'test images': d.testIds.length, 'training time (s)': Math.round(seconds),
  };
  return {
    results,
    target: { description: 'test accuracy ≥ 0.91 (full run: 60,000 images, 10 epochs)', value: acc, pass: acc >= 0.91 },
    report: {
      title: 'LeNet-style CNN on Fashion-MNIST (seed 002)',
      results,
      settings: { layers: 'conv 5×5×32 same relu, maxpool 2, conv 5×5×64 same relu, maxpool 2, dense 1024 relu, dense 10 softmax', optimizer: 'Adam 0.001', 'batch size': 64, loss: 'sparse categorical cross-entropy' },
      figures: [
        { name: 'filters', svg: report.pngImageGrid(kernelImages(kernel), 5, 5, 8, 'First-layer filters (5×5, 32)'), caption: 'Each learned 5×5 kernel of conv1, scaled to its own range (black low, white high). After a few epochs they still look noisy; what each picks out (edges at different orientations, filled regions) shows in the feature maps.' },
        { name: 'image', svg: report.pngImageGrid([{ data: one.data, title: CLASSES[d.testIds[0]] }], 28, 28, 1, 'Test image 0') },
        { name: 'maps-conv1', svg: report.pngImageGrid(featureMapImages(m1), 28, 28, 8, 'Feature maps after conv1 (28×28, 32)'), caption: 'What each filter finds in test image 0 (after ReLU).' },
        { name: 'maps-conv2', svg: report.pngImageGrid(featureMapImages(m2), 14, 14, 16, 'Feature maps after conv2 (14×14, 64)') },
        ...report.historyPlots(r.history).map((f) => ({ name: `history-${f.name}`, svg: f.svg })),
      ],
      history: r.history,
      summary: r.net.summary({ print: false }),
      notes: ['Per-class accuracies are ε = k/N over the test images of that class, ± √(ε(1 − ε)/N) (binomial), as in seed 002\'s MicroBooNE table.'],
    },
  };
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: argNumber('epochs'), trainSize: argNumber('train'), testSize: argNumber('test'), verbose: 2 });
  console.log(r.results, r.target);
  if (process.argv.includes('--out')) await report.writeReport(process.argv[process.argv.indexOf('--out') + 1], r.report);
}

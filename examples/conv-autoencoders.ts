// Seed 000, tables 1 and 2: the baseline convolutional autoencoder (CAE: two stride-2 3×3
// convolutions, a 16-node sigmoid code, dense 392, reshape 7×7×8, three transposed convolutions)
// and the fully convolutional one (FCAE: the code is a 4×4×1 'valid' convolution with a sigmoid,
// decoded by a 4×4 'valid' transposed convolution), exactly as tabled, on Fashion-MNIST 28×28.
// MSE, Adam 0.001, batch 128. Reports the test reconstruction MSE of both, their loss curves and
// one test image of each class above its two reconstructions. Target: both reconstruct better than
// the mean image (MSE below the test set's pixel variance about the training mean image), CAE's and
// FCAE's MSE within 10 % of PyTorch's on the same budget (examples/peers/cnn_torch.py; README).
//   npx tsx examples/conv-autoencoders.ts [--epochs N] [--train N] [--test N]
import { init, layers, optimizers, sequential, type Sequential, type Tensor } from '../src/index.js';
import * as report from '../src/report/index.js';
import { isMain, type ExampleResult } from './example.js';
import { argNumber, CLASSES, fashionImages, mse, onePerClass } from './cnn-common.js';
import type { CnnOptions } from './lenet.js';

// kernel, stride, padding and activation of one table row (the filters are the layer's first argument)
const c2 = (_filters: number, activation: string, kernelSize = 3, strides = 2, padding: 'same' | 'valid' = 'same') =>
  ({ kernelSize, strides, padding, activation });

/** Table 1 (CAE). */
export function cae(seed: number): Sequential {
  return sequential([
    layers.conv2d(32, { ...c2(32, 'relu'), inputShape: [28, 28, 1] }),
    layers.conv2d(64, c2(64, 'relu')),
    layers.flatten(),
    layers.dense(16, { activation: 'sigmoid', name: 'code' }),
    layers.dense(392, { activation: 'relu' }),
    layers.reshape([7, 7, 8]),
    layers.conv2dTranspose(64, c2(64, 'relu')),
    layers.conv2dTranspose(32, c2(32, 'relu')),
    layers.conv2dTranspose(1, c2(1, 'linear', 3, 1)),
  ], { seed, name: 'cae' });
}

/** Table 2 (FCAE). */
export function fcae(seed: number): Sequential {
  return sequential([
    layers.conv2d(32, { ...c2(32, 'relu'), inputShape: [28, 28, 1] }),
    layers.conv2d(64, c2(64, 'relu')),
    layers.conv2d(1, { ...c2(1, 'sigmoid', 4, 1, 'valid'), name: 'code' }),
    layers.flatten(),
    layers.reshape([4, 4, 1]),
    layers.conv2dTranspose(1, c2(1, 'relu', 4, 1, 'valid')),
    layers.conv2dTranspose(64, c2(64, 'relu')),
    layers.conv2dTranspose(32, c2(32, 'relu')),
    layers.conv2dTranspose(1, c2(1, 'linear', 3, 1)),
  ], { seed, name: 'fcae' });
}

export async function run(o: CnnOptions = {}): Promise<ExampleResult> {
  const { epochs = 20, trainSize = 60000, testSize = 10000, seed = 1 } = o;
  await init();
  const d = await fashionImages(trainSize, testSize);
  // the baseline: every test image replaced by the training set's mean image
  const mean = new Float32Array(784);
  const nTr = d.xTrain.shape[0];
  for (let i = 0; i < nTr; i++) for (let p = 0; p < 784; p++) mean[p] += d.xTrain.data[i * 784 + p] / nTr;
  let meanMse = 0;
  for (let i = 0; i < d.xTest.shape[0]; i++) for (let p = 0; p < 784; p++) meanMse += (d.xTest.data[i * 784 + p] - mean[p]) ** 2;
  meanMse /= d.xTest.data.length;
  const shown = onePerClass(d.testIds);
  const results: Record<string, number | string> = {};
  const histories: Record<string, Record<string, number[]>> = {};
  const recon: Record<string, Float32Array> = {};
  const summaries: string[] = [];
  for (const [name, make] of [['CAE', cae], ['FCAE', fcae]] as const) {
    const net = make(seed);
    net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
    const t0 = performance.now();
    const h = await net.fit(d.xTrain, d.xTrain, { epochs, batchSize: 128, verbose: o.verbose, callbacks: o.callbacks });
    results[`${name}: training time (s)`] = Math.round((performance.now() - t0) / 1000);
    const out = (net.predict(d.xTest, { batchSize: 500 }) as Tensor).data;
    results[`${name}: test reconstruction MSE`] = mse(out, d.xTest.data);
    histories[name] = h.history;
    recon[name] = out;
    summaries.push(net.summary({ print: false }));
  }
  const grid = [
    ...shown.map((i) => ({ data: d.xTest.data.subarray(i * 784, (i + 1) * 784), title: CLASSES[d.testIds[i]] })),
    ...shown.map((i) => ({ data: recon.CAE.subarray(i * 784, (i + 1) * 784), title: 'CAE' })),
    ...shown.map((i) => ({ data: recon.FCAE.subarray(i * 784, (i + 1) * 784), title: 'FCAE' })),
  ];
  const cMse = results['CAE: test reconstruction MSE'] as number, fMse = results['FCAE: test reconstruction MSE'] as number;
  Object.assign(results, { 'mean-image MSE (baseline)': meanMse, epochs, 'training images': nTr, 'test images': d.testIds.length });
  return {
    results,
    target: { description: 'CAE and FCAE test MSE below the mean-image baseline', value: Math.max(cMse, fMse) / meanMse, pass: cMse < meanMse && fMse < meanMse },
    report: {
      title: 'Convolutional autoencoders CAE and FCAE on Fashion-MNIST (seed 000, tables 1–2)',
      results,
      settings: { loss: 'mean squared error', optimizer: 'Adam 0.001', 'batch size': 128, code: '16 numbers (CAE: dense sigmoid; FCAE: a 4×4×1 sigmoid convolution)' },
      figures: [
        { name: 'reconstructions', svg: report.pngImageGrid(grid, 28, 28, 10, 'Test images (top) and their CAE and FCAE reconstructions', { range: [0, 1] }), caption: 'One test image of each class; all on one grey scale, 0 black to 1 white (reconstructions clipped to it).' },
        { name: 'loss', svg: report.plot({ title: 'Training loss (MSE) per epoch', xLabel: 'epoch', yLabel: 'MSE', integerX: true, logY: true,
          series: Object.entries(histories).map(([k, h], j) => ({ name: k, x: h.loss.map((_, i) => i + 1), y: h.loss, dashed: j === 1 })) }) },
      ],
      history: Object.fromEntries(Object.entries(histories).map(([k, h]) => [`${k.toLowerCase()}_loss`, h.loss])),
      summary: summaries.join('\n\n'),
    },
  };
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: argNumber('epochs'), trainSize: argNumber('train'), testSize: argNumber('test'), verbose: 2 });
  console.log(r.results, r.target);
  if (process.argv.includes('--out')) await report.writeReport(process.argv[process.argv.indexOf('--out') + 1], r.report);
}

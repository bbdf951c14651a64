// Batch normalization on images [batch, height, width, channels] (issue 14; Keras's axis −1): the
// statistics of a channel are over batch × height × width. Training outputs and gradients against
// the float64 reference of test/ref/batchnorm.ts with the b·h·w rows; the moving statistics over
// several steps by Keras's update with the biased variance, and at the CAE's sizes; one image is a
// batch; tfjs-layers' BatchNormalization on images moves its statistics as lepton does. (Finite
// differences, save/load, ONNX and the TF.js import: the BatchNormalization row of
// test/layers/table.ts holds a batch norm on images.)
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, initializers, layers, optimizers, sequential, type Tensor } from '../../src/index.js';
import { close, rand } from '../helpers.js';
import * as ref from '../ref/batchnorm.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

const H = 5, W = 4, C = 3;
const images = (n: number, seed: number, lo = -1, hi = 3): Tensor => ({ data: rand(n * H * W * C, seed, lo, hi), shape: [n, H, W, C] });

function bnNet(momentum = 0.8) {
  const m = sequential([layers.batchNormalization({
    inputShape: [H, W, C], momentum, epsilon: 0.01,
    gammaInitializer: initializers.randomUniform({ minval: 0.5, maxval: 1.5 }), betaInitializer: initializers.randomUniform({ minval: -0.5, maxval: 0.5 }),
  })], { seed: 3 });
  m.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
  return m;
}

test('training normalizes each channel over batch × height × width; dx, dγ, dβ are the reference gradients', () => {
  const m = bnNet();
  const n = 6, rows = n * H * W;
  const x = images(n, 4), target = images(n, 5);
  const [gamma, beta] = m.getWeights().map((w) => w.data);
  const s = ref.stats(x.data, rows, C);
  const y = (m.predict(x, { training: true }) as Tensor).data;
  close(y, ref.normalize(x.data, rows, C, s.mean, s.variance, 0.01, gamma, beta), 1e-5, 1e-5, 'training output');
  // mse: dL/dy = 2(y − t)/(n·h·w·c)
  const dy = Float64Array.from(y, (v, i) => (2 * (v - target.data[i])) / y.length);
  const want = ref.grad(x.data, dy, rows, C, 0.01, gamma);
  const g = m.computeGradients(x, target);
  close(g.grads[0].data, want.dgamma, 1e-6, 1e-4, 'dγ');
  close(g.grads[1].data, want.dbeta, 1e-6, 1e-4, 'dβ');
  const dx = m.backward(x, { data: Float32Array.from(dy), shape: x.shape }, { training: true }) as Tensor;
  close(dx.data, want.dx, 1e-7, 1e-3, 'dx');
});

test('the moving statistics follow Keras over three steps (biased variance over b·h·w); inference uses them', () => {
  const m = bnNet(0.8);
  let mean: number[] = [0, 0, 0], variance: number[] = [1, 1, 1];
  for (let step = 0; step < 3; step++) {
    const x = images(4 + step, 10 + step, step, 2 + 2 * step);
    m.trainOnBatch(x, images(4 + step, 20 + step));
    const s = ref.stats(x.data, (4 + step) * H * W, C);
    mean = mean.map((v, j) => 0.8 * v + 0.2 * s.mean[j]);
    variance = variance.map((v, j) => 0.8 * v + 0.2 * s.variance[j]);
    const w = m.getWeights();
    close(w[2].data, mean, 1e-6, 1e-5, `moving mean after step ${step + 1}`);
    close(w[3].data, variance, 1e-6, 1e-5, `moving variance after step ${step + 1}`);
  }
  const [gamma, beta, mm, mv] = m.getWeights().map((w) => w.data);
  const x = images(3, 30);
  close((m.predict(x) as Tensor).data, ref.normalize(x.data, 3 * H * W, C, mm, mv, 0.01, gamma, beta), 1e-5, 1e-5, 'inference output');
});

test('the statistics at the sizes of seed 000\'s CAE (128 images of 14×14, 32 channels: 25,088 rows a channel)', () => {
  const m = sequential([layers.batchNormalization({ inputShape: [14, 14, 32], momentum: 0 })], { seed: 1 });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const x = { data: rand(128 * 14 * 14 * 32, 7, 0, 2), shape: [128, 14, 14, 32] }; // relu-like activations
  m.trainOnBatch(x, x);
  const s = ref.stats(x.data, 128 * 14 * 14, 32);
  const w = m.getWeights();
  // momentum 0: the moving statistics are this batch's, summed in f32 over 25,088 rows
  close(w[2].data, s.mean, 0, 2e-5, 'mean');
  close(w[3].data, s.variance, 0, 2e-5, 'variance');
});

test('one image is a batch in training (its positions give the statistics); one sample of features is not', () => {
  const m = bnNet();
  m.trainOnBatch(images(1, 40), images(1, 41));
  assert.ok(m.getWeights()[2].data.some((v) => v !== 0), 'the moving mean moved');
  const flat = sequential([layers.batchNormalization({ inputShape: [3] })]);
  flat.compile({ optimizer: 'sgd', loss: 'mse' });
  const one = { data: Float32Array.of(1, 2, 3), shape: [1, 3] };
  assert.throws(() => flat.trainOnBatch(one, one), /batch normalization in training needs at least 2 samples per batch/);
});

test('tfjs-layers agrees: its BatchNormalization on images moves the moving statistics as lepton does', async () => {
  const t = tfl.sequential({ layers: [tfl.layers.batchNormalization({ inputShape: [H, W, C], momentum: 0.8, epsilon: 0.01 })] });
  t.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
  const m = bnNet(0.8);
  m.setWeights(t.getWeights().map((w) => ({ data: w.dataSync() as Float32Array, shape: w.shape })));
  for (let step = 0; step < 2; step++) {
    const x = images(5, 50 + step), y = images(5, 60 + step);
    await t.trainOnBatch(tf.tensor(x.data, x.shape), tf.tensor(y.data, y.shape));
    m.trainOnBatch(x, y);
  }
  const theirs = t.getWeights().map((w) => w.dataSync() as Float32Array);
  m.getWeights().forEach((w, i) => close(w.data, theirs[i], 1e-6, 1e-5, `${m.weights[i].name} after two steps`));
  const x = images(2, 70);
  close((m.predict(x) as Tensor).data, (t.predict(tf.tensor(x.data, x.shape)) as tf.Tensor).dataSync() as Float32Array, 1e-5, 1e-5, 'inference');
});

test.run();

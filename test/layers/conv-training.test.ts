// Training a conv model (issue 14): the weights after training are bit-identical on 1 and 2 threads
// (every conv and pooling kernel split), and after the first step a step takes nothing more from
// the arena (the geometry blocks, argmax and workspaces live in the step's scratch).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, optimizers, sequential } from '../../src/index.js';
import { tuning } from '../../src/wasm/parallel.js';
import { resetForTests, runtime, threadsReady, type RuntimeState } from '../../src/wasm/runtime.js';
import { rand } from '../helpers.js';

const defaults = { ...tuning };
test.after(() => {
  Object.assign(tuning, defaults);
  resetForTests();
});

const net = () => {
  const m = sequential([
    layers.conv2d(8, { kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [12, 11, 2] }),
    layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
    layers.conv2dTranspose(6, { kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }),
    layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
    layers.conv2d(5, { kernelSize: 2, dilationRate: 2, activation: 'elu' }),
    layers.flatten(),
    layers.dense(4, { activation: 'softmax' }),
  ], { seed: 9 });
  m.compile({ optimizer: optimizers.adam({ learningRate: 1e-2 }), loss: 'sparseCategoricalCrossentropy' });
  return m;
};
const n = 96;
const x = { data: rand(n * 12 * 11 * 2, 4, -1, 1), shape: [n, 12, 11, 2] };
const y = { data: Float32Array.from({ length: n }, (_, i) => (i * 5) % 4), shape: [n] };

test('weights after training a conv model are identical on 1 and 2 threads', async () => {
  resetForTests();
  const rt = (await init({ threads: 2 })) as RuntimeState;
  assert.is(await threadsReady(), 2, 'both threads started');
  tuning.minShare = 256; // every convolution splits
  tuning.minElements = 64; // and every pooling
  const trained = async (threads: number) => {
    rt.pool!.resize(threads);
    const m = net();
    await m.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 });
    return m.getWeights().map((w) => new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length));
  };
  const one = await trained(1);
  const jobs = rt.pool!.jobs;
  const two = await trained(2);
  assert.ok(rt.pool!.jobs - jobs > 50, `the 2-thread run split its kernels (${rt.pool!.jobs - jobs} jobs)`);
  one.forEach((w, i) => {
    const j = w.findIndex((v, k) => v !== two[i][k]);
    assert.ok(j < 0, `weight ${i} differs at element ${j}`);
  });
});

test('a batch large enough for dW in parts (f32_conv2d_dw_parts) trains to the same bits on 1 and 2 threads', async () => {
  resetForTests();
  const rt = (await init({ threads: 2 })) as RuntimeState;
  assert.is(await threadsReady(), 2, 'both threads started');
  Object.assign(tuning, defaults); // the shipped thresholds: the parts are what splits dW
  const big = () => {
    const m = sequential([
      layers.conv2d(8, { kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [16, 16, 1] }), // 64·256 pixels: 8 parts
      layers.conv2dTranspose(4, { kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }), // dW over 64·256 pixels of its input
      layers.globalAveragePooling2d(),
      layers.dense(3, { activation: 'softmax' }),
    ], { seed: 3 });
    m.compile({ optimizer: optimizers.adam({ learningRate: 1e-2 }), loss: 'sparseCategoricalCrossentropy' });
    return m;
  };
  const xs = { data: rand(128 * 256, 5, -1, 1), shape: [128, 16, 16, 1] };
  const ys = { data: Float32Array.from({ length: 128 }, (_, i) => i % 3), shape: [128] };
  const trained = async (threads: number) => {
    rt.pool!.resize(threads);
    const m = big();
    await m.fit(xs, ys, { epochs: 2, batchSize: 64, verbose: 0 });
    return m.getWeights().map((w) => new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length));
  };
  const one = await trained(1);
  const jobs = rt.pool!.jobs;
  const two = await trained(2);
  assert.ok(rt.pool!.jobs > jobs, 'the 2-thread run split its kernels');
  one.forEach((w, i) => {
    const j = w.findIndex((v, k) => v !== two[i][k]);
    assert.ok(j < 0, `weight ${i} differs at element ${j}`);
  });
});

test('after the first step, a training step takes nothing more from the arena', async () => {
  const m = net();
  const batch = { data: x.data.subarray(0, 32 * 264), shape: [32, 12, 11, 2] }, labels = { data: y.data.subarray(0, 32), shape: [32] };
  m.trainOnBatch(batch, labels);
  m.trainOnBatch(batch, labels);
  const used = runtime().arena.used();
  for (let i = 0; i < 5; i++) m.trainOnBatch(batch, labels);
  assert.is(runtime().arena.used(), used);
});

test.run();

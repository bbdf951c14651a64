// Issue 18's layers beyond what the table checks: Gaussian noise's statistics and its inference
// identity, layer normalization's per-sample statistics and one-sample batches, the embedding's
// lookup, Keras's default table, both call forms and its errors for ids that are not ids.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, model, sequential, type Tensor } from '../../src/index.js';
import { layernorm } from '../ref/layernorm.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const meanStd = (d: ArrayLike<number>) => {
  let s = 0, q = 0;
  for (let i = 0; i < d.length; i++) s += d[i];
  const m = s / d.length;
  for (let i = 0; i < d.length; i++) q += (d[i] - m) ** 2;
  return { m, sd: Math.sqrt(q / d.length) };
};

test('gaussianNoise: in training x + N(0, stddev²) from the model\'s seeded generator; at inference the identity', () => {
  const make = () => sequential([layers.gaussianNoise(0.25, { inputShape: [50] })], { seed: 3 });
  const net = make();
  const x = { data: rand(400 * 50, 1, -2, 2), shape: [400, 50] };
  const noisy = net.predict(x, { training: true });
  const { m, sd } = meanStd(noisy.data.map((v, i) => v - x.data[i]));
  assert.ok(Math.abs(m) < 0.01, `noise mean ${m}`);
  assert.ok(Math.abs(sd - 0.25) < 0.005, `noise std ${sd}`);
  assert.equal(Array.from(net.predict(x).data), Array.from(x.data), 'inference is the identity');
  assert.equal(Array.from(make().predict(x, { training: true }).data), Array.from(noisy.data), 'the same seed draws the same noise');
  assert.not.equal(Array.from(net.predict(x, { training: true }).data.subarray(0, 8)), Array.from(noisy.data.subarray(0, 8)), 'fresh noise every call');
  // a layer with its own seed: the same noise whatever the model's seed
  const own = (seed: number) => sequential([layers.gaussianNoise(0.25, { inputShape: [50], seed: 8 })], { seed }).predict(x, { training: true }).data;
  assert.equal(Array.from(own(1)), Array.from(own(2)), 'its own stream');
  assert.not.equal(Array.from(own(1).subarray(0, 8)), Array.from(noisy.data.subarray(0, 8)));
  assert.throws(() => layers.gaussianNoise(-1), /gaussian_noise\w*: stddev must be a finite number ≥ 0, got -1/);
  assert.is(layers.gaussianNoise({ stddev: 0.5 }).stddev, 0.5);
});

test('layerNormalization: each sample normalized over its last axis (Keras defaults ε = 1e-3, γ = 1, β = 0), the same in training and inference, one sample a batch', () => {
  const net = sequential([layers.layerNormalization({ inputShape: [3, 8] })]);
  const x = { data: rand(5 * 24, 2, -4, 6), shape: [5, 3, 8] };
  const y = net.predict(x);
  close(y.data, layernorm(x.data, 15, 8, 1e-3).y, 1e-5, 1e-4, 'against the float64 reference');
  assert.equal(Array.from(net.predict(x, { training: true }).data), Array.from(y.data), 'training = inference');
  const l = net.layers[0] as unknown as { epsilon: number; center: boolean; scale: boolean; axis: number };
  assert.equal([l.epsilon, l.center, l.scale, l.axis], [1e-3, true, true, -1]);
  net.compile({ optimizer: 'sgd', loss: 'mse' });
  const one = { data: x.data.subarray(0, 24), shape: [1, 3, 8] };
  assert.ok(Number.isFinite(net.trainOnBatch(one, one)), 'a batch of one sample trains');
  assert.throws(() => sequential([layers.layerNormalization({ inputShape: [3, 8], axis: 1 })]).getWeights(), /only the last axis \(−1\) can be normalized, got axis 1/);
  assert.throws(() => layers.layerNormalization({ epsilon: 0 }), /epsilon must be a finite number > 0, got 0/);
});

test('embedding: rows of the table by id, [batch, length] → [batch, length, outputDim]; Keras\'s uniform ±0.05; both call forms', () => {
  const net = sequential([layers.embedding(6, 4, { inputLength: 3 })], { seed: 1 });
  const ids = { data: Float32Array.of(0, 5, 2, 2, 2, 1), shape: [2, 3] };
  const y = net.predict(ids);
  assert.equal(y.shape, [2, 3, 4]);
  const table = net.getWeights()[0];
  assert.equal(table.shape, [6, 4]);
  assert.ok(table.data.every((v) => Math.abs(v) <= 0.05) && table.data.some((v) => Math.abs(v) > 0.03), 'uniform in ±0.05');
  ids.data.forEach((id, p) => assert.equal(Array.from(y.data.subarray(4 * p, 4 * p + 4)), Array.from(table.data.subarray(4 * id, 4 * id + 4)), `position ${p}`));
  const a = layers.embedding(6, 4, { name: 'e1' }).getConfig(), b = layers.embedding({ inputDim: 6, outputDim: 4, name: 'e2' }).getConfig();
  assert.equal({ ...a, name: '' }, { ...b, name: '' }, 'embedding(6, 4) is embedding({ inputDim: 6, outputDim: 4 })');
  // a functional model: ids from an input of shape [length]
  const t = input({ shape: [3] });
  assert.equal(model({ inputs: t, outputs: layers.embedding({ inputDim: 6, outputDim: 2 }).apply(t) }).outputs[0].shape, [3, 2]);
});

test('embedding: ids that are not whole numbers in [0, inputDim) are errors naming the id and its place; bad options too', () => {
  const net = sequential([layers.embedding({ inputDim: 6, outputDim: 4, inputLength: 3, name: 'emb' })]);
  const bad = (v: number) => ({ data: Float32Array.of(0, 1, 2, 3, v, 1), shape: [2, 3] });
  assert.throws(() => net.predict(bad(6)), /emb: id 6 at \[1, 1\] is not a whole number in \[0, 6\) \(inputDim 6\)/);
  assert.throws(() => net.predict(bad(-1)), /emb: id -1 at \[1, 1\]/);
  assert.throws(() => net.predict(bad(2.5)), /emb: id 2\.5 at \[1, 1\]/);
  assert.throws(() => layers.embedding({ inputDim: 0, outputDim: 2 }), /inputDim must be a whole number > 0, got 0/);
  assert.throws(() => layers.embedding({ inputDim: 4 } as never), /outputDim must be a whole number > 0, got undefined/);
  assert.throws(() => layers.embedding({ inputDim: 4, outputDim: 2, maskZero: true } as never), /layers\.embedding: unknown option 'maskZero'/);
  assert.throws(() => sequential([layers.embedding({ inputDim: 4, outputDim: 2, inputShape: [2, 3] })]).getWeights(), /expects ids \[\*, length\], got \[\*, 2, 3\]/);
  assert.throws(() => layers.embedding({ inputDim: 4, outputDim: 2, inputLength: 3, inputShape: [4] }), /inputLength 3 disagrees with inputShape \[4\]/);
});

test('embedding + flatten + dense learns which ids are even (training reaches the table)', async () => {
  const n = 256, len = 4, x = new Float32Array(n * len), y = new Float32Array(n);
  const r = rand(n * len, 9, 0, 10);
  for (let i = 0; i < n * len; i++) x[i] = Math.floor(r[i]);
  for (let i = 0; i < n; i++) y[i] = x[i * len] % 2 === 0 ? 1 : 0; // the first id's parity
  const net = sequential([layers.embedding({ inputDim: 10, outputDim: 4, inputLength: len }), layers.flatten(), layers.dense(1, { activation: 'sigmoid' })], { seed: 2 });
  net.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const before = net.getWeights()[0].data.slice();
  const h = await net.fit({ data: x, shape: [n, len] }, { data: y, shape: [n, 1] }, { epochs: 40, batchSize: 32, verbose: 0 });
  const acc = h.history.accuracy.at(-1)!;
  assert.ok(acc === 1, `accuracy ${acc}`);
  assert.ok(net.getWeights()[0].data.some((v, i) => v !== before[i]), 'the table was trained');
  const p = net.predict({ data: Float32Array.of(4, 1, 1, 1, 7, 0, 0, 0), shape: [2, len] }) as Tensor;
  assert.ok(p.data[0] > 0.5 && p.data[1] < 0.5, `p ${Array.from(p.data)}`);
});

test.run();

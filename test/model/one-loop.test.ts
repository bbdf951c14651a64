// One fit loop: arrays, an in-memory Dataset and a streaming Dataset of the same samples in the
// same order go through the same loop, so they give the same History keys, params and metrics and,
// with the same order, the same weights; validation, class weights and the NaN stop behave alike.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callbacks, data, init, layers, optimizers, sequential, TrainingError, type Dataset, type History, type Sequential } from '../../src/index.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url), { threads: 1 });
});

const N = 96, D = 3;
const x = Float32Array.from({ length: N * D }, (_, i) => Math.sin(i * 0.37));
const y = Float32Array.from({ length: N }, (_, i) => x[i * D] * 0.5 - x[i * D + 1] + 0.25 * x[i * D + 2]);
const labels = Float32Array.from({ length: N }, (_, i) => (y[i] > 0 ? 1 : 0));

function net(loss = 'mse', metrics = ['mae'], units = 1, lr = 0.01): Sequential {
  const m = sequential([layers.dense(8, { activation: 'tanh', inputShape: [D] }), layers.dense(units, units > 1 ? { activation: 'softmax' } : {})], { seed: 7 });
  m.compile({ optimizer: optimizers.adam({ learningRate: lr }), loss, metrics });
  return m;
}

/** The same samples as a stream, in storage order. */
const stream = (t: Float32Array | Int32Array, per = 1): Dataset => data.fromGenerator(function* () {
  for (let i = 0; i < N; i++) yield { x: x.subarray(i * D, (i + 1) * D), y: per === 1 ? t[i] : t.subarray(i * per, (i + 1) * per) };
});

const keys = (h: History) => Object.keys(h.history).sort();
const close = (a: number[], b: number[], tol: number, what: string) =>
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(v)), `${what}[${i}]: ${v} vs ${b[i]}`));
const flat = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(w.data));

test('arrays, an in-memory Dataset and a stream: same History keys, params, losses, metrics and weights', async () => {
  const args = { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 as const };
  const a = net(), b = net(), c = net();
  const ha = await a.fit({ data: x, shape: [N, D] }, y, args);
  const hb = await b.fit(data.fromArrays({ data: x, shape: [N, D] }, y).batch(16), args);
  const hc = await c.fit(stream(y).batch(16), args);
  assert.equal(keys(ha), ['loss', 'mae']);
  assert.equal(keys(hb), keys(ha));
  assert.equal(keys(hc), keys(ha));
  assert.equal(hb.params, ha.params);
  assert.equal(hc.params, ha.params); // a stream's steps and samples are counted in its first epoch
  assert.equal(ha.params, { epochs: 3, steps: 6, samples: N, verbose: 0 });
  assert.equal(hb.history.loss, ha.history.loss); // the same loop on the same arrays: bit for bit
  assert.equal(flat(b), flat(a));
  // A stream copies each batch before the same step: the same numbers.
  close(hc.history.loss, ha.history.loss, 1e-6, 'stream loss');
  close(hc.history.mae, ha.history.mae, 1e-6, 'stream mae');
  close(flat(c), flat(a), 1e-6, 'stream weights');
});

test('validation: arrays, in-memory and streaming validation data give the same val_ keys and values', async () => {
  const vx = { data: x.subarray(0, 32 * D), shape: [32, D] }, vy = { data: y.subarray(0, 32), shape: [32, 1] };
  const args = { epochs: 2, batchSize: 16, shuffle: false, verbose: 0 as const };
  const a = net(), b = net(), c = net();
  const ha = await a.fit({ data: x, shape: [N, D] }, y, { ...args, validationData: [vx, vy] });
  const hb = await b.fit(data.fromArrays({ data: x, shape: [N, D] }, y).batch(16), { ...args, validationData: data.fromArrays(vx, vy) });
  const hc = await c.fit(stream(y).batch(16), { ...args, validationData: stream(y).take(32) });
  assert.equal(keys(ha), ['loss', 'mae', 'val_loss', 'val_mae']);
  assert.equal(keys(hb), keys(ha));
  assert.equal(keys(hc), keys(ha));
  close(hb.history.val_mae, ha.history.val_mae, 1e-6, 'in-memory val_mae');
  close(hc.history.val_mae, ha.history.val_mae, 1e-6, 'stream val_mae');
  // validationSplit: arrays and an in-memory Dataset split the same last fraction.
  const d = net(), e = net();
  const hd = await d.fit({ data: x, shape: [N, D] }, y, { ...args, validationSplit: 0.25 });
  const he = await e.fit(data.fromArrays({ data: x, shape: [N, D] }, y).batch(16), { ...args, validationSplit: 0.25 });
  assert.equal(hd.params.samples, 72);
  assert.equal(he.history, hd.history);
  // A stream cannot be split: it says how to validate instead.
  await net().fit(stream(y), { ...args, validationSplit: 0.25 }).then(() => assert.unreachable('a stream took validationSplit'), (err: Error) => assert.match(err.message, /validationSplit needs an in-memory dataset/));
});

test('class weights and accuracy metrics: the same in a stream as in arrays', async () => {
  const args = { epochs: 2, batchSize: 32, shuffle: false, verbose: 0 as const, classWeight: { 0: 1, 1: 3 } };
  const a = net('sparseCategoricalCrossentropy', ['accuracy'], 2), c = net('sparseCategoricalCrossentropy', ['accuracy'], 2);
  const ha = await a.fit({ data: x, shape: [N, D] }, labels, args);
  const hc = await c.fit(stream(labels).batch(32), args);
  assert.equal(keys(hc), ['accuracy', 'loss']);
  close(hc.history.loss, ha.history.loss, 1e-6, 'weighted loss');
  close(hc.history.accuracy, ha.history.accuracy, 1e-6, 'accuracy');
  // Evaluation of a stream is over all its samples (not a mean of per-batch results).
  const ea = a.evaluate({ data: x, shape: [N, D] }, labels, { batchSize: 32 });
  const ec = await a.evaluate(stream(labels).batch(32));
  close([ec.loss, ec.accuracy], [ea.loss, ea.accuracy], 1e-6, 'evaluate');
});

test('a loss that stops being finite stops arrays and streams alike, with the History so far', async () => {
  const big = Float32Array.from(y, (v) => v * 1e30);
  for (const [what, run] of [
    ['arrays', (m: Sequential) => m.fit({ data: x, shape: [N, D] }, big, { epochs: 2, batchSize: 16, verbose: 0 })],
    ['stream', (m: Sequential) => m.fit(stream(big).batch(16), { epochs: 2, verbose: 0 })],
  ] as const) {
    const m = net('mse', ['mae'], 1, 1e3);
    const err = await run(m).then(() => null, (e: unknown) => e);
    assert.instance(err, TrainingError, what);
    assert.match((err as TrainingError).message, /training stopped at epoch 1, batch 1: the loss became (Infinity|NaN)/, what);
    assert.ok((err as TrainingError).history, `${what}: the History so far`);
  }
});

test('predict on a stream equals predict on the arrays; an unbuilt model is built from the first batch', async () => {
  const m = sequential([layers.dense(4, { activation: 'relu' }), layers.dense(2)], { seed: 3 });
  const p = await m.predict(stream(y).batch(10));
  assert.equal(p.shape, [N, 2]);
  assert.equal(Array.from(p.data), Array.from(m.predict({ data: x, shape: [N, D] }).data));
});

test('the progress bar over a stream counts batches in the first epoch and draws a bar once the steps are known', async () => {
  const lines: string[] = [];
  const bar = callbacks.progressBar({ write: (s) => lines.push(s) });
  await net().fit(stream(y).batch(16), { epochs: 2, verbose: 0, callbacks: [bar] });
  const first = lines.filter((l) => l.includes('Epoch 1/2'));
  const second = lines.filter((l) => l.includes('Epoch 2/2'));
  assert.ok(first.some((l) => /batch 6 - loss: /.test(l)), first.join('|'));
  assert.ok(second.some((l) => /\[=+\] 6\/6 - loss: /.test(l)), second.join('|'));
});

test.run();

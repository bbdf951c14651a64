// The functional API and the layers that came with it: batch-norm running statistics and modes,
// dropout only in training, determinism, memory after the first step, frozen layers and models,
// several outputs in fit/evaluate/predict, summary and getLayer, and build-time errors that name
// the layers involved.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callbacks, init, input, layers, model, optimizers, TrainingError, type Tensor } from '../../src/index.js';
import type { Node } from '../../src/graph.js';
import { runtime } from '../../src/wasm/runtime.js';
import { close, rand } from '../helpers.js';
import { SELU_ALPHA, SELU_LAMBDA } from '../ref/activations.js';
import * as ref from '../ref/batchnorm.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const data = (n: number, d: number, seed = 1) => ({ data: rand(n * d, seed, -2, 2), shape: [n, d] });

function bnNet(seed = 1) {
  const x = input({ shape: [3] });
  const h = layers.dense(4, { name: 'bn_dense' }).apply(x);
  const b = layers.batchNormalization({ name: 'bn', momentum: 0.9 }).apply(h);
  const out = layers.dense(1).apply(layers.activation('relu').apply(b));
  const net = model({ inputs: x, outputs: out, seed });
  net.compile({ optimizer: optimizers.sgd({ learningRate: 0.01 }), loss: 'mse' });
  return net;
}

test('batch norm: Keras weight order and defaults; a step moves the moving statistics by momentum with the biased variance', () => {
  const net = bnNet();
  const bn = net.getLayer('bn');
  assert.equal(bn.weights.map((w) => w.name.split('/')[1]), ['gamma', 'beta', 'moving_mean', 'moving_variance']);
  assert.equal(bn.weights.map((w) => w.trainable), [true, true, false, false]);
  const d = layers.batchNormalization();
  assert.is(d.momentum, 0.99);
  assert.is(d.epsilon, 1e-3);
  const x = data(8, 3), y = data(8, 1, 2);
  const w0 = net.getWeights();
  // The batch statistics of the dense output, from the weights before the step.
  const W = w0[0].data, bias = w0[1].data;
  const h = new Float64Array(8 * 4);
  for (let i = 0; i < 8; i++) for (let j = 0; j < 4; j++) {
    let s = bias[j];
    for (let q = 0; q < 3; q++) s += x.data[i * 3 + q] * W[q * 4 + j];
    h[i * 4 + j] = s;
  }
  const st = ref.stats(h, 8, 4);
  net.trainOnBatch(x, y);
  const w1 = net.getWeights();
  close(w1[4].data, Array.from(st.mean, (m) => 0.9 * 0 + 0.1 * m), 1e-6, 1e-5, 'moving mean');
  close(w1[5].data, Array.from(st.variance, (v) => 0.9 * 1 + 0.1 * v), 1e-6, 1e-5, 'moving variance (biased)');
});

test('batch norm: predict uses the moving statistics, fit the batch statistics; computeGradients updates nothing', () => {
  const net = bnNet();
  const x = data(16, 3), y = data(16, 1, 2);
  net.computeGradients(x, y);
  assert.equal(net.getWeights()[4].data, new Float32Array(4), 'no moving update from computeGradients');
  const ws = net.getWeights();
  ws[4] = { data: Float32Array.from([1, 2, 3, 4]), shape: [4] };
  ws[5] = { data: Float32Array.from([4, 3, 2, 1]), shape: [4] };
  net.setWeights(ws);
  const p1 = (net.predict(x) as Tensor).data;
  ws[4] = { data: new Float32Array(4), shape: [4] };
  net.setWeights(ws);
  const p2 = (net.predict(x) as Tensor).data;
  assert.not.equal(Array.from(p1), Array.from(p2), 'inference depends on the moving statistics');
  // One row at a time in inference equals the whole batch: no batch statistics.
  const one = (net.predict({ data: x.data.subarray(0, 3), shape: [1, 3] }) as Tensor).data;
  close(one, p2.subarray(0, 1), 0, 0, 'row 0 alone');
});

test('dropout is the identity in inference and scales kept values by 1/(1 − rate) in training; masks are reproducible', () => {
  const x = input({ shape: [50] });
  const out = layers.dropout(0.3).apply(x);
  const net = model({ inputs: x, outputs: out, seed: 4 });
  const xs = { data: new Float32Array(200).fill(1), shape: [4, 50] };
  assert.equal(Array.from((net.predict(xs) as Tensor).data), Array.from(xs.data));
  const dx = (net.backward(xs, { data: new Float32Array(200).fill(1), shape: [4, 50] }) as Tensor).data;
  const kept = dx.filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6), 'kept values scaled');
  assert.ok(kept.length > 100 && kept.length < 180, `kept ${kept.length} of 200`);
  const again = model({ inputs: x, outputs: out, seed: 4 });
  const dx2 = (again.backward(xs, { data: new Float32Array(200).fill(1), shape: [4, 50] }) as Tensor).data;
  assert.equal(Array.from(dx2), Array.from(dx), 'same seed, same mask');
  assert.throws(() => layers.dropout(1), /rate must be in \[0, 1\), got 1/);
});

test('alphaDropout keeps a SELU net near mean 0 and variance 1 in training', () => {
  const x = input({ shape: [4000] });
  const net = model({ inputs: x, outputs: layers.alphaDropout(0.2).apply(x), seed: 3 });
  // Standard normal inputs (SELU's fixed point) stay standard.
  const u = rand(4000 * 2, 5, 1e-7, 1);
  const z = Float32Array.from({ length: 4000 }, (_, i) => Math.sqrt(-2 * Math.log(u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]));
  // backward with dy = 1 gives the per-value scale s = a·keep; the training output is then
  // a·z + b where kept and a·α' + b where dropped.
  const s = (net.backward({ data: z, shape: [1, 4000] }, { data: new Float32Array(4000).fill(1), shape: [1, 4000] }) as Tensor).data;
  const a = s.find((v) => v !== 0)!, p = 0.2, ap = -SELU_LAMBDA * SELU_ALPHA, b = -a * ap * p;
  const y = Array.from(z, (v, i) => (s[i] !== 0 ? a * v + b : a * ap + b));
  const mean = y.reduce((q, v) => q + v, 0) / y.length, variance = y.reduce((q, v) => q + (v - mean) ** 2, 0) / y.length;
  assert.ok(Math.abs(mean) < 0.06 && Math.abs(variance - 1) < 0.08, `mean ${mean}, variance ${variance}`);
  assert.ok(Math.abs(s.filter((v) => v === 0).length / 4000 - p) < 0.03, 'about rate dropped');
  assert.equal(Array.from((net.predict({ data: z, shape: [1, 4000] }) as Tensor).data), Array.from(z), 'identity in inference');
});

test('the same seed gives bit-identical weights for a graph with batch norm and dropout', async () => {
  const run = async (seed: number) => {
    const x = input({ shape: [3] });
    const h = layers.dropout(0.2).apply(layers.batchNormalization().apply(layers.dense(8, { activation: 'relu' }).apply(x)));
    const net = model({ inputs: x, outputs: layers.dense(1).apply(layers.add().apply([h, layers.dense(8).apply(x)])), seed });
    net.compile({ optimizer: 'adam', loss: 'mse' });
    await net.fit(data(64, 3), data(64, 1, 9), { epochs: 2, batchSize: 16, verbose: 0 });
    return net.getWeights().flatMap((w) => Array.from(w.data));
  };
  const a = await run(5), b = await run(5), c = await run(6);
  assert.equal(a, b);
  assert.not.equal(a, c);
});

test('nothing is allocated from the arena after the first step (graph with batch norm, dropout, merges, two outputs)', async () => {
  const x = input({ shape: [3] });
  const h = layers.dense(8, { activation: 'relu' }).apply(x);
  const b = layers.dropout(0.1).apply(layers.batchNormalization().apply(h));
  const o1 = layers.dense(1).apply(layers.concatenate().apply([b, x]));
  const o2 = layers.dense(2, { activation: 'softmax' }).apply(layers.multiply().apply([b, h]));
  const net = model({ inputs: x, outputs: [o1, o2], seed: 2 });
  net.compile({ optimizer: 'adam', loss: ['mse', 'sparseCategoricalCrossentropy'], lossWeights: [1, 0.5], metrics: ['mae'] });
  const labels = { data: Float32Array.from({ length: 96 }, (_, i) => i % 2), shape: [96] };
  const used: number[] = [];
  const h2 = await net.fit(data(96, 3), [data(96, 1, 3), labels], {
    epochs: 2, batchSize: 16, verbose: 0, validationSplit: 0.25,
    callbacks: [callbacks.lambda({ onBatchEnd: () => { used.push(runtime().arena.used()); } })],
  });
  assert.ok(used.slice(1).every((u) => u === used[1]), `arena use per step: ${[...new Set(used)].join(', ')}`);
  const names = net.outputs.map((t) => t.name);
  assert.equal(Object.keys(h2.history).sort(), ['loss', `${names[0]}_loss`, `${names[0]}_mae`, `${names[1]}_loss`, `${names[1]}_mae`, 'val_loss', `val_${names[0]}_loss`, `val_${names[0]}_mae`, `val_${names[1]}_loss`, `val_${names[1]}_mae`].sort());
  const l = h2.history;
  close([l.loss[1]], [l[`${names[0]}_loss`][1] + 0.5 * l[`${names[1]}_loss`][1]], 1e-6, 1e-6, 'total = Σ lossWeight·loss');
  const p = net.predict(data(5, 3)) as Tensor[];
  assert.equal(p.map((t) => t.shape), [[5, 1], [5, 2]]);
  close(p[1].data.filter((_, i) => i % 2 === 0).map((v, i) => v + p[1].data[2 * i + 1]), new Float32Array(5).fill(1), 1e-6, 1e-6, 'softmax rows');
});

test('a non-finite loss leaves the weights of the last finite loss; the moving statistics of its good steps stay', async () => {
  const x = input({ shape: [1] });
  const net = model({ inputs: x, outputs: layers.dense(1).apply(layers.batchNormalization().apply(layers.dense(8, { activation: 'relu' }).apply(x))), seed: 2 });
  net.compile({ optimizer: optimizers.sgd({ learningRate: 1e6 }), loss: 'mse' });
  const begins: Tensor[][] = [];
  let lastEnd = net.getWeights();
  let err: unknown;
  try {
    await net.fit({ data: rand(64, 4, 100, 1000), shape: [64, 1] }, { data: rand(64, 5, 1e4, 1e5), shape: [64, 1] }, {
      epochs: 50, batchSize: 8, verbose: 0,
      callbacks: [callbacks.lambda({ onBatchBegin: () => { begins.push(net.getWeights()); }, onBatchEnd: () => { lastEnd = net.getWeights(); } })],
    });
  } catch (e) {
    err = e;
  }
  assert.instance(err, TrainingError);
  const undone = /undone/.test(String(err));
  const want = begins[begins.length - (undone ? 2 : 1)];
  // Keras order: dense kernel, bias, gamma, beta, moving mean, moving variance, dense kernel, bias.
  const moving = new Set([4, 5]);
  net.getWeights().forEach((w, i) => assert.equal(w, moving.has(i) ? lastEnd[i] : want[i], `weight ${i}`));
});

test('frozen layers and a frozen nested model get no updates; the nested model still trains on its own', () => {
  const zi = input({ shape: [2] });
  const gen = model({ inputs: zi, outputs: layers.dense(3, { name: 'g' }).apply(zi), name: 'generator', seed: 1 });
  const di = input({ shape: [3] });
  const disc = model({ inputs: di, outputs: layers.dense(1, { name: 'd', activation: 'sigmoid' }).apply(di), name: 'discriminator', seed: 2 });
  disc.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
  const z = input({ shape: [2] });
  const gan = model({ inputs: z, outputs: disc.apply(gen.apply(z)), name: 'gan', seed: 3 });
  disc.trainable = false;
  gan.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'binaryCrossentropy' });
  assert.equal(gan.layers.map((l) => l.name), ['generator', 'discriminator']);
  assert.is(gan.weights.length, 4);
  const g0 = gen.getWeights(), d0 = disc.getWeights();
  gan.trainOnBatch(data(4, 2), { data: new Float32Array(4).fill(1), shape: [4, 1] });
  assert.not.equal(gen.getWeights(), g0, 'the generator learned through the combined model');
  assert.equal(disc.getWeights(), d0, 'the frozen discriminator did not');
  disc.trainOnBatch(data(4, 3), { data: new Float32Array(4).fill(0), shape: [4, 1] });
  assert.not.equal(disc.getWeights(), d0, 'its own model still trains it');
  assert.match(gan.summary({ print: false }), /Trainable params: 9\n/);
});

test('summary shows the connections; getLayer; countParams counts shared weights once', () => {
  const x = input({ shape: [4], name: 'features' });
  const shared = layers.dense(4, { name: 'shared' });
  const a = shared.apply(x);
  const s = layers.add({ name: 'skip' }).apply([shared.apply(a), x]);
  const net = model({ inputs: x, outputs: s, name: 'resnet', seed: 1 });
  const text = net.summary({ print: false });
  assert.match(text, /features \(InputLayer\)\s+\[null, 4\]\s+0/);
  assert.match(text, /shared \(Dense\)\s+\[null, 4\]\s+20\s+features/);
  assert.match(text, /shared \(Dense\)\s+\[null, 4\]\s+0 \(shared\)\s+shared\[0\]/);
  assert.match(text, /skip \(Add\)\s+\[null, 4\]\s+0\s+shared\[1\], features/);
  assert.is(net.countParams(), 20);
  assert.is(net.getLayer('skip').className, 'Add');
  assert.throws(() => net.getLayer('nope'), /resnet has no layer 'nope'; layers: shared, skip/);
});

test('reshape and flatten pass values through; batch norm normalizes the last axis of a [*, 2, 3] input', () => {
  const x = input({ shape: [6] });
  const r = layers.reshape([2, -1]).apply(x);
  assert.equal(r.shape, [2, 3]);
  const b = layers.batchNormalization({ name: 'bn3', center: false, scale: false }).apply(r);
  const net = model({ inputs: x, outputs: layers.flatten().apply(b), seed: 1 });
  const dx = net.backward(data(4, 6), data(4, 6, 8)) as Tensor;
  assert.equal(dx.shape, [4, 6]);
  // Through the batch statistics of 8 rows × 3 channels, each channel's dx sums to zero.
  for (let j = 0; j < 3; j++) close([dx.data.filter((_, k) => k % 3 === j).reduce((q, v) => q + v, 0)], [0], 1e-5, 0, `channel ${j}`);
  assert.throws(() => layers.reshape([4, -1]).apply(x), /cannot reshape \[\*, 6\] \(6 values\) to \[\*, 4, -1\]/);
});

test('build-time errors name the layers: merge shapes, cycles, disconnected inputs, batch norm with a batch of 1', async () => {
  const a = input({ shape: [4], name: 'a' }), b = input({ shape: [3], name: 'b' });
  assert.throws(() => layers.add({ name: 'sum' }).apply([a, b]), /sum \(Add\) needs inputs of one shape, but a is \[\*, 4\] and b is \[\*, 3\]/);
  assert.throws(() => layers.subtract({ name: 'diff' }).apply([a, a, a]), /diff \(Subtract\) takes exactly 2 inputs, got 3/);
  assert.throws(() => layers.concatenate({ name: 'cat' }).apply([layers.reshape([2, 2]).apply(a), b]), /cat \(Concatenate\) needs inputs that agree on all but the last axis/);
  assert.throws(() => layers.multiply().apply([a]), /needs at least 2 inputs, got 1/);
  const shared = layers.dense(2, { name: 'sh' });
  shared.apply(a);
  assert.throws(() => shared.apply(b), /sh was built for input \[\*, 4\] and is shared, but b is \[\*, 3\]/);
  const h = layers.dense(2, { name: 'uses_b' }).apply(b);
  assert.throws(() => model({ inputs: [a], outputs: h }), /graph disconnected: uses_b needs b, which is not one of the model's inputs \(a\)/);
  assert.throws(() => model({ inputs: [a, b], outputs: layers.dense(1).apply(a) }), /input b is not connected to any output/);
  // A cycle cannot be made through apply(); edit a node by hand to check the sort rejects it.
  const c1 = layers.dense(4, { name: 'c1' }).apply(a);
  const c2 = layers.dense(4, { name: 'c2' }).apply(c1);
  (c1.node as Node).inputs[0] = c2;
  assert.throws(() => model({ inputs: a, outputs: c2 }), /graph has a cycle through c2 → c1 → c2/);
  const x = input({ shape: [2] });
  const net = model({ inputs: x, outputs: layers.dense(1).apply(layers.batchNormalization({ name: 'bn_one' }).apply(x)), seed: 1 });
  net.compile({ optimizer: 'sgd', loss: 'mse' });
  assert.throws(() => net.trainOnBatch(data(1, 2), data(1, 1)), /bn_one: batch normalization in training needs at least 2 samples per batch, but x has batches of 1/);
  const rejects = (p: Promise<unknown>, re: RegExp) => p.then(() => assert.unreachable(`expected ${re}`), (e) => assert.match((e as Error).message, re));
  await rejects(net.fit(data(9, 2), data(9, 1), { batchSize: 4, verbose: 0 }), /bn_one: .* leaves a last batch of 1 \(9 samples, batchSize 4\)/);
  await rejects(net.fit(data(8, 2), data(8, 1), { batchSize: 1, verbose: 0 }), /bn_one: .* has batches of 1/);
  (net.predict(data(1, 2)) as Tensor).data.forEach((v) => assert.ok(Number.isFinite(v), 'inference with one row is fine'));
  assert.throws(() => net.compile({ optimizer: 'sgd', loss: ['mse', 'mse'] }), /loss has 2 entries for 1 outputs/);
  assert.throws(() => layers.batchNormalization({ axis: 0 }).apply(a), /only the last axis/);
  assert.throws(() => layers.dense(2).apply([] as never), /apply expects a symbolic tensor/);
  const two = model({ inputs: [a, b], outputs: layers.concatenate().apply([a, b]), seed: 1 });
  assert.throws(() => two.predict(data(2, 4)), /has 2 inputs; pass an array of 2 tensors/);
});

test.run();

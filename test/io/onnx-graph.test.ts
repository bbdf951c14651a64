// ONNX export of the graph layers and functional models, run in onnxruntime-node against lepton's
// predict (|a − b| ≤ 1e-5·|b| + 1e-6): batch norm in inference form (trained moving statistics;
// features only, and channels-last after a reshape), dropout and alpha dropout (the identity),
// reshape, flatten, every merge layer, a shared layer, a nested model, several inputs and outputs.
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, model, optimizers, sequential, type Model, type Tensor } from '../../src/index.js';
import { rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

async function parity(m: Model, xs: Tensor[], outputNames?: string[]) {
  const session = await ort.InferenceSession.create(await m.toOnnx());
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => { feeds[name] = new ort.Tensor('float32', xs[i].data, xs[i].shape); });
  const got = await session.run(feeds);
  const p = m.predict(xs.length === 1 ? xs[0] : xs);
  const want = Array.isArray(p) ? p : [p];
  const names = outputNames ?? session.outputNames;
  assert.is(session.outputNames.length, want.length);
  want.forEach((w, o) => {
    const g = got[names[o]];
    assert.equal([...g.dims].map(Number), w.shape, `output ${names[o]} shape`);
    const d = g.data as Float32Array;
    for (let i = 0; i < w.data.length; i++) {
      if (!(Math.abs(d[i] - w.data[i]) <= 1e-5 * Math.abs(w.data[i]) + 1e-6)) assert.unreachable(`${m.name} ${names[o]}[${i}]: lepton ${w.data[i]}, onnxruntime ${d[i]}`);
    }
  });
}

const rows = 23;

test('batch norm (trained moving statistics), dropout, alpha dropout, reshape, channels-last batch norm, flatten match onnxruntime', async () => {
  const m = sequential([
    layers.dense(12, { inputShape: [5], activation: 'tanh' }),
    layers.batchNormalization({ momentum: 0.5 }),
    layers.dropout(0.3),
    layers.reshape([3, 4]),
    layers.batchNormalization({ momentum: 0.5, epsilon: 0.01 }),
    layers.batchNormalization({ center: false, scale: false }),
    layers.alphaDropout(0.2),
    layers.flatten(),
    layers.dense(3, { activation: 'softmax' }),
  ], { seed: 6, name: 'graph_layers' });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'categoricalCrossentropy' });
  const x = { data: rand(40 * 5, 1, -2, 2), shape: [40, 5] };
  await m.fit(x, { data: new Float32Array(120).map((_, i) => (i % 3 === 0 ? 1 : 0)), shape: [40, 3] }, { epochs: 3, batchSize: 8, verbose: 0 });
  await parity(m, [{ data: rand(rows * 5, 2, -3, 3), shape: [rows, 5] }], ['output']);
});

test('a functional DAG: two inputs, shared layer, residual add, every merge, a nested model, two outputs', async () => {
  const a = input({ shape: [6], name: 'a' });
  const b = input({ shape: [3], name: 'b' });
  const shared = layers.dense(6, { activation: 'tanh', biasInitializer: 'randomNormal' });
  const h = shared.apply(a);
  const res = layers.add().apply([shared.apply(h), a]);
  const bn = layers.batchNormalization().apply(res);
  const inner = (() => {
    const i = input({ shape: [3], name: 'inner_in' });
    const t = layers.dense(6, { activation: 'elu' }).apply(i);
    return model({ inputs: i, outputs: layers.batchNormalization().apply(layers.dropout(0.5).apply(t)), name: 'inner', seed: 2 });
  })();
  const enc = sequential([layers.dense(6, { inputShape: [6], activation: 'relu' }), layers.dense(6)], { name: 'enc', seed: 3 });
  const bEnc = inner.apply(b);
  const mixed = layers.average().apply([layers.multiply().apply([bn, bEnc, h]), layers.subtract().apply([enc.apply(bEnc), h]), bEnc]);
  const out1 = layers.dense(2, { name: 'out1' }).apply(mixed);
  const out2 = layers.dense(4, { activation: 'sigmoid', name: 'out2' }).apply(layers.concatenate().apply([mixed, b, h]));
  const m = model({ inputs: [a, b], outputs: [out1, out2], name: 'dag', seed: 11 });
  m.compile({ optimizer: 'adam', loss: ['mse', 'binaryCrossentropy'] });
  const xs = [{ data: rand(30 * 6, 3), shape: [30, 6] }, { data: rand(30 * 3, 4), shape: [30, 3] }];
  await m.fit(xs, [{ data: rand(60, 5), shape: [30, 2] }, { data: new Float32Array(120).fill(1), shape: [30, 4] }], { epochs: 2, batchSize: 10, verbose: 0 });
  await parity(m, [{ data: rand(rows * 6, 6, -2, 2), shape: [rows, 6] }, { data: rand(rows * 3, 7, -2, 2), shape: [rows, 3] }], ['out1', 'out2']);
});

test('outputs that are an input, or one tensor listed twice, get their own names', async () => {
  const a = input({ shape: [4], name: 'a' });
  const d = layers.dense(4, { name: 'd' }).apply(a);
  const m = model({ inputs: a, outputs: [d, a, d], name: 'aliases', seed: 1 });
  await parity(m, [{ data: rand(rows * 4, 8), shape: [rows, 4] }], ['d', 'a_1', 'd_1']);
});

test.run();

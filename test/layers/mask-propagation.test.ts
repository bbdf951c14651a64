// A masking layer's mask reaches the recurrent layer through the layers between that keep the
// timesteps (Keras's supports_masking: timeDistributed, dropout, activations, batch and layer
// normalization, gaussianNoise): a masked step leaves the state as it was, so a padded sequence
// gives what the same model gives on the sequence with its padded steps removed; also against
// tfjs-layers live, through the gradients (finite differences) and in the ONNX export.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, sequential, type Layer, type Model, type Tensor } from '../../src/index.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

const T = 6, F = 3, N = 5;
/** Sample i: its last i % 3 steps padding (zeros), and sample 1's step 2 too; the kept steps per sample. */
function padded(seed: number): { x: Float32Array; kept: number[][] } {
  const x = rand(N * T * F, seed, -1.5, 1.5), kept: number[][] = [];
  for (let i = 0; i < N; i++) {
    x.fill(0, (i * T + T - (i % 3)) * F, (i + 1) * T * F);
    if (i === 1) x.fill(0, (i * T + 2) * F, (i * T + 3) * F);
    kept.push([...Array(T).keys()].filter((t) => t < T - (i % 3) && !(i === 1 && t === 2)));
  }
  return { x, kept };
}

const stacks: [string, () => Layer[], boolean][] = [ // name, the layers between, deterministic in training
  ['timeDistributed(dense)', () => [layers.timeDistributed(layers.dense(4, { activation: 'tanh' }))], true],
  ['timeDistributed(dense) → layerNormalization → activation', () => [layers.timeDistributed(layers.dense(4)), layers.layerNormalization(), layers.activation('relu')], true],
  ['leakyReLU → elu → dropout → gaussianNoise', () => [layers.leakyReLU(), layers.elu(), layers.dropout(0.3), layers.gaussianNoise(0.2)], false],
  ['batchNormalization → softmax → alphaDropout', () => [layers.batchNormalization(), layers.softmax(), layers.alphaDropout(0.2)], false],
];

for (const [name, between, deterministic] of stacks) {
  test(`masking → ${name} → LSTM: padded sequences give what the sequences with their masked steps removed give`, () => {
    const make = (steps: number): Model => sequential([layers.masking({ inputShape: [steps, F] }), ...between(), layers.lstm(3, { recurrentActivation: 'hardSigmoid' })], { seed: 2 });
    const m = make(T);
    m.getWeights();
    m.setWeights(m.getWeights().map((w, i) => ({ data: w.data.map((v, k) => v + 0.3 * Math.sin(i * 7 + k)), shape: w.shape }))); // away from the initial values
    const { x, kept } = padded(4);
    for (const training of deterministic ? [false, true] : [false]) {
      const got = (m.predict({ data: x, shape: [N, T, F] }, { training }) as Tensor).data;
      kept.forEach((steps, i) => {
        const short = make(steps.length);
        short.getWeights();
        short.setWeights(m.getWeights());
        const xi = new Float32Array(steps.length * F);
        steps.forEach((t, s) => xi.set(x.subarray((i * T + t) * F, (i * T + t + 1) * F), s * F));
        const want = (short.predict({ data: xi, shape: [1, steps.length, F] }, { training }) as Tensor).data;
        close(got.subarray(i * 3, i * 3 + 3), want, 1e-6, 1e-5, `${name}, sample ${i} (${steps.length} steps), training ${training}`);
      });
    }
  });
}

test('masking → timeDistributed(dense) → activation → LSTM (returnSequences) → layerNormalization → SimpleRNN gives tfjs-layers\' outputs on padded sequences', () => {
  const m = sequential([
    layers.masking({ inputShape: [T, F] }), layers.timeDistributed(layers.dense(4)), layers.activation('tanh'),
    layers.lstm(4, { returnSequences: true, recurrentActivation: 'hardSigmoid' }), layers.layerNormalization(), layers.simpleRNN(2),
  ], { seed: 3 });
  m.getWeights();
  m.setWeights(m.weights.map((w, i) => ({ data: rand(w.size, 50 + i, -0.6, 0.6), shape: w.shape })));
  const t = tfl.sequential({ layers: [ // glorotNormal: tfjs-layers' orthogonal initializer fails in this setup ('rMat.flatten is not a function')
    tfl.layers.masking({ inputShape: [T, F] }), tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 4 }) }), tfl.layers.activation({ activation: 'tanh' }),
    tfl.layers.lstm({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid', recurrentInitializer: 'glorotNormal' }),
    tfl.layers.layerNormalization({ epsilon: 1e-3 }), tfl.layers.simpleRNN({ units: 2, recurrentInitializer: 'glorotNormal' }),
  ] });
  t.setWeights(m.getWeights().map((w) => tf.tensor(w.data, w.shape)));
  const { x } = padded(6);
  const want = (t.predict(tf.tensor(x, [N, T, F])) as tf.Tensor).dataSync() as Float32Array;
  close((m.predict({ data: x, shape: [N, T, F] }) as Tensor).data, want, 1e-6, 1e-5, 'lepton vs tfjs');
});

test('gradients through a mask carried by timeDistributed and layerNormalization (GRU) match finite differences', () => {
  const m = sequential([layers.masking({ inputShape: [T, F] }), layers.timeDistributed(layers.dense(3, { activation: 'tanh' })), layers.layerNormalization(), layers.gru(3, { resetAfter: false })], { seed: 4 });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  m.getWeights();
  m.setWeights(m.weights.map((w, i) => ({ data: rand(w.size, 60 + i, -0.7, 0.7), shape: w.shape })));
  const { x } = padded(8);
  const xs = { data: x, shape: [N, T, F] }, y = { data: rand(N * 3, 9, -1, 1), shape: [N, 3] };
  const got = m.computeGradients(xs, y);
  const loss = () => (m.predict(xs) as Tensor).data.reduce((s, v, k) => s + (v - y.data[k]) ** 2, 0) / (N * 3);
  const ws = m.getWeights();
  ws.forEach((w, i) => {
    const fd = Float64Array.from(w.data, (keep, k) => {
      const at = (e: number) => { w.data[k] = keep + e; m.setWeights(ws); const l = loss(); w.data[k] = keep; return l; };
      const g = (at(1e-3) - at(-1e-3)) / 2e-3;
      m.setWeights(ws);
      return g;
    });
    close(got.grads[i].data, fd, 5e-5, 2e-3, m.weights[i].name);
  });
});

test('ONNX export: the sequence lengths travel through timeDistributed and an activation to the LSTM (padding at the end), as onnxruntime runs it', async () => {
  const m = sequential([layers.masking({ inputShape: [T, F] }), layers.timeDistributed(layers.dense(4)), layers.activation('tanh'), layers.lstm(3), layers.dense(2)], { seed: 5 });
  m.getWeights();
  m.setWeights(m.weights.map((w, i) => ({ data: rand(w.size, 70 + i, -0.6, 0.6), shape: w.shape })));
  const x = rand(N * T * F, 10, -1.5, 1.5);
  for (let i = 0; i < N; i++) x.fill(0, (i * T + T - (i % 3)) * F, (i + 1) * T * F);
  const s = await ort.InferenceSession.create(await m.toOnnx());
  const got = (await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x, [N, T, F]) }))[s.outputNames[0]];
  const want = (m.predict({ data: x, shape: [N, T, F] }) as Tensor).data;
  close(got.data as Float32Array, want, 1e-6, 1e-5, 'onnxruntime vs lepton');
  const unmasked = sequential([layers.timeDistributed(layers.dense(4), { inputShape: [T, F] }), layers.activation('tanh'), layers.lstm(3), layers.dense(2)], { seed: 5 });
  unmasked.getWeights();
  unmasked.setWeights(m.getWeights());
  const plain = (unmasked.predict({ data: x, shape: [N, T, F] }) as Tensor).data;
  assert.ok(plain.some((v, k) => Math.abs(v - want[k]) > 1e-3), 'the mask changes the outputs (the padded samples differ)');
});

test.run();

// The recurrent layers beyond the table's rows (table.ts): masked, padded sequences against
// tfjs-layers' CPU backend, live and as the fixture test/fixtures/recurrent/ committed with its
// script (a masked step keeps the state, also in returnSequences' outputs), the ONNX export with
// masks and every activation pair, dropout, the gradients through masked steps against finite differences, Keras's initial weights (orthogonal
// recurrent kernel, unitForgetBias), and the errors for input that is not a sequence.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, sequential, type Model, type Tensor } from '../../src/index.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  tf.env().set('IS_TEST', true);
  await tf.setBackend('cpu');
});

const T = 6, F = 3;
/** [n, T, F] with sample i's steps from T − lens[i] on set to the mask value 0 (and one inner step of sample 1). */
function padded(n: number, seed: number): Tensor {
  const x = rand(n * T * F, seed, -2, 2);
  for (let i = 0; i < n; i++) x.fill(0, (i * T + T - (i % 4)) * F, (i + 1) * T * F);
  x.fill(0, (1 * T + 2) * F, (1 * T + 3) * F);
  return { data: x, shape: [n, T, F] };
}

function randomWeights(m: Model, seed: number): void {
  m.getWeights(); // builds the model
  m.setWeights(m.weights.map((w, i) => ({ data: rand(w.size, seed + i, -0.6, 0.6), shape: w.shape })));
}

for (const returnSequences of [false, true]) {
  test(`masked padded sequences: lepton's LSTM and SimpleRNN give tfjs-layers' outputs (returnSequences ${returnSequences})`, () => {
    const m = sequential([
      layers.masking({ inputShape: [T, F] }),
      layers.lstm(4, { returnSequences: true, recurrentActivation: 'hardSigmoid' }),
      layers.simpleRNN(3, { returnSequences }),
    ], { seed: 1 });
    randomWeights(m, 10);
    const t = tfl.sequential({ layers: [
      tfl.layers.masking({ inputShape: [T, F] }),
      tfl.layers.lstm({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid', recurrentInitializer: 'glorotNormal' }),
      tfl.layers.simpleRNN({ units: 3, returnSequences, recurrentInitializer: 'glorotNormal' }),
    ] });
    t.setWeights(m.getWeights().map((w) => tf.tensor(w.data, w.shape)));
    const x = padded(9, 3);
    const want = (t.predict(tf.tensor(x.data, x.shape)) as tf.Tensor).dataSync() as Float32Array;
    const got = (m.predict(x) as Tensor).data;
    close(got, want, 1e-6, 1e-5, `returnSequences ${returnSequences}`);
    if (returnSequences) { // sample 3's last three steps are padding: its outputs there repeat step 2's
      for (let s = 3; s < T; s++) for (let j = 0; j < 3; j++) assert.is(got[(3 * T + s) * 3 + j], got[(3 * T + 2) * 3 + j]);
    }
  });
}

test('ONNX export of masked sequences padded at the end: sequence_lens, as onnxruntime runs it (LSTM, GRU goBackwards, bidirectional)', async () => {
  const x = padded(8, 9);
  x.data.fill(1, (1 * T + 2) * F, (1 * T + 3) * F); // no inner masked step: ONNX cannot express one
  for (const rnn of [() => layers.lstm(3), () => layers.gru(3, { goBackwards: true }), () => layers.bidirectional(layers.lstm(2, { recurrentActivation: 'hardSigmoid' }))]) {
    const m = sequential([layers.masking({ inputShape: [T, F] }), rnn(), layers.dense(2)], { seed: 5 });
    randomWeights(m, 30);
    const session = await ort.InferenceSession.create(await m.toOnnx());
    const got = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape) }))[session.outputNames[0]];
    close(got.data as Float32Array, (m.predict(x) as Tensor).data, 1e-6, 1e-5, m.layers[1].className);
  }
});

test('ONNX export of every cell activation pair (Affine for linear, HardSigmoid) matches onnxruntime', async () => {
  const x = { data: rand(5 * T * F, 11), shape: [5, T, F] };
  for (const [activation, recurrentActivation] of [['linear', 'sigmoid'], ['relu', 'hardSigmoid'], ['tanh', 'linear'], ['sigmoid', 'relu']]) {
    for (const cell of [layers.lstm, layers.gru]) {
      const m = sequential([cell(3, { inputShape: [T, F], activation, recurrentActivation, returnSequences: true }), layers.simpleRNN(2, { activation })], { seed: 6 });
      randomWeights(m, 40);
      const s = await ort.InferenceSession.create(await m.toOnnx());
      const got = (await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape) }))[s.outputNames[0]];
      close(got.data as Float32Array, (m.predict(x) as Tensor).data, 1e-6, 1e-5, `${m.layers[0].className} ${activation}/${recurrentActivation}`);
    }
  }
});

test('the committed tfjs-layers fixture (masked, padded; LSTM sigmoid gates → bidirectional LSTM → SimpleRNN): lepton gives its outputs', () => {
  const f = JSON.parse(readFileSync(new URL('../fixtures/recurrent/tfjs-lstm.json', import.meta.url), 'utf8')) as { T: number; F: number; N: number; x: number[]; y: number[]; weights: { shape: number[]; data: number[] }[] };
  const m = sequential([
    layers.masking({ inputShape: [f.T, f.F] }), layers.lstm(5, { returnSequences: true }),
    layers.bidirectional(layers.lstm(3, { returnSequences: true })), layers.simpleRNN(2),
  ], { seed: 7 });
  m.getWeights();
  m.setWeights(f.weights.map((w) => ({ data: Float32Array.from(w.data), shape: w.shape })));
  close((m.predict({ data: Float32Array.from(f.x), shape: [f.N, f.T, f.F] }) as Tensor).data, f.y, 1e-6, 1e-5, 'tfjs fixture');
});

test('gradients through masked steps (LSTM, GRU, goBackwards) match finite differences', () => {
  for (const rnn of [() => layers.lstm(3, { returnSequences: true }), () => layers.gru(3, { goBackwards: true })]) {
    const m = sequential([layers.masking({ inputShape: [T, F] }), rnn(), layers.flatten(), layers.dense(2)], { seed: 2 });
    randomWeights(m, 20);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = padded(5, 4), y = { data: rand(10, 5), shape: [5, 2] };
    const got = m.computeGradients(x, y);
    const loss = (): number => {
      const p = (m.predict(x) as Tensor).data;
      return p.reduce((s, v, k) => s + (v - y.data[k]) ** 2, 0) / p.length;
    };
    const ws = m.getWeights();
    ws.forEach((w, i) => {
      const fd = Float64Array.from(w.data, (keep, k) => {
        const at = (h: number) => { w.data[k] = keep + h; m.setWeights(ws); const l = loss(); w.data[k] = keep; return l; };
        const d = (at(1e-3) - at(-1e-3)) / 2e-3;
        m.setWeights(ws);
        return d;
      });
      close(got.grads[i].data, fd, 5e-5, 2e-3, `${m.weights[i].name}`);
    });
  }
});

test('dropout: in training one mask per sample and feature for all timesteps, kept values scaled by 1/(1 − rate); none in inference', () => {
  // h_t = x_t·I + h_{t−1}·0: the layer's output is its dropped input
  const m = sequential([layers.simpleRNN(F, { inputShape: [T, F], activation: 'linear', useBias: false, returnSequences: true, dropout: 0.5 })], { seed: 4 });
  m.getWeights();
  m.setWeights([{ data: Float32Array.from({ length: F * F }, (_, i) => (i % (F + 1) === 0 ? 1 : 0)), shape: [F, F] }, { data: new Float32Array(F * F), shape: [F, F] }]);
  const n = 40, x = { data: rand(n * T * F, 6, 0.5, 1.5), shape: [n, T, F] };
  close((m.predict(x) as Tensor).data, x.data, 1e-6, 1e-6, 'inference');
  const y = (m.predict(x, { training: true }) as Tensor).data;
  let dropped = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < F; j++) {
    const r = y[i * T * F + j] / x.data[i * T * F + j];
    assert.ok(Math.abs(r) < 1e-6 || Math.abs(r - 2) < 1e-5, `ratio ${r}`);
    for (let t = 1; t < T; t++) assert.ok(Math.abs(y[(i * T + t) * F + j] / x.data[(i * T + t) * F + j] - r) < 1e-5, 'the same mask at every timestep');
    dropped += r < 1 ? 1 : 0;
  }
  assert.ok(dropped > 0.3 * n * F && dropped < 0.7 * n * F, `${dropped} of ${n * F} dropped at rate 0.5`);
});

test('Keras initial weights: an orthogonal recurrent kernel (rows orthonormal), the forget gate bias at 1', () => {
  const m = sequential([layers.lstm(5, { inputShape: [T, F] })], { seed: 3 });
  const [, u, bias] = m.getWeights();
  assert.equal(u.shape, [5, 20]);
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
    let dot = 0;
    for (let c = 0; c < 20; c++) dot += u.data[i * 20 + c] * u.data[j * 20 + c];
    assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `U·Uᵀ[${i}][${j}] = ${dot}`);
  }
  assert.equal(Array.from(bias.data), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, ...new Array(10).fill(0)]);
  const g = sequential([layers.gru(4, { inputShape: [T, F] })], { seed: 3 });
  assert.equal(g.getWeights()[2].shape, [2, 12], 'GRU bias [2, 3·units] (resetAfter)');
  const g2 = sequential([layers.gru(4, { inputShape: [T, F], resetAfter: false })], { seed: 3 });
  assert.equal(g2.getWeights()[2].shape, [12], 'GRU bias [3·units] (resetAfter false)');
});

test('bad input: a flat input says sequences are [batch, timesteps, features]; a wrong feature count names the layer', () => {
  assert.throws(() => sequential([layers.lstm(4, { inputShape: [8] })]).getWeights(), (e: Error) => /lstm.*sequences are \[batch, timesteps, features\], got an input \[\*, 8\]/.test(e.message));
  assert.throws(() => sequential([layers.dense(8, { inputShape: [3] }), layers.gru(2)]).getWeights(), (e: Error) => /gru.*sequences are \[batch, timesteps, features\]/.test(e.message));
  const shared = layers.simpleRNN(2, { name: 'shared_rnn' });
  shared.apply(input({ shape: [T, F] }));
  assert.throws(() => shared.apply(input({ shape: [T, F + 1] })), (e: Error) => /shared_rnn was built for input \[\*, 6, 3\]/.test(e.message));
  const m = sequential([layers.lstm(2, { name: 'tagger', inputShape: [T, F] })]);
  assert.throws(() => m.predict({ data: new Float32Array(2 * T * (F + 1)), shape: [2, T, F + 1] }), (e: Error) => /tagger expects input \[\*, 6, 3\], got x of shape \[2, 6, 4\]/.test(e.message));
});

test.run();

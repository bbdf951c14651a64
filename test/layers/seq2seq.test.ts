// An encoder–decoder (seq2seq) from returnState and initialState (issue 17): the encoder's last
// states start the decoder, which reads the input reversed out of them. Trained end to end, it
// beats the same decoder started from zeros; a save/load round trip predicts the same bits; the
// gradients through the states alone (the encoder's output unused) match finite differences;
// the errors of a wrong call name the layer.
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, loadModel, model, optimizers, sequential, type Model, type Tensor } from '../../src/index.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const T = 4, F = 2, n = 192;
/** x [n, T, F] in ±1; the target is x reversed in time; the decoder's inputs are zeros (nothing to copy from). */
function data(seed: number): { x: Tensor; d: Tensor; y: Tensor } {
  const x = rand(n * T * F, seed, -1, 1), y = new Float32Array(n * T * F);
  for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) for (let j = 0; j < F; j++) y[(i * T + t) * F + j] = x[(i * T + T - 1 - t) * F + j];
  return { x: { data: x, shape: [n, T, F] }, d: { data: new Float32Array(n * T * F), shape: [n, T, F] }, y: { data: y, shape: [n, T, F] } };
}

function seq2seq(useStates: boolean, seed = 5): Model {
  const x = input({ shape: [T, F], name: 'x' }), d = input({ shape: [T, F], name: 'dec_in' });
  const [, h, c] = layers.lstm(24, { returnState: true, name: 'encoder' }).apply(x);
  const dec = layers.lstm(24, { returnSequences: true, name: 'decoder' }).apply(d, useStates ? { initialState: [h, c] } : {});
  const out = layers.timeDistributed(layers.dense(F), { name: 'head' }).apply(dec);
  // without the states the encoder still runs (its output joins the loss with weight 0 via a dense of zeros)
  const m = model({ inputs: [x, d], outputs: useStates ? out : layers.add().apply([out, layers.reshape([T, F]).apply(layers.dense(T * F, { kernelInitializer: 'zeros', trainable: false }).apply(h))]), seed });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
  return m;
}

test('a seq2seq trained end to end reverses its input through the states, far better than the decoder started from zeros', async () => {
  const { x, d, y } = data(1);
  const losses: Record<string, number[]> = {};
  for (const useStates of [true, false]) {
    const m = seq2seq(useStates);
    const h = await m.fit([x, d], y, { epochs: 60, batchSize: 32, verbose: 0 });
    losses[String(useStates)] = h.history.loss as number[];
  }
  const [withS, without] = [losses.true, losses.false];
  // measured: 0.301 → 0.0019 with the states, 0.331 → 0.328 from zeros (the decoder can only learn the mean)
  assert.ok(withS[withS.length - 1] < 0.05, `the loss fell: ${withS[0].toFixed(3)} → ${withS[withS.length - 1].toFixed(4)}`);
  assert.ok(withS[withS.length - 1] < 0.1 * without[without.length - 1], `with the states ${withS[withS.length - 1].toFixed(3)}, from zeros ${without[without.length - 1].toFixed(3)} (which can only learn the mean)`);
});

test('seq2seq: save and load round-trip the graph with its state references, predictions bit for bit', async () => {
  const { x, d, y } = data(2);
  const a = seq2seq(true, 7);
  await a.fit([x, d], y, { epochs: 1, batchSize: 32, verbose: 0 });
  const saved = await a.save();
  assert.match(saved.json, /\["encoder",0,1\]/, 'h referenced as output 1 of the encoder');
  assert.match(saved.json, /\["encoder",0,2\]/, 'c as output 2');
  const b = await loadModel<Model>(saved);
  assert.is((await b.save()).json, saved.json, 're-saving gives the same JSON');
  const bits = (m: Model) => Array.from(new Uint32Array((m.predict([x, d]) as Tensor).data.buffer));
  assert.equal(bits(b), bits(a), 'predict');
});

test('seq2seq: gradients through the states alone (the encoder\'s output unused, only h and c reach the loss) match finite differences', () => {
  const x = input({ shape: [3, 2] }), d = input({ shape: [2, 3] });
  for (const cell of ['lstm', 'gru', 'gruBefore', 'simpleRNN'] as const) {
    const enc = cell === 'lstm' ? layers.lstm(3, { returnState: true }) : cell === 'simpleRNN' ? layers.simpleRNN(3, { returnState: true }) : layers.gru(3, { returnState: true, resetAfter: cell === 'gru' });
    const states = [...enc.apply(x)].slice(1);
    const dec = (cell === 'lstm' ? layers.lstm(3) : cell === 'simpleRNN' ? layers.simpleRNN(3) : layers.gru(3, { resetAfter: cell === 'gru' })).apply(d, { initialState: states });
    const m = model({ inputs: [x, d], outputs: layers.dense(2).apply(dec), seed: 3 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    m.setWeights(m.getWeights().map((w, i) => ({ data: rand(w.data.length, 40 + i, -0.7, 0.7), shape: w.shape })));
    const xs = [{ data: rand(5 * 6, 1, -1, 1), shape: [5, 3, 2] }, { data: rand(5 * 6, 2, -1, 1), shape: [5, 2, 3] }];
    const yv = { data: rand(10, 3, -1, 1), shape: [5, 2] };
    const got = m.computeGradients(xs, yv);
    const loss = () => (m.predict(xs) as Tensor).data.reduce((s, v, k) => s + (v - yv.data[k]) ** 2, 0) / 10;
    const ws = m.getWeights();
    ws.forEach((w, i) => {
      const fd = Float64Array.from(w.data, (keep, k) => {
        const at = (e: number) => { w.data[k] = keep + e; m.setWeights(ws); const l = loss(); w.data[k] = keep; return l; };
        const g = (at(1e-3) - at(-1e-3)) / 2e-3;
        m.setWeights(ws);
        return g;
      });
      close(got.grads[i].data, fd, 5e-5, 2e-3, `${cell}: ${m.weights[i].name}`);
      if (i < enc.weights.length) assert.ok(got.grads[i].data.some((v) => v !== 0), `${cell}: the encoder's ${m.weights[i].name} learns through the states`);
    });
  }
});

test('ONNX export of returned and given states (goBackwards, masked end padding, GRU resetAfter false, SimpleRNN) matches onnxruntime', async () => {
  const x = input({ shape: [5, 3] }), d = input({ shape: [4, 2] });
  const m0 = layers.masking().apply(x);
  const [, h, c] = layers.lstm(4, { returnState: true, goBackwards: true }).apply(m0);
  const [gs, gh] = layers.gru(4, { returnSequences: true, returnState: true, resetAfter: false, recurrentActivation: 'hardSigmoid' }).apply(m0, { initialState: [h] });
  const [, rh] = layers.simpleRNN(4, { returnState: true }).apply(gs, { initialState: [gh] });
  const dec = layers.lstm(4, { returnSequences: true, goBackwards: true }).apply(d, { initialState: [h, c] });
  const out = layers.concatenate().apply([layers.flatten().apply(dec), rh, c]);
  const m = model({ inputs: [x, d], outputs: [out, gh], seed: 9 });
  m.setWeights(m.getWeights().map((w, i) => ({ data: rand(w.data.length, 80 + i, -0.6, 0.6), shape: w.shape })));
  const xv = rand(6 * 5 * 3, 11, -1.5, 1.5);
  for (let i = 0; i < 6; i++) xv.fill(0, (i * 5 + 5 - (i % 3)) * 3, (i + 1) * 5 * 3); // padded ends
  const xs = [{ data: xv, shape: [6, 5, 3] }, { data: rand(6 * 8, 12, -1, 1), shape: [6, 4, 2] }];
  const s = await ort.InferenceSession.create(await m.toOnnx());
  const got = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', xs[0].data, xs[0].shape), [s.inputNames[1]]: new ort.Tensor('float32', xs[1].data, xs[1].shape) });
  const want = m.predict(xs) as Tensor[];
  s.outputNames.forEach((name, o) => close(got[name].data as Float32Array, want[o].data, 1e-6, 1e-5, `output ${o}`));
});

test('returnState and initialState errors name the layer; a sequential model refuses several outputs', () => {
  const x = input({ shape: [3, 2] });
  const h = layers.dense(4).apply(input({ shape: [5] }));
  assert.throws(() => layers.lstm(4, { name: 'dec1' }).apply(x, { initialState: [h] }), (e: Error) => /dec1 takes a sequence and the initial states \[h0, c0\], got 2 inputs/.test(e.message));
  assert.throws(() => layers.gru(3, { name: 'dec2' }).apply(x, { initialState: [h] }), (e: Error) => /dec2: initial state .* must be \[batch, 3\], got \[\*, 4\]/.test(e.message));
  assert.throws(() => layers.lstm(4, { name: 'dec3' }).apply(x, { initial: [h] } as never), /dec3\.apply/);
  assert.throws(() => layers.lstm(4, { returnState: 'yes' as never, name: 'enc4' }), (e: Error) => /enc4: returnState must be true or false/.test(e.message));
  assert.throws(() => sequential([layers.lstm(4, { inputShape: [3, 2], returnState: true, name: 'enc5' })]).getWeights(), (e: Error) => /enc5 has several outputs \(returnState\).*functional model/.test(e.message));
  assert.throws(() => layers.bidirectional(layers.lstm(4, { returnState: true, name: 'enc6' })), (e: Error) => /enc6 has returnState/.test(e.message));
  const [y, hh] = layers.simpleRNN(4, { returnState: true }).apply(x);
  assert.equal([y.shape, hh.shape], [[4], [4]], 'SimpleRNN: [output, h]');
  assert.is([...layers.gru(4).apply(x)].length, 1, 'without returnState the call iterates as [output]');
});

test.run();

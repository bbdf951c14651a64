// The recurrent layers' options beyond the first set (issue 17's second part): GRU resetAfter false
// (Keras 2's and TF.js's form) imported from a committed tfjs-layers model (test/fixtures/recurrent/
// tfjs-gru.json, made by its script) and checked against its outputs on masked, padded sequences;
// its config and errors; recurrentDropout (one mask per sequence on h_{t−1} where it enters the
// recurrent matmul, training only; its gradients are the table rows', with the mask fixed by the seed).
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, loadModel, sequential, type Model, type Tensor } from '../../src/index.js';
import { ModelFormatError } from '../../src/io/errors.js';
import { builtinLayers } from '../../src/io/layers.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

test('the committed tfjs-layers GRU model (reset_after false, hard_sigmoid and sigmoid gates, masked, bidirectional, goBackwards) imports and gives its outputs', async () => {
  const f = JSON.parse(readFileSync(new URL('../fixtures/recurrent/tfjs-gru.json', import.meta.url), 'utf8')) as {
    T: number; F: number; N: number; x: number[]; y: number[]; modelTopology: object; weightSpecs: object[]; weightData: string;
  };
  const m = await loadModel<Model>({ modelTopology: f.modelTopology, weightSpecs: f.weightSpecs, weightData: new Uint8Array(Buffer.from(f.weightData, 'base64')) } as Parameters<typeof loadModel>[0]);
  const grus = m.layers.filter((l) => l.className === 'GRU');
  assert.is(grus.length, 2, 'two GRU layers (and one in the bidirectional)');
  for (const g of grus) assert.is(g.getConfig().resetAfter, false, `${g.name}: resetAfter false`);
  assert.is(grus[0].getConfig().recurrentActivation, 'hardSigmoid', "TF.js's default gates kept");
  assert.equal(grus[0].weights.map((w) => w.shape), [[f.F, 15], [5, 15], [15]], 'one bias [3·units]');
  const x = { data: Float32Array.from(f.x), shape: [f.N, f.T, f.F] };
  close((m.predict(x) as Tensor).data, f.y, 1e-6, 1e-5, 'lepton vs tfjs-layers');
});

test('GRU resetAfter: in the config, read back; a value that is not a boolean is refused naming the layer', async () => {
  const m = sequential([layers.gru(3, { inputShape: [4, 2], resetAfter: false, name: 'g0' })], { seed: 1 });
  assert.is(m.layers[0].getConfig().resetAfter, false);
  assert.is(sequential([layers.gru(3, { inputShape: [4, 2] })]).layers[0].getConfig().resetAfter, true, "Keras 3's default");
  assert.throws(() => layers.gru(3, { resetAfter: 'no' as never, name: 'g1' }), (e: Error) => /g1: resetAfter must be true or false, got "no"/.test(e.message));
});

test('recurrentDropout: one mask per sample and unit for all timesteps on h_{t−1} in the recurrent matmul, scaled by 1/(1 − rate); none in inference', () => {
  // h_t = x_t·I + (h_{t−1} ⊙ m)·I with x_t = 1: with m fixed a unit runs 1, 1 + m, 1 + m + m², …
  // (m = 0: 1, 1, 1, …; m = 2: 1, 3, 7, 15, …); a mask redrawn per step would give others (3 then 1)
  const T = 5, u = 3, n = 40;
  const m = sequential([layers.simpleRNN(u, { inputShape: [T, u], activation: 'linear', useBias: false, returnSequences: true, recurrentDropout: 0.5 })], { seed: 4 });
  m.getWeights();
  const eye = Float32Array.from({ length: u * u }, (_, i) => (i % (u + 1) === 0 ? 1 : 0));
  m.setWeights([{ data: eye, shape: [u, u] }, { data: eye.slice(), shape: [u, u] }]);
  const x = { data: new Float32Array(n * T * u).fill(1), shape: [n, T, u] };
  const inf = (m.predict(x) as Tensor).data;
  for (let i = 0; i < n; i++) for (let t = 0; t < T; t++) for (let j = 0; j < u; j++) assert.is(inf[(i * T + t) * u + j], t + 1, 'inference: no dropout');
  const y = (m.predict(x, { training: true }) as Tensor).data;
  let dropped = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < u; j++) {
    const kept = y[(i * T + 1) * u + j] === 3;
    for (let t = 0; t < T; t++) assert.is(y[(i * T + t) * u + j], kept ? 2 ** (t + 1) - 1 : 1, `sample ${i} unit ${j} step ${t}: the same mask at every step`);
    dropped += kept ? 0 : 1;
  }
  assert.ok(dropped > 0.3 * n * u && dropped < 0.7 * n * u, `${dropped} of ${n * u} dropped at rate 0.5`);
});

test('recurrentDropout: LSTM and GRU (both resetAfter) predict as without it, train with it, and keep it in their config; bad rates name the layer', () => {
  const x = { data: rand(6 * 4 * 3, 8, -1, 1), shape: [6, 4, 3] };
  for (const make of [(r: number) => layers.lstm(5, { inputShape: [4, 3], recurrentDropout: r }), (r: number) => layers.gru(5, { inputShape: [4, 3], recurrentDropout: r }),
    (r: number) => layers.gru(6, { inputShape: [4, 3], recurrentDropout: r, resetAfter: false })]) {
    const a = sequential([make(0.5)], { seed: 3 }), b = sequential([make(0)], { seed: 3 });
    b.setWeights(a.getWeights());
    const name = `${a.layers[0].className} resetAfter ${a.layers[0].getConfig().resetAfter}`;
    assert.equal(Array.from((a.predict(x) as Tensor).data), Array.from((b.predict(x) as Tensor).data), `${name}: inference unchanged`);
    const ta = (a.predict(x, { training: true }) as Tensor).data, tb = (b.predict(x, { training: true }) as Tensor).data;
    assert.ok(ta.some((v, i) => Math.abs(v - tb[i]) > 1e-4), `${name}: training drops`);
    assert.is(a.layers[0].getConfig().recurrentDropout, 0.5, `${name}: config`);
    assert.is('recurrentDropout' in b.layers[0].getConfig(), false, `${name}: 0 is not written (older files stay byte for byte)`);
  }
  assert.throws(() => layers.lstm(3, { recurrentDropout: 1, name: 'enc' }), (e: Error) => /enc: recurrentDropout must be in \[0, 1\), got 1/.test(e.message));
  assert.throws(() => layers.simpleRNN(3, { recurrentDropout: -0.1, name: 'r1' }), (e: Error) => /r1: recurrentDropout must be in \[0, 1\), got -0.1/.test(e.message));
  const read = (cls: string, c: Record<string, unknown>) => () => builtinLayers.get(cls)!.fromConfig(c, 'layers[1].config');
  assert.throws(read('LSTM', { units: 3, name: 'l', recurrentDropout: 2 }), (e: Error) => e instanceof ModelFormatError && /layers\[1\]\.config: l: recurrentDropout must be in \[0, 1\), got 2/.test(e.message));
  assert.throws(read('GRU', { units: 3, name: 'g', recurrentDropout: 'x' }), (e: Error) => e instanceof ModelFormatError && /recurrentDropout/.test(e.message));
  assert.throws(read('GRU', { units: 3, name: 'g', resetAfter: 1 }), (e: Error) => e instanceof ModelFormatError && /resetAfter/.test(e.message));
});

test.run();

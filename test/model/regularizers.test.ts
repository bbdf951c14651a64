// L1 and L1L2 penalties against their closed forms: with the same weights and data, the loss of a
// model with the penalty minus the loss without it is λ₁Σ|W| + λ₂ΣW², and the gradients differ by
// λ₁·sign(W) + 2λ₂·W; the penalties survive save/load and come in from TF.js's L1 and L1L2.
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, loadModel, regularizers, sequential } from '../../src/index.js';
import type { Regularizer } from '../../src/layers/layer.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const x = { data: rand(6 * 3, 1), shape: [6, 3] }, y = { data: rand(6 * 2, 2), shape: [6, 2] };
const net = (r?: Regularizer) => {
  const m = sequential([layers.dense(2, { inputShape: [3], kernelRegularizer: r })], { seed: 7 });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};

const cases: [string, Regularizer, number, number][] = [
  ['l1(0.03)', regularizers.l1(0.03), 0.03, 0],
  ['l1({ l1: 0.02 })', regularizers.l1({ l1: 0.02 }), 0.02, 0],
  ['l1l2({ l1: 0.02, l2: 0.05 })', regularizers.l1l2({ l1: 0.02, l2: 0.05 }), 0.02, 0.05],
  ['l1l2() (0.01 each, as Keras and TF.js)', regularizers.l1l2(), 0.01, 0.01],
];

for (const [name, r, l1, l2] of cases) {
  test(`${name}: loss and gradient add the closed form`, () => {
    const plain = net(), pen = net(r);
    const w = plain.getWeights();
    w[0].data[1] = 0; // sign(0) = 0
    plain.setWeights(w);
    pen.setWeights(w);
    const a = plain.computeGradients(x, y), b = pen.computeGradients(x, y);
    const k = w[0].data;
    const value = k.reduce((s, v) => s + l1 * Math.abs(v) + l2 * v * v, 0);
    close([b.loss - a.loss], [value], 1e-6, 1e-5, `${name} penalty`);
    close(b.grads[0].data.map((g, i) => g - a.grads[0].data[i]), k.map((v) => l1 * Math.sign(v) + 2 * l2 * v), 1e-6, 1e-4, `${name} gradient`);
    close(b.grads[1].data, a.grads[1].data, 0, 0, 'the bias has no penalty');
  });
}

test('l1 and l1l2 save and load; TF.js L1 and L1L2 import as them', async () => {
  for (const r of [regularizers.l1(0.03), regularizers.l1l2({ l1: 0.02, l2: 0.05 })]) {
    const m = net(r);
    const again = await loadModel(await m.save());
    assert.equal((again.layers[0].getConfig() as { kernelRegularizer: unknown }).kernelRegularizer, { name: r.name, config: r.config });
  }
  for (const [reg, want] of [[tfl.regularizers.l1({ l1: 0.03 }), { name: 'l1', config: { l1: 0.03 } }], [tfl.regularizers.l1l2({ l1: 0.02, l2: 0.05 }), { name: 'l1l2', config: { l1: 0.02, l2: 0.05 } }]] as const) {
    const tm = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3], kernelRegularizer: reg })] });
    let art: unknown;
    await tm.save({ save: async (a) => { art = a; return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }; } });
    const m = await loadModel(art as never);
    const got = (m.layers[0].getConfig() as { kernelRegularizer: { name: string; config: Record<string, number> } }).kernelRegularizer;
    assert.is(got.name, want.name);
    for (const [k, v] of Object.entries(want.config)) close([got.config[k]], [v], 1e-7, 1e-6, `${want.name}.${k}`);
  }
  assert.throws(() => regularizers.l1({ l2: 0.1 } as never), /regularizers\.l1: unknown option 'l2'/);
  assert.throws(() => regularizers.l1l2({ l3: 0.1 } as never), /regularizers\.l1l2: unknown option 'l3'/);
  assert.throws(() => regularizers.l1(-1), /l1 must be a finite number ≥ 0/);
});

test.run();

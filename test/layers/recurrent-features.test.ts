// The recurrent layers' options beyond the first set (issue 17's second part): GRU resetAfter false
// (Keras 2's and TF.js's form) imported from a committed tfjs-layers model (test/fixtures/recurrent/
// tfjs-gru.json, made by its script) and checked against its outputs on masked, padded sequences;
// its config and errors.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, loadModel, sequential, type Model, type Tensor } from '../../src/index.js';
import { close } from '../helpers.js';

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

test.run();

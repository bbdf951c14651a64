// Files saved before: test/fixtures/layers/ holds a functional and a sequential model with every
// layer type, options away from the defaults and the optimizer's state, written by an earlier
// lepton (make_layer_fixtures.ts). This lepton loads them, predicts what they predicted, and
// writes them back byte for byte: a layer's saved form does not drift.
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, loadModel, type Model, type Tensor } from '../../src/index.js';
import { fixtureInputs } from '../fixtures/layer-fixture-inputs.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const dir = new URL('../fixtures/layers/', import.meta.url).pathname;
const predictions = JSON.parse(readFileSync(`${dir}predictions.json`, 'utf8')) as Record<string, number[]>;
const inputs = fixtureInputs();

for (const kind of ['functional', 'sequential', 'conv', 'spatial', 'issue18', 'recurrent', 'recurrent2'] as const) {
  test(`a ${kind} model saved by an earlier lepton loads, predicts the same and saves back byte for byte`, async () => {
    const json = readFileSync(`${dir}${kind}/model.json`, 'utf8');
    const bin = readdirSync(`${dir}${kind}`).find((f) => f.endsWith('.bin'))!;
    const m = await loadModel<Model>(`${dir}${kind}`);
    const y = m.predict(inputs[kind].test as Tensor) as Tensor;
    assert.equal(Array.from(y.data), predictions[kind], 'predictions');
    const again = await m.save();
    assert.is(again.json, json, 'model.json');
    assert.ok(Buffer.from(again.weights).equals(readFileSync(`${dir}${kind}/${bin}`)), 'weights and optimizer state');
  });
}

test.run();

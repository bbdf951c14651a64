// TF.js import: models saved by @tensorflow/tfjs-layers itself (through tf.io.withSaveHandler,
// written to disk as tensorflowjs_converter lays them out: model.json + shards), loaded by
// lepton and compared with tfjs's predict output by output.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, loadModel, loadTfjsModel, ModelFormatError } from '../../src/index.js';
import { rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
  await tf.setBackend('cpu');
});

async function artifactsOf(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

/** The artifacts as files: model.json with a two-shard weightsManifest, as the converter writes them. */
function writeTfjsDir(a: tf.io.ModelArtifacts): string {
  const dir = mkdtempSync(join(tmpdir(), 'lepton-tfjs-'));
  const data = new Uint8Array(a.weightData as ArrayBuffer);
  const cut = Math.floor(data.length / 2);
  writeFileSync(join(dir, 'group1-shard1of2.bin'), data.subarray(0, cut));
  writeFileSync(join(dir, 'group1-shard2of2.bin'), data.subarray(cut));
  writeFileSync(join(dir, 'model.json'), JSON.stringify({
    format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null, modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: a.weightSpecs }],
  }));
  return dir;
}

function compare(tfModel: tfl.LayersModel, x: Float32Array, rows: number, inDim: number, got: Float32Array) {
  const want = (tfModel.predict(tf.tensor2d(x, [rows, inDim])) as tf.Tensor).dataSync();
  assert.is(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * Math.abs(want[i]) + 1e-6, `output ${i}: lepton ${got[i]}, tfjs ${want[i]}`);
  }
}

test('a tfjs-layers model with every layer type lepton has loads from disk and predicts as tfjs does', async () => {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 16, activation: 'tanh', inputShape: [6], biasInitializer: 'randomNormal' }));
  m.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
  m.add(tfl.layers.dense({ units: 16, activation: 'elu' }));
  m.add(tfl.layers.prelu({ alphaInitializer: tfl.initializers.randomUniform({ minval: 0, maxval: 0.5 }) }));
  m.add(tfl.layers.dense({ units: 16, activation: 'selu', useBias: false }));
  m.add(tfl.layers.elu());
  m.add(tfl.layers.dense({ units: 16, activation: 'softplus', kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }) }));
  m.add(tfl.layers.reLU());
  m.add(tfl.layers.dense({ units: 16, activation: 'sigmoid' }));
  m.add(tfl.layers.activation({ activation: 'relu' }));
  m.add(tfl.layers.dense({ units: 16, activation: 'linear' }));
  m.add(tfl.layers.dense({ units: 5, activation: 'softmax' }));
  m.add(tfl.layers.softmax());
  const dir = writeTfjsDir(await artifactsOf(m));
  try {
    const lep = await loadModel(dir);
    assert.equal(lep.layers.map((l) => l.className), ['Dense', 'LeakyReLU', 'Dense', 'PReLU', 'Dense', 'ELU', 'Dense', 'Activation', 'Dense', 'Activation', 'Dense', 'Dense', 'Softmax']);
    const rows = 29;
    const x = rand(rows * 6, 3, -2, 2);
    compare(m, x, rows, 6, lep.predict({ data: x, shape: [rows, 6] }).data);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tf.io.ModelArtifacts in memory load too; sigmoid and relu heads', async () => {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), tfl.layers.dense({ units: 2, activation: 'sigmoid' })] });
  const lep = await loadTfjsModel(await artifactsOf(m) as Parameters<typeof loadTfjsModel>[0]);
  const x = rand(40 * 3, 4, -3, 3);
  compare(m, x, 40, 3, lep.predict({ data: x, shape: [40, 3] }).data);
});

test('unsupported layers are named in one clear error; a missing shard is a clear error', async () => {
  const m = tfl.sequential({ layers: [
    tfl.layers.dense({ units: 8, inputShape: [3], name: 'd1' }), tfl.layers.dropout({ rate: 0.5, name: 'drop' }),
    tfl.layers.batchNormalization({ name: 'bn' }), tfl.layers.dense({ units: 2, name: 'd2' }),
  ] });
  const a = await artifactsOf(m);
  try {
    await loadModel(a as Parameters<typeof loadModel>[0]);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModelFormatError);
    assert.match((e as Error).message, /layers lepton does not have: drop \(Dropout\), bn \(BatchNormalization\)/);
  }
  const ok = tfl.sequential({ layers: [tfl.layers.dense({ units: 8, inputShape: [3] })] });
  const dir = writeTfjsDir(await artifactsOf(ok));
  rmSync(join(dir, 'group1-shard2of2.bin'));
  try {
    await loadModel(dir);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModelFormatError);
    assert.match((e as Error).message, /missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = tfl.sequential({ layers: [tfl.layers.dense({ units: 8, inputShape: [3], activation: 'relu6' })] });
  try {
    await loadModel(await artifactsOf(bad) as Parameters<typeof loadModel>[0]);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModelFormatError);
    assert.match((e as Error).message, /activation 'relu6' is not one lepton has/);
  }
});

test.run();

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
import { init, loadModel, loadTfjsModel, ModelFormatError, type Model, type Tensor } from '../../src/index.js';
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
    tfl.layers.dense({ units: 8, inputShape: [3], name: 'd1' }), tfl.layers.gaussianDropout({ rate: 0.1, name: 'noise' }),
    tfl.layers.repeatVector({ n: 2, name: 'rep' }), tfl.layers.dense({ units: 2, name: 'd2' }),
  ] });
  const a = await artifactsOf(m);
  try {
    await loadModel(a as Parameters<typeof loadModel>[0]);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, ModelFormatError);
    assert.match((e as Error).message, /layers lepton does not have: noise \(GaussianDropout\), rep \(RepeatVector\)/);
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

const rnd = (lo: number, hi: number, seed: number) => tfl.initializers.randomUniform({ minval: lo, maxval: hi, seed });
const bnArgs = (seed: number) => ({
  gammaInitializer: rnd(0.5, 1.5, seed), betaInitializer: rnd(-0.5, 0.5, seed + 1),
  movingMeanInitializer: rnd(-0.3, 0.3, seed + 2), movingVarianceInitializer: rnd(0.5, 2, seed + 3),
});

test('a sequential model with BatchNormalization, Dropout, Flatten and Reshape predicts as tfjs does', async () => {
  const m = tfl.sequential({ layers: [
    tfl.layers.flatten({ inputShape: [2, 3] }), tfl.layers.dense({ units: 8, activation: 'relu', biasInitializer: 'randomNormal' }),
    tfl.layers.dropout({ rate: 0.4 }), tfl.layers.batchNormalization(bnArgs(7)), tfl.layers.reshape({ targetShape: [2, 4] }),
    tfl.layers.flatten(), tfl.layers.dense({ units: 3, activation: 'softmax' }),
  ] });
  const lep = await loadModel(await artifactsOf(m) as Parameters<typeof loadModel>[0]);
  assert.equal(lep.layers.map((l) => l.className), ['Flatten', 'Dense', 'Dropout', 'BatchNormalization', 'Reshape', 'Flatten', 'Dense']);
  const rows = 17;
  const x = rand(rows * 6, 9, -2, 2);
  const want = (m.predict(tf.tensor3d(x, [rows, 2, 3])) as tf.Tensor).dataSync() as Float32Array;
  close(lep.predict({ data: x, shape: [rows, 2, 3] }).data, want, 'out');
});

function close(got: Float32Array, want: Float32Array, what: string) {
  assert.is(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= 1e-5 * Math.abs(want[i]) + 1e-6, `${what}[${i}]: lepton ${got[i]}, tfjs ${want[i]}`);
  }
}

/** Two inputs, a residual Add, a Dense shared by two calls, every merge, BatchNormalization, two outputs. */
function functionalModel(): tfl.LayersModel {
  const a = tfl.input({ shape: [6], name: 'a' });
  const b = tfl.input({ shape: [4], name: 'b' });
  const ap = (l: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => l.apply(x) as tfl.SymbolicTensor;
  const proj = ap(tfl.layers.dense({ units: 6, activation: 'tanh', name: 'proj', biasInitializer: 'randomNormal' }), b);
  const res = ap(tfl.layers.add({ name: 'residual' }), [a, proj]);
  const shared = tfl.layers.dense({ units: 6, activation: 'elu', name: 'shared', biasInitializer: 'randomNormal' });
  const s1 = ap(shared, res);
  const s2 = ap(shared, a); // the second call of the same weights
  const cat = ap(tfl.layers.concatenate({ name: 'cat' }), [s1, s2, b]);
  const bn = ap(tfl.layers.batchNormalization({ name: 'bn', ...bnArgs(3) }), cat);
  const drop = ap(tfl.layers.dropout({ rate: 0.5, name: 'drop' }), bn);
  const out1 = ap(tfl.layers.dense({ units: 3, activation: 'softmax', name: 'head1' }), drop);
  const prod = ap(tfl.layers.multiply({ name: 'mul' }), [s1, s2]);
  const avg = ap(tfl.layers.average({ name: 'avg' }), [prod, proj, s2]);
  const diff = ap(tfl.layers.add({ name: 'sum' }), [avg, a]); // tfjs-layers has no Subtract
  const back = ap(tfl.layers.flatten({ name: 'flat' }), ap(tfl.layers.reshape({ targetShape: [2, 3], name: 'rs' }), diff));
  const out2 = ap(tfl.layers.dense({ units: 2, name: 'head2' }), back);
  return tfl.model({ inputs: [a, b], outputs: [out1, out2], name: 'two_heads' });
}

test('a functional tfjs model (two inputs, residual Add, Concatenate, shared Dense, two outputs) predicts as tfjs does', async () => {
  const m = functionalModel();
  const dir = writeTfjsDir(await artifactsOf(m));
  try {
    for (const lep of [await loadModel<Model>(dir), await loadTfjsModel<Model>(await artifactsOf(m) as Parameters<typeof loadModel>[0])]) {
      assert.is(lep.className, 'Model');
      assert.equal(lep.inputs.map((t) => t.name), ['a', 'b']);
      assert.is(lep.outputs.length, 2);
      assert.is(lep.layers.filter((l) => l.name === 'shared').length, 1);
      const rows = 23;
      const xa = rand(rows * 6, 11, -2, 2);
      const xb = rand(rows * 4, 12, -2, 2);
      const want = (m.predict([tf.tensor2d(xa, [rows, 6]), tf.tensor2d(xb, [rows, 4])]) as tf.Tensor[]).map((t) => t.dataSync() as Float32Array);
      const got = lep.predict([{ data: xa, shape: [rows, 6] }, { data: xb, shape: [rows, 4] }]) as Tensor[];
      assert.is(got.length, 2);
      got.forEach((g, i) => close(g.data, want[i], `output ${i}`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hostile functional topologies are ModelFormatErrors naming the problem, before any weight is read', async () => {
  const a = await artifactsOf(functionalModel());
  const variant = (edit: (cfg: { layers: { name: string; class_name: string; config: Record<string, unknown>; inbound_nodes: unknown[] }[]; input_layers: unknown[]; output_layers: unknown[] }) => void) => {
    const topo = JSON.parse(JSON.stringify(a.modelTopology));
    edit(topo.config);
    return { ...a, modelTopology: topo } as Parameters<typeof loadModel>[0];
  };
  const byName = (cfg: Parameters<Parameters<typeof variant>[0]>[0], n: string) => cfg.layers.find((l) => l.name === n)!;
  const cases: [string, Parameters<typeof loadModel>[0], RegExp][] = [
    ['cycle', variant((c) => { byName(c, 'proj').inbound_nodes = [[['shared', 0, 0, {}]]]; }), /cycle/],
    ['unknown layer', variant((c) => { byName(c, 'head2').inbound_nodes = [[['nowhere', 0, 0, {}]]]; }), /'nowhere', which the file does not define/],
    ['unknown node', variant((c) => { byName(c, 'cat').inbound_nodes = [[['shared', 5, 0, {}], ['b', 0, 0, {}]]]; }), /call 5 of 'shared'/],
    ['second output tensor', variant((c) => { byName(c, 'head1').inbound_nodes = [[['drop', 0, 1, {}]]]; }), /output 1 of call 0 of 'drop' refers to an output the layer does not have/],
    ['call arguments', variant((c) => { byName(c, 'head1').inbound_nodes = [[['drop', 0, 0, { training: true }]]]; }), /call arguments/],
    ['Keras 3 node', variant((c) => { byName(c, 'head1').inbound_nodes = [{ args: [], kwargs: {} }]; }), /Keras 3 nodes are not supported/],
    ['absurd width', variant((c) => { byName(c, 'head2').config.units = 2 ** 27; }), /head2\/kernel has shape \[6, 2\], the layer needs \[6, 134217728\]/],
    ['too wide', variant((c) => { byName(c, 'head2').config.units = 2 ** 40; }), /units/],
    ['not an input', variant((c) => { c.input_layers = [['a', 0, 0], ['proj', 0, 0]]; }), /'b' is not one of input_layers|not an InputLayer/],
    ['unsupported layer', variant((c) => { byName(c, 'mul').class_name = 'Dot'; }), /layers lepton does not have: mul \(Dot\)/],
    ['huge node list', variant((c) => { byName(c, 'head2').inbound_nodes = Array.from({ length: 200_000 }, () => [['sum', 0, 0, {}]]); }), /at most 100000 entries/],
  ];
  for (const [what, source, message] of cases) {
    try {
      await loadModel(source);
      assert.unreachable(what);
    } catch (e) {
      assert.instance(e, ModelFormatError, `${what}: ${(e as Error).message}`);
      assert.match((e as Error).message, message, what);
    }
  }
});

test('Subtract (which tfjs-layers lacks; Keras writes it) maps too: an Add edited into one', async () => {
  const a = tfl.input({ shape: [3], name: 'a' });
  const b = tfl.input({ shape: [3], name: 'b' });
  const d = tfl.layers.dense({ units: 3, name: 'd', biasInitializer: 'randomNormal' }).apply(a) as tfl.SymbolicTensor;
  const m = tfl.model({ inputs: [a, b], outputs: tfl.layers.add({ name: 'merge' }).apply([d, b]) as tfl.SymbolicTensor });
  const art = await artifactsOf(m);
  const topo = JSON.parse(JSON.stringify(art.modelTopology));
  topo.config.layers.find((l: { name: string }) => l.name === 'merge').class_name = 'Subtract';
  const lep = await loadModel<Model>({ ...art, modelTopology: topo } as Parameters<typeof loadModel>[0]);
  const rows = 9;
  const xa = rand(rows * 3, 21, -2, 2);
  const xb = rand(rows * 3, 22, -2, 2);
  const dense = tfl.model({ inputs: a, outputs: d });
  const want = tf.sub(dense.predict(tf.tensor2d(xa, [rows, 3])) as tf.Tensor, tf.tensor2d(xb, [rows, 3])).dataSync() as Float32Array;
  close((lep.predict([{ data: xa, shape: [rows, 3] }, { data: xb, shape: [rows, 3] }]) as Tensor).data, want, 'a − b');
});

test.run();

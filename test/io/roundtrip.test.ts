// Save → load round trips: every layer type and optimizer (with schedules and clipping), config
// and weights identical, and training continued after the load identical to training continued
// without it (optimizer state, iterations and RNG state travel with the model).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, loadModel, losses, ModelFormatError, optimizers, schedules, sequential, type Sequential } from '../../src/index.js';
import { LEPTON_VERSION } from '../../src/io/version.js';
import { rand } from '../helpers.js';
import { rows } from '../layers/table.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const n = 48;
const x = { data: rand(n * 4, 11), shape: [n, 4] };
const yReg = { data: rand(n * 2, 12), shape: [n, 2] };

const bits = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length)));

/** Trains, saves, loads; then trains both two more epochs (with shuffling) and compares bit for bit. */
async function roundTrip(make: () => Sequential, y = yReg, through: 'memory' | 'directory' = 'memory') {
  const a = make();
  await a.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0 });
  let b: Sequential;
  const saved = await a.save();
  if (through === 'memory') {
    b = await loadModel(saved);
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'lepton-rt-'));
    try {
      await a.save(dir);
      b = await loadModel(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.equal(bits(b), bits(a), 'weights after load');
  assert.is((await b.save()).json, saved.json, 're-saving the loaded model gives the same JSON');
  assert.equal(Array.from(b.predict(x).data), Array.from(a.predict(x).data));
  assert.is(b.optimizer!.iterations, a.optimizer!.iterations);
  await a.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 16, verbose: 0 });
  await b.fit(x, y, { epochs: 4, initialEpoch: 2, batchSize: 16, verbose: 0 });
  assert.equal(bits(b), bits(a), 'weights after two more epochs');
  return { a, b, saved };
}

const mlp = (opt: () => ReturnType<typeof optimizers.sgd>, seed = 1) => () => {
  const m = sequential([layers.dense(6, { activation: 'tanh', inputShape: [4] }), layers.dense(2)], { seed });
  m.compile({ optimizer: opt(), loss: 'mse', metrics: ['mae'] });
  return m;
};

const opts: [string, () => ReturnType<typeof optimizers.sgd>][] = [
  ['sgd', () => optimizers.sgd({ learningRate: 0.05 })],
  ['momentum', () => optimizers.sgd({ learningRate: 0.05, momentum: 0.9 })],
  ['nesterov', () => optimizers.sgd({ learningRate: 0.05, momentum: 0.9, nesterov: true, clipNorm: 1 })],
  ['adam', () => optimizers.adam({ learningRate: 0.01, clipValue: 0.5 })],
  ['amsgrad', () => optimizers.adam({ learningRate: 0.01, amsgrad: true, beta1: 0.8 })],
  ['adamW', () => optimizers.adamW({ learningRate: 0.01, weightDecay: 0.01, globalClipNorm: 2 })],
  ['rmsprop', () => optimizers.rmsprop({ learningRate: 0.01, rho: 0.8 })],
  ['adam + exponentialDecay', () => optimizers.adam({ learningRate: schedules.exponentialDecay({ initialLearningRate: 0.01, decaySteps: 3, decayRate: 0.5, staircase: true }) })],
  ['sgd + piecewiseConstant', () => optimizers.sgd({ momentum: 0.5, learningRate: schedules.piecewiseConstant({ boundaries: [2, 5], values: [0.1, 0.05, 0.01] }) })],
  ['rmsprop + cosineDecay', () => optimizers.rmsprop({ learningRate: schedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 10, alpha: 0.1 }) })],
];
for (const [name, opt] of opts) {
  test(`round trip resumes exactly: ${name}`, async () => {
    const { b, saved } = await roundTrip(mlp(opt));
    const doc = JSON.parse(saved.json);
    assert.is(doc.training.optimizer.name, opt().name);
    assert.is(b.optimizer!.getConfig().name, opt().name);
    assert.equal(JSON.parse(JSON.stringify(b.optimizer!.getConfig())), JSON.parse(JSON.stringify(opt().getConfig())));
  });
}

// Every layer type round-trips in test/layers/every-layer.test.ts, driven by the layer table; here
// the model around the layers: its name, seed, metrics and version, through a directory.
test('round trip of the layer table\'s Dense model (initializer configs, regularizers, a frozen layer) with its name, seed, metrics and version, through a directory', async () => {
  const { a, b, saved } = await roundTrip(() => {
    const m = rows.find((r) => r.className === 'Dense')!.model() as Sequential;
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: losses.meanSquaredError(), metrics: ['mae'] });
    return m;
  }, yReg, 'directory');
  const doc = JSON.parse(saved.json);
  assert.equal(doc.layers.map((l: { className: string }) => l.className), ['Dense', 'Dense', 'Dense', 'Dense']);
  assert.equal(doc.layers[0].config.kernelInitializer, { name: 'truncatedNormal', config: { mean: 0, stddev: 0.3 } });
  assert.equal(doc.layers[0].config.biasRegularizer, { name: 'l2', config: { l2: 0.001 } });
  assert.is(b.layers[2].trainable, false);
  assert.is(b.name, a.name);
  assert.is(b.seed, a.seed);
  assert.equal(doc.training.metrics, ['mae']);
  assert.is(doc.generatedBy, `lepton ${LEPTON_VERSION}`);
});

test('losses with options round-trip; an uncompiled model loads uncompiled', async () => {
  for (const loss of [losses.huber({ delta: 0.5 }), losses.binaryCrossentropy({ fromLogits: true })]) {
    const m = sequential([layers.dense(2, { inputShape: [4] })], { seed: 2 });
    m.compile({ optimizer: 'sgd', loss });
    const b = await loadModel(await m.save());
    assert.equal(b.loss!.config, loss.config);
    assert.is(b.loss!.name, loss.name);
  }
  const plain = sequential([layers.dense(2, { inputShape: [4] })], { seed: 2 });
  const b = await loadModel(await plain.save());
  assert.is(b.optimizer, undefined);
  assert.equal(bits(b), bits(plain));
});

test('preprocessing JSON and the checkpoint epoch travel with the model; includeOptimizer: false drops the state', async () => {
  const m = mlp(() => optimizers.adam())();
  await m.fit(x, yReg, { epochs: 1, verbose: 0 });
  m.preprocessing = { standardize: { mean: [1, 2, 3, 4], std: [1, 1, 2, 2] } };
  const full = await m.save(undefined, { epoch: 3 });
  const b = await loadModel(full);
  assert.equal(b.preprocessing, m.preprocessing);
  assert.is(JSON.parse(full.json).epoch, 3);
  const lean = await m.save(undefined, { includeOptimizer: false });
  assert.is(lean.weights.byteLength * 3, full.weights.byteLength, 'adam keeps two slots');
  const c = await loadModel(lean);
  assert.is(c.optimizer!.iterations, 0);
});

test('directory saves keep the previous generation and clean older ones and temp files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lepton-gen-'));
  try {
    const m = mlp(() => optimizers.sgd())();
    for (let i = 0; i < 4; i++) {
      await m.fit(x, yReg, { epochs: 1, verbose: 0 });
      await m.save(dir);
    }
    const files = readdirSync(dir).sort();
    assert.is(files.length, 3, files.join(', '));
    const doc = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    assert.ok(files.includes(doc.weights.file));
    assert.equal(bits(await loadModel(dir)), bits(m));
    assert.equal(bits(await loadModel(join(dir, 'model.json'))), bits(m));
    assert.equal(bits(await loadModel(new URL(`file://${dir}/`))), bits(m));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loading from a Response and a URL fetches the weights beside the JSON', async () => {
  const m = mlp(() => optimizers.sgd())();
  const a = await m.save();
  const file = JSON.parse(a.json).weights.file;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (u: string | URL) => {
    const url = String(u);
    if (url === `https://models.example/m/${file}`) return new Response(a.weights);
    if (url === 'https://models.example/m/model.json') return Object.defineProperty(new Response(a.json), 'url', { value: url });
    return new Response('not found', { status: 404 });
  }) as typeof fetch;
  try {
    assert.equal(bits(await loadModel('https://models.example/m/model.json')), bits(m));
    const r = Object.defineProperty(new Response(a.json), 'url', { value: 'https://models.example/m/model.json' });
    assert.equal(bits(await loadModel(r)), bits(m));
    try {
      await loadModel('https://models.example/other/model.json');
      assert.unreachable();
    } catch (e) {
      assert.instance(e, ModelFormatError);
      assert.match((e as Error).message, /HTTP 404/);
    }
  } finally {
    globalThis.fetch = realFetch;
  }
});

test('a save handler receives the artifacts; the library version matches package.json', async () => {
  const m = mlp(() => optimizers.sgd())();
  let got: { json: string; weights: Uint8Array; weightsFile: string } | undefined;
  await m.save({ save: (a) => { got = a; } });
  assert.ok(got && got.weights.byteLength > 0 && got.weightsFile.endsWith('.bin'));
  assert.equal(bits(await loadModel({ json: got!.json, weights: got!.weights.buffer as ArrayBuffer })), bits(m));
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.is(LEPTON_VERSION, pkg.version);
});

test.run();

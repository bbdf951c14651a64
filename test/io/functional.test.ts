// Functional models and the graph layers in lepton's format: round trips of every new layer type
// (batch norm, dropout, alpha dropout, reshape, flatten, the merge layers) and of a functional model
// with a residual block, a shared layer, a nested model and two outputs; resume-equals-uninterrupted
// with batch norm and dropout (masks from the model's RNG and from a seeded layer's own); hostile
// configs of the new layers and topologies.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callbacks, init, initializers, input, layers, loadModel, model, ModelFormatError, optimizers, sequential, type Model, type Tensor } from '../../src/index.js';
import { runtime } from '../../src/wasm/runtime.js';
import { rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const n = 40;
const x = { data: rand(n * 6, 31), shape: [n, 6] };
const x2 = { data: rand(n * 3, 32), shape: [n, 3] };
const y1 = { data: rand(n * 2, 33), shape: [n, 2] };
const y2 = { data: Float32Array.from({ length: n }, (_, i) => (x.data[i * 6] > 0.5 ? 1 : 0)), shape: [n, 1] };

const bits = (m: Model) => m.getWeights().flatMap((w) => Array.from(new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length)));
const outs = (t: Tensor | Tensor[]) => (Array.isArray(t) ? t : [t]).map((o) => Array.from(o.data));

/** Every new layer in a chain: BN, dropouts (one seeded), reshape/flatten. */
function chain(): Model {
  const m = sequential([
    layers.dense(8, { inputShape: [6], activation: 'selu' }),
    layers.batchNormalization({ momentum: 0.9, epsilon: 1e-2, gammaInitializer: initializers.constant({ value: 1.5 }) }),
    layers.alphaDropout(0.1),
    layers.reshape([2, 4]),
    layers.batchNormalization({ center: false }),
    layers.dropout(0.2, { seed: 17 }),
    layers.flatten(),
    layers.dropout(0.25),
    layers.dense(2),
  ], { seed: 8, name: 'chain' });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
  return m;
}

/** Two inputs, a residual block, a shared layer (called three times), a nested model, every merge, two outputs. */
function graph(): Model {
  const a = input({ shape: [6], name: 'a' });
  const b = input({ shape: [3], name: 'b' });
  const shared = layers.dense(6, { activation: 'tanh', name: 'shared' });
  const h = shared.apply(a);
  const res = layers.add({ name: 'residual' }).apply([shared.apply(h), a]);
  const bn = layers.batchNormalization({ name: 'bn' }).apply(res);
  const drop = layers.dropout(0.3, { name: 'drop' }).apply(bn);
  const inner = (() => {
    const i = input({ shape: [3], name: 'inner_in' });
    const t = layers.dense(6, { activation: 'relu', name: 'inner_dense' }).apply(i);
    return model({ inputs: i, outputs: layers.batchNormalization({ name: 'inner_bn' }).apply(t), name: 'inner', seed: 4 });
  })();
  const bEnc = inner.apply(b);
  const mixed = layers.average({ name: 'avg' }).apply([
    layers.multiply({ name: 'mul' }).apply([drop, bEnc]),
    layers.subtract({ name: 'sub' }).apply([shared.apply(bEnc), h]),
    bEnc,
  ]);
  const out1 = layers.dense(2, { name: 'out1' }).apply(mixed);
  const cat = layers.concatenate({ name: 'cat' }).apply([mixed, b, h]);
  const out2 = layers.dense(1, { activation: 'sigmoid', name: 'out2' }).apply(layers.alphaDropout(0.1, { name: 'adrop', seed: 5 }).apply(cat));
  const m = model({ inputs: [a, b], outputs: [out1, out2], name: 'graph', seed: 12 });
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: ['mse', 'binaryCrossentropy'], lossWeights: [1, 0.3], metrics: ['mae'] });
  return m;
}

async function roundTrip(make: () => Model, xs: Tensor | Tensor[], ys: Tensor | Tensor[], through: 'memory' | 'directory') {
  const a = make();
  await a.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0 });
  const saved = await a.save();
  let b: Model;
  if (through === 'memory') b = await loadModel<Model>(saved);
  else {
    const dir = mkdtempSync(join(tmpdir(), 'lepton-fn-'));
    try {
      await a.save(dir);
      b = await loadModel<Model>(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  assert.equal(bits(b), bits(a), 'weights after load');
  assert.is((await b.save()).json, saved.json, 're-saving the loaded model gives the same JSON');
  assert.equal(outs(b.predict(xs)), outs(a.predict(xs)), 'predict');
  assert.equal(outs(b.predict(xs, { training: true })), outs(a.predict(xs, { training: true })), 'predict in training mode: the same dropout masks');
  await a.fit(xs, ys, { epochs: 4, initialEpoch: 2, batchSize: 8, verbose: 0 });
  await b.fit(xs, ys, { epochs: 4, initialEpoch: 2, batchSize: 8, verbose: 0 });
  assert.equal(bits(b), bits(a), 'weights after two more epochs');
  return { a, b, doc: JSON.parse(saved.json) };
}

test('round trip of batch norm, dropout, alpha dropout, reshape, flatten in a sequential model, resuming exactly', async () => {
  const { b, doc } = await roundTrip(chain, x, y1, 'memory');
  assert.equal(doc.layers.map((l: { className: string }) => l.className), ['Dense', 'BatchNormalization', 'AlphaDropout', 'Reshape', 'BatchNormalization', 'Dropout', 'Flatten', 'Dropout', 'Dense']);
  assert.equal(doc.layers[1].config.gammaInitializer, { name: 'constant', config: { value: 1.5 } });
  assert.equal(doc.layers[3].config.targetShape, [2, 4]);
  assert.is(doc.layers[4].config.center, false);
  assert.is(doc.layers[5].config.seed, 17);
  assert.is(doc.layers[5].config.rngState.length, 4);
  // the layer's own name (a default one counts the batch norms made before it in this process)
  const bn = doc.layers[1].config.name as string;
  assert.match(bn, /^batch_normalization(_\d+)?$/);
  assert.equal(doc.weights.entries.slice(2, 6).map((e: { name: string }) => e.name), ['gamma', 'beta', 'moving_mean', 'moving_variance'].map((w) => `${bn}/${w}`));
  assert.is(b.layers[1].getConfig().momentum, 0.9);
});

test('round trip of a functional model: residual block, shared layer, nested model, every merge, two inputs and outputs', async () => {
  const { a, b, doc } = await roundTrip(graph, [x, x2], [y1, y2], 'directory');
  assert.is(doc.modelType, 'functional');
  assert.equal(doc.inputs, [{ name: 'a', shape: [6] }, { name: 'b', shape: [3] }]);
  const shared = doc.layers.find((l: { config: { name: string } }) => l.config.name === 'shared');
  assert.equal(shared.inbound, [[['a', 0]], [['shared', 0]], [['inner', 0]]]);
  assert.equal(doc.outputs, [['out1', 0], ['out2', 0]]);
  assert.equal(doc.training.losses.map((l: { name: string }) => l.name), ['meanSquaredError', 'binaryCrossentropy']);
  assert.equal(doc.training.lossWeights, [1, 0.3]);
  const inner = doc.layers.find((l: { className: string }) => l.className === 'Model');
  assert.is(inner.config.name, 'inner');
  assert.equal(doc.weights.entries.map((e: { name: string }) => e.name), a.weights.map((w) => w.name), 'weights in the model\'s getWeights order');
  assert.equal(b.layers.map((l) => l.name), a.layers.map((l) => l.name));
  assert.equal(b.evaluate([x, x2], [y1, y2]), a.evaluate([x, x2], [y1, y2]));
});

test('a nested sequential model and a frozen nested model round-trip', async () => {
  const make = () => {
    const i = input({ shape: [6], name: 'i' });
    const enc = sequential([layers.dense(5, { inputShape: [6], activation: 'relu' }), layers.batchNormalization(), layers.dense(4)], { name: 'enc', seed: 2 });
    const frozen = (() => {
      const t = input({ shape: [4], name: 'f_in' });
      return model({ inputs: t, outputs: layers.dense(4, { name: 'f_dense' }).apply(t), name: 'frozen', seed: 3 });
    })();
    frozen.trainable = false;
    const m = model({ inputs: i, outputs: layers.dense(2, { name: 'head' }).apply(frozen.apply(enc.apply(i))), name: 'outer', seed: 9 });
    m.compile({ optimizer: optimizers.sgd({ learningRate: 0.05, momentum: 0.9 }), loss: 'mse' });
    return m;
  };
  const { a, b, doc } = await roundTrip(make, x, y1, 'memory');
  assert.equal(doc.layers.map((l: { className: string }) => l.className), ['Sequential', 'Model', 'Dense']);
  assert.is(doc.layers[1].config.trainable, false);
  assert.is(b.layers[1].trainable, false);
  assert.equal(a.getLayer('frozen').getConfig().name, 'frozen');
});

test('checkpoint resume of a functional model with batch norm and dropout is bit-identical to an uninterrupted run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lepton-fn-resume-'));
  const args = { batchSize: 6, shuffle: true, validationSplit: 0.2, verbose: 0 as const };
  try {
    const whole = graph();
    const h10 = await whole.fit([x, x2], [y1, y2], { ...args, epochs: 8 });
    const first = graph();
    await first.fit([x, x2], [y1, y2], { ...args, epochs: 4, callbacks: [callbacks.modelCheckpoint({ path: dir })] });
    assert.is(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).epoch, 4);
    const resumed = await loadModel<Model>(dir);
    const h5 = await resumed.fit([x, x2], [y1, y2], { ...args, epochs: 8, initialEpoch: 4 });
    assert.equal(h5.history.loss, h10.history.loss.slice(4));
    assert.equal(h5.history.val_loss, h10.history.val_loss.slice(4));
    assert.equal(bits(resumed), bits(whole));
    assert.equal(outs(resumed.predict([x, x2], { training: true })), outs(whole.predict([x, x2], { training: true })), 'the dropout streams are where they would be');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('saving names what it cannot save', async () => {
  const i = input({ shape: [3], name: 'i' });
  const d = layers.dense(3, { name: 'twice' });
  const innerIn = input({ shape: [3], name: 'j' });
  const inner = model({ inputs: innerIn, outputs: d.apply(innerIn), name: 'inner_shared' });
  const m = model({ inputs: i, outputs: d.apply(inner.apply(i)), name: 'leaky' });
  try {
    await m.save();
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /the layer twice is used both in .* a layer shared between a nested model and its parent cannot be saved/);
  }
  const inSeq = sequential([sequential([layers.dense(2, { inputShape: [3] })], { name: 'inner_seq' })], { name: 'outer_seq' });
  inSeq.build([3]);
  try {
    await inSeq.save();
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /inner_seq is a model inside a sequential model, .* build the same model with the functional API/);
  }
});

// ---- hostile files ----------------------------------------------------------------------------

let base: { json: string; weights: Uint8Array };
let seqBase: { json: string; weights: Uint8Array };
type Doc = Record<string, any>;
const edit = (b: { json: string }, f: (d: Doc) => void): string => {
  const d = JSON.parse(b.json);
  f(d);
  return JSON.stringify(d);
};
const layerOf = (d: Doc, name: string) => d.layers.find((l: Doc) => l.config.name === name);

async function rejects(source: { json: string; weights: Uint8Array }, pattern: RegExp) {
  const used = runtime().arena.used();
  try {
    await loadModel(source);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw new Error(`expected a ModelFormatError matching ${pattern}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.match(e.message, pattern);
    assert.ok(runtime().arena.used() - used < 1 << 20, 'no large allocation');
    assert.is(({} as Record<string, unknown>).polluted, undefined);
    return;
  }
  assert.unreachable(`loaded; expected a rejection matching ${pattern}`);
}

test('hostile configs of the new layers and of functional topologies are rejected clearly', async () => {
  const g = graph();
  await g.fit([x, x2], [y1, y2], { epochs: 1, batchSize: 8, verbose: 0 });
  base = await g.save();
  const c = chain();
  await c.fit(x, y1, { epochs: 1, batchSize: 8, verbose: 0 });
  seqBase = await c.save();
  const S = (f: (d: Doc) => void) => ({ json: edit(seqBase, f), weights: seqBase.weights });
  const F = (f: (d: Doc) => void) => ({ json: edit(base, f), weights: base.weights });
  const cases: [string, { json: string; weights: Uint8Array }, RegExp][] = [
    ['dropout rate 1', S((d) => { d.layers[5].config.rate = 1; }), /layers\[5\]\.config\.rate must be in \[0, 1\), got 1/],
    ['dropout rate as a string', S((d) => { d.layers[7].config.rate = '0.5'; }), /layers\[7\]\.config\.rate must be a finite number/],
    ['an all-zero dropout stream', S((d) => { d.layers[5].config.rngState = [0, 0, 0, 0]; }), /rngState must be four 32-bit words, not all zero/],
    ['a dropout stream without a seed', S((d) => { d.layers[7].config.rngState = [1, 2, 3, 4]; }), /rngState is only meaningful with a seed/],
    ['a negative dropout seed', S((d) => { d.layers[5].config.seed = -1; }), /seed must be a whole number in \[0, 4294967295\]/],
    ['batch norm epsilon 0', S((d) => { d.layers[1].config.epsilon = 0; }), /layers\[1\]\.config: .*epsilon must be a finite number > 0/],
    ['batch norm momentum 2', S((d) => { d.layers[1].config.momentum = 2; }), /momentum must be in \[0, 1\]/],
    ['batch norm on the first axis', S((d) => { d.layers[4].config.axis = 1; }), /only the last axis .* can be the channel axis/],
    ['batch norm center as a string', S((d) => { d.layers[1].config.center = 'yes'; }), /center must be true or false/],
    ['a batch norm initializer that is code', S((d) => { d.layers[1].config.gammaInitializer = 'eval'; }), /unknown initializer "eval"/],
    ['a reshape to terabytes', S((d) => { d.layers[3].config.targetShape = [2 ** 28, 2 ** 28, 2 ** 28]; }), /cannot reshape \[\*, 8\] \(8 values\)/],
    ['a reshape with two −1', S((d) => { d.layers[3].config.targetShape = [-1, -1]; }), /at most one −1/],
    ['a reshape with a zero', S((d) => { d.layers[3].config.targetShape = [0, 8]; }), /targetShape\[0\] must be a positive whole number or −1/],
    ['a reshape of nine axes', S((d) => { d.layers[3].config.targetShape = [1, 1, 1, 1, 1, 1, 1, 1, 8]; }), /targetShape must be an array of at most 8 entries/],
    ['concatenate on axis 0', F((d) => { layerOf(d, 'cat').config.axis = 0; }), /only the last axis .* can be concatenated/],
    ['subtract of three', F((d) => { layerOf(d, 'sub').inbound[0].push(['a', 0]); }), /Subtract\) takes exactly 2 inputs/],
    ['an add of one', F((d) => { layerOf(d, 'residual').inbound[0].pop(); }), /needs at least 2 inputs/],
    ['add of mismatched shapes', F((d) => { layerOf(d, 'residual').inbound[0][1] = ['b', 0]; }), /needs inputs of one shape/],
    ['a reference to a call that does not exist', F((d) => { d.outputs[0] = ['out1', 7]; }), /outputs\[0\] refers to call 7 of 'out1', which the file does not define/],
    ['a reference to an unknown name', F((d) => { layerOf(d, 'bn').inbound[0][0] = ['__proto__', 0]; }), /refers to call 0 of '__proto__', which the file does not define/],
    ['a cycle', F((d) => { layerOf(d, 'residual').inbound[0][1] = ['drop', 0]; }), /the graph has a cycle through/],
    ['a self loop', F((d) => { layerOf(d, 'bn').inbound[0][0] = ['bn', 0]; }), /the graph has a cycle through call 0 of 'bn'/],
    ['an unused layer', F((d) => { d.layers.push({ className: 'Dense', config: { name: 'stray', units: 3 }, inbound: [[['b', 0]]] }); }), /layers\[\d+\] \(stray\) is not on any path from the inputs to the outputs/],
    ['a name used twice', F((d) => { layerOf(d, 'out1').config.name = 'a'; }), /the name 'a' is used twice/],
    ['two inputs of one name', F((d) => { d.inputs[1].name = 'a'; }), /the input name 'a' is used twice/],
    ['no outputs', F((d) => { d.outputs = []; }), /a model needs at least one output/],
    ['an input of absurd width', F((d) => { d.inputs[0].shape = [2 ** 28]; }), /shared was built for input \[\*, 268435456\] and is shared|needs inputs of one shape|the layers declare/],
    ['a malformed reference', F((d) => { d.outputs[0] = ['out1']; }), /outputs\[0\] must be \[name, call index\]/],
    ['a nested model asking for terabytes', F((d) => { const inner = layerOf(d, 'inner'); inner.config.layers[0].config.units = 2 ** 27; }),
      /the nested model declares \d+ weight values, more than the file holds/],
    ['a nested model nested too deep', F((d) => {
      let m = layerOf(d, 'inner');
      for (let i = 0; i < 9; i++) {
        const wrapped = { className: 'Model', config: { name: `w${i}`, inputs: [{ name: `w${i}_in`, shape: [3] }], layers: [{ ...m, inbound: [[[`w${i}_in`, 0]]] }], outputs: [[m.config.name, 0]] }, inbound: m.inbound };
        m = wrapped;
      }
      d.layers[d.layers.findIndex((l: Doc) => l.config.name === 'inner')] = m;
    }), /models nested deeper than 8 levels/],
    ['a prototype key in a topology', { json: base.json.replace('"inbound":', '"__proto__":{"polluted":1},"inbound":'), weights: base.weights }, /the key '__proto__' is not allowed/],
    ['a Lambda layer in a graph', F((d) => { layerOf(d, 'bn').className = 'Lambda'; }), /unknown layer class "Lambda"/],
    ['losses that do not match the outputs', F((d) => { d.training.losses.pop(); }), /training\.losses has 1 entries for 2 outputs/],
    ['a negative loss weight', F((d) => { d.training.lossWeights[1] = -1; }), /training\.lossWeights\[1\] must be ≥ 0/],
  ];
  for (const [name, source, pattern] of cases) {
    try {
      await rejects(source, pattern);
    } catch (e) {
      throw new Error(`${name}: ${(e as Error).message}`);
    }
  }
});

test.run();

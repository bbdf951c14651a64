// Every layer class, driven by the table (table.ts): for each row, (a) lepton's gradients (weights
// and inputs, training mode) against central finite differences of the loss, (b) save → load in a
// directory gives the same file, predictions, and training continued after the load, and the file
// holds each layer's getConfig() as it is, (c) the ONNX export runs in onnxruntime as lepton
// predicts, (d) a tfjs-layers model holding the layer imports and predicts as tfjs does. A coverage
// test checks that the table has a row for every class in the one layer list (src/io/layers.ts).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, loadModel, optimizers, type Model, type Tensor } from '../../src/index.js';
import { builtinLayers } from '../../src/io/layers.js';
import type { Layer } from '../../src/layers/layer.js';
import type { Random } from '../../src/random.js';
import { close, rand, tempDir } from '../helpers.js';
import { rows, type LayerRow } from './table.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  tf.env().set('IS_TEST', true); // no "install tfjs-node" banner
  await tf.setBackend('cpu');
});

const R = 6; // batch rows: batch normalization needs at least 2

/**
 * The random numbers of a row's tests come from seeds of its own (from its class name), so that a
 * row's data do not change when rows are added. (A pre-activation of a relu-like layer within a
 * finite-difference step of its kink spoils the check; should a new row meet one, change its data
 * by giving the row another `seed`.)
 */
let seed = 0;
const seedFor = (row: LayerRow): number => [...row.className].reduce((h, ch) => Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0, 2166136261) + (row.seed ?? 0);

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
let ids: number | undefined; // the current row's, when its inputs are ids (LayerRow.ids)
const inputsOf = (m: Model, n: number, lo = -2, hi = 2): Tensor[] => m.inputs.map((t) => {
  const data = rand(n * t.shape.reduce((a, b) => a * b, 1), seed++, ids === undefined ? lo : 0, ids ?? hi);
  return { data: ids === undefined ? data : data.map(Math.floor), shape: [n, ...t.shape] };
});
const feed = (xs: Tensor[]) => (xs.length === 1 ? xs[0] : xs);
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** The row's model with every weight set at random: kernels ±0.8, γ and moving variances near 1, the rest ±0.3. */
function built(row: LayerRow): Model {
  const m = row.model();
  assert.ok(m.layers.some((l) => l.className === row.className), `the ${row.className} row's model holds a ${row.className}`);
  m.getWeights(); // builds a sequential model declared with its input shape
  m.setWeights(m.weights.map((w) => {
    const [lo, hi] = /(gamma|variance)$/.test(w.name) ? [0.6, 1.4] : /kernel$/.test(w.name) ? [-0.8, 0.8] : [-0.3, 0.3];
    return { data: rand(w.size, seed++, lo, hi), shape: w.shape };
  }));
  return m;
}

/** Puts every generator a forward pass draws from (the model's and the layers' own) back where it was. */
function rewinder(m: Model): () => void {
  const { rng } = m.getTrainingState();
  const own = m.layers.map((l) => (l as Layer & { rng?: Random }).rng).filter((r): r is Random => r !== undefined);
  const states = own.map((r) => r.getState());
  return () => {
    m.setTrainingState({ rng });
    own.forEach((r, i) => r.setState(states[i]));
  };
}

function gradcheck(row: LayerRow): void {
  ids = row.ids;
  seed = seedFor(row);
  const m = built(row);
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  const xs = inputsOf(m, R);
  const t = m.outputs[0].shape.reduce((a, b) => a * b, 1) * R;
  const y = { data: rand(t, seed++, -1, 1), shape: [R, ...m.outputs[0].shape] };
  const rewind = rewinder(m);
  // The loss in float64 of the float32 training-mode outputs: the mean squared error over
  // everything, plus the l2 penalties λ·Σw².
  const out = (): Float32Array => {
    rewind();
    return (m.predict(feed(xs), { training: true }) as Tensor).data;
  };
  const penalty = (): number => m.getWeights().reduce((s, w, i) => s + (m.weights[i].regularizer?.config.l2 ?? 0) * w.data.reduce((q, v) => q + v * v, 0), 0);
  const loss = (): number => out().reduce((s, o, k) => s + (o - y.data[k]) ** 2, 0) / t + penalty();
  rewind();
  const got = m.computeGradients(feed(xs), y);
  close([got.loss], [loss()], 1e-6, 1e-5, `${row.className}: loss`);
  // Finite differences two ways; each gradient is compared with the nearer of the two. Central
  // differences at a small step h, and extrapolated from steps 10h and 20h (Richardson:
  // (4·D(10h) − D(20h))/3, whose error is O(h⁴)): rounding noise in the float32 forward, divided by
  // the step, spoils the small step; a kink of a relu-like activation within a step spoils the
  // large ones.
  const fd = (values: Float32Array, set: () => void, got: Float32Array): Float64Array => Float64Array.from(values, (keep, k) => {
    const at = (h: number): number => {
      values[k] = keep + h; set(); const up = loss();
      values[k] = keep - h; set(); const down = loss();
      values[k] = keep; set();
      return (up - down) / (2 * h);
    };
    const small = at(1e-3), large = (4 * at(1e-2) - at(2e-2)) / 3;
    return Math.abs(small - got[k]) <= Math.abs(large - got[k]) ? small : large;
  });
  const weights = m.getWeights();
  const frozen = new Set(m.layers.filter((l) => !l.trainable).flatMap((l) => l.weights));
  m.weights.forEach((w, i) => {
    if (!w.trainable || frozen.has(w)) return;
    const want = fd(weights[i].data, () => m.setWeights(weights), got.grads[i].data);
    close(got.grads[i].data, want, 5e-5, 2e-3, `${row.className}: ${w.name}, lepton vs finite differences`);
  });
  // dL/dx, from backward() with dL/dy of the same loss
  const o = out();
  const dy = { data: o.map((v, k) => (2 * (v - y.data[k])) / t), shape: y.shape };
  rewind();
  const dxs = list(m.backward(feed(xs), dy, { training: true }));
  xs.forEach((x, i) => {
    if (ids !== undefined) return assert.ok(dxs[i].data.every((v) => v === 0), `${row.className}: ids get no gradient`);
    const want = fd(x.data, () => undefined, dxs[i].data);
    close(dxs[i].data, want, 5e-5, 2e-3, `${row.className}: input ${m.inputs[i].name}, lepton vs finite differences`);
  });
}

async function roundTrip(row: LayerRow): Promise<void> {
  ids = row.ids;
  seed = seedFor(row) + 1000;
  const a = built(row);
  a.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
  const n = 12;
  const xs = inputsOf(a, n);
  const y = { data: rand(n * a.outputs[0].shape.reduce((p, q) => p * q, 1), seed++), shape: [n, ...a.outputs[0].shape] };
  const fit = (m: Model, epochs: number, initialEpoch = 0) => m.fit(feed(xs), y, { epochs, initialEpoch, batchSize: 4, shuffle: true, verbose: 0 });
  await fit(a, 1);
  const dir = tempDir('lepton-layer-');
  const saved = await a.save(dir);
  const b = await loadModel<Model>(dir);
  assert.is((await b.save()).json, saved.json, 're-saving the loaded model gives the same file');
  const doc = JSON.parse(saved.json);
  const configs = new Map((doc.layers as { className: string; config: { name: string } }[]).map((l) => [l.config.name, l]));
  for (const l of a.layers) {
    assert.is(configs.get(l.name)!.className, l.className);
    assert.equal(configs.get(l.name)!.config, JSON.parse(JSON.stringify(l.getConfig())), `${l.name}: the file holds its getConfig() as it is`);
  }
  const pa = list(a.predict(feed(xs))), pb = list(b.predict(feed(xs)));
  pa.forEach((p, i) => assert.equal(bits(pb[i].data), bits(p.data), `output ${i} after the load`));
  await fit(a, 3, 1);
  await fit(b, 3, 1);
  a.getWeights().forEach((w, i) => assert.equal(bits(b.getWeights()[i].data), bits(w.data), `${a.weights[i].name} after two more epochs`));
}

async function onnxParity(row: LayerRow): Promise<void> {
  ids = row.ids;
  seed = seedFor(row) + 2000;
  const m = built(row);
  const xs = inputsOf(m, 23, -3, 3);
  const session = await ort.InferenceSession.create(await m.toOnnx());
  const feeds: Record<string, ort.Tensor> = {};
  session.inputNames.forEach((name, i) => { feeds[name] = new ort.Tensor('float32', xs[i].data, xs[i].shape); });
  const got = (await session.run(feeds))[session.outputNames[0]];
  const want = list(m.predict(feed(xs)))[0];
  assert.equal([...got.dims].map(Number), want.shape, 'output shape');
  close(got.data as Float32Array, want.data, 1e-6, 1e-5, `${row.className}: onnxruntime vs lepton`);
}

async function tfjsImport(row: LayerRow): Promise<void> {
  ids = row.ids;
  seed = seedFor(row) + 3000;
  const c = row.tfjs!();
  let art: tf.io.ModelArtifacts | undefined;
  await c.model.save(tf.io.withSaveHandler(async (a) => {
    art = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const topo = JSON.parse(JSON.stringify(art!.modelTopology));
  const tlayers = (topo.config.layers ?? topo.config) as { class_name: string; name: string }[];
  c.edit?.(tlayers);
  for (const cls of Object.keys(builtinLayers.get(row.className)!.tfjs!)) {
    assert.ok(tlayers.some((l) => l.class_name === cls), `the ${row.className} row's tfjs model holds a ${cls}`);
  }
  const lep = await loadModel<Model>({ ...art!, modelTopology: topo } as Parameters<typeof loadModel>[0]);
  assert.ok(lep.layers.some((l) => l.className === row.className), `the import holds a ${row.className}`);
  const xs = inputsOf(lep, 17);
  const tx = xs.map((x) => tf.tensor(x.data, x.shape));
  const want = (c.want ? c.want(tx) : (c.model.predict(tx.length === 1 ? tx[0] : tx) as tf.Tensor)).dataSync() as Float32Array;
  close(list(lep.predict(feed(xs)))[0].data, want, 1e-6, 1e-5, `${row.className}: lepton vs tfjs`);
}

test('the table has one row for every layer class in the io list, and a TF.js case exactly where TF.js has the class', () => {
  const named = rows.map((r) => r.className);
  assert.equal([...named].sort(), [...builtinLayers.keys()].sort(), 'rows vs io/layers.ts');
  assert.is(new Set(named).size, named.length, 'one row per class');
  for (const r of rows) assert.is(r.tfjs !== null, builtinLayers.get(r.className)!.tfjs !== null, `${r.className}: a TF.js case where the io list has a TF.js translation`);
});

for (const row of rows) {
  test(`${row.className}: gradients match finite differences`, () => gradcheck(row));
  test(`${row.className}: save and load in a directory round-trip exactly`, () => roundTrip(row));
  test(`${row.className}: the ONNX export matches onnxruntime`, () => onnxParity(row));
  if (row.tfjs) test(`${row.className}: a tfjs-layers model imports and predicts as tfjs does`, () => tfjsImport(row));
}

test.run();

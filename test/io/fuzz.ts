// The load fuzzer shared by test/io/hostile.test.ts (a few hundred cases) and
// bench/fuzz-load.bench.ts (10,000+): valid files (a lepton model with optimizer state, and a
// TF.js layers model) are mutated by bit flips, truncations, splices, swapped pairs and
// hostile numbers, then loaded. Every case must either load (and then predict without error)
// or be rejected with a ModelFormatError; anything else is a failure.
import { initializers, layers, loadModel, ModelFormatError, optimizers, regularizers, schedules, sequential, type Sequential } from '../../src/index.js';

export type Outcome = 'identical' | 'loadedDifferent' | 'rejected' | 'failure';
export interface FuzzReport {
  cases: number;
  byOutcome: Record<Outcome, number>;
  byMutation: Record<string, Record<Outcome, number>>;
  failures: string[];
  slowestMs: number;
}

interface Base {
  name: string;
  json: string;
  weights: Uint8Array;
  reference: Float32Array;
  /** The input the reference is the prediction of (default: `probe`). */
  probe?: { data: Float32Array; shape: number[] };
}

const probe = { data: Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)), shape: [3, 4] };

export async function bases(): Promise<Base[]> {
  const m = sequential([
    layers.dense(5, { inputShape: [4], activation: 'tanh', kernelInitializer: initializers.truncatedNormal({ stddev: 0.2 }), kernelRegularizer: regularizers.l2(0.01) }),
    layers.prelu(), layers.dense(5, { activation: 'selu' }), layers.leakyReLU({ alpha: 0.1 }), layers.elu(), layers.dense(3), layers.softmax(),
  ], { seed: 5 });
  m.compile({ optimizer: optimizers.adam({ learningRate: schedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 100 }), amsgrad: true }), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await m.fit(probe, { data: Float32Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1), shape: [3, 3] }, { epochs: 2, verbose: 0 });
  m.preprocessing = { mean: [0, 1, 2, 3], std: [1, 1, 1, 1] };
  const saved = await m.save();

  // A TF.js layers model.json, written as tfjs-layers writes one, with one concatenated shard.
  const tfW = Float32Array.from({ length: 4 * 6 + 6 + 6 * 2 + 2 }, (_, i) => Math.cos(i) * 0.5);
  const tfJson = JSON.stringify({
    format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null,
    modelTopology: { class_name: 'Sequential', config: { name: 'sequential_1', layers: [
      { class_name: 'Dense', config: { units: 6, activation: 'relu', use_bias: true, name: 'dense_Dense1', trainable: true, batch_input_shape: [null, 4], dtype: 'float32',
        kernel_initializer: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } } } },
      { class_name: 'Dense', config: { units: 2, activation: 'sigmoid', use_bias: true, name: 'dense_Dense2', trainable: true } },
    ] }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [
      { name: 'dense_Dense1/kernel', shape: [4, 6], dtype: 'float32' }, { name: 'dense_Dense1/bias', shape: [6], dtype: 'float32' },
      { name: 'dense_Dense2/kernel', shape: [6, 2], dtype: 'float32' }, { name: 'dense_Dense2/bias', shape: [2], dtype: 'float32' },
    ] }],
  });
  const tfBytes = new Uint8Array(tfW.buffer);
  const tf = await loadModel({ json: tfJson, weights: tfBytes });
  return [
    { name: 'lepton', json: saved.json, weights: saved.weights, reference: m.predict(probe).data },
    { name: 'tfjs', json: tfJson, weights: tfBytes, reference: tf.predict(probe).data },
    await convBase(),
    await spatialBase(),
  ];
}

/**
 * A small image model (issue 14): conv2d, max pooling, conv2dTranspose, average pooling, with
 * strides, 'same' and dilation, and Adam's state. Its weights do not depend on the image's height
 * and width, so a mutated inputShape can load as another valid model.
 */
async function convBase(): Promise<Base> {
  const m = sequential([
    layers.conv2d(3, { inputShape: [6, 5, 2], kernelSize: 3, strides: [2, 1], padding: 'same', activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
    layers.conv2dTranspose(2, { kernelSize: 2, strides: 2, activation: 'tanh' }),
    layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
    layers.conv2d(2, { kernelSize: 2, dilationRate: 2 }),
  ], { seed: 6 });
  const x = { data: Float32Array.from({ length: 2 * 60 }, (_, i) => Math.cos(i)), shape: [2, 6, 5, 2] };
  m.compile({ optimizer: 'adam', loss: 'mse' });
  await m.fit(x, { data: new Float32Array(2 * 2 * 4 * 2).fill(0.1), shape: [2, 2, 4, 2] }, { epochs: 2, verbose: 0 });
  const saved = await m.save();
  return { name: 'conv', json: saved.json, weights: saved.weights, reference: m.predict(x).data, probe: x };
}

/**
 * The layers on images (issue 14): zero padding, upsampling (nearest, bilinear), cropping, batch
 * normalization on images, global pooling, with Adam's state. Their weights fix only the channels, so a mutated
 * padding, size, cropping or inputShape can load as another valid model, or is refused when the
 * image it makes is empty or too large.
 */
async function spatialBase(): Promise<Base> {
  const m = sequential([
    layers.zeroPadding2d({ padding: [[1, 0], [2, 1]], inputShape: [5, 4, 3] }), layers.upSampling2d({ size: [2, 1] }),
    layers.cropping2d({ cropping: [[0, 3], [1, 1]] }), layers.upSampling2d({ size: [1, 2], interpolation: 'bilinear' }),
    layers.batchNormalization({ momentum: 0.9 }), layers.globalMaxPooling2d(), layers.dense(2),
  ], { seed: 8 });
  const x = { data: Float32Array.from({ length: 2 * 60 }, (_, i) => Math.sin(0.7 * i)), shape: [2, 5, 4, 3] };
  m.compile({ optimizer: 'adam', loss: 'mse' });
  await m.fit(x, { data: Float32Array.of(0.1, 0.2, 0.3, 0.4), shape: [2, 2] }, { epochs: 2, verbose: 0 });
  const saved = await m.save();
  return { name: 'spatial', json: saved.json, weights: saved.weights, reference: m.predict(x).data, probe: x };
}

/** mulberry32: the fuzzer's own deterministic stream. */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, below: (n: number) => Math.floor(next() * n) };
}
type Rng = ReturnType<typeof rng>;

const HOSTILE = ['0', '-1', '1e308', '4294967296', '268435457', '1e-320', '0.5', '"x"', 'null', 'true', '[]', '{}', '[1e9,1e9]',
  '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '"__proto__"', '"constructor"', '"toString"'];

function flip(r: Rng, b: Uint8Array): Uint8Array {
  const out = b.slice();
  const flips = 1 + r.below(3);
  for (let i = 0; i < flips && out.length; i++) out[r.below(out.length)] ^= 1 << r.below(8);
  return out;
}
function splice(r: Rng, b: Uint8Array): Uint8Array {
  if (b.length < 2) return b.slice();
  const a = r.below(b.length), len = 1 + r.below(Math.min(64, b.length - a)), at = r.below(b.length);
  const chunk = b.slice(a, a + len);
  if (r.next() < 0.5) { // overwrite in place
    const out = b.slice();
    out.set(chunk.subarray(0, Math.min(chunk.length, out.length - at)), at);
    return out;
  }
  const out = new Uint8Array(b.length + chunk.length); // insert
  out.set(b.subarray(0, at));
  out.set(chunk, at);
  out.set(b.subarray(at), at + chunk.length);
  return out;
}
const enc = new TextEncoder(), dec = new TextDecoder();

/** Replaces one JSON value (a number, string, array or object literal found by a crude scan) with a hostile one. */
function hostileValue(r: Rng, json: string): string {
  const spots: number[] = [];
  for (let i = 0; i < json.length; i++) if (json[i] === ':' || (json[i] === ',' && /[-\d"[{tn]/.test(json[i + 1]))) spots.push(i + 1);
  const at = spots[r.below(spots.length)];
  let end = at;
  if (/[-\d]/.test(json[at])) while (/[-\d.eE+]/.test(json[end])) end++;
  else if (json[at] === '"') { end = json.indexOf('"', at + 1) + 1; }
  else if (json.startsWith('null', at) || json.startsWith('true', at)) end = at + 4;
  else if (json.startsWith('false', at)) end = at + 5;
  return json.slice(0, at) + HOSTILE[r.below(HOSTILE.length)] + json.slice(end);
}

export const MUTATIONS = ['jsonBitFlip', 'weightsBitFlip', 'jsonTruncate', 'weightsTruncate', 'jsonSplice', 'weightsSplice', 'hostileValue', 'swappedPair'] as const;

function mutate(r: Rng, kind: (typeof MUTATIONS)[number], base: Base, other: Base): { json: string; weights: Uint8Array } {
  const j = enc.encode(base.json);
  switch (kind) {
    case 'jsonBitFlip': return { json: dec.decode(flip(r, j)), weights: base.weights };
    case 'weightsBitFlip': return { json: base.json, weights: flip(r, base.weights) };
    case 'jsonTruncate': return { json: base.json.slice(0, r.below(base.json.length)), weights: base.weights };
    case 'weightsTruncate': return { json: base.json, weights: base.weights.slice(0, r.below(base.weights.length)) };
    case 'jsonSplice': return { json: dec.decode(splice(r, j)), weights: base.weights };
    case 'weightsSplice': return { json: base.json, weights: splice(r, base.weights) };
    case 'hostileValue': return { json: hostileValue(r, base.json), weights: base.weights };
    case 'swappedPair': return { json: base.json, weights: other.weights };
  }
}

const sameBits = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

export async function fuzz(cases: number, seed = 1): Promise<FuzzReport> {
  const bs = await bases();
  const r = rng(seed);
  const zero = (): Record<Outcome, number> => ({ identical: 0, loadedDifferent: 0, rejected: 0, failure: 0 });
  const report: FuzzReport = { cases, byOutcome: zero(), byMutation: {}, failures: [], slowestMs: 0 };
  for (let c = 0; c < cases; c++) {
    const kind = MUTATIONS[c % MUTATIONS.length];
    const bi = r.below(bs.length);
    const mutated = mutate(r, kind, bs[bi], bs[(bi + 1) % bs.length]);
    const t0 = performance.now();
    let outcome: Outcome;
    let detail = '';
    try {
      const m: Sequential = await loadModel(mutated);
      const want = bs[bi].probe ?? probe;
      if (m.inputShape && m.inputShape.join() !== want.shape.slice(1).join()) {
        // Another valid image size (a conv's weights do not fix it): predict on an input of its own shape when small.
        const size = m.inputShape.reduce((a, b) => a * b, 1);
        if (size <= 1e5) m.predict({ data: new Float32Array(size), shape: [1, ...m.inputShape] });
        outcome = 'loadedDifferent';
      } else {
        const out = m.predict(want).data;
        outcome = sameBits(out, bs[bi].reference) ? 'identical' : 'loadedDifferent';
      }
      // A change to lepton's binary that loads must not change the model (the CRC sees it). TF.js
      // shards carry no checksum: a flipped bit there is a different, valid model.
      if (outcome === 'loadedDifferent' && kind.startsWith('weights') && bs[bi].name !== 'tfjs') { outcome = 'failure'; detail = 'a corrupted binary loaded as a different model'; }
    } catch (e) {
      outcome = e instanceof ModelFormatError ? 'rejected' : 'failure';
      detail = `${(e as Error)?.name}: ${(e as Error)?.message}`;
    }
    if (({} as Record<string, unknown>).polluted !== undefined) { outcome = 'failure'; detail = 'Object.prototype was polluted'; }
    const ms = performance.now() - t0;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (ms > 1000) { outcome = 'failure'; detail = `took ${ms.toFixed(0)} ms`; }
    report.byOutcome[outcome]++;
    (report.byMutation[`${bs[bi].name}/${kind}`] ??= zero())[outcome]++;
    if (outcome === 'failure' && report.failures.length < 10) report.failures.push(`case ${c} (${bs[bi].name}/${kind}): ${detail}`);
  }
  return report;
}

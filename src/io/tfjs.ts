// Import of TF.js layers models (the model.json + shards that tfjs-layers' save and
// tensorflowjs_converter write from Keras). The topology is translated into lepton's own layer
// configs and the weights, found by name in the manifest, into lepton's binary; fromArtifacts
// then loads it with all of its checks. Initializers map when lepton has them (they matter only
// for retraining from scratch); training config (loss, optimizer) is not imported: compile.

import type { Sequential } from '../model.js';
import { arr, checkTree, int, LIMITS, num, obj, opt, shape, str, writeF32, crc32, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { fromArtifacts, impliedWeights } from './lepton.js';
import { FORMAT_VERSION, LEPTON_VERSION } from './version.js';

/** tf.io.ModelArtifacts as tfjs-layers hands them to a save handler, or parsed model.json + concatenated shards. */
export type TfjsArtifacts =
  | { modelTopology: object; weightSpecs?: object[]; weightData?: ArrayBuffer | ArrayBuffer[] | Uint8Array }
  | { modelJson: object; weightData: Uint8Array };

export function isTfjsArtifacts(s: unknown): boolean {
  return typeof s === 'object' && s !== null && ('modelTopology' in s || 'modelJson' in s) && 'weightData' in s;
}

const SUPPORTED = ['InputLayer', 'Dense', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'PReLU'];
const ACTIVATIONS = new Map([
  ['linear', 'linear'], ['relu', 'relu'], ['sigmoid', 'sigmoid'], ['tanh', 'tanh'], ['elu', 'elu'], ['selu', 'selu'],
  ['softplus', 'softplus'], ['softmax', 'softmax'], ['leaky_relu', 'leakyRelu'],
]);
const INITIALIZERS = new Map([
  ['GlorotUniform', 'glorotUniform'], ['GlorotNormal', 'glorotNormal'], ['HeNormal', 'heNormal'], ['HeUniform', 'heUniform'],
  ['LecunNormal', 'lecunNormal'], ['LecunUniform', 'lecunUniform'], ['Zeros', 'zeros'], ['Ones', 'ones'],
]);

export function fromTfjs(a: TfjsArtifacts): Sequential {
  let modelJson: Json;
  let data: Uint8Array;
  if ('modelJson' in a) {
    modelJson = obj(a.modelJson, 'model.json');
    data = a.weightData;
  } else {
    modelJson = { modelTopology: a.modelTopology, weightsManifest: [{ paths: [], weights: a.weightSpecs ?? [] }] };
    const wd = a.weightData;
    const parts = wd === undefined ? [] : Array.isArray(wd) ? wd.map((b) => new Uint8Array(b)) : [wd instanceof Uint8Array ? wd : new Uint8Array(wd)];
    data = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
    let o = 0;
    for (const p of parts) data.set(p, (o += p.byteLength) - p.byteLength);
  }
  checkTree(modelJson, 'model.json');
  if (!(data instanceof Uint8Array)) throw new ModelFormatError('weightData: expected bytes');

  let topo = obj(modelJson.modelTopology, 'modelTopology');
  if (topo.model_config !== undefined) topo = obj(topo.model_config, 'modelTopology.model_config');
  const cls = str(topo.class_name, 'modelTopology.class_name');
  if (cls !== 'Sequential') throw new ModelFormatError(`modelTopology: a ${cls} model; lepton imports TF.js Sequential models (functional ones come with lepton's graph API)`);
  const cfg = topo.config;
  const tlayers = arr(Array.isArray(cfg) ? cfg : obj(cfg, 'modelTopology.config').layers, 'modelTopology.config.layers');

  const unsupported = tlayers.map((l, i) => obj(l, `layers[${i}]`)).filter((l) => !SUPPORTED.includes(l.class_name as string))
    .map((l) => `${String(obj(l.config ?? {}, 'config').name ?? '?').slice(0, 80)} (${String(l.class_name).slice(0, 80)})`);
  if (unsupported.length) {
    throw new ModelFormatError(`this TF.js model uses layers lepton does not have: ${unsupported.join(', ')}; supported: ${SUPPORTED.join(', ')}`);
  }

  let inputShape: number[] | undefined;
  const layers: Json[] = [];
  for (const [i, l] of tlayers.entries()) {
    const path = `modelTopology.config.layers[${i}]`;
    const t = obj(l, path);
    const c = obj(t.config, `${path}.config`);
    const shapeKey = ['batch_input_shape', 'batch_shape'].find((k) => c[k] !== undefined && c[k] !== null);
    if (shapeKey && !inputShape) {
      const s = arr(c[shapeKey], `${path}.config.${shapeKey}`, 9);
      inputShape = shape(s.slice(1), `${path}.config.${shapeKey}[1:]`);
    }
    if (t.class_name === 'InputLayer') continue;
    const name = str(c.name, `${path}.config.name`);
    const base = { name, trainable: c.trainable === false ? false : true };
    layers.push(translate(t.class_name as string, c, base, path, inputShape?.length ?? 1));
  }
  if (!inputShape) throw new ModelFormatError('modelTopology: no layer declares the input shape (batch_input_shape)');

  // The lepton weights these layers declare, looked up by name in the manifest.
  const doc: Json = {
    format: 'lepton', formatVersion: FORMAT_VERSION, generatedBy: `lepton ${LEPTON_VERSION} (from TF.js)`,
    modelType: 'sequential', name: !Array.isArray(cfg) && typeof (cfg as Json)?.name === 'string' ? (cfg as Json).name : 'sequential',
    seed: Math.floor(Math.random() * 2 ** 31), inputShape, layers, training: null, preprocessing: null,
  };
  const wanted = impliedWeights(doc, inputShape);
  const manifest = readManifest(modelJson, data);
  const n = wanted.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  const bin = new Uint8Array(n * 4);
  let offset = 0;
  for (const w of wanted) {
    const spec = manifest.find(w.name);
    if (spec.shape.length !== w.shape.length || spec.shape.some((d, j) => d !== w.shape[j])) {
      throw new ModelFormatError(`weightsManifest: ${spec.name} has shape [${spec.shape.join(', ')}], the layer needs [${w.shape.join(', ')}]`);
    }
    const values = manifest.values(spec);
    writeF32(bin, offset, values);
    offset += values.byteLength;
  }
  doc.weights = {
    file: 'weights.bin', byteLength: bin.byteLength, crc32: crc32(bin), optimizerSlots: 0,
    entries: wanted,
  };
  return fromArtifacts(doc, bin) as Sequential; // modelType: sequential, above
}

/** `lastAxis`: the index of the feature axis (every layer lepton has keeps the input's rank). */
function translate(cls: string, c: Json, base: { name: string; trainable: boolean }, path: string, lastAxis: number): Json {
  const act = (v: unknown, p: string): string => {
    const a = v === undefined || v === null ? 'linear' : str(v, p);
    const m = ACTIVATIONS.get(a);
    if (!m) throw new ModelFormatError(`${base.name}: activation '${a.slice(0, 80)}' is not one lepton has (${[...ACTIVATIONS.keys()].join(', ')})`);
    return m;
  };
  const none = (keys: string[]) => {
    for (const k of keys) {
      if (c[k] !== undefined && c[k] !== null) throw new ModelFormatError(`${base.name} (${cls}): ${k} is not supported by lepton`);
    }
  };
  switch (cls) {
    case 'Dense':
      none(['activity_regularizer', 'kernel_constraint', 'bias_constraint']);
      return { className: 'Dense', config: {
        ...base, units: int(c.units, `${path}.config.units`, 1, LIMITS.dim), activation: act(c.activation, `${path}.config.activation`),
        useBias: c.use_bias === false ? false : true,
        kernelInitializer: initializer(c.kernel_initializer), biasInitializer: initializer(c.bias_initializer),
        kernelRegularizer: regularizer(c.kernel_regularizer, `${base.name}.kernel_regularizer`),
        biasRegularizer: regularizer(c.bias_regularizer, `${base.name}.bias_regularizer`),
      } };
    case 'Activation':
      return { className: 'Activation', config: { ...base, activation: act(c.activation, `${path}.config.activation`) } };
    case 'ReLU': {
      const plain = (c.max_value === undefined || c.max_value === null) && !c.threshold && !c.negative_slope;
      if (!plain) throw new ModelFormatError(`${base.name} (ReLU): max_value, threshold and negative_slope are not supported by lepton`);
      return { className: 'Activation', config: { ...base, activation: 'relu' } };
    }
    case 'LeakyReLU':
      return { className: 'LeakyReLU', config: { ...base, alpha: num(c.alpha ?? c.negative_slope ?? 0.3, `${path}.config.alpha`) } };
    case 'ELU':
      return { className: 'ELU', config: { ...base, alpha: num(c.alpha ?? 1, `${path}.config.alpha`) } };
    case 'Softmax':
      const axis = Array.isArray(c.axis) && c.axis.length === 1 ? c.axis[0] : c.axis ?? -1;
      if (axis !== -1 && axis !== lastAxis) {
        throw new ModelFormatError(`${base.name} (Softmax): only the last axis is supported, got axis ${JSON.stringify(c.axis)}`);
      }
      return { className: 'Softmax', config: base };
    case 'PReLU':
      none(['alpha_regularizer', 'alpha_constraint', 'shared_axes']);
      return { className: 'PReLU', config: { ...base, alphaInitializer: initializer(c.alpha_initializer) } };
  }
  throw new ModelFormatError(`${base.name}: unsupported layer ${cls}`);
}

function initializer(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Json;
  const name = typeof o.class_name === 'string' ? o.class_name : '';
  const direct = INITIALIZERS.get(name);
  if (direct) return direct;
  if (name === 'VarianceScaling' && typeof o.config === 'object' && o.config !== null) {
    const { scale, mode, distribution } = o.config as Json;
    const key = `${scale}/${mode}/${distribution}`;
    return new Map([
      ['1/fan_avg/uniform', 'glorotUniform'], ['1/fan_avg/truncated_normal', 'glorotNormal'], ['1/fan_avg/normal', 'glorotNormal'],
      ['2/fan_in/truncated_normal', 'heNormal'], ['2/fan_in/uniform', 'heUniform'], ['1/fan_in/truncated_normal', 'lecunNormal'], ['1/fan_in/uniform', 'lecunUniform'],
    ]).get(key);
  }
  return undefined; // lepton's default; the weights come from the file anyway
}

function regularizer(v: unknown, path: string): Json | null {
  if (v === undefined || v === null) return null;
  const o = obj(v, path);
  const c = obj(o.config ?? {}, `${path}.config`);
  const l1 = o.class_name === 'L1L2' || o.class_name === 'L1' ? (c.l1 ?? 0) : 0;
  if ((o.class_name !== 'L1L2' && o.class_name !== 'L2') || l1 !== 0) {
    throw new ModelFormatError(`${path}: ${String(o.class_name).slice(0, 40)} with l1 = ${l1}; lepton has the L2 penalty only`);
  }
  return { name: 'l2', config: { l2: num(c.l2 ?? 0, `${path}.config.l2`) } };
}

const DTYPE_BYTES = new Map([['float32', 4], ['int32', 4], ['bool', 1]]);
const QUANT_BYTES = new Map([['uint8', 1], ['uint16', 2], ['float16', 2]]);

interface Spec {
  name: string;
  shape: number[];
  offset: number;
  count: number;
  dtype: string;
  quant?: { dtype: string; scale: number; min: number };
}

/** The manifest's weights with their byte offsets in the concatenated shards (which must add up exactly). */
function readManifest(modelJson: Json, data: Uint8Array): { find(name: string): Spec; values(s: Spec): Float32Array } {
  const specs: Spec[] = [];
  let offset = 0;
  for (const [g, group] of arr(modelJson.weightsManifest ?? [], 'weightsManifest', 10_000).entries()) {
    for (const [i, w] of arr(obj(group, `weightsManifest[${g}]`).weights ?? [], `weightsManifest[${g}].weights`, 1_000_000).entries()) {
      const p = `weightsManifest[${g}].weights[${i}]`;
      const o = obj(w, p);
      const s = arr(o.shape, `${p}.shape`, 8).length === 0 ? [] : shape(o.shape, `${p}.shape`);
      const count = s.reduce((a, b) => a * b, 1);
      const dtype = str(o.dtype ?? 'float32', `${p}.dtype`);
      const q = opt(o.quantization, obj, `${p}.quantization`);
      const quant = q && { dtype: str(q.dtype, `${p}.quantization.dtype`), scale: num(q.scale ?? 1, `${p}.quantization.scale`), min: num(q.min ?? 0, `${p}.quantization.min`) };
      const bytesPer = quant ? QUANT_BYTES.get(quant.dtype) : DTYPE_BYTES.get(dtype);
      if (!bytesPer) throw new ModelFormatError(`${p}: dtype ${JSON.stringify(quant?.dtype ?? dtype).slice(0, 40)} is not supported`);
      specs.push({ name: str(o.name, `${p}.name`, 1024), shape: s, offset, count, dtype, quant });
      offset += count * bytesPer;
    }
  }
  if (offset !== data.byteLength) {
    throw new ModelFormatError(`weightsManifest: the weights described need ${offset} bytes, the shards hold ${data.byteLength} (truncated, or shards missing)`);
  }
  return {
    find(name) {
      const exact = specs.filter((s) => s.name === name || s.name === `${name}:0`);
      const hits = exact.length ? exact : specs.filter((s) => s.name.endsWith(`/${name}`) || s.name.endsWith(`/${name}:0`));
      if (hits.length !== 1) {
        throw new ModelFormatError(`weightsManifest: ${hits.length ? 'several weights match' : 'no weight named'} ${name}; it lists ${specs.map((s) => s.name).slice(0, 20).join(', ')}`);
      }
      return hits[0];
    },
    values(s) {
      if (!s.quant) {
        if (s.dtype !== 'float32') throw new ModelFormatError(`${s.name}: dtype ${s.dtype}; a layer weight must be float32`);
        const dv = new DataView(data.buffer, data.byteOffset + s.offset, s.count * 4);
        return Float32Array.from({ length: s.count }, (_, i) => dv.getFloat32(i * 4, true));
      }
      const { dtype, scale, min } = s.quant;
      const dv = new DataView(data.buffer, data.byteOffset + s.offset);
      return Float32Array.from({ length: s.count }, (_, i) =>
        dtype === 'uint8' ? dv.getUint8(i) * scale + min : dtype === 'uint16' ? dv.getUint16(i * 2, true) * scale + min : half(dv.getUint16(i * 2, true)));
    },
  };
}

/** IEEE half → float. */
function half(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

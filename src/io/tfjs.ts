// Import of TF.js layers models (the model.json + shards that tfjs-layers' save and
// tensorflowjs_converter write from Keras). The topology is translated into lepton's own layer
// configs and the weights, found by name in the manifest, into lepton's binary; fromArtifacts
// then loads it with all of its checks. Sequential models become lepton sequential documents;
// functional ones (class Model or Functional: InputLayers, inbound_nodes, input_layers, output_layers)
// become lepton functional documents, whose graph functional.ts builds with input() and apply().
// Each TF.js layer config is translated by the TF.js half of its class's entry in the one layer
// list (layers.ts). Training config (loss, optimizer) is not imported: compile.

import type { Model } from '../model/index.js';
import { arr, checkTree, int, LIMITS, num, obj, opt, shape, str, writeF32, crc32, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { functionalWeights } from './functional.js';
import { builtinLayers, type LayerEntry } from './layers.js';
import { fromArtifacts, impliedWeights } from './lepton.js';
import type { TfjsLayer } from './tfjs-config.js';
import { FORMAT_VERSION, LEPTON_VERSION } from './version.js';

/** tf.io.ModelArtifacts as tfjs-layers hands them to a save handler, or parsed model.json + concatenated shards. */
export type TfjsArtifacts =
  | { modelTopology: object; weightSpecs?: object[]; weightData?: ArrayBuffer | ArrayBuffer[] | Uint8Array }
  | { modelJson: object; weightData: Uint8Array };

export function isTfjsArtifacts(s: unknown): boolean {
  return typeof s === 'object' && s !== null && ('modelTopology' in s || 'modelJson' in s) && 'weightData' in s;
}

/** TF.js class name → the lepton class it becomes, its translation, and the class's entry. */
interface TfjsClass {
  className: string;
  translate: (t: TfjsLayer) => Json;
  entry: LayerEntry;
}
const tfjsClasses = new Map<string, TfjsClass>();
for (const [className, entry] of builtinLayers) {
  for (const [cls, translate] of Object.entries(entry.tfjs ?? {})) tfjsClasses.set(cls, { className, translate, entry });
}

export function fromTfjs(a: TfjsArtifacts): Model {
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
  const functional = cls === 'Model' || cls === 'Functional';
  if (cls !== 'Sequential' && !functional) {
    throw new ModelFormatError(`modelTopology: a ${cls.slice(0, 80)} model; lepton imports TF.js Sequential and functional (Model, Functional) models`);
  }
  const cfg = topo.config;
  if (functional || !Array.isArray(cfg)) obj(cfg, 'modelTopology.config');
  const tlayers = arr(Array.isArray(cfg) ? cfg : (cfg as Json).layers, 'modelTopology.config.layers');

  const unsupported = tlayers.map((l, i) => obj(l, `layers[${i}]`)).filter((l) => l.class_name !== 'InputLayer' && !(typeof l.class_name === 'string' && tfjsClasses.has(l.class_name)))
    .map((l) => `${String(obj(l.config ?? {}, 'config').name ?? l.name ?? '?').slice(0, 80)} (${String(l.class_name).slice(0, 80)})`);
  if (unsupported.length) {
    throw new ModelFormatError(`this TF.js model uses layers lepton does not have: ${unsupported.slice(0, 20).join(', ')}${unsupported.length > 20 ? ` and ${unsupported.length - 20} more` : ''}; supported: InputLayer, ${[...tfjsClasses.keys()].join(', ')}`);
  }

  const name = !Array.isArray(cfg) && typeof (cfg as Json)?.name === 'string' ? (cfg as Json).name : functional ? 'model' : 'sequential';
  const doc: Json = {
    format: 'lepton', formatVersion: FORMAT_VERSION, generatedBy: `lepton ${LEPTON_VERSION} (from TF.js)`,
    modelType: functional ? 'functional' : 'sequential', name, seed: Math.floor(Math.random() * 2 ** 31),
    ...(functional ? functionalTopology(cfg as Json, tlayers, name as string) : sequentialTopology(tlayers)),
    training: null, preprocessing: null,
  };
  // The lepton weights these layers declare (found without allocating), looked up by name in the manifest.
  const wanted = functional ? functionalWeights(doc) : impliedWeights(doc, doc.inputShape as number[]);
  const manifest = readManifest(modelJson, data);
  const specs = wanted.map((w) => {
    const spec = manifest.find(w.name);
    if (spec.shape.length !== w.shape.length || spec.shape.some((d, j) => d !== w.shape[j])) {
      throw new ModelFormatError(`weightsManifest: ${spec.name} has shape [${spec.shape.join(', ')}], the layer needs [${w.shape.join(', ')}]`);
    }
    return spec;
  });
  // Every size is now one the shards hold: the binary can be allocated.
  const n = wanted.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  const bin = new Uint8Array(n * 4);
  let offset = 0;
  for (const spec of specs) {
    const values = manifest.values(spec);
    writeF32(bin, offset, values);
    offset += values.byteLength;
  }
  doc.weights = {
    file: 'weights.bin', byteLength: bin.byteLength, crc32: crc32(bin), optimizerSlots: 0,
    entries: wanted,
  };
  return fromArtifacts(doc, bin);
}

/** inputShape and layers of a lepton sequential document. */
function sequentialTopology(tlayers: unknown[]): Json {
  let inputShape: number[] | undefined;
  let rank = 1; // of the current layer's input, for Softmax's axis
  const layers: Json[] = [];
  for (const [i, l] of tlayers.entries()) {
    const path = `modelTopology.config.layers[${i}]`;
    const t = obj(l, path);
    const c = obj(t.config, `${path}.config`);
    const shapeKey = ['batch_input_shape', 'batch_shape'].find((k) => c[k] !== undefined && c[k] !== null);
    if (shapeKey && !inputShape) {
      const s = arr(c[shapeKey], `${path}.config.${shapeKey}`, 9);
      inputShape = shape(s.slice(1), `${path}.config.${shapeKey}[1:]`);
      rank = inputShape.length;
    }
    if (t.class_name === 'InputLayer') continue;
    const name = str(c.name, `${path}.config.name`);
    const base = { name, trainable: c.trainable === false ? false : true };
    const { className, translate, entry } = tfjsClasses.get(t.class_name as string)!;
    const config = translate({ cls: t.class_name as string, c, base, path, lastAxis: rank });
    if (entry.rank) rank = entry.rank(config);
    layers.push({ className, config });
  }
  if (!inputShape) throw new ModelFormatError('modelTopology: no layer declares the input shape (batch_input_shape)');
  return { inputShape, layers };
}

/** Inputs or outputs of a model; inputs of one call (as functional.ts allows). */
const MAX_PORTS = 1024;

/**
 * inputs, layers with their calls, outputs of a lepton functional document, from a TF.js/Keras 2
 * functional config: InputLayers become the inputs (in input_layers' order), each layer's
 * inbound_nodes its calls ([[[layer, node, tensor, kwargs], ...], ...]: node k of a layer is its k-th
 * call, as lepton counts them). References are checked (unknown layers or calls, cycles) when the
 * document's graph is built, symbolically, before any weight is read.
 */
function functionalTopology(cfg: Json, tlayers: unknown[], modelName: string): Json {
  const inputShapes = new Map<string, number[]>();
  const names = new Set<string>();
  const layers: Json[] = [];
  for (const [i, l] of tlayers.entries()) {
    const path = `modelTopology.config.layers[${i}]`;
    const t = obj(l, path);
    const c = obj(t.config, `${path}.config`);
    const name = str(c.name ?? t.name, `${path}.config.name`);
    if (t.name !== undefined && t.name !== name) throw new ModelFormatError(`${path}: name '${String(t.name).slice(0, 80)}' and config.name '${name}' differ`);
    if (names.has(name)) throw new ModelFormatError(`${path}: the layer name '${name}' is used twice`);
    names.add(name);
    const nodes = arr(t.inbound_nodes ?? [], `${path}.inbound_nodes`);
    if (t.class_name === 'InputLayer') {
      if (nodes.length) throw new ModelFormatError(`${path} (${name}): an InputLayer has no inbound nodes`);
      if (c.sparse === true || c.ragged === true) throw new ModelFormatError(`${path} (${name}): sparse and ragged inputs are not supported by lepton`);
      const shapeKey = ['batch_input_shape', 'batch_shape'].find((k) => c[k] !== undefined && c[k] !== null);
      if (!shapeKey) throw new ModelFormatError(`${path} (${name}): the InputLayer has no batch_input_shape`);
      const s = arr(c[shapeKey], `${path}.config.${shapeKey}`, 9);
      inputShapes.set(name, shape(s.slice(1), `${path}.config.${shapeKey}[1:]`));
      continue;
    }
    const base = { name, trainable: c.trainable === false ? false : true };
    const { className, translate } = tfjsClasses.get(t.class_name as string)!;
    const config = translate({ cls: t.class_name as string, c, base, path, lastAxis: NaN });
    const inbound = nodes.map((n, k) => nodeRefs(n, `${path}.inbound_nodes[${k}]`));
    layers.push({ className, config, inbound });
  }
  const inputs = arr(cfg.input_layers, 'modelTopology.config.input_layers', MAX_PORTS).map((r, i) => {
    const p = `modelTopology.config.input_layers[${i}]`;
    const ref = portRef(r, p), [n, k] = ref;
    const s = inputShapes.get(n);
    if (!s || k !== 0 || ref.length > 2) throw new ModelFormatError(`${p}: [${n}, ${k}] is not an InputLayer of this model`);
    return { name: n, shape: s };
  });
  const listed = new Set(inputs.map((x) => x.name));
  if (listed.size !== inputs.length) throw new ModelFormatError('modelTopology.config.input_layers: an input is listed twice');
  for (const n of inputShapes.keys()) {
    if (!listed.has(n)) throw new ModelFormatError(`modelTopology.config: the InputLayer '${n}' is not one of input_layers`);
  }
  const outputs = arr(cfg.output_layers, 'modelTopology.config.output_layers', MAX_PORTS)
    .map((r, i) => portRef(r, `modelTopology.config.output_layers[${i}]`));
  return { name: modelName, inputs, layers, outputs };
}

/** One input of a call or one model port: [layer, node, tensor(, kwargs)] → lepton's [layer, call] (or [layer, call, tensor], a returnState state). */
function portRef(v: unknown, p: string): [string, number] | [string, number, number] {
  const e = arr(v, p, 4);
  if (e.length < 2) throw new ModelFormatError(`${p} must be [layer name, node index, tensor index], got ${e.length} entries`);
  const name = str(e[0], `${p}[0]`);
  const node = int(e[1], `${p}[1]`, 0, LIMITS.layers);
  const tensor = e.length > 2 ? int(e[2], `${p}[2]`, 0, LIMITS.layers) : 0;
  if (tensor > 2) throw new ModelFormatError(`${p}: output ${tensor} of '${name}'; lepton layers have one output, a recurrent layer's returnState three at most`);
  return tensor ? [name, node, tensor] : [name, node];
}

function nodeRefs(v: unknown, p: string): ([string, number] | [string, number, number])[] {
  if (!Array.isArray(v)) {
    throw new ModelFormatError(`${p}: expected a node as TF.js and Keras 2 write it (a list of [layer, node, tensor, kwargs]); Keras 3 nodes are not supported`);
  }
  const refs = arr(v, p, MAX_PORTS).map((r, j) => {
    const q = `${p}[${j}]`;
    const kwargs = Array.isArray(r) ? r[3] : undefined;
    if (kwargs !== undefined && kwargs !== null && Object.keys(obj(kwargs, `${q}[3]`)).length) {
      throw new ModelFormatError(`${q}: call arguments ${JSON.stringify(kwargs).slice(0, 80)} are not supported by lepton`);
    }
    return portRef(r, q);
  });
  if (refs.length === 0) throw new ModelFormatError(`${p}: a call needs at least one input`);
  return refs;
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

// lepton's own format: model.json (topology, training config and state, seed and RNG state,
// preprocessing, library version) and one little-endian float32 binary: every weight in Keras
// order, unpadded, then each optimizer slot in the same order. The JSON names the binary and
// holds its length and CRC-32, so a json/bin pair that do not belong together is rejected.
//
// {
//   "format": "lepton", "formatVersion": 1, "generatedBy": "lepton 0.1.0",
//   "modelType": "sequential",            // or 'functional': then `inputs`, `outputs`, and layers
//                                          // carry `inbound` (topology.ts), no `inputShape`
//   "name": "sequential", "seed": 42, "inputShape": [8],
//   "layers": [{ "className": "Dense", "config": { "name": "dense", "units": 64, ... } }],
//   "training": { "loss": { name, config }, "metrics": ["mae"],
//                 "losses": [...], "lossWeights": [...],   // functional: one per output
//                 "optimizer": { "name": "adam", "config": {...}, "iterations": 120 } } | null,
//   "rng": { "init": [4 × u32], "shuffle": [...], "step": [...] },
//   "preprocessing": null,                 // fitted normalizers, as the data pipeline writes them
//   "epoch": 5,                            // epochs completed, when written by modelCheckpoint
//   "weights": { "file": "weights-1a2b3c4d.bin", "dtype": "float32", "byteOrder": "little",
//                "byteLength": 1234, "crc32": 439041101, "optimizerSlots": 2,
//                "entries": [{ "name": "dense/kernel", "shape": [8, 64] }, ...] }
// }

import type { Layer } from '../layers/layer.js';
import { isModel } from '../graph.js';
import type { Model } from '../model/index.js';
import { arr, checkTree, crc32, guard, int, LIMITS, obj, opt, parseJson, shape, str, writeF32, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { layerSerializer, layerToJson, lossToJson, optimizerToJson } from './registry.js';
import { topologyToJson } from './topology.js';
import { userModelTypes, type ModelBuilder } from './tables.js';
import type { ModelArtifacts, SaveOptions, WeightsSpec } from './types.js';
import { FORMAT_VERSION, LEPTON_VERSION } from './version.js';

export type { ModelArtifacts, SaveOptions, WeightsSpec } from './types.js';

/** The model as artifacts. */
export function toArtifacts(model: Model, { includeOptimizer = true, epoch, weightsFile }: SaveOptions = {}): ModelArtifacts {
  const inputShape = model.inputShape;
  if (!inputShape) throw new Error(`${model.name}.save: the model is not built yet; give the first layer an inputShape or call fit/predict first`);
  const sequential = model.className === 'Sequential';
  const nested = sequential ? model.layers.find(isModel) : undefined;
  if (nested) throw new Error(`${model.name}.save: ${nested.name} is a model inside a sequential model, which lepton's sequential format cannot hold; build the same model with the functional API (model({ inputs, outputs })), which saves nested models`);
  const topology = sequential ? { inputShape, layers: model.layers.map(layerToJson) } : topologyToJson(model);
  const weights = model.getWeights();
  const names = model.weights.map((w) => w.name);
  const state = model.getTrainingState();
  const compiled = model.optimizer && model.loss;
  const slots = compiled && includeOptimizer ? state.optimizerSlots : [];
  const n = weights.reduce((s, w) => s + w.data.length, 0);
  const bin = new Uint8Array(n * 4 * (1 + slots.length));
  let offset = 0;
  for (const group of [weights.map((w) => w.data), ...slots]) {
    for (const values of group) {
      writeF32(bin, offset, values);
      offset += values.length * 4;
    }
  }
  const crc = crc32(bin);
  const preprocessing = model.preprocessing ?? null;
  checkTree(preprocessing, 'preprocessing');
  const doc: Json = {
    format: 'lepton', formatVersion: FORMAT_VERSION, generatedBy: `lepton ${LEPTON_VERSION}`,
    modelType: sequential ? 'sequential' : 'functional', name: model.name, seed: model.seed, ...topology,
    training: compiled ? {
      loss: lossToJson(model.loss!), metrics: state.metrics,
      ...(sequential ? {} : { losses: state.losses.map(lossToJson), lossWeights: state.lossWeights }),
      optimizer: { ...optimizerToJson(model.optimizer!), ...(includeOptimizer ? {} : { iterations: 0 }) },
    } : null,
    rng: state.rng,
    preprocessing,
    ...(epoch !== undefined ? { epoch } : {}),
    weights: {
      file: weightsFile ?? `weights-${crc.toString(16).padStart(8, '0')}.bin`, dtype: 'float32', byteOrder: 'little',
      byteLength: bin.byteLength, crc32: crc, optimizerSlots: slots.length,
      entries: weights.map((w, i) => ({ name: names[i], shape: w.shape })),
    },
  };
  return { json: JSON.stringify(doc), weights: bin };
}

export function readWeightsSpec(doc: Json): WeightsSpec {
  const w = obj(doc.weights, 'weights');
  if (w.dtype !== undefined && w.dtype !== 'float32') throw new ModelFormatError(`weights.dtype must be 'float32', got ${JSON.stringify(w.dtype)?.slice(0, 40)}`);
  if (w.byteOrder !== undefined && w.byteOrder !== 'little') throw new ModelFormatError(`weights.byteOrder must be 'little', got ${JSON.stringify(w.byteOrder)?.slice(0, 40)}`);
  const file = str(w.file, 'weights.file');
  if (/[\\/]|^\.\.?$/.test(file)) throw new ModelFormatError(`weights.file must be a plain file name beside model.json, got ${JSON.stringify(file)}`);
  const entries = arr(w.entries, 'weights.entries').map((e, i) => {
    const o = obj(e, `weights.entries[${i}]`);
    const s = shape(o.shape, `weights.entries[${i}].shape`);
    return { name: str(o.name, `weights.entries[${i}].name`, 1024), shape: s, size: s.reduce((a, b) => a * b, 1) };
  });
  return {
    file, entries,
    byteLength: int(w.byteLength, 'weights.byteLength', 0, LIMITS.weightBytes),
    crc32: opt(w.crc32, (v, p) => int(v, p, 0, 2 ** 32 - 1), 'weights.crc32'),
    optimizerSlots: int(w.optimizerSlots ?? 0, 'weights.optimizerSlots', 0, 8),
  };
}

/** Parses and checks model.json text (or an already parsed object). */
export function parseModelJson(json: string | object, what = 'model.json'): Json {
  if (typeof json === 'string') return obj(parseJson(json, what), what);
  checkTree(json, what);
  return obj(json, what);
}

/** A model from its artifacts; every failure is a ModelFormatError. */
export function fromArtifacts(json: string | object, weights: Uint8Array): Model {
  const doc = parseModelJson(json);
  if (doc.format !== 'lepton') throw new ModelFormatError(`model.json: not a lepton model (format ${JSON.stringify(doc.format)?.slice(0, 40)}; expected 'lepton')`);
  const version = int(doc.formatVersion, 'formatVersion', 1, Number.MAX_SAFE_INTEGER);
  if (version > FORMAT_VERSION) {
    throw new ModelFormatError(`model.json has format version ${version} (written by ${String(doc.generatedBy).slice(0, 40)}); this lepton ${LEPTON_VERSION} reads up to version ${FORMAT_VERSION}`);
  }
  const spec = readWeightsSpec(doc);
  checkWeightBytes(spec, weights);
  const type = typeof doc.modelType === 'string' ? doc.modelType : '';
  const build = userModelTypes.get(type) ?? builtinModelTypes.get(type);
  if (!build) throw new ModelFormatError(`modelType: ${JSON.stringify(doc.modelType)?.slice(0, 40)} is not a model type this lepton loads (${[...new Set([...builtinModelTypes.keys(), ...userModelTypes.keys()])].join(', ')})`);
  return build(doc, spec, weights);
}

/** The binary matches its description: exact length, CRC, and sizes that add up. */
function checkWeightBytes(spec: WeightsSpec, weights: Uint8Array): void {
  if (!(weights instanceof Uint8Array)) throw new ModelFormatError(`weights: expected bytes (a Uint8Array), got ${typeof weights}`);
  if (weights.byteLength !== spec.byteLength) {
    throw new ModelFormatError(`weights: model.json describes ${spec.byteLength} bytes, the weights file has ${weights.byteLength} (truncated, or not the file written with this model.json)`);
  }
  const floats = spec.entries.reduce((s, e) => s + e.size, 0);
  if (floats * 4 * (1 + spec.optimizerSlots) !== spec.byteLength) {
    throw new ModelFormatError(`weights: the entries (${floats} floats, ${spec.optimizerSlots} optimizer slots) need ${floats * 4 * (1 + spec.optimizerSlots)} bytes; byteLength says ${spec.byteLength}`);
  }
  if (spec.crc32 !== undefined && crc32(weights) !== spec.crc32) {
    throw new ModelFormatError(`weights: CRC-32 ${crc32(weights)} does not match ${spec.crc32} in model.json (corrupted, or not the file written with this model.json)`);
  }
}

/** The built-in model types, 'sequential' and 'functional', which io.ts sets; a user's registerModelType wins (tables.ts). */
export const builtinModelTypes = new Map<string, ModelBuilder>();

/** Layers from `doc.layers`; each config is read by its class's registered fromConfig. */
export function layersFromJson(doc: Json): Layer[] {
  const names = new Set<string>();
  return arr(doc.layers, 'layers').map((v, i) => {
    const path = `layers[${i}]`;
    const o = obj(v, path);
    const layer = layerSerializer(o.className, `${path}.className`).fromConfig(obj(o.config, `${path}.config`), `${path}.config`);
    if (names.has(layer.name)) throw new ModelFormatError(`${path}: the layer name '${layer.name}' is used twice`);
    names.add(layer.name);
    return layer;
  });
}

/**
 * The weights (names and shapes) the layers of `doc` declare for `inputShape`, from a build of
 * throwaway layers: it allocates nothing, so a config asking for terabytes costs nothing until
 * its shapes are compared with the bytes actually given.
 */
export function impliedWeights(doc: Json, inputShape: number[]): { name: string; shape: number[] }[] {
  const probe = layersFromJson(doc);
  if (probe.length === 0) throw new ModelFormatError('layers: a model needs at least one layer');
  let s = inputShape;
  for (const [i, l] of probe.entries()) {
    guard(`layers[${i}] (${l.name})`, () => l.build(s));
    s = l.outputShape!;
  }
  return probe.flatMap((l) => l.weights.map((w) => ({ name: w.name, shape: w.shape })));
}

// The functional model type of lepton's format (the topology is described in topology.ts): inputs,
// layers with their calls, outputs; nested models as layers. Loading checks every reference and
// builds the graph symbolically (which allocates nothing), compares the weights it declares with
// the file's entries, and only then builds the model. A nested model places its own weights when
// it is built, so each is first checked against what is left of the weights the file holds.

import { input, topoSort, type SymbolicTensor } from '../graph.js';
import type { Layer, Weight } from '../layers/layer.js';
import { Model, Sequential } from '../model/index.js';
import { arr, bool, guard, int, LIMITS, obj, opt, shape, str, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { baseArgs, layerSerializer } from './registry.js';
import { checkEntries, readRng, readTraining, readValues, restore } from './sequential.js';
import type { ModelBuilder } from './tables.js';

/** How deep models may nest in a file. */
const MAX_NESTING = 8;
/** Inputs or outputs of one model; inputs of one call. */
const MAX_PORTS = 1024;

/** The 'functional' model type (io.ts registers it). */
export const buildFunctional: ModelBuilder = (doc, spec, bytes) => {
  const seed = int(doc.seed, 'seed', 0, 2 ** 32 - 1);
  const budget = { floats: spec.entries.reduce((s, e) => s + e.size, 0) };
  const g = graphFromJson(doc, '', budget, 0);
  checkEntries(declaredWeights(g.name, g.inputs, g.outputs), spec);
  const { params, slots } = readValues(spec, bytes);
  const training = readTraining(doc, slots, g.outputs.length);
  const rng = readRng(doc);
  return guard('model', () => {
    const model = new Model({ inputs: g.inputs, outputs: g.outputs, name: g.name, seed });
    checkAllUsed(model, g.layers, '');
    restore(model, doc, spec, params, slots, training, rng);
    return model;
  });
};

interface Graph {
  name: string;
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
  layers: Layer[];
}

/** The weights a model over this graph would hold, in its order (Keras order), without building it. */
function declaredWeights(name: string, inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Weight[] {
  const nodes = guard(name, () => topoSort(name, inputs, outputs));
  const out: Weight[] = [];
  const seen = new Set<Layer>();
  for (const n of nodes) {
    if (seen.has(n.layer)) continue;
    seen.add(n.layer);
    for (const w of n.layer.weights) if (!out.includes(w)) out.push(w);
  }
  return out;
}

/**
 * The weights a functional document's graph declares, in the order the model would hold them, from
 * the symbolic graph alone (nothing allocated); every reference and call is checked on the way.
 * For importers that translate another format's topology (tfjs.ts) and must lay out the binary.
 */
export function functionalWeights(doc: Json): { name: string; shape: number[] }[] {
  const g = graphFromJson(doc, '', { floats: Infinity }, 0);
  return declaredWeights(g.name, g.inputs, g.outputs).map((w) => ({ name: w.name, shape: [...w.shape] }));
}

/** Every layer the file lists is one the model runs (a file cannot hide unused layers). */
function checkAllUsed(model: Model, listed: Layer[], path: string): void {
  const used = new Set(model.layers);
  listed.forEach((l, i) => {
    if (!used.has(l)) throw new ModelFormatError(`${path}layers[${i}] (${l.name}) is not on any path from the inputs to the outputs`);
  });
}

/**
 * [name, call] or [name, call, output] (output ≥ 1: a returnState state), as [name, the rest of
 * the tensor's key]: `call`, or `call` OUT `output` (the key of the call itself is `name#call`).
 */
const OUT = '\u0001';
const refOf = (v: unknown, path: string): [string, string] => {
  const a = arr(v, path, 3);
  if (a.length !== 2 && a.length !== 3) throw new ModelFormatError(`${path} must be [name, call index] or [name, call index, output index], got ${a.length} entries`);
  const call = int(a[1], `${path}[1]`, 0, LIMITS.layers);
  return [str(a[0], `${path}[0]`), a.length === 3 ? `${call}${OUT}${int(a[2], `${path}[2]`, 1, 2)}` : `${call}`];
};
const callOf = (key: string): string => (key.includes(OUT) ? key.slice(0, key.lastIndexOf(OUT)) : key);

/** The symbolic graph of a topology: inputs, layers (nested models built), calls, outputs. */
function graphFromJson(t: Json, path: string, budget: { floats: number }, depth: number): Graph {
  const name = str(t.name ?? 'model', `${path}name`);
  const tensors = new Map<string, SymbolicTensor>(); // `${name}#${call}`
  const names = new Set<string>();
  const inputs = arr(t.inputs, `${path}inputs`, MAX_PORTS).map((v, i) => {
    const o = obj(v, `${path}inputs[${i}]`);
    const n = str(o.name, `${path}inputs[${i}].name`);
    if (names.has(n)) throw new ModelFormatError(`${path}inputs[${i}]: the input name '${n}' is used twice`);
    names.add(n);
    const x = input({ shape: shape(o.shape, `${path}inputs[${i}].shape`), name: n });
    tensors.set(`${n}#0`, x);
    return x;
  });
  if (inputs.length === 0) throw new ModelFormatError(`${path}inputs: a model needs at least one input`);

  interface Call { layer: Layer; refs: [string, string][]; path: string }
  const calls = new Map<string, Call>();
  let callCount = 0;
  const layers = arr(t.layers, `${path}layers`).map((v, i) => {
    const p = `${path}layers[${i}]`;
    const o = obj(v, p);
    const layer = layerFromJson(o, p, budget, depth);
    if (names.has(layer.name)) throw new ModelFormatError(`${p}: the name '${layer.name}' is used twice`);
    names.add(layer.name);
    arr(o.inbound, `${p}.inbound`).forEach((c, k) => {
      if (++callCount > LIMITS.layers) throw new ModelFormatError(`${path}layers: more than ${LIMITS.layers} calls`);
      const refs = arr(c, `${p}.inbound[${k}]`, MAX_PORTS).map((r, j) => refOf(r, `${p}.inbound[${k}][${j}]`));
      if (refs.length === 0) throw new ModelFormatError(`${p}.inbound[${k}]: a call needs at least one input`);
      calls.set(`${layer.name}#${k}`, { layer, refs, path: `${p}.inbound[${k}]` });
    });
    return layer;
  });

  // Resolve a reference: apply the calls it needs first (an explicit stack: no recursion depth
  // limit on long chains), refusing cycles and references to calls that do not exist.
  const state = new Map<string, 1>();
  const resolve = (key: string, where: string): SymbolicTensor => {
    const stack: [string, string][] = [[key, where]];
    while (stack.length) {
      const [k, w] = stack[stack.length - 1];
      if (tensors.has(k)) { stack.pop(); continue; }
      const call = calls.get(callOf(k));
      if (!call) throw new ModelFormatError(`${w} refers to ${describe(k)}, which the file does not define`);
      const missing = call.refs.filter(([n, c]) => !tensors.has(`${n}#${c}`));
      if (missing.length === 0) {
        const xs = call.refs.map(([n, c]) => tensors.get(`${n}#${c}`)!);
        const out = guard(call.path, () => call.layer.apply(xs));
        const ck = callOf(k);
        tensors.set(ck, out);
        (out.node?.outputs ?? []).forEach((o, i) => { if (i > 0) tensors.set(`${ck}${OUT}${i}`, o); });
        if (!tensors.has(k)) throw new ModelFormatError(`${call.path}: ${describe(k)} refers to an output the layer does not have`);
        state.delete(k);
        stack.pop();
        continue;
      }
      if (state.has(k)) throw new ModelFormatError(`${call.path}: the graph has a cycle through ${describe(k)}`);
      state.set(k, 1);
      for (const [n, c] of missing) {
        const mk = `${n}#${c}`;
        if (state.has(mk)) throw new ModelFormatError(`${call.path}: the graph has a cycle through ${describe(mk)}`);
        stack.push([mk, call.path]);
      }
    }
    return tensors.get(key)!;
  };
  const outputs = arr(t.outputs, `${path}outputs`, MAX_PORTS).map((r, i) => {
    const [n, c] = refOf(r, `${path}outputs[${i}]`);
    return resolve(`${n}#${c}`, `${path}outputs[${i}]`);
  });
  if (outputs.length === 0) throw new ModelFormatError(`${path}outputs: a model needs at least one output`);
  for (const k of calls.keys()) resolve(k, path || 'model'); // every call is checked, used or not
  return { name, inputs, outputs, layers };
}

const describe = (key: string): string => {
  const c = callOf(key), at = c.lastIndexOf('#');
  return `${c === key ? '' : `output ${key.slice(c.length + 1)} of `}call ${c.slice(at + 1)} of '${c.slice(0, at)}'`;
};

/** A layer of a functional model: a registered class, or a nested Model or Sequential. */
function layerFromJson(o: Json, p: string, budget: { floats: number }, depth: number): Layer {
  const cls = o.className;
  const c = obj(o.config, `${p}.config`);
  if (cls !== 'Model' && cls !== 'Sequential') return layerSerializer(cls, `${p}.className`).fromConfig(c, `${p}.config`);
  if (depth + 1 > MAX_NESTING) throw new ModelFormatError(`${p}: models nested deeper than ${MAX_NESTING} levels`);
  const seed = opt(c.seed, (v, q) => int(v, q, 0, 2 ** 32 - 1), `${p}.config.seed`);
  const trainable = opt(c.trainable, bool, `${p}.config.trainable`) ?? true;
  let model: Model;
  if (cls === 'Model') {
    const g = graphFromJson(c, `${p}.config.`, budget, depth + 1);
    spend(budget, declaredWeights(g.name, g.inputs, g.outputs), p);
    model = guard(p, () => new Model({ inputs: g.inputs, outputs: g.outputs, name: g.name, seed }));
    checkAllUsed(model, g.layers, `${p}.config.`);
  } else {
    const { name } = baseArgs(c, `${p}.config`);
    const inputShape = shape(c.inputShape, `${p}.config.inputShape`);
    const names = new Set<string>();
    const inner = arr(c.layers, `${p}.config.layers`).map((v, i) => {
      const q = `${p}.config.layers[${i}]`;
      const l = layerFromJson(obj(v, q), q, budget, depth + 1);
      if (names.has(l.name)) throw new ModelFormatError(`${q}: the layer name '${l.name}' is used twice`);
      names.add(l.name);
      return l;
    });
    if (inner.length === 0) throw new ModelFormatError(`${p}.config.layers: a model needs at least one layer`);
    // Build the chain symbolically first, as Sequential.build would, to count its weights.
    let h = input({ shape: inputShape, name: `${name}_input` });
    const x = h;
    inner.forEach((l, i) => { h = guard(`${p}.config.layers[${i}] (${l.name})`, () => l.apply(h)); });
    spend(budget, declaredWeights(name, [x], [h]), p);
    model = guard(p, () => {
      const s = new Sequential(inner, { name, seed });
      s.build(inputShape);
      return s;
    });
  }
  model.trainable = trainable;
  return model;
}

/** A nested model is about to place its weights: they must fit in what the file holds. */
function spend(budget: { floats: number }, weights: Weight[], p: string): void {
  const floats = weights.reduce((s, w) => s + w.size, 0);
  if (floats > budget.floats) throw new ModelFormatError(`${p}: the nested model declares ${floats} weight values, more than the file holds`);
  budget.floats -= floats;
}

// The topology of a functional model in lepton's format, the writing side (the reading side is in
// functional.ts, which builds models and so sits on the loader's side of the import graph).
//
// { "name": "model", "inputs": [{ "name": "x", "shape": [8] }],
//   "layers": [{ "className": "Dense", "config": {...},
//                "inbound": [[["x", 0]], [["dense_1", 0]]] }],   // one entry per call (node)
//   "outputs": [["dense", 1], ["add", 0]] }
//
// A reference [name, k] is the output of the k-th call of the layer `name` (calls counted in the
// model's topological order), or the model input `name` (k = 0); [name, k, i] with i ≥ 1 the call's
// output i (a recurrent layer's returnState: 1 = h, 2 = c; Keras's tensor index). A nested model is a layer whose
// config is its own topology (className 'Model') or its layer list and input shape ('Sequential').

import { graphOf, isModel, type SymbolicTensor } from '../graph.js';
import type { Layer } from '../layers/layer.js';
import type { Model } from '../model/index.js';
import { type Json } from './check.js';
import { layerToJson } from './registry.js';

export type Ref = [string, number] | [string, number, number];

/** Any layer as `{ className, config }`, nested models opened. `owner` tracks which model holds each layer. */
export function anyLayerToJson(l: Layer, owner: Map<Layer, Model>, parent: Model): Json {
  const prev = owner.get(l);
  if (prev && prev !== parent) {
    throw new Error(`save: the layer ${l.name} is used both in ${prev.name} and in ${parent.name}; a layer shared between a nested model and its parent cannot be saved (share a whole nested model instead)`);
  }
  owner.set(l, parent);
  if (!isNested(l)) return layerToJson(l);
  if (l.className === 'Sequential') {
    return { className: 'Sequential', config: { name: l.name, seed: l.seed, inputShape: [...l.inputShape!], layers: l.layers.map((x) => anyLayerToJson(x, owner, l)), trainable: l.trainable } };
  }
  if (l.className !== 'Model') throw new Error(`save: ${l.name} is a ${l.className}, a model class lepton cannot save (Model and Sequential can be)`);
  return { className: 'Model', config: { ...topologyToJson(l, owner), seed: l.seed, trainable: l.trainable } };
}

/** name, inputs, layers with their inbound calls, outputs. */
export function topologyToJson(m: Model, owner = new Map<Layer, Model>()): Json {
  const { nodes, callIndex } = graphOf(m);
  const names = new Set<string>();
  for (const t of m.inputs) {
    if (names.has(t.name)) throw new Error(`save: ${m.name} has two inputs named '${t.name}'; give them distinct names (input({ shape, name }))`);
    names.add(t.name);
  }
  for (const l of m.layers) {
    if (names.has(l.name)) throw new Error(`save: the name '${l.name}' is used twice in ${m.name} (layers and inputs need distinct names to be saved)`);
    names.add(l.name);
  }
  const ref = (t: SymbolicTensor): Ref => (m.inputs.includes(t) || !t.node ? [t.name, 0]
    : t.index ? [t.node.layer.name, callIndex.get(t.node)!, t.index] : [t.node.layer.name, callIndex.get(t.node)!]);
  const inbound = new Map<Layer, Ref[][]>();
  for (const n of nodes) {
    if (!inbound.has(n.layer)) inbound.set(n.layer, []);
    inbound.get(n.layer)!.push(n.inputs.map(ref));
  }
  return {
    name: m.name,
    inputs: m.inputs.map((t) => ({ name: t.name, shape: [...t.shape] })),
    layers: m.layers.map((l) => ({ ...anyLayerToJson(l, owner, m), inbound: inbound.get(l) ?? [] })),
    outputs: m.outputs.map(ref),
  };
}

/** A layer that is a model (graph.ts's duck test, typed as the model class io saves). */
const isNested = (l: Layer): l is Model => isModel(l);

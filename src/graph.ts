// The functional API's symbolic side (Keras/TF.js style): `input({ shape })` makes a symbolic tensor,
// `layer.apply(t)` records a node and returns the node's output tensor, and a model collects the
// nodes between its inputs and outputs in topological order. No arithmetic happens here: shapes
// are checked and layers built when a node is recorded, so errors name the layers at build time.

import type { Layer } from './layers/layer.js';
import { checkOptions } from './options.js';
import { ShapeError } from './tensor.js';

/**
 * One call of a layer: its input tensors and the tensor it produced; a layer with several outputs
 * (a recurrent layer's returnState: [output, h, c]) lists them all in `outputs`, `output` first.
 */
export interface Node {
  readonly layer: Layer;
  readonly inputs: SymbolicTensor[];
  readonly output: SymbolicTensor;
  readonly outputs?: SymbolicTensor[];
}

/** A placeholder for the (batch, ...shape) value that flows along one edge of the graph. */
export class SymbolicTensor {
  /** Shape without the batch axis. */
  readonly shape: number[];
  /** The node that produces it; undefined for a model input. */
  readonly node?: Node;
  /** The input's name, or the producing layer's. */
  readonly name: string;
  /** Which of its node's outputs it is (0: the output; 1, 2: a recurrent layer's states). */
  readonly index: number;

  constructor(shape: number[], name: string, node?: Node, index = 0) {
    this.shape = shape;
    this.name = name;
    this.node = node;
    this.index = index;
  }
}

let inputCount = 0;

export interface InputArgs {
  shape: number[];
  name?: string;
}

/** A model input: `input({ shape: [8] })` stands for a batch of 8-feature rows. */
export function input(args: InputArgs): SymbolicTensor {
  checkOptions('input', args, { shape: true, name: true });
  const { shape, name } = args ?? ({} as InputArgs);
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ShapeError(`input: shape must be positive whole numbers without the batch axis, got ${JSON.stringify(shape)}`);
  }
  return new SymbolicTensor([...shape], name ?? (inputCount++ === 0 ? 'input' : `input_${inputCount - 1}`));
}

/**
 * The nodes that lead from `inputs` to `outputs`, producers before consumers. Throws when a path
 * reaches back into itself (a cycle), when an output needs a tensor that is not among the inputs,
 * or when an input does not reach any output; each error names the layers involved.
 */
export function topoSort(modelName: string, inputs: SymbolicTensor[], outputs: SymbolicTensor[]): Node[] {
  const order: Node[] = [];
  const state = new Map<Node, 1 | 2>(); // 1: on the current path, 2: done
  const used = new Set<SymbolicTensor>();
  const visit = (t: SymbolicTensor, path: string[]): void => {
    used.add(t);
    const n = t.node;
    if (!n) {
      if (!inputs.includes(t)) {
        throw new Error(`${modelName}: graph disconnected: ${path[path.length - 1] ?? 'an output'} needs ${t.name}, which is not one of the model's inputs (${inputs.map((i) => i.name).join(', ')})`);
      }
      return;
    }
    if (inputs.includes(t)) return;
    const s = state.get(n);
    if (s === 2) return;
    if (s === 1) throw new Error(`${modelName}: the graph has a cycle through ${[...path.slice(path.indexOf(n.layer.name)), n.layer.name].join(' → ')}`);
    state.set(n, 1);
    for (const x of n.inputs) visit(x, [...path, n.layer.name]);
    state.set(n, 2);
    order.push(n);
  };
  for (const o of outputs) visit(o, []);
  for (const i of inputs) {
    if (!used.has(i)) throw new Error(`${modelName}: input ${i.name} is not connected to any output (${outputs.map((o) => o.name).join(', ')})`);
  }
  return order;
}

/** What the graph needs of a model: a layer with layers and symbolic inputs and outputs. */
export interface GraphModel extends Layer {
  readonly layers: Layer[];
  inputs: SymbolicTensor[];
  outputs: SymbolicTensor[];
}

/** A layer that is a model (duck-typed: the graph must not import the model's module). */
export function isModel(l: Layer): l is GraphModel {
  const m = l as Partial<GraphModel>;
  return Array.isArray(m.layers) && Array.isArray(m.inputs) && Array.isArray(m.outputs);
}

/** The nodes of a model in the order it runs them, and each node's call index on its layer. */
export function graphOf(m: GraphModel): { nodes: Node[]; callIndex: Map<Node, number> } {
  const nodes = topoSort(m.name, m.inputs, m.outputs);
  const callIndex = new Map<Node, number>();
  const count = new Map<Layer, number>();
  for (const n of nodes) {
    callIndex.set(n, count.get(n.layer) ?? 0);
    count.set(n.layer, callIndex.get(n)! + 1);
  }
  return { nodes, callIndex };
}

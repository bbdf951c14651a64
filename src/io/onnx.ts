// ONNX export (opset 17, IR 8) for inference: each layer class registers an exporter that writes
// its nodes. Dense is Gemm (MatMul without a bias) then its activation; activation layers map to
// their ONNX operators; batch norm is BatchNormalization in inference form (features on axis 1)
// or, with more axes, the same affine map over the last one; merge layers are Add/Sum, Sub, Mul,
// Mean, Concat; reshape/flatten Reshape; dropout the identity. A functional model is its DAG (several
// inputs and outputs); a nested model is inlined.
//
// Field numbers are onnx.proto's (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto); the file is what onnxruntime, Netron and onnx.checker read.

import type { ActivationSpec } from '../activations.js';
import type { SymbolicTensor } from '../graph.js';
import type { Activation, PReLU } from '../layers/activation.js';
import type { BatchNormalization } from '../layers/batch-normalization.js';
import type { Dense } from '../layers/dense.js';
import type { Layer } from '../layers/layer.js';
import type { Concatenate } from '../layers/merge.js';
import type { Model } from '../model.js';
import { graphOf, isModel } from '../graph.js';
import { SELU_ALPHA, SELU_LAMBDA } from '../wasm/activation-codes.js';
import { ProtoWriter } from './protobuf.js';
import { LEPTON_VERSION } from './version.js';

export const ONNX_OPSET = 17;
const IR_VERSION = 8;
const FLOAT = 1; // TensorProto.DataType.FLOAT
const INT64 = 7;

export type OnnxAttr = { f: number } | { i: number } | { floats: number[] } | { ints: number[] } | { s: string };

/** What an exporter writes into. */
export interface OnnxGraph {
  /** Adds a node computing `output` from `inputs`. */
  node(opType: string, inputs: string[], output: string, attrs?: Record<string, OnnxAttr>): void;
  /** Adds a float32 constant (a weight) and returns its name. */
  constant(name: string, values: Float32Array, dims: number[]): string;
  /** Adds an int64 constant (a shape) and returns its name. */
  constantInts(name: string, values: number[]): string;
  /** A fresh tensor name for an intermediate result. */
  fresh(base: string): string;
  /** The current values of a layer's weights, in the layer's order. */
  weights(layer: Layer): Float32Array[];
}

/** Writes the nodes of one layer: reads `inputs`, must produce the tensor named `output`. */
export type OnnxExporter = (layer: Layer, inputs: string[], output: string, g: OnnxGraph) => void;

const exporters = new Map<string, OnnxExporter>();

export function registerOnnxExporter(className: string, exporter: OnnxExporter): void {
  exporters.set(className, exporter);
}

/** Building blocks for exporters, including the ones the graph layers will need. */
export const onnxOps = {
  /** y = act(x) for a lepton activation. */
  activation(g: OnnxGraph, x: string, a: Pick<ActivationSpec, 'name' | 'alpha'>, output: string): void {
    switch (a.name) {
      case 'linear': return g.node('Identity', [x], output);
      case 'relu': return g.node('Relu', [x], output);
      case 'sigmoid': return g.node('Sigmoid', [x], output);
      case 'tanh': return g.node('Tanh', [x], output);
      case 'softplus': return g.node('Softplus', [x], output);
      case 'leakyRelu': return g.node('LeakyRelu', [x], output, { alpha: { f: a.alpha } });
      case 'elu': return g.node('Elu', [x], output, { alpha: { f: a.alpha } });
      // DESIGN.md's full-precision constants (float32 in the file, as in the kernel).
      case 'selu': return g.node('Selu', [x], output, { alpha: { f: SELU_ALPHA }, gamma: { f: SELU_LAMBDA } });
      case 'softmax': return g.node('Softmax', [x], output, { axis: { i: -1 } });
    }
    throw new Error(`toOnnx: no ONNX operator for activation '${a.name}'`);
  },
  /**
   * Batch normalization in inference form: y = γ(x − mean)/√(var + ε) + β over the feature axis
   * (axis 1 of [batch, features], which is ONNX's channel axis).
   */
  batchNormInference(g: OnnxGraph, x: string, p: { prefix: string; gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array; epsilon: number }, output: string): void {
    const c = (n: string, v: Float32Array) => g.constant(`${p.prefix}/${n}`, v, [v.length]);
    g.node('BatchNormalization', [x, c('gamma', p.gamma), c('beta', p.beta), c('moving_mean', p.mean), c('moving_variance', p.variance)], output, { epsilon: { f: p.epsilon } });
  },
  /** Merge layers: Add and Mean of any number of inputs, Sub of two, Mul chained, Concat on `axis` (default the last). */
  merge(g: OnnxGraph, op: 'Add' | 'Sub' | 'Mul' | 'Mean' | 'Concat', inputs: string[], output: string, axis = -1): void {
    if (op === 'Concat') return g.node('Concat', inputs, output, { axis: { i: axis } });
    if (op === 'Add') return g.node(inputs.length === 2 ? 'Add' : 'Sum', inputs, output);
    if (op === 'Mean') return g.node('Mean', inputs, output);
    if (op === 'Sub') {
      if (inputs.length !== 2) throw new Error(`toOnnx: Sub takes exactly two inputs, got ${inputs.length}`);
      return g.node('Sub', inputs, output);
    }
    let acc = inputs[0];
    for (let i = 1; i < inputs.length; i++) {
      const out = i === inputs.length - 1 ? output : g.fresh('mul');
      g.node('Mul', [acc, inputs[i]], out);
      acc = out;
    }
  },
};

registerOnnxExporter('Dense', (layer, [x], output, g) => {
  const d = layer as Dense;
  const [kernel, bias] = g.weights(d);
  const w = g.constant(`${d.name}/kernel`, kernel, d.kernel.shape);
  const z = d.activation.name === 'linear' ? output : g.fresh(`${d.name}/z`);
  if (bias) g.node('Gemm', [x, w, g.constant(`${d.name}/bias`, bias, [bias.length])], z);
  else g.node('MatMul', [x, w], z);
  if (z !== output) onnxOps.activation(g, z, d.activation, output);
});
for (const cls of ['Activation', 'LeakyReLU', 'ELU', 'Softmax']) {
  registerOnnxExporter(cls, (layer, [x], output, g) => onnxOps.activation(g, x, (layer as Activation).activation, output));
}
registerOnnxExporter('PReLU', (layer, [x], output, g) => {
  const [alpha] = g.weights(layer);
  g.node('PRelu', [x, g.constant(`${(layer as PReLU).name}/alpha`, alpha, [alpha.length])], output);
});

registerOnnxExporter('BatchNormalization', (layer, [x], output, g) => {
  const b = layer as BatchNormalization;
  const byName = new Map(b.weights.map((w, i) => [w, g.weights(b)[i]]));
  const c = b.inputShape![b.inputShape!.length - 1];
  const gamma = b.gamma ? byName.get(b.gamma)! : new Float32Array(c).fill(1);
  const beta = b.beta ? byName.get(b.beta)! : new Float32Array(c);
  const mean = byName.get(b.movingMean)!, variance = byName.get(b.movingVariance)!;
  if (b.inputShape!.length === 1) {
    onnxOps.batchNormInference(g, x, { prefix: b.name, gamma, beta, mean, variance, epsilon: b.epsilon }, output);
    return;
  }
  // Channels last with more axes: ONNX's operator normalizes axis 1, so write the kernel's own
  // affine map, (x − mean)·a + β with a = γ/√(var + ε) in float32, broadcast over the last axis.
  const f = Math.fround, eps = f(b.epsilon);
  const a = gamma.map((gm, j) => f(f(1 / f(Math.sqrt(f(variance[j] + eps)))) * gm));
  const centered = g.fresh(`${b.name}/centered`), scaled = g.fresh(`${b.name}/scaled`);
  g.node('Sub', [x, g.constant(`${b.name}/moving_mean`, mean, [c])], centered);
  g.node('Mul', [centered, g.constant(`${b.name}/scale`, a, [c])], scaled);
  g.node('Add', [scaled, g.constant(`${b.name}/beta`, beta, [c])], output);
});
for (const cls of ['Dropout', 'AlphaDropout']) registerOnnxExporter(cls, (_l, [x], output, g) => g.node('Identity', [x], output));
for (const cls of ['Reshape', 'Flatten']) {
  registerOnnxExporter(cls, (layer, [x], output, g) => {
    g.node('Reshape', [x, g.constantInts(`${layer.name}/shape`, [0, ...layer.outputShape!])], output); // 0: keep the batch axis
  });
}
for (const [cls, op] of [['Add', 'Add'], ['Subtract', 'Sub'], ['Multiply', 'Mul'], ['Average', 'Mean']] as const) {
  registerOnnxExporter(cls, (_l, inputs, output, g) => onnxOps.merge(g, op, inputs, output));
}
registerOnnxExporter('Concatenate', (layer, inputs, output, g) => {
  const axis = (layer as Concatenate).axis;
  onnxOps.merge(g, 'Concat', inputs, output, axis === -1 ? -1 : axis); // lepton's axes skip the batch axis; only the last is allowed
});

/** Writes the nodes of a model's graph: input tensor names given, output tensor names wanted. */
function exportGraph(m: Model, inputs: string[], outputs: string[], g: OnnxGraph, prefix: string): void {
  const { nodes, callIndex } = graphOf(m);
  const names = new Map<SymbolicTensor, string>();
  m.inputs.forEach((t, i) => names.set(t, inputs[i]));
  const outOf = new Map<SymbolicTensor, string>();
  m.outputs.forEach((t, o) => { if (!outOf.has(t) && !names.has(t)) outOf.set(t, outputs[o]); });
  for (const n of nodes) {
    const call = callIndex.get(n)!;
    const output = outOf.get(n.output) ?? g.fresh(`${prefix}${n.layer.name}${call ? `_${call}` : ''}/output`);
    const ins = n.inputs.map((t) => names.get(t)!);
    names.set(n.output, output);
    if (isModel(n.layer)) {
      exportGraph(n.layer, ins, [output], g, `${prefix}${n.layer.name}/`);
      continue;
    }
    const exporter = exporters.get(n.layer.className);
    if (!exporter) throw new Error(`toOnnx: ${n.layer.name} is a ${n.layer.className} layer, which has no ONNX exporter (known: ${[...exporters.keys()].join(', ')})`);
    exporter(n.layer, ins, output, g);
  }
  // An output that is an input, or a tensor listed as two outputs: an Identity gives it its name.
  m.outputs.forEach((t, o) => { if (names.get(t) !== outputs[o]) g.node('Identity', [names.get(t)!], outputs[o]); });
}
registerOnnxExporter('Model', (layer, inputs, output, g) => exportGraph(layer as Model, inputs, [output], g, `${layer.name}/`));
registerOnnxExporter('Sequential', (layer, inputs, output, g) => exportGraph(layer as Model, inputs, [output], g, `${layer.name}/`));

/** A model as ONNX sees it: named inputs, layers in topological order, named outputs. */
export interface OnnxModelSpec {
  name: string;
  /** Shapes without the batch axis (which is the symbolic dimension 'batch'). */
  inputs: { name: string; shape: number[] }[];
  steps: { layer: Layer; inputs: string[]; output: string }[];
  outputs: { name: string; shape: number[] }[];
  /** Every layer's weights, in its own order. */
  weights: Map<Layer, Float32Array[]>;
  /** Writes further nodes after the steps (a model's graph). */
  graph?: (g: OnnxGraph) => void;
}

/**
 * The model for inference. A sequential model reads `input` and writes `output`; a functional one
 * reads its inputs and writes its outputs by their names (an output named like an input, or listed
 * twice, gets a suffix).
 */
export function exportOnnx(model: Model): Uint8Array {
  if (!model.inputShape) throw new Error(`${model.name}.toOnnx: the model is not built yet; give the first layer an inputShape or call fit/predict first`);
  const all = model.getWeights();
  const values = new Map(model.weights.map((w, i) => [w, all[i].data]));
  const weights = new Map<Layer, Float32Array[]>();
  const collect = (ls: readonly Layer[]): void => {
    for (const l of ls) {
      if (isModel(l)) collect(l.layers);
      else weights.set(l, l.weights.map((w) => values.get(w)!));
    }
  };
  collect(model.layers);
  const sequential = model.className === 'Sequential';
  const taken = new Set<string>();
  const unique = (n: string) => {
    let name = n;
    for (let i = 1; taken.has(name); i++) name = `${n}_${i}`;
    taken.add(name);
    return name;
  };
  const inputs = model.inputs.map((t) => ({ name: unique(sequential ? 'input' : t.name), shape: [...t.shape] }));
  const outputs = model.outputs.map((t) => ({ name: unique(sequential ? 'output' : t.name), shape: [...t.shape] }));
  return buildOnnx({
    name: model.name, inputs, outputs, weights, steps: [],
    graph: (g) => exportGraph(model, inputs.map((i) => i.name), outputs.map((o) => o.name), g, ''),
  });
}

export function buildOnnx(spec: OnnxModelSpec): Uint8Array {
  const nodes: { op: string; inputs: string[]; output: string; attrs: Record<string, OnnxAttr>; name: string }[] = [];
  const constants: { name: string; values: Float32Array; dims: number[] }[] = [];
  const intConstants: { name: string; values: number[] }[] = [];
  const used = new Set<string>([...spec.inputs.map((i) => i.name), ...spec.outputs.map((o) => o.name), ...spec.steps.map((s) => s.output)]);
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
    used.add(name);
    return name;
  };
  const g: OnnxGraph = {
    node: (op, inputs, output, attrs = {}) => void nodes.push({ op, inputs, output, attrs, name: fresh(`${output}/${op}`) }),
    constant(name, values, dims) {
      const n = fresh(name);
      constants.push({ name: n, values, dims });
      return n;
    },
    constantInts(name, values) {
      const n = fresh(name);
      intConstants.push({ name: n, values });
      return n;
    },
    fresh,
    weights: (layer) => spec.weights.get(layer) ?? [],
  };
  for (const s of spec.steps) {
    const exporter = exporters.get(s.layer.className);
    if (!exporter) throw new Error(`toOnnx: ${s.layer.name} is a ${s.layer.className} layer, which has no ONNX exporter (known: ${[...exporters.keys()].join(', ')})`);
    exporter(s.layer, s.inputs, s.output, g);
  }
  spec.graph?.(g);

  const valueInfo = (w: ProtoWriter, name: string, shape: number[]) => {
    w.string(1, name).message(2, (t) => t.message(1, (tt) => {
      tt.int(1, FLOAT).message(2, (sh) => {
        sh.message(1, (d) => d.string(2, 'batch'));
        for (const dim of shape) sh.message(1, (d) => d.int(1, dim));
      });
    }));
  };
  const attribute = (w: ProtoWriter, name: string, a: OnnxAttr) => {
    w.string(1, name);
    if ('f' in a) w.float(2, a.f).int(20, 1);
    else if ('i' in a) w.int(3, a.i).int(20, 2);
    else if ('s' in a) w.string(4, a.s).int(20, 3);
    else if ('floats' in a) w.packedFloats(7, a.floats).int(20, 6);
    else w.packedInts(8, a.ints).int(20, 7);
  };

  const model = new ProtoWriter()
    .int(1, IR_VERSION)
    .string(2, 'lepton')
    .string(3, LEPTON_VERSION)
    .message(7, (graph) => {
      for (const n of nodes) {
        graph.message(1, (w) => {
          for (const i of n.inputs) w.string(1, i);
          w.string(2, n.output).string(3, n.name).string(4, n.op);
          for (const [k, v] of Object.entries(n.attrs)) w.message(5, (a) => attribute(a, k, v));
        });
      }
      graph.string(2, spec.name);
      for (const c of constants) {
        graph.message(5, (t) => {
          t.packedInts(1, c.dims).int(2, FLOAT).string(8, c.name);
          const raw = new Uint8Array(c.values.length * 4);
          const dv = new DataView(raw.buffer);
          c.values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
          t.bytes(9, raw);
        });
      }
      for (const c of intConstants) graph.message(5, (t) => t.packedInts(1, [c.values.length]).int(2, INT64).string(8, c.name).packedInts(7, c.values));
      for (const i of spec.inputs) graph.message(11, (w) => valueInfo(w, i.name, i.shape));
      for (const o of spec.outputs) graph.message(12, (w) => valueInfo(w, o.name, o.shape));
    })
    .message(8, (op) => op.string(1, '').int(2, ONNX_OPSET));
  return model.finish();
}

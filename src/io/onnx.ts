// ONNX export (opset 17, IR 8) for inference: each layer writes its own nodes (Layer.writeOnnx,
// in its file: Dense is Gemm then its activation, batch norm its inference form, and so on; the
// bulkiest built-in writers are in this chunk instead, onnx-layers.ts and onnx-recurrent.ts)
// unless registerOnnxExporter gave its class an exporter, which wins. A functional model is its DAG
// (several inputs and outputs); a nested model is inlined.
//
// Field numbers are onnx.proto's (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
// ValueInfoProto); the file is what onnxruntime, Netron and onnx.checker read.

import type { SymbolicTensor } from '../graph.js';
import type { Layer, Weight } from '../layers/layer.js';
import type { OnnxAttr, OnnxGraph } from '../layers/onnx.js';
import type { Model } from '../model/index.js';
import { graphOf, isModel } from '../graph.js';
import type { ToOnnxArgs } from '../model/types.js';
import { exporters } from './onnx-exporters.js';
import { onnxPreprocessing, type PreprocessingSpec } from './onnx-preprocessing.js';
import { ProtoWriter } from './protobuf.js';
import { LEPTON_VERSION } from './version.js';
import { builtinWriter } from './onnx-layers.js';
import { writeRecurrentOnnx } from './onnx-recurrent.js';

export { onnxOps, type OnnxAttr, type OnnxExporter, type OnnxGraph } from '../layers/onnx.js';

export const ONNX_OPSET = 17;
const IR_VERSION = 8;
const FLOAT = 1; // TensorProto.DataType.FLOAT
const INT64 = 7;

// The registry stays in the core (onnx-exporters.ts); this file is the chunk the first toOnnx() imports.
export { exporters, registerOnnxExporter } from './onnx-exporters.js';

/**
 * Writes the nodes of a model's graph: input tensor names given, output tensor names wanted. A
 * nested model is inlined (its names under `prefix`); a layer is written by the exporter registered
 * for its class, else by its own writeOnnx.
 */
function exportGraph(m: Model, inputs: string[], outputs: string[], g: OnnxGraph, prefix: string): void {
  const { nodes, callIndex } = graphOf(m);
  const names = new Map<SymbolicTensor, string>();
  m.inputs.forEach((t, i) => names.set(t, inputs[i]));
  const outOf = new Map<SymbolicTensor, string>();
  m.outputs.forEach((t, o) => { if (!outOf.has(t) && !names.has(t)) outOf.set(t, outputs[o]); });
  for (const n of nodes) {
    const call = callIndex.get(n)!;
    const { layer } = n;
    const output = outOf.get(n.output) ?? g.fresh(`${prefix}${layer.name}${call ? `_${call}` : ''}/output`);
    const ins = n.inputs.map((t) => names.get(t)!);
    names.set(n.output, output);
    const more = (n.outputs ?? []).slice(1).map((t) => { // a recurrent layer's returnState states
      const name = outOf.get(t) ?? g.fresh(`${prefix}${layer.name}${call ? `_${call}` : ''}/state_${t.index}`);
      names.set(t, name);
      return name;
    });
    if (isModel(layer)) exportGraph(layer as Model, ins, [output], g, `${prefix}${layer.name}/`);
    else writeLayer(layer, ins, output, g, more);
    const lens = g.sequenceLengths; // a masking layer's sequence lengths travel on as its mask does
    if (lens.has(ins[0]) && ins.length === 1 && layer.passesMask && !lens.has(output)) lens.set(output, lens.get(ins[0])!);
  }
  // An output that is an input, or a tensor listed as two outputs: an Identity gives it its name.
  m.outputs.forEach((t, o) => { if (names.get(t) !== outputs[o]) g.node('Identity', [names.get(t)!], outputs[o]); });
}

/** One layer's nodes: the exporter registered for its class, else its own writeOnnx, else the chunk's writer for its class (onnx-layers.ts). */
function writeLayer(layer: Layer, ins: string[], output: string, g: OnnxGraph, more: string[] = []): void {
  const exporter = exporters.get(layer.className) ?? (layer.writeOnnx ? undefined : builtinWriter(layer));
  if (exporter) exporter(layer, ins, output, g);
  else if (layer.writeOnnx) layer.writeOnnx(ins, output, g, more);
  else throw new Error(`toOnnx: ${layer.name} is a ${layer.className} layer, which has no ONNX exporter`);
}

/** Names not in `taken`: `base`, else `base_1`, `base_2`, ... (each one taken as it is given). */
function namer(taken: Set<string>): (base: string) => string {
  return (base) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
}

/** A model as ONNX sees it: named inputs, layers in topological order, named outputs. */
export interface OnnxModelSpec {
  name: string;
  /** Shapes without the batch axis (which is the symbolic dimension 'batch'). */
  inputs: { name: string; shape: number[] }[];
  outputs: { name: string; shape: number[] }[];
  /** The current value of every weight. */
  values: Map<Weight, Float32Array>;
  /** Writes the nodes (a model's graph). */
  graph: (g: OnnxGraph) => void;
  /** The file's metadata_props (key, value). */
  metadata?: [string, string][];
}

/**
 * The model for inference. A sequential model reads `input` and writes `output`; a functional one
 * reads its inputs and writes its outputs by their names (an output named like an input, or listed
 * twice, gets a suffix).
 */
export function exportOnnx(model: Model, args: ToOnnxArgs = {}): Uint8Array {
  if (!model.inputShape) throw new Error(`${model.name}.toOnnx: the model is not built yet; give the first layer an inputShape or call fit/predict first`);
  const all = model.getWeights();
  const values = new Map(model.weights.map((w, i) => [w, all[i].data]));
  const sequential = model.className === 'Sequential';
  const unique = namer(new Set());
  const inputs = model.inputs.map((t) => ({ name: unique(sequential ? 'input' : t.name), shape: [...t.shape] }));
  const outputs = model.outputs.map((t) => ({ name: unique(sequential ? 'output' : t.name), shape: [...t.shape] }));
  const where = `${model.name}.toOnnx`;
  const prep = onnxPreprocessing(args.preprocessing === undefined ? model.preprocessing as PreprocessingSpec | null : args.preprocessing, where);
  if (prep && (inputs.length !== 1 || outputs.length !== 1)) {
    throw new Error(`${where}: preprocessing is written for a model of one input and one output; this one has ${inputs.length} and ${outputs.length} (export with { preprocessing: false })`);
  }
  if (prep?.cols) {
    // The file reads the raw columns; the preprocessing must give the network what it reads.
    const shape = inputs[0].shape;
    if (shape.length !== 1 || shape[0] !== prep.cols.out) throw new Error(`${where}: the preprocessing gives ${prep.cols.out} columns, the model reads [${shape.join(', ')}]`);
    inputs[0].shape = [prep.cols.raw];
  }
  return buildOnnx({
    name: model.name, inputs, outputs, values, metadata: prep?.metadata,
    graph: (g) => {
      if (!prep) return exportGraph(model, inputs.map((i) => i.name), outputs.map((o) => o.name), g, '');
      // raw input → the preprocessing → the network → the output mapped back to the targets' units
      const net = g.fresh('network/output');
      exportGraph(model, [prep.input(g, inputs[0].name)], [net], g, '');
      prep.output(g, net, outputs[0].name);
    },
  });
}

/** A node; `output` is a list for an op of several outputs (ONNX LSTM/GRU: Y, Y_h, Y_c), '' for one left out. */
type OnnxNode = { op: string; inputs: string[]; output: string | string[]; attrs: Record<string, OnnxAttr>; name: string };

const permIs = (n: OnnxNode, perm: number[]) => {
  const a = n.attrs.perm;
  return n.op === 'Transpose' && !!a && 'ints' in a && a.ints.length === perm.length && a.ints.every((v, i) => v === perm[i]);
};

/**
 * The layout peephole (see onnxOps.toNchw): a Transpose [0,3,1,2] whose input a Transpose [0,2,3,1]
 * made is the identity on that Transpose's input, so its consumers read that input instead; then
 * every Transpose left without consumers is dropped (never one that writes a graph output).
 * Edits `nodes` in place.
 */
export function cancelTransposes(nodes: OnnxNode[], graphOutputs: Set<string>): void {
  // Transposes have one output; a node of several is never one of the pair.
  const producer = new Map(nodes.flatMap((n) => (typeof n.output === 'string' ? [[n.output, n] as const] : [])));
  const rename = new Map<string, string>();
  for (const n of nodes) {
    if (!permIs(n, [0, 3, 1, 2]) || graphOutputs.has(n.output as string)) continue;
    const p = producer.get(n.inputs[0]);
    if (p && permIs(p, [0, 2, 3, 1])) rename.set(n.output as string, p.inputs[0]);
  }
  if (rename.size === 0) return;
  for (const n of nodes) n.inputs = n.inputs.map((i) => rename.get(i) ?? i);
  // Drop dead transposes until none is left (a dropped toNchw can leave its fromNchw dead).
  for (let changed = true; changed;) {
    changed = false;
    const used = new Set(nodes.flatMap((n) => n.inputs));
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (n.op === 'Transpose' && !used.has(n.output as string) && !graphOutputs.has(n.output as string)) { nodes.splice(i, 1); changed = true; }
    }
  }
}

export function buildOnnx(spec: OnnxModelSpec): Uint8Array {
  const nodes: OnnxNode[] = [];
  const constants: { name: string; values: Float32Array; dims: number[] }[] = [];
  const intConstants: { name: string; values: number[] }[] = [];
  const fresh = namer(new Set([...spec.inputs, ...spec.outputs].map((t) => t.name)));
  const g: OnnxGraph = {
    node: (op, inputs, output, attrs = {}) => void nodes.push({ op, inputs, output, attrs, name: fresh(`${[output].flat().filter(Boolean).join('_')}/${op}`) }),
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
    weights: (layer) => layer.weights.map((w) => spec.values.get(w)!),
    write: (layer, inputs, output, more) => writeLayer(layer, inputs, output, g, more),
    sequenceLengths: new Map(),
    recurrent: (layer, op, order, activations, inputs, output, more, resetAfter) => writeRecurrentOnnx(g, layer, op, order, activations, inputs, output, more, resetAfter),
  };
  spec.graph(g);
  cancelTransposes(nodes, new Set(spec.outputs.map((o) => o.name)));

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
    else if ('strings' in a) { for (const s of a.strings) w.string(9, s); w.int(20, 8); }
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
          for (const o of [n.output].flat()) w.string(2, o);
          w.string(3, n.name).string(4, n.op);
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
  for (const [key, value] of spec.metadata ?? []) model.message(14, (e) => e.string(1, key).string(2, value));
  return model.finish();
}

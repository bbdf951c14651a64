// What a layer's ONNX export writes into (Layer.writeOnnx, or an exporter a user registers), and
// the building blocks several layers share. A leaf: io/onnx.ts implements the graph and writes
// the file; this module knows nothing of models or of the file format.

import type { ActivationSpec } from '../activations.js';
import { SELU_ALPHA, SELU_LAMBDA } from '../wasm/activation-codes.js';
import type { Layer } from './layer.js';

export type OnnxAttr = { f: number } | { i: number } | { floats: number[] } | { ints: number[] } | { s: string } | { strings: string[] };

/** What an exporter writes into. */
export interface OnnxGraph {
  /** Adds a node computing `output` from `inputs` (several outputs as a list, '' for one not wanted). */
  node(opType: string, inputs: string[], output: string | string[], attrs?: Record<string, OnnxAttr>): void;
  /** Adds a float32 constant (a weight) and returns its name. */
  constant(name: string, values: Float32Array, dims: number[]): string;
  /** Adds an int64 constant (a shape) and returns its name. */
  constantInts(name: string, values: number[]): string;
  /** A fresh tensor name for an intermediate result. */
  fresh(base: string): string;
  /** The current values of a layer's weights, in the layer's order. */
  weights(layer: Layer): Float32Array[];
  /**
   * Tensor name → the name of the int32 [batch] unmasked-step counts of the mask it carries: a
   * masking layer's export sets it, the layers that pass a mask on carry it, and the recurrent
   * operators read it as their sequence_lens.
   */
  readonly sequenceLengths: Map<string, string>;
  /** Writes any layer's nodes as the export does (a wrapper's inner layer): its exporter, its writeOnnx, or the chunk's writer for its class. */
  write(layer: Layer, inputs: string[], output: string, more?: string[]): void;
  /**
   * A recurrent layer as ONNX's RNN, LSTM or GRU operator (opset 17): Keras's gate blocks reordered
   * by `order` (ONNX's gate g is Keras's order[g]), `activations` Keras's names of the cell's
   * activations in ONNX's order, the inputs [x, initial states...], `more` the names of the states
   * a returnState layer outputs, `resetAfter` the GRU's form. The writer is in the ONNX chunk
   * (io/onnx-recurrent.ts).
   */
  recurrent(layer: OnnxRecurrent, op: 'RNN' | 'LSTM' | 'GRU', order: number[], activations: string[], inputs: string[], output: string, more: string[], resetAfter?: boolean): void;
}

/** What OnnxGraph.recurrent reads of a recurrent layer. */
export type OnnxRecurrent = Layer & { readonly units: number; readonly goBackwards: boolean; readonly returnSequences: boolean };

/** Writes the nodes of one layer: reads `inputs`, must produce the tensor named `output`. */
export type OnnxExporter = (layer: Layer, inputs: string[], output: string, g: OnnxGraph) => void;

/** Building blocks for exporters, including the ones the graph layers will need. */
export const onnxOps = {
  /**
   * Layout contract: every tensor name passed between exporters is in lepton's layout (images
   * NHWC). An exporter of an NCHW operator (Conv, MaxPool, BatchNormalization on images, ...) calls
   * toNchw on its input and fromNchw on its result; the writer removes each fromNchw → toNchw pair
   * between two such layers, so a chain of image layers has transposes only at its edges.
   */
  toNchw(g: OnnxGraph, x: string): string {
    const y = g.fresh(`${x}/nchw`);
    g.node('Transpose', [x], y, { perm: { ints: [0, 3, 1, 2] } });
    return y;
  },
  /** The NCHW result `y` back to lepton's NHWC, written into `output`. */
  fromNchw(g: OnnxGraph, y: string, output: string): void {
    g.node('Transpose', [y], output, { perm: { ints: [0, 2, 3, 1] } });
  },
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

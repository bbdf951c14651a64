// Built-in layers whose ONNX writers live in the ONNX chunk rather than in their layer files, to
// keep the core bundle (what import('lepton') loads) within its budget: the writer looks a layer
// up here by class when the layer has no writeOnnx of its own and no exporter was registered for
// it. A subclass of one of these classes is written as that class.

import { BatchNormalization } from '../layers/batch-normalization.js';
import { Conv2D, Conv2DTranspose, type ConvBase } from '../layers/conv2d.js';
import { onnxPads } from '../layers/conv-common.js';
import { Layer } from '../layers/layer.js';
import { onnxOps, type OnnxAttr, type OnnxExporter, type OnnxGraph } from '../layers/onnx.js';
import { Cropping2D, ZeroPadding2D, type Pad2D } from '../layers/padding.js';
import { Pooling2D } from '../layers/pooling.js';
import { UpSampling2D } from '../layers/up-sampling.js';

/** Keras's kernel [kh, kw, a, b] as ONNX's [b, a, kh, kw] (Conv's OIHW; ConvTranspose's [in, out, kh, kw] from [kh, kw, out, in]). */
function kernelToOnnx(w: Float32Array, [kh, kw, a, b]: number[]): Float32Array {
  const out = new Float32Array(w.length);
  for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let p = 0; p < a; p++) for (let q = 0; q < b; q++) {
    out[((q * a + p) * kh + i) * kw + j] = w[((i * kw + j) * a + p) * b + q];
  }
  return out;
}

/** A convolution's ONNX node (Conv or ConvTranspose, NCHW) then its activation, between the layout transposes. */
function writeNchw(l: ConvBase, x: string, output: string, g: OnnxGraph, op: string, attrs: Parameters<OnnxGraph['node']>[3], dims: number[]): void {
  const [kernel, bias] = g.weights(l);
  const w = g.constant(`${l.name}/kernel`, kernelToOnnx(kernel, l.kernel.shape), dims);
  const b = bias ? [g.constant(`${l.name}/bias`, bias, [bias.length])] : [];
  const z = g.fresh(`${l.name}/z`);
  g.node(op, [onnxOps.toNchw(g, x), w, ...b], z, attrs);
  const a = l.activation;
  if (a.name === 'linear') return onnxOps.fromNchw(g, z, output);
  if (a.name === 'softmax') { // over the channels: the last axis of NHWC
    const t = g.fresh(`${l.name}/logits`);
    onnxOps.fromNchw(g, z, t);
    return onnxOps.activation(g, t, a, output);
  }
  const y = g.fresh(`${l.name}/y`);
  onnxOps.activation(g, z, a, y);
  onnxOps.fromNchw(g, y, output);
}

/** Conv (NCHW, OIHW weights, TensorFlow's 'same' as explicit pads) and the activation. */
const conv2d: OnnxExporter = (layer, [x], output, g) => {
  const l = layer as Conv2D, geo = l.geometryFor(1);
  writeNchw(l, x, output, g, 'Conv', {
    kernel_shape: { ints: [...l.kernelSize] }, strides: { ints: [...l.strides] }, dilations: { ints: [...l.dilationRate] }, pads: { ints: onnxPads(geo) },
  }, [l.filters, geo.c, ...l.kernelSize]);
};

/**
 * ConvTranspose with explicit pads: ONNX's output is s·(in − 1) + span − begin − end + extra, so
 * end = s·(in − 1) + span − begin − out, and where that is negative (a stride longer than the
 * window) it is output_padding instead.
 */
const conv2dTranspose: OnnxExporter = (layer, [x], output, g) => {
  const l = layer as Conv2DTranspose, geo = l.geometryFor(1);
  const end = (input: number, s: number, k: number, d: number, before: number, out: number) => s * (input - 1) + d * (k - 1) + 1 - before - out;
  const eh = end(geo.oh, geo.sh, geo.kh, geo.dh, geo.pt, geo.h), ew = end(geo.ow, geo.sw, geo.kw, geo.dw, geo.pl, geo.w);
  writeNchw(l, x, output, g, 'ConvTranspose', {
    kernel_shape: { ints: [...l.kernelSize] }, strides: { ints: [...l.strides] }, dilations: { ints: [...l.dilationRate] },
    pads: { ints: [geo.pt, geo.pl, Math.max(eh, 0), Math.max(ew, 0)] }, output_padding: { ints: [Math.max(-eh, 0), Math.max(-ew, 0)] },
  }, [geo.f, l.filters, ...l.kernelSize]);
};

/** Batch norm's inference form: the moving statistics. */
const batchNormalization: OnnxExporter = (layer, [x], output, g) => {
  const l = layer as BatchNormalization;
  const w = g.weights(l); // Keras order
  const shape = l.inputShape!, c = shape[shape.length - 1];
  let k = 0;
  const gamma = l.gamma ? w[k++] : new Float32Array(c).fill(1);
  const beta = l.beta ? w[k++] : new Float32Array(c);
  const [mean, variance] = w.slice(k);
  const p = { prefix: l.name, gamma, beta, mean, variance, epsilon: l.epsilon };
  if (shape.length === 1) return onnxOps.batchNormInference(g, x, p, output);
  if (shape.length === 3) {
    // Images: ONNX's operator on NCHW, whose transposes cancel against a convolution's.
    const y = g.fresh(`${l.name}/nchw`);
    onnxOps.batchNormInference(g, onnxOps.toNchw(g, x), p, y);
    return onnxOps.fromNchw(g, y, output);
  }
  // Channels last with more axes: ONNX's operator normalizes axis 1, so write the kernel's own
  // affine map, (x − mean)·a + β with a = γ/√(var + ε) in float32, broadcast over the last axis.
  const f = Math.fround, eps = f(l.epsilon);
  const a = gamma.map((gm, j) => f(f(1 / f(Math.sqrt(f(variance[j] + eps)))) * gm));
  const centered = g.fresh(`${l.name}/centered`), scaled = g.fresh(`${l.name}/scaled`);
  g.node('Sub', [x, g.constant(`${l.name}/moving_mean`, mean, [c])], centered);
  g.node('Mul', [centered, g.constant(`${l.name}/scale`, a, [c])], scaled);
  g.node('Add', [scaled, g.constant(`${l.name}/beta`, beta, [c])], output);
};

/**
 * Resize on NCHW: nearest, the input cell ⌊out / size⌋ ('asymmetric' coordinates rounded down);
 * linear with 'half_pixel' (Keras) or 'asymmetric' (TF.js) coordinates.
 */
const upSampling2d: OnnxExporter = (layer, [x], output, g) => {
  const l = layer as UpSampling2D;
  const y = g.fresh(`${l.name}/nchw`);
  const scales = g.constant(`${l.name}/scales`, Float32Array.of(1, 1, l.size[0], l.size[1]), [4]);
  const attrs: Record<string, OnnxAttr> = l.interpolation === 'nearest'
    ? { mode: { s: 'nearest' }, coordinate_transformation_mode: { s: 'asymmetric' }, nearest_mode: { s: 'floor' } }
    : { mode: { s: 'linear' }, coordinate_transformation_mode: { s: l.halfPixelCenters ? 'half_pixel' : 'asymmetric' } };
  g.node('Resize', [onnxOps.toNchw(g, x), '', scales], y, attrs);
  onnxOps.fromNchw(g, y, output);
};

/** MaxPool, or AveragePool counting only real cells, with TensorFlow's 'same' as explicit pads. */
const pooling2d: OnnxExporter = (layer, [x], output, g) => {
  const l = layer as Pooling2D, geo = l.geometryFor(1);
  const y = g.fresh(`${l.name}/y`);
  const attrs = { kernel_shape: { ints: [...l.poolSize] }, strides: { ints: [...l.strides] }, pads: { ints: onnxPads(geo) } };
  const xc = onnxOps.toNchw(g, x);
  if (l.max) g.node('MaxPool', [xc], y, attrs);
  else g.node('AveragePool', [xc], y, { ...attrs, count_include_pad: { i: 0 } });
  onnxOps.fromNchw(g, y, output);
};

/** Pad with zeros (ZeroPadding2D) or Slice (Cropping2D) on NCHW. */
const pad2d: OnnxExporter = (layer, [x], output, g) => {
  const l = layer as Pad2D;
  const [[t, b], [left, r]] = l.sides, [h, w] = l.inputShape!;
  const y = g.fresh(`${l.name}/nchw`), nchw = onnxOps.toNchw(g, x);
  if (l.sign > 0) g.node('Pad', [nchw, g.constantInts(`${l.name}/pads`, [0, 0, t, left, 0, 0, b, r])], y);
  else {
    const c = (what: string, v: number[]) => g.constantInts(`${l.name}/${what}`, v);
    g.node('Slice', [nchw, c('starts', [t, left]), c('ends', [h - b, w - r]), c('axes', [2, 3])], y);
  }
  onnxOps.fromNchw(g, y, output);
};

const writers = new Map<object, OnnxExporter>([
  [Conv2D, conv2d], [Conv2DTranspose, conv2dTranspose], [BatchNormalization, batchNormalization], [UpSampling2D, upSampling2d],
  [Pooling2D, pooling2d], [ZeroPadding2D, pad2d], [Cropping2D, pad2d],
]);

/** The chunk's writer for a layer's class or its nearest built-in ancestor's, if it has one. */
export function builtinWriter(layer: Layer): OnnxExporter | undefined {
  for (let c: object | null = layer.constructor; c && c !== Layer; c = Object.getPrototypeOf(c) as object | null) {
    const w = writers.get(c);
    if (w) return w;
  }
  return undefined;
}

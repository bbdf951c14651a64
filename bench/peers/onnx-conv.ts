// One convolution as an ONNX model for the ONNX Runtime peer of the conv bench: a Conv (the
// forward) or a ConvTranspose (the gradient to the input, which is what a transposed convolution
// computes), NCHW as ONNX has it, the weight an initializer, the padding explicit (TensorFlow's
// lopsided 'same' included: pads [top, left, bottom, right]). Messages as onnx-mlp.ts writes them;
// AttributeProto 1: name, 8: ints, 20: type (7 = INTS).
import type { ConvGeometry } from '../../src/wasm/conv.js';
import { node, tensor, Writer } from './onnx-mlp.js';

const FLOAT = 1;
const INTS = 7;

function ints(name: string, values: number[]): Writer {
  const a = new Writer().string(1, name);
  for (const v of values) a.int(8, v);
  return a.int(20, INTS);
}

function valueInfo(name: string, dims: number[]): Writer {
  const shape = new Writer();
  for (const d of dims) shape.message(1, new Writer().int(1, d));
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

/** W [kh, kw, c, f] (lepton, Keras) as ONNX's [f, c, kh, kw] (Conv's and, read as [in, out, kh, kw], ConvTranspose's). */
export function onnxWeight(g: ConvGeometry, w: Float32Array): Float32Array {
  const out = new Float32Array(w.length);
  for (let kh = 0; kh < g.kh; kh++) for (let kw = 0; kw < g.kw; kw++) for (let c = 0; c < g.c; c++) for (let f = 0; f < g.f; f++) {
    out[((f * g.c + c) * g.kh + kh) * g.kw + kw] = w[((kh * g.kw + kw) * g.c + c) * g.f + f];
  }
  return out;
}

/** NHWC → NCHW, and back with `back`. */
export function nchw(t: Float32Array, n: number, h: number, w: number, c: number, back = false): Float32Array {
  const out = new Float32Array(t.length);
  for (let b = 0; b < n; b++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let ch = 0; ch < c; ch++) {
    const hwc = ((b * h + y) * w + x) * c + ch, chw = ((b * c + ch) * h + y) * w + x;
    if (back) out[hwc] = t[chw];
    else out[chw] = t[hwc];
  }
  return out;
}

/**
 * Conv x [n, c, h, w] → y [n, f, oh, ow] of geometry g, or (transposed) ConvTranspose
 * x [n, f, oh, ow] → y [n, c, h, w], the gradient of that conv; input 'x', output 'y'. With
 * biasRelu: y = relu(conv + bias).
 */
export function onnxConv(g: ConvGeometry, w: Float32Array, transposed: boolean, biasRelu?: Float32Array): Uint8Array {
  const spanH = g.dh * (g.kh - 1) + 1, spanW = g.dw * (g.kw - 1) + 1;
  // Padding after: what the conv's last output row reaches past the image (negative: rows of the
  // image no output reaches, which a ConvTranspose gives back as output_padding).
  const pb = (g.oh - 1) * g.sh + spanH - g.pt - g.h, pr = (g.ow - 1) * g.sw + spanW - g.pl - g.w;
  const attrs = [
    ints('kernel_shape', [g.kh, g.kw]), ints('strides', [g.sh, g.sw]), ints('dilations', [g.dh, g.dw]),
    ints('pads', [g.pt, g.pl, Math.max(pb, 0), Math.max(pr, 0)]),
  ];
  if (transposed && (pb < 0 || pr < 0)) attrs.push(ints('output_padding', [Math.max(-pb, 0), Math.max(-pr, 0)]));
  const graph = new Writer().message(5, tensor('w', [g.f, g.c, g.kh, g.kw], onnxWeight(g, w)));
  const op = transposed ? 'ConvTranspose' : 'Conv';
  if (biasRelu) {
    graph.message(5, tensor('b', [biasRelu.length], biasRelu));
    graph.message(1, node(op, ['x', 'w', 'b'], ['z'], attrs)).message(1, node('Relu', ['z'], ['y']));
  } else {
    graph.message(1, node(op, ['x', 'w'], ['y'], attrs));
  }
  graph.string(2, 'conv')
    .message(11, valueInfo('x', transposed ? [g.n, g.f, g.oh, g.ow] : [g.n, g.c, g.h, g.w]))
    .message(12, valueInfo('y', transposed ? [g.n, g.c, g.h, g.w] : [g.n, g.f, g.oh, g.ow]));
  return new Writer().int(1, 8).string(2, 'lepton-bench').message(7, graph).message(8, new Writer().string(1, '').int(2, 13)).finish();
}

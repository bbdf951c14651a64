// The geometry block of the convolution and pooling kernels (assembly/f32-conv.ts, f32-pool.ts):
// 16 i32 at a byte offset, n, h, w, c, oh, ow, f, kh, kw, sh, sw, dh, dw, pt, pl, 0. A layer
// writes it once, when it is built, and passes its offset to every call. The sizes and padding
// follow DESIGN.md "Convolutional layers" (TensorFlow's rules: 'same' puts an odd extra row or
// column of padding at the bottom or right).

export const GEOMETRY_BYTES = 64;

/** A convolution x [n, h, w, c] → y [n, oh, ow, f] with kernel [kh, kw, c, f]; a pooling has f = c. */
export interface ConvGeometry {
  n: number; h: number; w: number; c: number;
  oh: number; ow: number; f: number;
  kh: number; kw: number; sh: number; sw: number; dh: number; dw: number;
  /** Padding above and left; below and right follow from oh, ow. */
  pt: number; pl: number;
}

/** 'valid', 'same', or explicit [[top, bottom], [left, right]]. */
export type Padding = 'valid' | 'same' | [[number, number], [number, number]];

/** Output length and padding before, along one axis. */
export function convLength(input: number, kernel: number, stride: number, dilation: number, padding: 'valid' | 'same' | [number, number]): { out: number; before: number } {
  const span = dilation * (kernel - 1) + 1;
  if (padding === 'same') {
    const out = Math.ceil(input / stride);
    return { out, before: Math.floor(Math.max((out - 1) * stride + span - input, 0) / 2) };
  }
  const [b, a] = padding === 'valid' ? [0, 0] : padding;
  return { out: Math.floor((input + b + a - span) / stride) + 1, before: b };
}

export interface ConvOptions {
  batch: number; height: number; width: number; channels: number; filters: number;
  kernelSize: [number, number]; strides?: [number, number]; dilationRate?: [number, number]; padding: Padding;
}

/** The geometry of conv2d (Keras arguments). */
export function convGeometry(o: ConvOptions): ConvGeometry {
  const [kh, kw] = o.kernelSize, [sh, sw] = o.strides ?? [1, 1], [dh, dw] = o.dilationRate ?? [1, 1];
  const pad = o.padding;
  const rows = convLength(o.height, kh, sh, dh, typeof pad === 'string' ? pad : pad[0]);
  const cols = convLength(o.width, kw, sw, dw, typeof pad === 'string' ? pad : pad[1]);
  return check({ n: o.batch, h: o.height, w: o.width, c: o.channels, oh: rows.out, ow: cols.out, f: o.filters, kh, kw, sh, sw, dh, dw, pt: rows.before, pl: cols.before });
}

export interface ConvTransposeOptions extends Omit<ConvOptions, 'padding'> {
  padding: 'valid' | 'same';
  outputPadding?: [number, number];
}

/**
 * The geometry of the conv2d whose dX is this conv2dTranspose (the one f32_conv2d_transpose_bias_act
 * takes): its input is the transposed conv's output [batch, OH', OW', filters], its output the
 * transposed conv's input [batch, height, width, channels]. Output size as Keras's
 * deconv_output_length, padding as TensorFlow's conv2d_transpose (the backprop of a 'same' or
 * 'valid' conv2d of that output size).
 */
export function convTransposeGeometry(o: ConvTransposeOptions): ConvGeometry {
  const [kh, kw] = o.kernelSize, [sh, sw] = o.strides ?? [1, 1], [dh, dw] = o.dilationRate ?? [1, 1];
  const axis = (input: number, k: number, s: number, d: number, op: number | undefined): { out: number; before: number } => {
    const span = d * (k - 1) + 1;
    const out = op === undefined
      ? (o.padding === 'same' ? input * s : input * s + Math.max(span - s, 0))
      : (input - 1) * s + span - 2 * (o.padding === 'same' ? Math.floor(span / 2) : 0) + op;
    const before = o.padding === 'same' ? Math.floor(Math.max((input - 1) * s + span - out, 0) / 2) : 0;
    return { out, before };
  };
  const rows = axis(o.height, kh, sh, dh, o.outputPadding?.[0]);
  const cols = axis(o.width, kw, sw, dw, o.outputPadding?.[1]);
  return check({ n: o.batch, h: rows.out, w: cols.out, c: o.filters, oh: o.height, ow: o.width, f: o.channels, kh, kw, sh, sw, dh, dw, pt: rows.before, pl: cols.before });
}

export interface PoolOptions {
  batch: number; height: number; width: number; channels: number;
  poolSize: [number, number]; strides?: [number, number]; padding: Padding;
}

/** The geometry of a pooling (strides default to the pool size, as in Keras). */
export function poolGeometry(o: PoolOptions): ConvGeometry {
  const g = convGeometry({ batch: o.batch, height: o.height, width: o.width, channels: o.channels, filters: o.channels, kernelSize: o.poolSize, strides: o.strides ?? o.poolSize, padding: o.padding });
  return g;
}

/** A global pooling: the whole image is one window. */
export function globalPoolGeometry(batch: number, height: number, width: number, channels: number): ConvGeometry {
  return poolGeometry({ batch, height, width, channels, poolSize: [height, width], strides: [1, 1], padding: 'valid' });
}

function check(g: ConvGeometry): ConvGeometry {
  for (const [k, v] of Object.entries(g)) {
    if (!Number.isInteger(v) || v < 0 || (v === 0 && !['pt', 'pl'].includes(k))) {
      throw new RangeError(`conv geometry: ${k} must be a whole number ≥ ${k === 'pt' || k === 'pl' ? 0 : 1}, got ${v} (${JSON.stringify(g)})`);
    }
  }
  return g;
}

/** Writes g as the 16 i32 at byte offset ptr of `view` (an Int32Array over the whole memory). */
export function writeGeometry(view: Int32Array, ptr: number, g: ConvGeometry): void {
  view.set([g.n, g.h, g.w, g.c, g.oh, g.ow, g.f, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl, 0], ptr >> 2);
}

/** The geometry at byte offset ptr of `view` (the thread split reads it on every call). */
export function readGeometry(view: Int32Array, ptr: number): ConvGeometry {
  const o = ptr >> 2;
  return {
    n: view[o], h: view[o + 1], w: view[o + 2], c: view[o + 3], oh: view[o + 4], ow: view[o + 5], f: view[o + 6],
    kh: view[o + 7], kw: view[o + 8], sh: view[o + 9], sw: view[o + 10], dh: view[o + 11], dw: view[o + 12], pt: view[o + 13], pl: view[o + 14],
  };
}

// What conv2d, conv2dTranspose and the 2-D poolings share: their Keras options (a number or
// [rows, cols]; 'valid' or 'same'; channels-last only), the check that the input is an image, and
// the geometry block the kernels read (src/wasm/conv.ts), written into the step's scratch on each
// call from a copy the layer keeps per batch size, so a step allocates nothing after the first.

import { ShapeError } from '../tensor.js';
import { runtime } from '../wasm/runtime.js';
import { GEOMETRY_BYTES, writeGeometry, type ConvGeometry } from '../wasm/conv.js';
import type { Kernels } from '../wasm/kernels.js';
import type { Ctx } from './layer.js';

export type Pair = number | [number, number];
export type PaddingMode = 'valid' | 'same';

/** A Keras size option as [rows, cols]: a whole number ≥ `min`, or two of them. */
export function pair(layer: string, key: string, v: Pair | undefined, fallback: [number, number], min = 1): [number, number] {
  if (v === undefined || v === null) return [...fallback];
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => Number.isInteger(d) && d >= min && d <= 2 ** 20)) {
    throw new RangeError(`${layer}: ${key} must be a whole number in [${min}, 1048576] or two of them [rows, cols], got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
}

export function paddingOf(layer: string, v: unknown): PaddingMode {
  const p = v ?? 'valid';
  if (p !== 'valid' && p !== 'same') throw new RangeError(`${layer}: padding must be 'valid' or 'same', got ${JSON.stringify(v)}`);
  return p;
}

/** Only channels-last images: Keras's 'channelsLast' (TF.js) or 'channels_last'. */
export function checkDataFormat(layer: string, v: unknown): void {
  if (v !== undefined && v !== null && v !== 'channelsLast' && v !== 'channels_last') {
    throw new RangeError(`${layer}: lepton's images are channels-last [batch, height, width, channels]; dataFormat ${JSON.stringify(v)} is not supported`);
  }
}

/** The input must be an image [height, width, channels] (without the batch axis). */
export function checkImage(layer: string, inputShape: number[]): [number, number, number] {
  if (inputShape.length !== 3) {
    const n = inputShape.reduce((a, b) => a * b, 1);
    const side = Math.round(Math.sqrt(n));
    const hint = side * side === n ? ` (a flat ${n} is a ${side}×${side} image of one channel: add layers.reshape([${side}, ${side}, 1]) before it)` : '';
    throw new ShapeError(`${layer} expects images [*, height, width, channels], got [*, ${inputShape.join(', ')}]${hint}`);
  }
  return [inputShape[0], inputShape[1], inputShape[2]];
}

/** An output side that must be at least one pixel: a 'valid' window larger than its input is an error. */
export function checkFits(layer: string, what: string, out: number, side: 'height' | 'width', input: number, span: number): void {
  if (out < 1) {
    throw new ShapeError(`${layer}: its ${what} spans ${span} ${side === 'height' ? 'rows' : 'columns'} with 'valid' padding, more than the input's ${side} of ${input}; use padding 'same' or a smaller window`);
  }
}

/**
 * The geometry of one layer for any batch size: built once per size (a 16-int copy), written into
 * the step's scratch on every call.
 */
export class GeometryCache {
  private rows = -1;
  private words = new Int32Array(GEOMETRY_BYTES / 4);
  geometry!: ConvGeometry;

  constructor(private readonly make: (batch: number) => ConvGeometry) {}

  /** The geometry for `batch` images. */
  of(batch: number): ConvGeometry {
    if (batch !== this.rows) {
      this.geometry = this.make(batch);
      writeGeometry(this.words, 0, this.geometry);
      this.rows = batch;
    }
    return this.geometry;
  }

  /** Writes the geometry for `batch` images into the step's scratch and returns its offset. */
  put(ctx: Ctx, batch: number): number {
    this.of(batch);
    const ptr = ctx.scratch.take(GEOMETRY_BYTES);
    ctx.arena.i32All().set(this.words, ptr >> 2);
    return ptr;
  }

  /** Bytes of conv workspace the kernels need for `batch` images (the geometry in a block of its own for the call). */
  workspace(k: Kernels, batch: number): number {
    const arena = runtime().arena;
    this.of(batch);
    const ptr = arena.alloc(GEOMETRY_BYTES);
    try {
      arena.i32All().set(this.words, ptr >> 2);
      return k.f32_conv2d_workspace(ptr);
    } finally {
      arena.release(ptr);
    }
  }
}

/** [top, left, bottom, right] as ONNX's pads [x1_begin, x2_begin, x1_end, x2_end] for a forward geometry. */
export function onnxPads(g: ConvGeometry): number[] {
  const end = (out: number, s: number, k: number, d: number, input: number, before: number) => Math.max((out - 1) * s + d * (k - 1) + 1 - input - before, 0);
  return [g.pt, g.pl, end(g.oh, g.sh, g.kh, g.dh, g.h, g.pt), end(g.ow, g.sw, g.kw, g.dw, g.w, g.pl)];
}

/** Output pixels in a part of dW's sum (a multiple of the kernels' k block of 256), at least; and the parts, at most. */
const DW_PART_MIN = 2048;
const DW_PARTS = 8;

/**
 * Pixels per part of dW's sum for a geometry of `pixels` output pixels (n·oh·ow), from the
 * geometry alone: up to DW_PARTS parts of at least DW_PART_MIN pixels, or all of them in one.
 */
export function dwPart(pixels: number): number {
  return Math.max(DW_PART_MIN, Math.ceil(pixels / DW_PARTS / 256) * 256);
}

/**
 * dW (+ dW when acc) of the convolution `geom` (g its geometry) with input x and output gradient
 * dy: in parts over the output pixels (f32_conv2d_dw_parts, which threads share part by part),
 * summed in part order by f32_col_sum; one call when the batch has too few pixels for two parts.
 * The parts depend on the geometry alone, so the bits do not depend on the thread count.
 */
export function convDw(ctx: Ctx, g: ConvGeometry, geom: number, x: number, dy: number, dw: number, acc: boolean): void {
  const { k } = ctx;
  const rows = g.kh * g.kw * g.c, pixels = g.n * g.oh * g.ow;
  const seg = dwPart(pixels);
  if (seg >= pixels) {
    k.f32_conv2d_dw(geom, x, dy, dw, acc ? 1 : 0, 0, rows, 0, g.f, ctx.ws);
    return;
  }
  const count = Math.ceil(pixels / seg);
  const parts = ctx.scratch.take(count * rows * g.f * 4);
  k.f32_conv2d_dw_parts(geom, x, dy, parts, seg, 0, count, ctx.ws);
  k.f32_col_sum(parts, dw, count, rows * g.f, acc ? 1 : 0);
}

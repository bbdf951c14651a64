// What the layers on images share (DESIGN.md "Convolutional layers"): images are channels-last
// [batch, height, width, channels], and sizes come as Keras takes them, a number or [rows, cols],
// and paddings or croppings also as [[top, bottom], [left, right]].

import { ShapeError } from '../tensor.js';
import type { OnnxGraph } from './onnx.js';

/** [height, width, channels] of an image input (shapes without the batch axis), or a clear error. */
export function imageShape(layer: string, inputShape: readonly number[]): [number, number, number] {
  if (inputShape.length !== 3) {
    const flat = inputShape.length === 1 ? `; for flat inputs of ${inputShape[0]} values put layers.reshape([height, width, channels]) first` : '';
    throw new ShapeError(`${layer} expects images [batch, height, width, channels], got [batch, ${inputShape.join(', ')}] (${inputShape.length + 1}-D)${flat}`);
  }
  return [inputShape[0], inputShape[1], inputShape[2]];
}

const whole = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 2 ** 28;

/** A number or [rows, cols] of whole numbers ≥ min, as [rows, cols]. */
export function pairOf(layer: string, key: string, v: unknown, min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2 || !p.every((d) => whole(d, min))) {
    throw new RangeError(`${layer}: ${key} must be a whole number ≥ ${min} or [rows, cols] of them, got ${JSON.stringify(v)}`);
  }
  return [p[0], p[1]];
}

/** The four sides: a number (all of them), [rows, cols] (both ends of each), or [[top, bottom], [left, right]]. */
export function sidesOf(layer: string, key: string, v: unknown): [[number, number], [number, number]] {
  const bad = () => new RangeError(`${layer}: ${key} must be a whole number ≥ 0, [rows, cols], or [[top, bottom], [left, right]], got ${JSON.stringify(v)}`);
  const p = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(p) || p.length !== 2) throw bad();
  const [r, c] = p.map((s) => (typeof s === 'number' ? [s, s] : s));
  if (![r, c].every((s) => Array.isArray(s) && s.length === 2 && s.every((d) => whole(d, 0)))) throw bad();
  return [[r[0], r[1]], [c[0], c[1]]];
}

/**
 * The most values one sample's image may hold: 2²⁸ floats are 1 GiB, and the WebAssembly memory
 * holds 4 GiB for everything. A layer that makes images larger than its input (upsampling, zero
 * padding) checks its output against it when it is built, so a model file asking for absurd sizes
 * is refused before anything is allocated.
 */
export const MAX_IMAGE_VALUES = 2 ** 28;

/** [height, width, channels] of an output image, or a clear error when it is too large. */
export function boundedImage(layer: string, what: string, inputShape: readonly number[], out: [number, number, number]): [number, number, number] {
  const values = out[0] * out[1] * out[2];
  if (values > MAX_IMAGE_VALUES) {
    throw new ShapeError(`${layer}: ${what} makes an image of ${out.join('×')} = ${values} values per sample out of [${inputShape.join(', ')}]; the most is 2^28 (${MAX_IMAGE_VALUES})`);
  }
  return out;
}

/**
 * ONNX's image operators are NCHW and lepton's images NHWC: an exporter reads `x` through toNchw
 * and writes its output through fromNchw (perm [0, 3, 1, 2] in, [0, 2, 3, 1] out).
 */
export function toNchw(g: OnnxGraph, x: string): string {
  const t = g.fresh(`${x}/nchw`);
  g.node('Transpose', [x], t, { perm: { ints: [0, 3, 1, 2] } });
  return t;
}
export function fromNchw(g: OnnxGraph, y: string, output: string): void {
  g.node('Transpose', [y], output, { perm: { ints: [0, 2, 3, 1] } });
}

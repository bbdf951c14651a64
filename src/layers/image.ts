// What zero padding, cropping and upsampling share beyond conv-common.ts (the image check, sizes
// as a number or [rows, cols], channels-last only): paddings and croppings as Keras takes them,
// and the bound on the images a layer makes larger than its input.

import { ShapeError } from '../tensor.js';

const whole = (v: unknown, min: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= 2 ** 28;

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
 * The most values one sample's image may hold: 2²⁶ floats (256 MiB; 2048 × 2048 × 16, or a
 * 512 × 512 image of 256 channels), since the WebAssembly memory holds 4 GiB for everything and a
 * step keeps several activations and their gradients. A layer that makes images larger than its
 * input (upsampling, zero padding) checks its output against it when it is built, so a model file
 * asking for absurd sizes is refused before anything is allocated.
 */
export const MAX_IMAGE_VALUES = 2 ** 26;

/** [height, width, channels] of an output image, or a clear error when it is too large. */
export function boundedImage(layer: string, what: string, inputShape: readonly number[], out: [number, number, number]): [number, number, number] {
  const values = out[0] * out[1] * out[2];
  if (values > MAX_IMAGE_VALUES) {
    throw new ShapeError(`${layer}: ${what} makes an image of ${out.join('×')} = ${values} values per sample out of [${inputShape.join(', ')}]; the most is 2^26 (${MAX_IMAGE_VALUES})`);
  }
  return out;
}

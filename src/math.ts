// Host-side math that shapes results, with the same bits in every engine (DESIGN.md
// "Determinism"): transcendentals come from the wasm module, integer powers from repeated
// multiplication (IEEE multiplication is exact-rounded everywhere).
import { runtime } from './wasm/runtime.js';

export const exp = (x: number): number => runtime().kernels.f64_exp(x);
export const log = (x: number): number => runtime().kernels.f64_log(x);
export const cos = (x: number): number => runtime().kernels.f64_cos(x);
export const sin = (x: number): number => runtime().kernels.f64_sin(x);
export const log1p = (x: number): number => runtime().kernels.f64_log1p(x);

/** base^n for a whole n ≥ 0, by squaring. */
export function powInt(base: number, n: number): number {
  let result = 1, b = base, e = n;
  while (e > 0) {
    if (e & 1) result *= b;
    b *= b;
    e = Math.floor(e / 2);
  }
  return result;
}

/** base^e: by squaring for whole e ≥ 0, else exp(e·log base) in wasm. */
export function pow(base: number, e: number): number {
  return Number.isInteger(e) && e >= 0 && e < 2 ** 31 ? powInt(base, e) : exp(e * log(base));
}

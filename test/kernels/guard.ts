// Output blocks with a guard band: n floats for the kernel, then GUARD sentinel floats that no
// kernel may write. Shared by the kernel tests.
import * as assert from 'uvu/assert';
import type { Bench } from '../helpers.js';

export const GUARD = 8;
const SENTINEL = -123456.75;

export const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 257];
/** (rows, cols) pairs for row kernels: odd cols, cols around the f32x4 width and its multiples. */
export const SHAPES: [number, number][] = [[1, 1], [3, 1], [2, 3], [4, 4], [3, 5], [5, 7], [2, 8], [3, 9], [2, 15], [4, 16], [3, 17], [2, 31], [3, 33], [1, 257], [0, 5]];
export const BUILDS = ['simd', 'relaxed'] as const;

/** A block holding `data` (or n zeros) followed by the guard band; returns its byte offset. */
export function guarded(b: Bench, data: ArrayLike<number> | number): number {
  const n = typeof data === 'number' ? data : data.length;
  const block = new Float32Array(n + GUARD).fill(SENTINEL);
  if (typeof data === 'number') block.fill(0, 0, n);
  else block.set(data);
  return b.put(block);
}

/** Asserts the guard band after n floats at ptr is untouched. */
export function checkGuard(b: Bench, ptr: number, n: number, context: string): void {
  const band = b.get(ptr + 4 * n, GUARD);
  for (let i = 0; i < GUARD; i++) assert.is(band[i], SENTINEL, `wrote past the end (${context}; at n + ${i})`);
}

/** Rounds to f32, as the kernel sees its inputs. */
export const f32 = (x: ArrayLike<number>): Float32Array => Float32Array.from(x);

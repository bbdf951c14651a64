// Float64 references for assembly/f32-vector.ts.

export const axpy = (a: number, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array => Float64Array.from(y, (v, i) => v + a * x[i]);
export const scale = (a: number, x: ArrayLike<number>): Float64Array => Float64Array.from(x, (v) => a * v);
export const clip = (x: ArrayLike<number>, lo: number, hi: number): Float64Array => Float64Array.from(x, (v) => Math.min(Math.max(v, lo), hi));

export function gatherRows(src: ArrayLike<number>, idx: ArrayLike<number>, cols: number): Float64Array {
  const dst = new Float64Array(idx.length * cols);
  for (let r = 0; r < idx.length; r++) for (let j = 0; j < cols; j++) dst[r * cols + j] = src[idx[r] * cols + j];
  return dst;
}
export const mul = (x: ArrayLike<number>, y: ArrayLike<number>): Float64Array => Float64Array.from(x, (v, i) => v * y[i]);

/** A zeroed (n) destination with src's (rows × cols) block copied to column `off` of rows of ldd. */
export function copy2d(src: ArrayLike<number>, lds: number, n: number, ldd: number, off: number, rows: number, cols: number): Float64Array {
  const dst = new Float64Array(n);
  for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) dst[r * ldd + off + j] = src[r * lds + j];
  return dst;
}

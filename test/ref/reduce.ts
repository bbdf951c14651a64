// Float64 references for assembly/f32-reduce.ts.

export function colSum(x: ArrayLike<number>, rows: number, cols: number, y0?: ArrayLike<number>): Float64Array {
  const y = y0 ? Float64Array.from(y0) : new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) y[j] += x[i * cols + j];
  return y;
}

export function sumsq(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

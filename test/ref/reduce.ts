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

/** Σ|x|, and g + λ·sign(x) (sign(0) = 0) when g is given: the L1 penalty's value and gradient. */
export function l1(x: ArrayLike<number>, g: ArrayLike<number> | null, lambda: number): { value: number; g: Float64Array | null } {
  let s = 0;
  const out = g ? Float64Array.from(g) : null;
  for (let i = 0; i < x.length; i++) {
    s += Math.abs(x[i]);
    if (out) out[i] += lambda * Math.sign(x[i]);
  }
  return { value: s, g: out };
}

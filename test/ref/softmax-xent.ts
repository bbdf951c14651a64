// Float64 references for assembly/f32-softmax-xent.ts.

export function softmax(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[i * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += Math.exp(x[i * cols + j] - m);
    for (let j = 0; j < cols; j++) y[i * cols + j] = Math.exp(x[i * cols + j] - m) / s;
  }
  return y;
}

export function softmaxGrad(y: ArrayLike<number>, dy: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const dx = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let d = 0;
    for (let j = 0; j < cols; j++) d += dy[i * cols + j] * y[i * cols + j];
    for (let j = 0; j < cols; j++) dx[i * cols + j] = y[i * cols + j] * (dy[i * cols + j] - d);
  }
  return dx;
}

function logSumExp(z: ArrayLike<number>, i: number, cols: number): number {
  let m = -Infinity;
  for (let j = 0; j < cols; j++) m = Math.max(m, z[i * cols + j]);
  let s = 0;
  for (let j = 0; j < cols; j++) s += Math.exp(z[i * cols + j] - m);
  return m + Math.log(s);
}

/** Σ_i w_i Σ_j t_ij (lse_i − z_ij), p = softmax(z), dz = scale·w_i·(p·Σt − t). */
export function softmaxXent(
  z: ArrayLike<number>, t: ArrayLike<number>, w: ArrayLike<number> | null, rows: number, cols: number, scale: number,
): { value: number; p: Float64Array; dz: Float64Array } {
  const p = softmax(z, rows, cols);
  const dz = new Float64Array(rows * cols);
  let value = 0;
  for (let i = 0; i < rows; i++) {
    const lse = logSumExp(z, i, cols), wi = w ? w[i] : 1;
    let row = 0, ts = 0;
    for (let j = 0; j < cols; j++) {
      row += t[i * cols + j] * (lse - z[i * cols + j]);
      ts += t[i * cols + j];
    }
    value += wi * row;
    for (let j = 0; j < cols; j++) dz[i * cols + j] = scale * wi * (p[i * cols + j] * ts - t[i * cols + j]);
  }
  return { value, p, dz };
}

export function sparseSoftmaxXent(
  z: ArrayLike<number>, labels: ArrayLike<number>, w: ArrayLike<number> | null, rows: number, cols: number, scale: number,
): { value: number; p: Float64Array; dz: Float64Array } {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) t[i * cols + labels[i]] = 1;
  return softmaxXent(z, t, w, rows, cols, scale);
}

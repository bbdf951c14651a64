// Float64 references for assembly/f32-batchnorm.ts: (rows × cols), one channel per column.

/** Two-pass batch mean and biased variance per column. */
export function stats(x: ArrayLike<number>, rows: number, cols: number): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(cols), variance = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += x[i * cols + j] / rows;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) variance[j] += (x[i * cols + j] - mean[j]) ** 2 / rows;
  return { mean, variance };
}

/** y = (x − mean)/√(var + eps)·γ + β; gamma/beta undefined: 1 and 0. */
export function normalize(x: ArrayLike<number>, rows: number, cols: number, mean: ArrayLike<number>, variance: ArrayLike<number>, eps: number,
  gamma?: ArrayLike<number>, beta?: ArrayLike<number>): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    y[i * cols + j] = ((x[i * cols + j] - mean[j]) / Math.sqrt(variance[j] + eps)) * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
  }
  return y;
}

/** Gradients of Σ dy·y through the batch statistics (training mode). */
export function grad(x: ArrayLike<number>, dy: ArrayLike<number>, rows: number, cols: number, eps: number, gamma?: ArrayLike<number>):
  { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const { mean, variance } = stats(x, rows, cols);
  const dx = new Float64Array(rows * cols), dgamma = new Float64Array(cols), dbeta = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const r = 1 / Math.sqrt(variance[j] + eps), g = gamma ? gamma[j] : 1;
    for (let i = 0; i < rows; i++) {
      dbeta[j] += dy[i * cols + j];
      dgamma[j] += dy[i * cols + j] * (x[i * cols + j] - mean[j]) * r;
    }
    for (let i = 0; i < rows; i++) {
      const xh = (x[i * cols + j] - mean[j]) * r;
      dx[i * cols + j] = g * r * (dy[i * cols + j] - dbeta[j] / rows - xh * dgamma[j] / rows);
    }
  }
  return { dx, dgamma, dbeta };
}

// Float64 references for assembly/f32-layernorm.ts: (rows × cols), each row normalized over its columns.

/** y = (x − mean_row)/√(var_row + eps)·γ + β with the two-pass row mean and biased variance. */
export function layernorm(x: ArrayLike<number>, rows: number, cols: number, eps: number, gamma?: ArrayLike<number>, beta?: ArrayLike<number>):
  { y: Float64Array; mean: Float64Array; rstd: Float64Array } {
  const y = new Float64Array(rows * cols), mean = new Float64Array(rows), rstd = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += x[i * cols + j];
    const m = s / cols;
    let q = 0;
    for (let j = 0; j < cols; j++) q += (x[i * cols + j] - m) ** 2;
    const r = 1 / Math.sqrt(q / cols + eps);
    mean[i] = m;
    rstd[i] = r;
    for (let j = 0; j < cols; j++) y[i * cols + j] = (x[i * cols + j] - m) * r * (gamma ? gamma[j] : 1) + (beta ? beta[j] : 0);
  }
  return { y, mean, rstd };
}

/** Gradients of Σ dy·y (the forward above), derived by hand; the kernel test also checks them by central differences. */
export function layernormGrad(x: ArrayLike<number>, dy: ArrayLike<number>, rows: number, cols: number, eps: number, gamma?: ArrayLike<number>):
  { dx: Float64Array; dgamma: Float64Array; dbeta: Float64Array } {
  const { mean, rstd } = layernorm(x, rows, cols, eps);
  const dx = new Float64Array(rows * cols), dgamma = new Float64Array(cols), dbeta = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    let sg = 0, sgx = 0;
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j, xh = (x[k] - mean[i]) * rstd[i], g = dy[k] * (gamma ? gamma[j] : 1);
      dbeta[j] += dy[k];
      dgamma[j] += dy[k] * xh;
      sg += g;
      sgx += g * xh;
    }
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j, xh = (x[k] - mean[i]) * rstd[i], g = dy[k] * (gamma ? gamma[j] : 1);
      dx[k] = rstd[i] * (g - sg / cols - (xh * sgx) / cols);
    }
  }
  return { dx, dgamma, dbeta };
}

// Layer normalization over the last axis of an (rows × cols) matrix (Ba et al. 2016; Keras's
// LayerNormalization with axis −1): each row is normalized by its own mean and biased variance,
// y = (x − μ_row)/√(σ²_row + eps)·γ + β with γ, β per column. Scalar f32 loops in column order,
// the same code in both builds (no fma), so the bits are the same everywhere; rows are independent.
// x, y, dy, dx are contiguous (ld = cols); stats holds two floats per row, (mean, 1/√(var + eps)),
// written by the forward and read by the backward. Nothing past a matrix's rows·cols floats, a
// vector's cols floats or stats' 2·rows floats is touched; pointers need only 4-byte alignment. NaN
// in a row makes that row's outputs NaN and leaves the other rows alone.

/**
 * y_ij = (x_ij − mean_i)·r_i·γ_j + β_j with mean_i = Σ_j x_ij/cols, var_i = Σ_j (x_ij − mean_i)²/cols
 * (two passes), r_i = 1/√(var_i + eps); stats_i = (mean_i, r_i). gamma = 0: γ = 1; beta = 0: β = 0.
 * y may alias x exactly; stats must not overlap x or y. cols ≥ 1.
 */
export function f32_layernorm(x: usize, y: usize, stats: usize, gamma: usize, beta: usize, rows: i32, cols: i32, eps: f32): void {
  const rowBytes = <usize>cols << 2, inv = <f32>1 / <f32>cols;
  for (let i = 0; i < rows; i++) {
    const xr = x + <usize>i * rowBytes, yr = y + <usize>i * rowBytes;
    let s: f32 = 0;
    for (let j: usize = 0; j < rowBytes; j += 4) s += load<f32>(xr + j);
    const m = s * inv;
    let q: f32 = 0;
    for (let j: usize = 0; j < rowBytes; j += 4) {
      const d = load<f32>(xr + j) - m;
      q += d * d;
    }
    const r = <f32>1 / Mathf.sqrt(q * inv + eps);
    store<f32>(stats + (<usize>i << 3), m);
    store<f32>(stats + (<usize>i << 3) + 4, r);
    for (let j: usize = 0; j < rowBytes; j += 4) {
      let v = (load<f32>(xr + j) - m) * r;
      if (gamma) v *= load<f32>(gamma + j);
      if (beta) v += load<f32>(beta + j);
      store<f32>(yr + j, v);
    }
  }
}

/**
 * Backward, with x̂_ij = (x_ij − mean_i)·r_i and g_ij = dy_ij·γ_j:
 * dβ_j (+)= Σ_i dy_ij;  dγ_j (+)= Σ_i dy_ij·x̂_ij (rows in order);
 * dx_ij = r_i·(g_ij − Σ_j g_ij/cols − x̂_ij·Σ_j g_ij·x̂_ij/cols).
 * stats as f32_layernorm wrote them. gamma = 0: γ = 1. dgamma/dbeta = 0: not written; acc ≠ 0 adds
 * to them. dx = 0: not written. dx may alias dy exactly; nothing else may overlap.
 */
export function f32_layernorm_grad(x: usize, dy: usize, dx: usize, stats: usize, gamma: usize, dgamma: usize, dbeta: usize, rows: i32, cols: i32, acc: i32): void {
  const rowBytes = <usize>cols << 2, inv = <f32>1 / <f32>cols;
  if (!acc) {
    if (dgamma) memory.fill(dgamma, 0, rowBytes);
    if (dbeta) memory.fill(dbeta, 0, rowBytes);
  }
  for (let i = 0; i < rows; i++) {
    const xr = x + <usize>i * rowBytes, dyr = dy + <usize>i * rowBytes, dxr = dx + <usize>i * rowBytes;
    const m = load<f32>(stats + (<usize>i << 3)), r = load<f32>(stats + (<usize>i << 3) + 4);
    let sg: f32 = 0, sgx: f32 = 0;
    for (let j: usize = 0; j < rowBytes; j += 4) {
      const d = load<f32>(dyr + j), xh = (load<f32>(xr + j) - m) * r;
      if (dbeta) store<f32>(dbeta + j, load<f32>(dbeta + j) + d);
      if (dgamma) store<f32>(dgamma + j, load<f32>(dgamma + j) + d * xh);
      const g = gamma ? d * load<f32>(gamma + j) : d;
      sg += g;
      sgx += g * xh;
    }
    if (!dx) continue;
    const mg = sg * inv, mgx = sgx * inv;
    for (let j: usize = 0; j < rowBytes; j += 4) {
      const xh = (load<f32>(xr + j) - m) * r;
      const g = gamma ? load<f32>(dyr + j) * load<f32>(gamma + j) : load<f32>(dyr + j);
      store<f32>(dxr + j, r * (g - mg - xh * mgx));
    }
  }
}

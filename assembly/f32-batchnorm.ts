// Batch normalization over the rows of an (rows × cols) matrix, one channel per column (seed 001
// eq. 1.18; seed 004 "Batch normalization"). Within a column block every pass walks all rows, so
// the block's per-column sums stay in registers and no workspace is needed. The moving averages
// are two axpy-style updates on the host side (f32_scale, f32_axpy). Each column is summed in f32 in row order whichever
// block it falls in, so its value does not depend on cols. Plain mul/add in both builds (no fma):
// the same bits everywhere. x, y, dy, dx are contiguous (ld = cols); nothing past a column vector's
// cols floats or a matrix's rows·cols floats is touched; pointers need not be 16-byte aligned.
// NaN in a column makes that column's statistics and outputs NaN and leaves the others alone.

// Columns run in blocks of 4 (one f32x4) and then one at a time (lanes = 1: the value splatted,
// lane 0 stored), with the same body, so a column's arithmetic does not depend on its block.
@inline function ld(p: usize, lanes: i32): v128 {
  return lanes == 1 ? f32x4.splat(load<f32>(p)) : v128.load(p);
}
@inline function st(p: usize, v: v128, lanes: i32): void {
  if (lanes == 1) store<f32>(p, f32x4.extract_lane(v, 0));
  else v128.store(p, v);
}

/**
 * Batch statistics per column j: mean_j = Σ_i x_ij / rows, then var_j = Σ_i (x_ij − mean_j)² / rows
 * (two passes, no E[x²] − E[x]² cancellation; the biased variance). x (rows × cols); mean and var
 * (cols each) must not overlap x. rows ≥ 1.
 */
export function f32_batchnorm_stats(x: usize, mean: usize, vr: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2, end = <usize>rows * rowBytes, n4 = <usize>(cols & ~3) << 2;
  const inv = f32x4.splat(<f32>1 / <f32>rows);
  let j: usize = 0;
  for (; j < n4; j += 16) statsBlock(x + j, mean + j, vr + j, end, rowBytes, inv, 4);
  for (; j < rowBytes; j += 4) statsBlock(x + j, mean + j, vr + j, end, rowBytes, inv, 1);
}

@inline function statsBlock(x: usize, mean: usize, vr: usize, end: usize, rowBytes: usize, inv: v128, lanes: i32): void {
  let s = f32x4.splat(0);
  for (let p: usize = 0; p < end; p += rowBytes) s = f32x4.add(s, ld(x + p, lanes));
  const m = f32x4.mul(s, inv);
  let q = f32x4.splat(0);
  for (let p: usize = 0; p < end; p += rowBytes) {
    const d = f32x4.sub(ld(x + p, lanes), m);
    q = f32x4.add(q, f32x4.mul(d, d));
  }
  st(mean, m, lanes);
  st(vr, f32x4.mul(q, inv), lanes);
}

/**
 * y_ij = (x_ij − mean_j)·(γ_j/√(var_j + eps)) + β_j with the batch statistics (training) or the
 * moving averages (inference). gamma = 0: γ = 1; beta = 0: β = 0. y may alias x exactly.
 */
export function f32_batchnorm_apply(x: usize, y: usize, mean: usize, vr: usize, gamma: usize, beta: usize, rows: i32, cols: i32, eps: f32): void {
  const rowBytes = <usize>cols << 2, end = <usize>rows * rowBytes, n4 = <usize>(cols & ~3) << 2;
  let j: usize = 0;
  for (; j < n4; j += 16) applyBlock(x + j, y + j, mean + j, vr + j, gamma ? gamma + j : 0, beta ? beta + j : 0, end, rowBytes, eps, 4);
  for (; j < rowBytes; j += 4) applyBlock(x + j, y + j, mean + j, vr + j, gamma ? gamma + j : 0, beta ? beta + j : 0, end, rowBytes, eps, 1);
}

@inline function applyBlock(x: usize, y: usize, mean: usize, vr: usize, gamma: usize, beta: usize, end: usize, rowBytes: usize, eps: f32, lanes: i32): void {
  const m = ld(mean, lanes);
  let a = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(ld(vr, lanes), f32x4.splat(eps))));
  if (gamma) a = f32x4.mul(a, ld(gamma, lanes));
  const b = beta ? ld(beta, lanes) : f32x4.splat(0);
  for (let p: usize = 0; p < end; p += rowBytes) st(y + p, f32x4.add(f32x4.mul(f32x4.sub(ld(x + p, lanes), m), a), b), lanes);
}

/**
 * Backward through the batch statistics, with x̂ = (x − mean)·r, r = 1/√(var + eps):
 * dβ_j (+)= Σ_i dy_ij;  dγ_j (+)= Σ_i dy_ij·x̂_ij;
 * dx_ij = γ_j·r·(dy_ij − Σ_i dy_ij/rows − x̂_ij·Σ_i dy_ij·x̂_ij/rows).
 * mean/var are the batch statistics f32_batchnorm_stats wrote. gamma = 0: γ = 1. dgamma/dbeta = 0:
 * not written (frozen or absent); acc ≠ 0 adds to them. dx = 0: not written. dx may alias dy
 * exactly; nothing else may overlap.
 */
export function f32_batchnorm_grad(x: usize, dy: usize, dx: usize, mean: usize, vr: usize, gamma: usize, dgamma: usize, dbeta: usize, rows: i32, cols: i32, eps: f32, acc: i32): void {
  const rowBytes = <usize>cols << 2, end = <usize>rows * rowBytes, n4 = <usize>(cols & ~3) << 2;
  const inv = f32x4.splat(<f32>1 / <f32>rows), e = f32x4.splat(eps);
  let j: usize = 0;
  for (; j < n4; j += 16) gradBlock(x + j, dy + j, dx ? dx + j : 0, mean + j, vr + j, gamma ? gamma + j : 0, dgamma ? dgamma + j : 0, dbeta ? dbeta + j : 0, end, rowBytes, inv, e, acc, 4);
  for (; j < rowBytes; j += 4) gradBlock(x + j, dy + j, dx ? dx + j : 0, mean + j, vr + j, gamma ? gamma + j : 0, dgamma ? dgamma + j : 0, dbeta ? dbeta + j : 0, end, rowBytes, inv, e, acc, 1);
}

// One column block: two passes over the rows (sums, then dx).
@inline function gradBlock(x: usize, dy: usize, dx: usize, mean: usize, vr: usize, gamma: usize, dgamma: usize, dbeta: usize, end: usize, rowBytes: usize, inv: v128, e: v128, acc: i32, lanes: i32): void {
  const m = ld(mean, lanes), r = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(ld(vr, lanes), e)));
  let sdy = f32x4.splat(0), sdyx = sdy;
  for (let p: usize = 0; p < end; p += rowBytes) {
    const g = ld(dy + p, lanes);
    sdy = f32x4.add(sdy, g);
    sdyx = f32x4.add(sdyx, f32x4.mul(g, f32x4.mul(f32x4.sub(ld(x + p, lanes), m), r)));
  }
  if (dbeta) st(dbeta, acc ? f32x4.add(ld(dbeta, lanes), sdy) : sdy, lanes);
  if (dgamma) st(dgamma, acc ? f32x4.add(ld(dgamma, lanes), sdyx) : sdyx, lanes);
  if (!dx) return;
  const c = gamma ? f32x4.mul(ld(gamma, lanes), r) : r;
  const mdy = f32x4.mul(sdy, inv), mdyx = f32x4.mul(sdyx, inv);
  for (let p: usize = 0; p < end; p += rowBytes) {
    const xh = f32x4.mul(f32x4.sub(ld(x + p, lanes), m), r);
    st(dx + p, f32x4.mul(c, f32x4.sub(f32x4.sub(ld(dy + p, lanes), mdy), f32x4.mul(xh, mdyx))), lanes);
  }
}

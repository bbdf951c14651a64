// Batch normalization over the rows of an (rows × cols) matrix, one channel per column (seed 001
// eq. 1.18; seed 004 "Batch normalization"). Columns run in blocks of 16 (four f32x4), then 4,
// then one at a time; within a block every pass walks all rows, so a block's per-column sums stay
// in registers and no workspace is needed. Each column is summed in f32 in row order whichever
// block it falls in, so its value does not depend on cols. Plain mul/add in both builds (no fma):
// the same bits everywhere. x, y, dy, dx are contiguous (ld = cols); nothing past a column vector's
// cols floats or a matrix's rows·cols floats is touched; pointers need not be 16-byte aligned.
// NaN in a column makes that column's statistics and outputs NaN and leaves the others alone.

// One column block of `lanes` floats (16, 4 or 1): the same body, unrolled by the caller's width.
@inline function ld(p: usize, lanes: i32): v128 {
  return lanes == 1 ? f32x4.splat(load<f32>(p)) : v128.load(p);
}
@inline function st(p: usize, v: v128, lanes: i32): void {
  if (lanes == 1) store<f32>(p, f32x4.extract_lane(v, 0));
  else v128.store(p, v);
}

/**
 * Training-mode forward: per column j, mean_j = Σ_i x_ij / rows, var_j = Σ_i (x_ij − mean_j)² / rows
 * (two passes, biased), then y_ij = (x_ij − mean_j)·(γ_j/√(var_j + eps)) + β_j. gamma = 0: γ = 1;
 * beta = 0: β = 0. Writes mean and var (cols each) for the backward pass and the moving averages.
 * y may alias x exactly; mean/var must not overlap x or y. rows ≥ 1.
 */
export function f32_batchnorm_train(x: usize, y: usize, mean: usize, vr: usize, gamma: usize, beta: usize, rows: i32, cols: i32, eps: f32): void {
  const rowBytes = <usize>cols << 2, end = <usize>rows * rowBytes;
  const n16 = <usize>(cols & ~15) << 2, n4 = <usize>(cols & ~3) << 2;
  const inv = f32x4.splat(<f32>1 / <f32>rows), e = f32x4.splat(eps);
  let j: usize = 0;
  for (; j < n16; j += 64) trainBlock(x + j, y + j, mean + j, vr + j, gamma ? gamma + j : 0, beta ? beta + j : 0, end, rowBytes, inv, e, 4, 4);
  for (; j < n4; j += 16) trainBlock(x + j, y + j, mean + j, vr + j, gamma ? gamma + j : 0, beta ? beta + j : 0, end, rowBytes, inv, e, 1, 4);
  for (; j < rowBytes; j += 4) trainBlock(x + j, y + j, mean + j, vr + j, gamma ? gamma + j : 0, beta ? beta + j : 0, end, rowBytes, inv, e, 1, 1);
}

// `vecs` vectors of `lanes` floats side by side (vecs·lanes columns).
@inline function trainBlock(x: usize, y: usize, mean: usize, vr: usize, gamma: usize, beta: usize, end: usize, rowBytes: usize, inv: v128, e: v128, vecs: i32, lanes: i32): void {
  const z = f32x4.splat(0);
  let s0 = z, s1 = z, s2 = z, s3 = z;
  for (let p: usize = 0; p < end; p += rowBytes) {
    s0 = f32x4.add(s0, ld(x + p, lanes));
    if (vecs == 4) { s1 = f32x4.add(s1, v128.load(x + p + 16)); s2 = f32x4.add(s2, v128.load(x + p + 32)); s3 = f32x4.add(s3, v128.load(x + p + 48)); }
  }
  const m0 = f32x4.mul(s0, inv), m1 = f32x4.mul(s1, inv), m2 = f32x4.mul(s2, inv), m3 = f32x4.mul(s3, inv);
  let q0 = z, q1 = z, q2 = z, q3 = z;
  for (let p: usize = 0; p < end; p += rowBytes) {
    const d0 = f32x4.sub(ld(x + p, lanes), m0);
    q0 = f32x4.add(q0, f32x4.mul(d0, d0));
    if (vecs == 4) {
      const d1 = f32x4.sub(v128.load(x + p + 16), m1), d2 = f32x4.sub(v128.load(x + p + 32), m2), d3 = f32x4.sub(v128.load(x + p + 48), m3);
      q1 = f32x4.add(q1, f32x4.mul(d1, d1)); q2 = f32x4.add(q2, f32x4.mul(d2, d2)); q3 = f32x4.add(q3, f32x4.mul(d3, d3));
    }
  }
  const v0 = f32x4.mul(q0, inv), v1 = f32x4.mul(q1, inv), v2 = f32x4.mul(q2, inv), v3 = f32x4.mul(q3, inv);
  st(mean, m0, lanes); st(vr, v0, lanes);
  if (vecs == 4) { v128.store(mean + 16, m1); v128.store(mean + 32, m2); v128.store(mean + 48, m3); v128.store(vr + 16, v1); v128.store(vr + 32, v2); v128.store(vr + 48, v3); }
  normalizeBlock(x, y, m0, m1, m2, m3, v0, v1, v2, v3, gamma, beta, end, rowBytes, e, vecs, lanes);
}

// y = (x − m)·(γ/√(v + eps)) + β over one column block.
@inline function normalizeBlock(x: usize, y: usize, m0: v128, m1: v128, m2: v128, m3: v128, v0: v128, v1: v128, v2: v128, v3: v128, gamma: usize, beta: usize, end: usize, rowBytes: usize, e: v128, vecs: i32, lanes: i32): void {
  const one = f32x4.splat(1), z = f32x4.splat(0);
  let a0 = f32x4.div(one, f32x4.sqrt(f32x4.add(v0, e))), a1 = a0, a2 = a0, a3 = a0;
  if (vecs == 4) { a1 = f32x4.div(one, f32x4.sqrt(f32x4.add(v1, e))); a2 = f32x4.div(one, f32x4.sqrt(f32x4.add(v2, e))); a3 = f32x4.div(one, f32x4.sqrt(f32x4.add(v3, e))); }
  if (gamma) {
    a0 = f32x4.mul(a0, ld(gamma, lanes));
    if (vecs == 4) { a1 = f32x4.mul(a1, v128.load(gamma + 16)); a2 = f32x4.mul(a2, v128.load(gamma + 32)); a3 = f32x4.mul(a3, v128.load(gamma + 48)); }
  }
  let b0 = z, b1 = z, b2 = z, b3 = z;
  if (beta) {
    b0 = ld(beta, lanes);
    if (vecs == 4) { b1 = v128.load(beta + 16); b2 = v128.load(beta + 32); b3 = v128.load(beta + 48); }
  }
  for (let p: usize = 0; p < end; p += rowBytes) {
    st(y + p, f32x4.add(f32x4.mul(f32x4.sub(ld(x + p, lanes), m0), a0), b0), lanes);
    if (vecs == 4) {
      v128.store(y + p + 16, f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + p + 16), m1), a1), b1));
      v128.store(y + p + 32, f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + p + 32), m2), a2), b2));
      v128.store(y + p + 48, f32x4.add(f32x4.mul(f32x4.sub(v128.load(x + p + 48), m3), a3), b3));
    }
  }
}

/**
 * Inference-mode forward with given statistics (the moving averages): y_ij = (x_ij − mean_j)·
 * (γ_j/√(var_j + eps)) + β_j; gamma/beta = 0 as in f32_batchnorm_train. y may alias x exactly.
 */
export function f32_batchnorm_infer(x: usize, y: usize, mean: usize, vr: usize, gamma: usize, beta: usize, rows: i32, cols: i32, eps: f32): void {
  const rowBytes = <usize>cols << 2, end = <usize>rows * rowBytes;
  const n16 = <usize>(cols & ~15) << 2, n4 = <usize>(cols & ~3) << 2;
  const e = f32x4.splat(eps);
  let j: usize = 0;
  for (; j < n16; j += 64) {
    normalizeBlock(x + j, y + j, v128.load(mean + j), v128.load(mean + j + 16), v128.load(mean + j + 32), v128.load(mean + j + 48),
      v128.load(vr + j), v128.load(vr + j + 16), v128.load(vr + j + 32), v128.load(vr + j + 48), gamma ? gamma + j : 0, beta ? beta + j : 0, end, rowBytes, e, 4, 4);
  }
  const z = f32x4.splat(0);
  for (; j < n4; j += 16) normalizeBlock(x + j, y + j, v128.load(mean + j), z, z, z, v128.load(vr + j), z, z, z, gamma ? gamma + j : 0, beta ? beta + j : 0, end, rowBytes, e, 1, 4);
  for (; j < rowBytes; j += 4) {
    normalizeBlock(x + j, y + j, f32x4.splat(load<f32>(mean + j)), z, z, z, f32x4.splat(load<f32>(vr + j)), z, z, z, gamma ? gamma + j : 0, beta ? beta + j : 0, end, rowBytes, e, 1, 1);
  }
}

/**
 * Backward through the batch statistics, with x̂ = (x − mean)·r, r = 1/√(var + eps):
 * dβ_j (+)= Σ_i dy_ij;  dγ_j (+)= Σ_i dy_ij·x̂_ij;
 * dx_ij = γ_j·r·(dy_ij − Σ_i dy_ij/rows − x̂_ij·Σ_i dy_ij·x̂_ij/rows).
 * mean/var are the batch statistics f32_batchnorm_train wrote. gamma = 0: γ = 1. dgamma/dbeta = 0:
 * not written (frozen or absent); acc ≠ 0 adds to them. dx = 0: not written. dx may alias dy
 * exactly; nothing else may overlap.
 */
export function f32_batchnorm_grad(x: usize, dy: usize, dx: usize, mean: usize, vr: usize, gamma: usize, dgamma: usize, dbeta: usize, rows: i32, cols: i32, eps: f32, acc: i32): void {
  const rowBytes = <usize>cols << 2, end = <usize>rows * rowBytes;
  const n4 = <usize>(cols & ~3) << 2;
  const inv = f32x4.splat(<f32>1 / <f32>rows), e = f32x4.splat(eps);
  let j: usize = 0;
  for (; j < rowBytes; j += 4) gradBlock(x + j, dy + j, dx ? dx + j : 0, mean + j, vr + j, gamma ? gamma + j : 0, dgamma ? dgamma + j : 0, dbeta ? dbeta + j : 0, end, rowBytes, inv, e, acc, 1);
}

// One column block of `lanes` (4 or 1) columns: two passes over the rows (sums, then dx).
// The backward needs two accumulators per column, so blocks are one vector wide.
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

/**
 * Moving averages (Keras convention, DESIGN.md): movMean = movMean·momentum + mean·(1 − momentum),
 * movVar likewise with the biased batch variance. cols floats each; no overlap.
 */
export function f32_batchnorm_moving(mean: usize, vr: usize, movMean: usize, movVar: usize, cols: i32, momentum: f32): void {
  const nv = <usize>(cols & ~3) << 2, nb = <usize>cols << 2;
  const mo = f32x4.splat(momentum), om = f32x4.splat(1 - momentum), omS: f32 = 1 - momentum;
  let j: usize = 0;
  for (; j < nv; j += 16) {
    v128.store(movMean + j, f32x4.add(f32x4.mul(v128.load(movMean + j), mo), f32x4.mul(v128.load(mean + j), om)));
    v128.store(movVar + j, f32x4.add(f32x4.mul(v128.load(movVar + j), mo), f32x4.mul(v128.load(vr + j), om)));
  }
  for (; j < nb; j += 4) {
    store<f32>(movMean + j, load<f32>(movMean + j) * momentum + load<f32>(mean + j) * omS);
    store<f32>(movVar + j, load<f32>(movVar + j) * momentum + load<f32>(vr + j) * omS);
  }
}

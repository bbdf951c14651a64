// BLAS-1 style vector kernels over n contiguous floats: f32x4 over n & ~3 elements, then a scalar
// tail; nothing past element n − 1 is read or written and pointers need not be 16-byte aligned.
// No fma in either build, so results are the same bits everywhere. NaN propagates through the
// arithmetic (and through f32_clip's min/max).

/** y_i += a·x_i. x and y may alias exactly (y = (1 + a)·y, rounded as a·y + y). */
export function f32_axpy(n: i32, a: f32, x: usize, y: usize): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2, av = f32x4.splat(a);
  let i: usize = 0;
  for (; i < nv; i += 16) v128.store(y + i, f32x4.add(v128.load(y + i), f32x4.mul(av, v128.load(x + i))));
  for (; i < nb; i += 4) store<f32>(y + i, load<f32>(y + i) + a * load<f32>(x + i));
}

/** y_i = a·x_i. x and y may alias exactly. */
export function f32_scale(n: i32, a: f32, x: usize, y: usize): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2, av = f32x4.splat(a);
  let i: usize = 0;
  for (; i < nv; i += 16) v128.store(y + i, f32x4.mul(av, v128.load(x + i)));
  for (; i < nb; i += 4) store<f32>(y + i, a * load<f32>(x + i));
}

/** y_i = x_i for i < n, bit for bit (NaN payloads kept). x = y is a no-op; partial overlap is not allowed. */
export function f32_copy(x: usize, y: usize, n: i32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  let i: usize = 0;
  for (; i < nv; i += 16) v128.store(y + i, v128.load(x + i));
  for (; i < nb; i += 4) store<u32>(y + i, load<u32>(x + i));
}

/** x_i = min(max(x_i, lo), hi) in place (lo > hi gives hi). NaN stays NaN. */
export function f32_clip(x: usize, n: i32, lo: f32, hi: f32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2, lv = f32x4.splat(lo), hv = f32x4.splat(hi);
  let i: usize = 0;
  for (; i < nv; i += 16) v128.store(x + i, f32x4.min(f32x4.max(v128.load(x + i), lv), hv));
  for (; i < nb; i += 4) store<f32>(x + i, Mathf.min(Mathf.max(load<f32>(x + i), lo), hi));
}

/**
 * dst[r, :] = src[idx[r], :] for r < nIdx; src and dst are row-major with rows of cols floats,
 * idx is i32 (nIdx). Indices are not checked: the host validates them. dst must not overlap src.
 * Rows are copied bit for bit.
 */
export function f32_gather_rows(src: usize, idx: usize, nIdx: i32, cols: i32, dst: usize): void {
  const rowBytes = <usize>cols << 2;
  for (let r = 0; r < nIdx; r++) {
    f32_copy(src + <usize>load<i32>(idx + (<usize>r << 2)) * rowBytes, dst + <usize>r * rowBytes, cols);
  }
}

/** z_i = x_i·y_i (the merge multiply, dropout masks). Any of x, y, z may alias exactly. */
export function f32_mul(x: usize, y: usize, z: usize, n: i32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  let i: usize = 0;
  for (; i < nv; i += 16) v128.store(z + i, f32x4.mul(v128.load(x + i), v128.load(y + i)));
  for (; i < nb; i += 4) store<f32>(z + i, load<f32>(x + i) * load<f32>(y + i));
}

/**
 * dst[r·ldd + j] = src[r·lds + j] for r < rows, j < cols: a block of columns copied between row-major
 * matrices (concatenate forward, split backward). Strides in floats; the blocks must not overlap.
 */
export function f32_copy_2d(src: usize, lds: i32, dst: usize, ldd: i32, rows: i32, cols: i32): void {
  const sb = <usize>lds << 2, db = <usize>ldd << 2;
  for (let r = 0; r < rows; r++) f32_copy(src + <usize>r * sb, dst + <usize>r * db, cols);
}

// Reductions. Summation orders are fixed by the code alone (never by alignment or thread count).
import { sumF64x2 } from './simd';

/**
 * y[j] = (acc ≠ 0 ? y[j] : 0) + Σ_i x[i·cols + j]: the bias gradient. x (rows×cols) row-major and
 * contiguous, y (cols). Each column is summed in f32 in row order, whether it falls in a block of
 * 16, of 4, or in the scalar tail, so its value does not depend on cols. y must not overlap x.
 * Nothing past y[cols − 1] or the end of x is touched. NaN in a column makes y[j] NaN.
 */
export function f32_col_sum(x: usize, y: usize, rows: i32, cols: i32, acc: i32): void {
  const rowBytes = <usize>cols << 2, n16 = <usize>(cols & ~15) << 2, n4 = <usize>(cols & ~3) << 2;
  const end = x + <usize>rows * rowBytes;
  let j: usize = 0;
  for (; j < n16; j += 64) { // 16 columns at a time: four accumulators over all rows
    let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
    if (acc != 0) {
      a0 = v128.load(y + j); a1 = v128.load(y + j + 16); a2 = v128.load(y + j + 32); a3 = v128.load(y + j + 48);
    }
    for (let p = x + j; p < end; p += rowBytes) {
      a0 = f32x4.add(a0, v128.load(p));
      a1 = f32x4.add(a1, v128.load(p + 16));
      a2 = f32x4.add(a2, v128.load(p + 32));
      a3 = f32x4.add(a3, v128.load(p + 48));
    }
    v128.store(y + j, a0); v128.store(y + j + 16, a1); v128.store(y + j + 32, a2); v128.store(y + j + 48, a3);
  }
  for (; j < n4; j += 16) {
    let a = acc != 0 ? v128.load(y + j) : f32x4.splat(0);
    for (let p = x + j; p < end; p += rowBytes) a = f32x4.add(a, v128.load(p));
    v128.store(y + j, a);
  }
  for (; j < rowBytes; j += 4) {
    let a: f32 = acc != 0 ? load<f32>(y + j) : 0;
    for (let p = x + j; p < end; p += rowBytes) a += load<f32>(p);
    store<f32>(y + j, a);
  }
}

/**
 * Σ_i x_i² in f64 over n floats: each element promoted to f64 and squared there, summed in two
 * f64x2 accumulators (even and odd pairs), then the scalar tail. NaN or ±Inf anywhere gives NaN/Inf.
 */
export function f32_sumsq(x: usize, n: i32): f64 {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i: usize = 0;
  for (; i < nv; i += 16) {
    const v = v128.load(x + i);
    const a = f64x2.promote_low_f32x4(v), b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  let s = sumF64x2(f64x2.add(lo, hi));
  for (; i < nb; i += 4) {
    const v = <f64>load<f32>(x + i);
    s += v * v;
  }
  return s;
}

/**
 * The L1 penalty's pieces: returns Σ_i |x_i| in f64 (two f64x2 accumulators, then the tail, as
 * f32_sumsq); when g ≠ 0 also g_i += λ·sign(x_i), with sign(0) = 0 (TensorFlow's gradient of |x|).
 * x and g must not overlap. NaN in x gives NaN, and NaN in g where x is NaN.
 */
export function f32_l1(x: usize, g: usize, n: i32, lambda: f32): f64 {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  const lv = f32x4.splat(lambda), zero = f32x4.splat(0), one = f32x4.splat(1);
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i: usize = 0;
  for (; i < nv; i += 16) {
    const v = v128.load(x + i);
    const a = f32x4.abs(v);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(a));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(a, a, 2, 3, 0, 1)));
    if (g != 0) {
      // sign: +1 where v > 0, −1 where v < 0, 0 at 0; NaN stays NaN through v·0 + …
      const s = f32x4.sub(v128.and(f32x4.gt(v, zero), one), v128.and(f32x4.lt(v, zero), one));
      const sn = f32x4.add(s, f32x4.mul(v, zero)); // NaN where v is NaN (0·NaN), else s
      v128.store(g + i, f32x4.add(v128.load(g + i), f32x4.mul(lv, sn)));
    }
  }
  let s = sumF64x2(f64x2.add(lo, hi));
  for (; i < nb; i += 4) {
    const v = load<f32>(x + i);
    s += <f64>Mathf.abs(v);
    if (g != 0) {
      const sg: f32 = (v > 0 ? <f32>1 : v < 0 ? <f32>-1 : <f32>0) + v * 0;
      store<f32>(g + i, load<f32>(g + i) + lambda * sg);
    }
  }
  return s;
}

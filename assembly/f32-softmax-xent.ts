// Row softmax, its gradient, and softmax fused with cross-entropy (value and gradient in one pass
// over the logits). Matrices are (rows×cols), row-major, contiguous (row stride = cols); each row
// runs f32x4 over cols & ~3 and a scalar tail, so nothing past the last element is touched and rows
// need not be 16-byte aligned. Row maxima are subtracted before exp (log-sum-exp), so any finite
// logits give finite probabilities and a finite loss.
import { addPromoted, expLanes, maxF32x4, sumF32x4, sumF64x2 } from './simd';

@inline function rowMax(z: usize, nv: usize, nb: usize): f32 {
  let m: f32 = -Infinity;
  let j: usize = 0;
  if (nv != 0) {
    let mv = v128.load(z);
    for (j = 16; j < nv; j += 16) mv = f32x4.max(mv, v128.load(z + j));
    m = maxF32x4(mv);
  }
  for (; j < nb; j += 4) m = Mathf.max(m, load<f32>(z + j));
  return m;
}

/** e_j = exp(z_j − m) stored to e (when e ≠ 0); returns Σ_j e_j. */
@inline function rowExp(z: usize, e: usize, m: f32, nv: usize, nb: usize): f32 {
  const mv = f32x4.splat(m);
  let sv = f32x4.splat(0);
  let j: usize = 0;
  for (; j < nv; j += 16) {
    const ev = expLanes(f32x4.sub(v128.load(z + j), mv));
    if (e != 0) v128.store(e + j, ev);
    sv = f32x4.add(sv, ev);
  }
  let s = sumF32x4(sv);
  for (; j < nb; j += 4) {
    const ej = Mathf.exp(load<f32>(z + j) - m);
    if (e != 0) store<f32>(e + j, ej);
    s += ej;
  }
  return s;
}

/** y_j *= a over one row. */
@inline function rowScale(y: usize, a: f32, nv: usize, nb: usize): void {
  const av = f32x4.splat(a);
  let j: usize = 0;
  for (; j < nv; j += 16) v128.store(y + j, f32x4.mul(v128.load(y + j), av));
  for (; j < nb; j += 4) store<f32>(y + j, load<f32>(y + j) * a);
}

/**
 * y_ij = exp(x_ij − max_j x_ij) / Σ_j exp(x_ij − max_j x_ij) over (rows×cols).
 * x and y may alias exactly. NaN anywhere in a row makes that row NaN; a +Inf logit makes its
 * row NaN (Inf − Inf); −Inf logits get probability 0.
 */
export function f32_softmax(x: usize, y: usize, rows: i32, cols: i32): void {
  const nv = <usize>(cols & ~3) << 2, nb = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * nb;
    const s = rowExp(x + off, y + off, rowMax(x + off, nv, nb), nv, nb);
    rowScale(y + off, 1 / s, nv, nb);
  }
}

/**
 * dx_ij = y_ij·(dy_ij − Σ_k dy_ik·y_ik) over (rows×cols): backward of f32_softmax from its output.
 * dx may alias y or dy exactly. NaN in a row's y or dy makes that row of dx NaN.
 */
export function f32_softmax_grad(y: usize, dy: usize, dx: usize, rows: i32, cols: i32): void {
  const nv = <usize>(cols & ~3) << 2, nb = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * nb;
    const yr = y + off, gr = dy + off, dr = dx + off;
    let dv = f32x4.splat(0);
    let j: usize = 0;
    for (; j < nv; j += 16) dv = f32x4.add(dv, f32x4.mul(v128.load(gr + j), v128.load(yr + j)));
    let d = sumF32x4(dv);
    for (; j < nb; j += 4) d += load<f32>(gr + j) * load<f32>(yr + j);
    const ds = f32x4.splat(d);
    for (j = 0; j < nv; j += 16) v128.store(dr + j, f32x4.mul(v128.load(yr + j), f32x4.sub(v128.load(gr + j), ds)));
    for (; j < nb; j += 4) store<f32>(dr + j, load<f32>(yr + j) * (load<f32>(gr + j) - d));
  }
}

/**
 * Fused softmax + cross-entropy with dense targets t (one-hot or probabilities), all (rows×cols):
 * returns Σ_i w_i·Σ_j t_ij·(lse_i − z_ij) in f64, lse_i = m_i + log Σ_j e^(z_ij − m_i);
 * writes p = softmax(z) when p ≠ 0 and dz_ij = scale·w_i·(p_ij·Σ_k t_ik − t_ij) when dz ≠ 0.
 * w: per-row weights (rows) or 0 for all ones. p and dz must not overlap z, t or each other.
 * The value sums t_ij·(m_i − z_ij) (f32 products) in f64, then adds Σ_j t_ij·log Σ e in f64.
 * NaN in a row's z makes its value term, p and dz rows NaN; NaN in t or w reaches the value and dz.
 */
export function f32_softmax_xent(z: usize, t: usize, w: usize, p: usize, dz: usize, rows: i32, cols: i32, scale: f32): f64 {
  if (cols <= 0) return 0;
  const nv = <usize>(cols & ~3) << 2, nb = <usize>cols << 2;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * nb;
    const zr = z + off, tr = t + off;
    const pr = p != 0 ? p + off : (dz != 0 ? dz + off : 0); // dz holds p until it is overwritten
    const m = rowMax(zr, nv, nb);
    const s = rowExp(zr, pr, m, nv, nb);
    // Σ t·(m − z) in f64, and Σ t.
    const mv = f32x4.splat(m);
    let dotv = f64x2.splat(0), tsv = f64x2.splat(0);
    let j: usize = 0;
    for (; j < nv; j += 16) {
      const tv = v128.load(tr + j);
      dotv = addPromoted(dotv, f32x4.mul(tv, f32x4.sub(mv, v128.load(zr + j))));
      tsv = addPromoted(tsv, tv);
    }
    let dot = sumF64x2(dotv), tsum = sumF64x2(tsv);
    for (; j < nb; j += 4) {
      const tj = load<f32>(tr + j);
      dot += <f64>(tj * (m - load<f32>(zr + j)));
      tsum += <f64>tj;
    }
    const wi: f32 = w != 0 ? load<f32>(w + (<usize>r << 2)) : 1;
    total += <f64>wi * (dot + tsum * Math.log(<f64>s));
    if (pr != 0) rowScale(pr, 1 / s, nv, nb);
    if (dz != 0) {
      const dr = dz + off;
      const c = scale * wi, ts = <f32>tsum;
      const cv = f32x4.splat(c), tsv4 = f32x4.splat(ts);
      for (j = 0; j < nv; j += 16) {
        v128.store(dr + j, f32x4.mul(cv, f32x4.sub(f32x4.mul(v128.load(pr + j), tsv4), v128.load(tr + j))));
      }
      for (; j < nb; j += 4) store<f32>(dr + j, c * (load<f32>(pr + j) * ts - load<f32>(tr + j)));
    }
  }
  return total;
}

/**
 * As f32_softmax_xent with integer class labels (i32, rows): returns Σ_i w_i·(lse_i − z_i,label)
 * in f64 and writes dz_ij = scale·w_i·(p_ij − [j = label_i]). A label outside [0, cols) is not
 * read through: that row's value is NaN and its dz row is scale·w_i·p (no target).
 * p and dz must not overlap z, labels or each other.
 */
export function f32_sparse_softmax_xent(z: usize, labels: usize, w: usize, p: usize, dz: usize, rows: i32, cols: i32, scale: f32): f64 {
  if (cols <= 0) return 0;
  const nv = <usize>(cols & ~3) << 2, nb = <usize>cols << 2;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * nb;
    const zr = z + off;
    const pr = p != 0 ? p + off : (dz != 0 ? dz + off : 0);
    const m = rowMax(zr, nv, nb);
    const s = rowExp(zr, pr, m, nv, nb);
    const label = load<i32>(labels + (<usize>r << 2));
    const inRange = label >= 0 && label < cols;
    const wi: f32 = w != 0 ? load<f32>(w + (<usize>r << 2)) : 1;
    const term: f64 = inRange ? <f64>(m - load<f32>(zr + (<usize>label << 2))) + Math.log(<f64>s) : NaN;
    total += <f64>wi * term;
    if (pr != 0) rowScale(pr, 1 / s, nv, nb);
    if (dz != 0) {
      const dr = dz + off;
      const c = scale * wi;
      const cv = f32x4.splat(c);
      const pl: f32 = inRange ? load<f32>(pr + (<usize>label << 2)) : 0; // before pr (maybe dz) is overwritten
      let j: usize = 0;
      for (; j < nv; j += 16) v128.store(dr + j, f32x4.mul(cv, v128.load(pr + j)));
      for (; j < nb; j += 4) store<f32>(dr + j, c * load<f32>(pr + j));
      if (inRange) store<f32>(dr + (<usize>label << 2), c * (pl - 1));
    }
  }
  return total;
}

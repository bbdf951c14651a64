// Fused losses: value and gradient in one pass. Every export takes yp (predictions, or logits for
// bce_logits) and yt (targets), both (rows×cols) row-major and contiguous, optional per-row weights
// w (rows; 0 = all ones) and an optional gradient output dyp (0 = value only). It returns
// Σ_i w_i·Σ_j ℓ(yp_ij, yt_ij) in f64 and writes dyp_ij = scale·w_i·∂ℓ/∂yp_ij (f32). The host picks
// scale (Keras: 1/rows for a batch mean, times 1/cols for MSE/MAE). Per-element ℓ is computed in f32
// (from f32 inputs) and summed in f64 (f64x2 accumulators, then the tail in order).
// Without w the whole block is one run of rows·cols elements; with w, each row is a run. A run is
// f32x4 over n & ~3 elements and a scalar tail: nothing past the end is read or written.
// dyp may alias yp or yt exactly; nothing else aliases. NaN in yp or yt (or w) gives a NaN value and
// NaN gradient at that element, except where a header says a clipped element's gradient is 0.
import { addPromoted, expLanes, log1pLanes, logLanes, sumF64x2 } from './simd';

const MSE = 0, MAE = 1, HUBER = 2, BCE_LOGITS = 3, BCE = 4, CCE = 5;

/**
 * Σ ℓ over n elements of one run, writing c·∂ℓ/∂yp to g when g ≠ 0; q: δ or eps.
 * Not inlined (nor is `weighted`): one copy serves all six losses, switching on `kind` per element.
 * That costs about 1 µs per call on a 128×10 block (0.5 → 1.35 µs for MSE), well under 1 % of any
 * training step, and keeps each release .wasm under its 40 KB budget (it saves 3.5 KB).
 */
function run(kind: i32, yp: usize, yt: usize, g: usize, n: i32, c: f32, q: f32): f64 {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  const zero = f32x4.splat(0), one = f32x4.splat(1), cv = f32x4.splat(c), qv = f32x4.splat(q);
  const hi: f32 = 1 - q; // bce: upper clip bound, in f32
  const hv = f32x4.splat(hi);
  let acc = f64x2.splat(0);
  let j: usize = 0;
  for (; j < nv; j += 16) {
    const p = v128.load(yp + j), t = v128.load(yt + j);
    let l: v128, d: v128;
    switch (kind) {
      case MSE: {
        const e = f32x4.sub(p, t);
        l = f32x4.mul(e, e);
        d = f32x4.mul(f32x4.add(e, e), cv);
        break;
      }
      case MAE: {
        const e = f32x4.sub(p, t);
        l = f32x4.abs(e);
        // sign(e), 0 at ±0, NaN kept
        const sgn = v128.and(v128.or(v128.and(e, f32x4.splat(-0.0)), one), f32x4.ne(e, zero));
        d = f32x4.mul(v128.bitselect(e, sgn, f32x4.ne(e, e)), cv);
        break;
      }
      case HUBER: {
        const e = f32x4.sub(p, t);
        const a = f32x4.abs(e), m = f32x4.min(a, qv); // min keeps NaN
        l = f32x4.add(f32x4.mul(f32x4.mul(f32x4.splat(0.5), m), m), f32x4.mul(qv, f32x4.sub(a, m)));
        d = f32x4.mul(f32x4.max(f32x4.min(e, qv), f32x4.neg(qv)), cv);
        break;
      }
      case BCE_LOGITS: {
        const ez = expLanes(f32x4.neg(f32x4.abs(p)));
        l = f32x4.add(f32x4.sub(f32x4.max(p, zero), f32x4.mul(p, t)), log1pLanes(ez));
        const r = f32x4.div(one, f32x4.add(one, ez));
        d = f32x4.mul(f32x4.sub(v128.bitselect(r, f32x4.mul(ez, r), f32x4.ge(p, zero)), t), cv);
        break;
      }
      case BCE: {
        const pc = f32x4.min(f32x4.max(p, qv), hv);
        const u = f32x4.sub(one, pc);
        l = f32x4.neg(f32x4.add(f32x4.mul(t, logLanes(pc)), f32x4.mul(f32x4.sub(one, t), logLanes(u))));
        const clipped = v128.or(f32x4.lt(p, qv), f32x4.gt(p, hv));
        d = v128.andnot(f32x4.mul(f32x4.div(f32x4.sub(pc, t), f32x4.mul(pc, u)), cv), clipped);
        break;
      }
      default: { // CCE
        const pc = f32x4.min(f32x4.max(p, qv), one);
        l = f32x4.neg(f32x4.mul(t, logLanes(pc)));
        const clipped = v128.or(f32x4.lt(p, qv), f32x4.gt(p, one));
        d = v128.andnot(f32x4.mul(f32x4.neg(f32x4.div(t, pc)), cv), clipped);
      }
    }
    acc = addPromoted(acc, l);
    if (g != 0) v128.store(g + j, d);
  }
  let sum = sumF64x2(acc);
  for (; j < nb; j += 4) {
    const p = load<f32>(yp + j), t = load<f32>(yt + j);
    let l: f32, d: f32;
    switch (kind) {
      case MSE: {
        const e = p - t;
        l = e * e;
        d = (e + e) * c;
        break;
      }
      case MAE: {
        const e = p - t;
        l = Mathf.abs(e);
        d = (e != e ? e : e > 0 ? <f32>1 : e < 0 ? <f32>-1 : <f32>0) * c;
        break;
      }
      case HUBER: {
        const e = p - t;
        const a = Mathf.abs(e), m = Mathf.min(a, q);
        l = 0.5 * m * m + q * (a - m);
        d = Mathf.max(Mathf.min(e, q), -q) * c;
        break;
      }
      case BCE_LOGITS: {
        const ez = Mathf.exp(-Mathf.abs(p));
        l = Mathf.max(p, 0) - p * t + Mathf.log1p(ez);
        const r: f32 = 1 / (1 + ez);
        d = ((p >= 0 ? r : ez * r) - t) * c;
        break;
      }
      case BCE: {
        const pc = Mathf.min(Mathf.max(p, q), hi);
        const u: f32 = 1 - pc;
        l = -(t * Mathf.log(pc) + (1 - t) * Mathf.log(u));
        d = p < q || p > hi ? 0 : ((pc - t) / (pc * u)) * c;
        break;
      }
      default: {
        const pc = Mathf.min(Mathf.max(p, q), 1);
        l = -(t * Mathf.log(pc));
        d = p < q || p > 1 ? 0 : -(t / pc) * c;
      }
    }
    sum += <f64>l;
    if (g != 0) store<f32>(g + j, d);
  }
  return sum;
}

function weighted(kind: i32, yp: usize, yt: usize, w: usize, g: usize, rows: i32, cols: i32, scale: f32, q: f32): f64 {
  if (w == 0) return run(kind, yp, yt, g, rows * cols, scale, q);
  const rowBytes = <usize>cols << 2;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes, wi = load<f32>(w + (<usize>r << 2));
    total += <f64>wi * run(kind, yp + off, yt + off, g != 0 ? g + off : 0, cols, scale * wi, q);
  }
  return total;
}

/** Mean squared error term: ℓ = (yp − yt)², ∂ℓ/∂yp = 2(yp − yt). */
export function f32_mse(yp: usize, yt: usize, w: usize, dyp: usize, rows: i32, cols: i32, scale: f32): f64 {
  return weighted(MSE, yp, yt, w, dyp, rows, cols, scale, 0);
}

/** Mean absolute error term: ℓ = |yp − yt|, ∂ℓ/∂yp = sign(yp − yt), 0 where yp = yt. */
export function f32_mae(yp: usize, yt: usize, w: usize, dyp: usize, rows: i32, cols: i32, scale: f32): f64 {
  return weighted(MAE, yp, yt, w, dyp, rows, cols, scale, 0);
}

/**
 * Huber (Keras): e = yp − yt, ℓ = ½e² if |e| ≤ δ else δ(|e| − ½δ), computed as ½m² + δ(|e| − m),
 * m = min(|e|, δ); ∂ℓ/∂yp = clip(e, −δ, δ).
 */
export function f32_huber(yp: usize, yt: usize, w: usize, dyp: usize, rows: i32, cols: i32, delta: f32, scale: f32): f64 {
  return weighted(HUBER, yp, yt, w, dyp, rows, cols, scale, delta);
}

/**
 * Binary cross-entropy on logits z: ℓ = max(z, 0) − z·t + log1p(e^−|z|) (finite for finite z),
 * ∂ℓ/∂z = σ(z) − t with σ from the same e^−|z|.
 */
export function f32_bce_logits(z: usize, t: usize, w: usize, dz: usize, rows: i32, cols: i32, scale: f32): f64 {
  return weighted(BCE_LOGITS, z, t, w, dz, rows, cols, scale, 0);
}

/**
 * Binary cross-entropy on probabilities (Keras): pc = clip(p, eps, 1 − eps) with both bounds
 * rounded to f32, ℓ = −(t·log pc + (1 − t)·log(1 − pc)); ∂ℓ/∂p = (pc − t)/(pc(1 − pc)) inside
 * the clip range and 0 where p < eps or p > 1 − eps (TF's clip_by_value gradient). A NaN p is not
 * "clipped": it gives a NaN value and gradient.
 */
export function f32_bce(p: usize, t: usize, w: usize, dp: usize, rows: i32, cols: i32, eps: f32, scale: f32): f64 {
  return weighted(BCE, p, t, w, dp, rows, cols, scale, eps);
}

/**
 * Categorical cross-entropy on probabilities: ℓ = −t·log(clip(p, eps, 1)) summed over the row
 * (no renormalization of p); ∂ℓ/∂p = −t/p inside [eps, 1], 0 where p < eps or p > 1.
 */
export function f32_cce(p: usize, t: usize, w: usize, dp: usize, rows: i32, cols: i32, eps: f32, scale: f32): f64 {
  return weighted(CCE, p, t, w, dp, rows, cols, scale, eps);
}

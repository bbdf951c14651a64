// Fused optimizer updates: one call over the flat parameter slab p (n floats) with gradients g and
// state in the same layout. f32x4 over n & ~3 elements, then a scalar tail doing the same
// operations in the same order; nothing past element n − 1 is touched. No fma in either build.
// p, g and each state array must not overlap one another. NaN in g (or state) propagates into
// the state and p: the host's NaN check on the loss stops training before it matters.

/** p_i −= lr·g_i. */
export function f32_sgd(p: usize, g: usize, n: i32, lr: f32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2, lv = f32x4.splat(lr);
  let i: usize = 0;
  for (; i < nv; i += 16) v128.store(p + i, f32x4.sub(v128.load(p + i), f32x4.mul(lv, v128.load(g + i))));
  for (; i < nb; i += 4) store<f32>(p + i, load<f32>(p + i) - lr * load<f32>(g + i));
}

@inline function momentumLoop(p: usize, g: usize, v: usize, n: i32, lr: f32, mu: f32, nesterov: bool): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2, lv = f32x4.splat(lr), mv = f32x4.splat(mu);
  let i: usize = 0;
  for (; i < nv; i += 16) {
    const lg = f32x4.mul(lv, v128.load(g + i));
    const vi = f32x4.sub(f32x4.mul(mv, v128.load(v + i)), lg);
    v128.store(v + i, vi);
    v128.store(p + i, f32x4.add(v128.load(p + i), nesterov ? f32x4.sub(f32x4.mul(mv, vi), lg) : vi));
  }
  for (; i < nb; i += 4) {
    const lg = lr * load<f32>(g + i);
    const vi = mu * load<f32>(v + i) - lg;
    store<f32>(v + i, vi);
    store<f32>(p + i, load<f32>(p + i) + (nesterov ? mu * vi - lg : vi));
  }
}

/**
 * Keras momentum (seed 001 eq. 1.5 with v signed as Keras does): v = μ·v − lr·g; p += v;
 * nesterov ≠ 0: p += μ·v − lr·g with the new v.
 */
export function f32_sgd_momentum(p: usize, g: usize, v: usize, n: i32, lr: f32, momentum: f32, nesterov: i32): void {
  if (nesterov != 0) momentumLoop(p, g, v, n, lr, momentum, true);
  else momentumLoop(p, g, v, n, lr, momentum, false);
}

@inline function adamLoop(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32,
  lr: f32, b1: f32, b2: f32, eps: f32, c1: f32, c2: f32, lrwd: f32, ams: bool,
): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  const b1v = f32x4.splat(b1), b2v = f32x4.splat(b2), a1v = f32x4.splat(1 - b1), a2v = f32x4.splat(1 - b2);
  const lv = f32x4.splat(lr), ev = f32x4.splat(eps), c1v = f32x4.splat(c1), c2v = f32x4.splat(c2), dv = f32x4.splat(lrwd);
  let i: usize = 0;
  for (; i < nv; i += 16) {
    const gi = v128.load(g + i);
    const mi = f32x4.add(f32x4.mul(b1v, v128.load(m + i)), f32x4.mul(a1v, gi));
    let vi = f32x4.add(f32x4.mul(b2v, v128.load(v + i)), f32x4.mul(a2v, f32x4.mul(gi, gi)));
    v128.store(m + i, mi);
    v128.store(v + i, vi);
    if (ams) {
      vi = f32x4.max(v128.load(vmax + i), vi);
      v128.store(vmax + i, vi);
    }
    const pi = f32x4.sub(v128.load(p + i), f32x4.mul(dv, v128.load(p + i)));
    const step = f32x4.div(f32x4.mul(lv, f32x4.mul(mi, c1v)), f32x4.add(f32x4.sqrt(f32x4.mul(vi, c2v)), ev));
    v128.store(p + i, f32x4.sub(pi, step));
  }
  for (; i < nb; i += 4) {
    const gi = load<f32>(g + i);
    const mi = b1 * load<f32>(m + i) + (1 - b1) * gi;
    let vi = b2 * load<f32>(v + i) + (1 - b2) * (gi * gi);
    store<f32>(m + i, mi);
    store<f32>(v + i, vi);
    if (ams) {
      vi = Mathf.max(load<f32>(vmax + i), vi);
      store<f32>(vmax + i, vi);
    }
    const pi = load<f32>(p + i) - lrwd * load<f32>(p + i);
    store<f32>(p + i, pi - (lr * (mi * c1)) / (Mathf.sqrt(vi * c2) + eps));
  }
}

/**
 * Adam (seed 001 eq. 1.6; Keras ε placement): m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²;
 * AMSGrad (vmax ≠ 0): vmax = max(vmax, v), used in place of v; wd ≠ 0: p −= (lr·wd)·p first
 * (decoupled weight decay, AdamW); then p −= lr·(m·c1)/(√(v·c2) + ε) with the bias corrections
 * c1 = 1/(1−β₁ᵗ), c2 = 1/(1−β₂ᵗ) computed by the host in f64 and passed as f32.
 */
export function f32_adam(
  p: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32,
  lr: f32, beta1: f32, beta2: f32, eps: f32, c1: f32, c2: f32, wd: f32,
): void {
  // p − 0·p is p for every finite p, so Adam (wd = 0) shares AdamW's loop bit for bit: one
  // specialization fewer in the .wasm for a multiply and a subtract per element.
  const lrwd = lr * wd;
  if (vmax != 0) adamLoop(p, g, m, v, vmax, n, lr, beta1, beta2, eps, c1, c2, lrwd, true);
  else adamLoop(p, g, m, v, vmax, n, lr, beta1, beta2, eps, c1, c2, lrwd, false);
}

/** RMSprop (as the ABI states; Keras 3 puts ε inside the root): s = ρ·s + (1−ρ)·g²; p −= lr·g/(√s + ε). */
export function f32_rmsprop(p: usize, g: usize, s: usize, n: i32, lr: f32, rho: f32, eps: f32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  const rv = f32x4.splat(rho), av = f32x4.splat(1 - rho), lv = f32x4.splat(lr), ev = f32x4.splat(eps);
  let i: usize = 0;
  for (; i < nv; i += 16) {
    const gi = v128.load(g + i);
    const si = f32x4.add(f32x4.mul(rv, v128.load(s + i)), f32x4.mul(av, f32x4.mul(gi, gi)));
    v128.store(s + i, si);
    v128.store(p + i, f32x4.sub(v128.load(p + i), f32x4.div(f32x4.mul(lv, gi), f32x4.add(f32x4.sqrt(si), ev))));
  }
  for (; i < nb; i += 4) {
    const gi = load<f32>(g + i);
    const si = rho * load<f32>(s + i) + (1 - rho) * (gi * gi);
    store<f32>(s + i, si);
    store<f32>(p + i, load<f32>(p + i) - (lr * gi) / (Mathf.sqrt(si) + eps));
  }
}

/**
 * Adagrad (Keras, TF.js): s = s + g²; p −= lr·g/√(s + a) with a = initialAccumulatorValue + ε from
 * the host. The slab holds Σg² (zeros at the start), Keras's accumulator less its initial value, so
 * that a fresh state needs no fill; only rounding differs from adding the initial value first.
 */
export function f32_adagrad(p: usize, g: usize, s: usize, n: i32, lr: f32, a: f32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  const lv = f32x4.splat(lr), av = f32x4.splat(a);
  let i: usize = 0;
  for (; i < nv; i += 16) {
    const gi = v128.load(g + i);
    const si = f32x4.add(v128.load(s + i), f32x4.mul(gi, gi));
    v128.store(s + i, si);
    v128.store(p + i, f32x4.sub(v128.load(p + i), f32x4.div(f32x4.mul(lv, gi), f32x4.sqrt(f32x4.add(si, av)))));
  }
  for (; i < nb; i += 4) {
    const gi = load<f32>(g + i);
    const si = load<f32>(s + i) + gi * gi;
    store<f32>(s + i, si);
    store<f32>(p + i, load<f32>(p + i) - (lr * gi) / Mathf.sqrt(si + a));
  }
}

/**
 * Adamax (Kingma & Ba §7.1; Keras, TF.js): m = β₁m + (1−β₁)g; u = max(β₂u, |g|);
 * p −= (lr·c1)·m/(u + ε) with c1 = 1/(1−β₁ᵗ) from the host in f64.
 */
export function f32_adamax(p: usize, g: usize, m: usize, u: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, c1: f32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  const lc = lr * c1;
  const b1v = f32x4.splat(beta1), a1v = f32x4.splat(1 - beta1), b2v = f32x4.splat(beta2), lcv = f32x4.splat(lc), ev = f32x4.splat(eps);
  let i: usize = 0;
  for (; i < nv; i += 16) {
    const gi = v128.load(g + i);
    const mi = f32x4.add(f32x4.mul(b1v, v128.load(m + i)), f32x4.mul(a1v, gi));
    const ui = f32x4.max(f32x4.mul(b2v, v128.load(u + i)), f32x4.abs(gi));
    v128.store(m + i, mi);
    v128.store(u + i, ui);
    v128.store(p + i, f32x4.sub(v128.load(p + i), f32x4.div(f32x4.mul(lcv, mi), f32x4.add(ui, ev))));
  }
  for (; i < nb; i += 4) {
    const gi = load<f32>(g + i);
    const mi = beta1 * load<f32>(m + i) + (1 - beta1) * gi;
    const ui = Mathf.max(beta2 * load<f32>(u + i), Mathf.abs(gi));
    store<f32>(m + i, mi);
    store<f32>(u + i, ui);
    store<f32>(p + i, load<f32>(p + i) - (lc * mi) / (ui + eps));
  }
}

/**
 * Nadam (Dozat 2016, as Keras and PyTorch): m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²;
 * p −= lr·(cm·m + cg·g)/(√(v·c2) + ε), where the host computes in f64 cm = μₜ₊₁/(1 − Πμ₁..ₜ₊₁),
 * cg = (1 − μₜ)/(1 − Πμ₁..ₜ) with μₜ = β₁(1 − ½·0.96^(0.004·t)), and c2 = 1/(1−β₂ᵗ).
 */
export function f32_nadam(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f32, beta2: f32, eps: f32, cm: f32, cg: f32, c2: f32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  const b1v = f32x4.splat(beta1), a1v = f32x4.splat(1 - beta1), b2v = f32x4.splat(beta2), a2v = f32x4.splat(1 - beta2);
  const lv = f32x4.splat(lr), ev = f32x4.splat(eps), cmv = f32x4.splat(cm), cgv = f32x4.splat(cg), c2v = f32x4.splat(c2);
  let i: usize = 0;
  for (; i < nv; i += 16) {
    const gi = v128.load(g + i);
    const mi = f32x4.add(f32x4.mul(b1v, v128.load(m + i)), f32x4.mul(a1v, gi));
    const vi = f32x4.add(f32x4.mul(b2v, v128.load(v + i)), f32x4.mul(a2v, f32x4.mul(gi, gi)));
    v128.store(m + i, mi);
    v128.store(v + i, vi);
    const mh = f32x4.add(f32x4.mul(cmv, mi), f32x4.mul(cgv, gi));
    v128.store(p + i, f32x4.sub(v128.load(p + i), f32x4.div(f32x4.mul(lv, mh), f32x4.add(f32x4.sqrt(f32x4.mul(vi, c2v)), ev))));
  }
  for (; i < nb; i += 4) {
    const gi = load<f32>(g + i);
    const mi = beta1 * load<f32>(m + i) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(v + i) + (1 - beta2) * (gi * gi);
    store<f32>(m + i, mi);
    store<f32>(v + i, vi);
    store<f32>(p + i, load<f32>(p + i) - (lr * (cm * mi + cg * gi)) / (Mathf.sqrt(vi * c2) + eps));
  }
}

// Float64 references for assembly/f32-optimizers.ts: one step, updating the arrays in place.

export function sgd(p: Float64Array, g: ArrayLike<number>, lr: number): void {
  for (let i = 0; i < p.length; i++) p[i] -= lr * g[i];
}

export function sgdMomentum(p: Float64Array, g: ArrayLike<number>, v: Float64Array, lr: number, mu: number, nesterov: boolean): void {
  for (let i = 0; i < p.length; i++) {
    v[i] = mu * v[i] - lr * g[i];
    p[i] += nesterov ? mu * v[i] - lr * g[i] : v[i];
  }
}

/** Adam at step t (1-based), seed 001 eq. 1.6; vmax: AMSGrad state or null; wd: decoupled decay. */
export function adam(
  p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, vmax: Float64Array | null,
  t: number, lr: number, b1: number, b2: number, eps: number, wd: number,
): void {
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    let vh = v[i];
    if (vmax) vh = vmax[i] = Math.max(vmax[i], v[i]);
    p[i] -= lr * wd * p[i];
    const mHat = m[i] / (1 - b1 ** t), vHat = vh / (1 - b2 ** t);
    p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
}

export function rmsprop(p: Float64Array, g: ArrayLike<number>, s: Float64Array, lr: number, rho: number, eps: number): void {
  for (let i = 0; i < p.length; i++) {
    s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
    p[i] -= (lr * g[i]) / (Math.sqrt(s[i]) + eps);
  }
}

/** Adagrad as Keras: acc starts at a0 (the kernel's slab holds acc − a0); p −= lr·g/√(acc + ε). */
export function adagrad(p: Float64Array, g: ArrayLike<number>, acc: Float64Array, lr: number, eps: number): void {
  for (let i = 0; i < p.length; i++) {
    acc[i] += g[i] * g[i];
    p[i] -= (lr * g[i]) / Math.sqrt(acc[i] + eps);
  }
}

/** Adamax at step t (1-based), Kingma & Ba §7.1 as Keras: u = max(β₂u, |g|); p −= lr/(1−β₁ᵗ)·m/(u + ε). */
export function adamax(p: Float64Array, g: ArrayLike<number>, m: Float64Array, u: Float64Array, t: number, lr: number, b1: number, b2: number, eps: number): void {
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    u[i] = Math.max(b2 * u[i], Math.abs(g[i]));
    p[i] -= (lr / (1 - b1 ** t)) * m[i] / (u[i] + eps);
  }
}

/** μₜ of Nadam (Dozat; Keras and PyTorch's momentum_decay 0.004). */
export const nadamMu = (b1: number, t: number): number => b1 * (1 - 0.5 * 0.96 ** (0.004 * t));

/** Nadam at step t (1-based), with the product Πμ₁..ₜ₋₁ before this step; returns Πμ₁..ₜ. */
export function nadam(p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, t: number, muProduct: number, lr: number, b1: number, b2: number, eps: number): number {
  const mu = nadamMu(b1, t), muNext = nadamMu(b1, t + 1);
  const prod = muProduct * mu, prodNext = prod * muNext;
  for (let i = 0; i < p.length; i++) {
    m[i] = b1 * m[i] + (1 - b1) * g[i];
    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
    const mHat = (muNext * m[i]) / (1 - prodNext) + ((1 - mu) * g[i]) / (1 - prod);
    const vHat = v[i] / (1 - b2 ** t);
    p[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
  }
  return prod;
}

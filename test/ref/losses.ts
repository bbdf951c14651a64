// Float64 references for assembly/f32-losses.ts: Σ_i w_i Σ_j ℓ and scale·w_i·∂ℓ/∂yp, element by element.

export type Loss = (p: number, t: number) => [value: number, grad: number];

export const mse: Loss = (p, t) => [(p - t) ** 2, 2 * (p - t)];
export const mae: Loss = (p, t) => [Math.abs(p - t), Number.isNaN(p - t) ? NaN : Math.sign(p - t)];
export const huber = (delta: number): Loss => (p, t) => {
  const e = p - t;
  return Math.abs(e) <= delta ? [0.5 * e * e, e] : [delta * (Math.abs(e) - 0.5 * delta), Math.sign(e) * delta];
};
export const bceLogits: Loss = (z, t) => {
  const sigma = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
  return [Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z))), sigma - t];
};
/** Clip bounds are f32 numbers, as in the kernel. */
export const bce = (eps: number): Loss => (p, t) => {
  const lo = Math.fround(eps), hi = Math.fround(1 - Math.fround(eps));
  const pc = Math.min(Math.max(p, lo), hi);
  const value = -(t * Math.log(pc) + (1 - t) * Math.log(1 - pc));
  return [value, p < lo || p > hi ? 0 : -t / pc + (1 - t) / (1 - pc)];
};
export const cce = (eps: number): Loss => (p, t) => {
  const lo = Math.fround(eps);
  const pc = Math.min(Math.max(p, lo), 1);
  return [-t * Math.log(pc), p < lo || p > 1 ? 0 : -t / pc];
};

export function loss(
  f: Loss, yp: ArrayLike<number>, yt: ArrayLike<number>, w: ArrayLike<number> | null, rows: number, cols: number, scale: number,
): { value: number; grad: Float64Array } {
  const grad = new Float64Array(rows * cols);
  let value = 0;
  for (let i = 0; i < rows; i++) {
    const wi = w ? w[i] : 1;
    for (let j = 0; j < cols; j++) {
      const [l, g] = f(yp[i * cols + j], yt[i * cols + j]);
      value += wi * l;
      grad[i * cols + j] = scale * wi * g;
    }
  }
  return { value, grad };
}

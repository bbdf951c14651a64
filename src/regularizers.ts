// Weight penalties added to the loss (Keras's `kernelRegularizer`).
import type { Regularizer } from './layers/layer.js';
import { checkOptions } from './options.js';

/** λ given as a number (Keras's `L2(0.01)`) or as TF.js's `{ l2: 0.01 }`. */
function factor(where: string, key: string, v: number | Record<string, number> | undefined, dflt: number): number {
  if (typeof v === 'object' && v !== null) {
    checkOptions(`regularizers.${where}`, v, { [key]: true });
    return v[key] ?? dflt;
  }
  return v ?? dflt;
}

/** λ·Σw²; its gradient 2λ·w is added to the weight's gradient. */
export function l2(l2Factor: number | { l2?: number } = 0.01): Regularizer {
  const lambda = factor('l2', 'l2', l2Factor, 0.01);
  if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`l2: λ must be a finite number ≥ 0, got ${lambda}`);
  return {
    name: 'l2',
    config: { l2: lambda },
    apply(k, ptr, grad, n) {
      if (lambda === 0) return 0;
      k.f32_axpy(n, 2 * lambda, ptr, grad);
      return lambda * k.f32_sumsq(ptr, n);
    },
    value: (k, ptr, n) => lambda * k.f32_sumsq(ptr, n),
  };
}

export const regularizers = { l2 };

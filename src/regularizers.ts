// Weight penalties added to the loss (Keras's `kernelRegularizer`).
import type { Regularizer } from './layers/layer.js';

/** λ·Σw²; its gradient 2λ·w is added to the weight's gradient. */
export function l2(lambda = 0.01): Regularizer {
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

// Weight penalties added to the loss (Keras's `kernelRegularizer`): l2, l1 and l1l2, each taking
// its factor as a number (Keras's `L2(0.01)`) or as TF.js's `{ l2: 0.01 }`.
import type { Regularizer } from './layers/layer.js';
import { checkOptions } from './options.js';

/** λ from either form, checked. */
function factor(where: string, key: string, v: number | Record<string, number | undefined> | undefined, dflt: number): number {
  if (typeof v === 'object' && v !== null) checkOptions(`regularizers.${where}`, v, { [key]: true });
  const lambda = (typeof v === 'object' && v !== null ? v[key] : v) ?? dflt;
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) throw new RangeError(`${where}: ${key} must be a finite number ≥ 0, got ${lambda}`);
  return lambda;
}

/** λ₂·Σw²; its gradient 2λ₂·w is added to the weight's gradient. */
export function l2(l2Factor: number | { l2?: number } = 0.01): Regularizer {
  const lambda = factor('l2', 'l2', l2Factor, 0.01);
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

/** λ₁·Σ|w|; its gradient λ₁·sign(w) (0 at w = 0, as TensorFlow) is added to the weight's gradient. */
export function l1(l1Factor: number | { l1?: number } = 0.01): Regularizer {
  const lambda = factor('l1', 'l1', l1Factor, 0.01);
  return {
    name: 'l1',
    config: { l1: lambda },
    apply: (k, ptr, grad, n) => (lambda === 0 ? 0 : lambda * k.f32_l1(ptr, grad, n, lambda)),
    value: (k, ptr, n) => lambda * k.f32_l1(ptr, 0, n, 0),
  };
}

/** λ₁·Σ|w| + λ₂·Σw² (Keras's `l1_l2` and TF.js's `l1l2`: 0.01 each by default). */
export function l1l2(args: { l1?: number; l2?: number } = {}): Regularizer {
  checkOptions('regularizers.l1l2', args, { l1: true, l2: true });
  const a = l1(args.l1 ?? 0.01), b = l2(args.l2 ?? 0.01);
  return {
    name: 'l1l2',
    config: { ...a.config, ...b.config },
    apply: (k, ptr, grad, n) => a.apply(k, ptr, grad, n) + b.apply(k, ptr, grad, n),
    value: (k, ptr, n) => a.value(k, ptr, n) + b.value(k, ptr, n),
  };
}

export const regularizers = { l2, l1, l1l2 };

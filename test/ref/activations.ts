// Float64 references for assembly/f32-activations.ts: the textbook formulas, one element at a time.
import { Act, ACT_HARD_SIGMOID_CODE } from '../../src/wasm/kernels.js';

// SELU's λ and α written out here, not imported from src/wasm/activation-codes.ts: a reference
// that shared the code's constants could not catch a wrong one. The other references use these.
export const SELU_LAMBDA = 1.0507009873554805;
export const SELU_ALPHA = 1.6732632423543772;

export function act(x: number, code: number, alpha: number): number {
  switch (code) {
    case Act.relu: return Number.isNaN(x) ? NaN : x > 0 ? x : 0;
    case Act.sigmoid: return 1 / (1 + Math.exp(-x));
    case Act.tanh: return Math.tanh(x);
    case Act.leakyRelu: return x > 0 ? x : alpha * x;
    case Act.elu: return x > 0 ? x : alpha * (Math.exp(x) - 1);
    case Act.selu: return SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1));
    case Act.softplus: return x > 30 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    case ACT_HARD_SIGMOID_CODE: return Math.min(1, Math.max(0, 0.2 * x + 0.5));
    default: return x;
  }
}

/** act'(x) expressed through y = act(x). */
export function actGradFromY(y: number, code: number, alpha: number): number {
  switch (code) {
    case Act.relu: return y > 0 ? 1 : 0;
    case Act.sigmoid: return y * (1 - y);
    case Act.tanh: return 1 - y * y;
    case Act.leakyRelu: return y > 0 ? 1 : alpha;
    case Act.elu: return y > 0 ? 1 : y + alpha;
    case Act.selu: return y > 0 ? SELU_LAMBDA : y + SELU_LAMBDA * SELU_ALPHA;
    case Act.softplus: return 1 - Math.exp(-y);
    case ACT_HARD_SIGMOID_CODE: return y > 0 && y < 1 ? 0.2 : 0;
    default: return 1;
  }
}

export function activation(x: ArrayLike<number>, code: number, alpha: number): Float64Array {
  return Float64Array.from(x, (v) => act(v, code, alpha));
}

export function activationGrad(y: ArrayLike<number>, dy: ArrayLike<number>, code: number, alpha: number): Float64Array {
  return Float64Array.from(y, (v, i) => dy[i] * actGradFromY(v, code, alpha));
}

export function prelu(x: ArrayLike<number>, alpha: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const y = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    const v = x[i * cols + j];
    y[i * cols + j] = v > 0 ? v : alpha[j] * v;
  }
  return y;
}

export function preluGrad(
  x: ArrayLike<number>, alpha: ArrayLike<number>, dy: ArrayLike<number>, rows: number, cols: number, dalpha0?: ArrayLike<number>,
): { dx: Float64Array; dalpha: Float64Array } {
  const dx = new Float64Array(rows * cols);
  const dalpha = dalpha0 ? Float64Array.from(dalpha0) : new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    const v = x[i * cols + j], g = dy[i * cols + j];
    dx[i * cols + j] = g * (v > 0 ? 1 : alpha[j]);
    dalpha[j] += g * (v > 0 ? 0 : v);
  }
  return { dx, dalpha };
}

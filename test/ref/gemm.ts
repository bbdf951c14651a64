// Float64 references for assembly/f32-gemm.ts: the plainest loops, one per form, and the bias +
// activation epilogue. Strides in elements, row-major, as the kernels take them.
import { Act } from '../../src/wasm/kernels.js';
import { SELU_ALPHA, SELU_LAMBDA } from './activations.js';

export type Form = 'nn' | 'nt' | 'tn';

/**
 * C (m×n, ldc) = op(A)·op(B) (+ C when acc). nn: A (m×k, lda), B (k×n, ldb); nt: B (n×k, ldb);
 * tn: A (k×m, lda). C is updated in place (a copy of the kernel's C before the call).
 */
export function gemmRef(form: Form, m: number, n: number, k: number, a: ArrayLike<number>, lda: number,
  b: ArrayLike<number>, ldb: number, c: Float64Array, ldc: number, acc: boolean): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const aip = form === 'tn' ? a[p * lda + i] : a[i * lda + p];
        const bpj = form === 'nt' ? b[j * ldb + p] : b[p * ldb + j];
        s += aip * bpj;
      }
      c[i * ldc + j] = acc ? c[i * ldc + j] + s : s;
    }
  }
}

/** act(x) for an `Act` code (src/wasm/kernels.ts), in float64. */
export function actRef(x: number, act: number, alpha: number): number {
  switch (act) {
    case Act.linear: return x;
    case Act.relu: return x > 0 ? x : Number.isNaN(x) ? NaN : 0;
    case Act.sigmoid: return 1 / (1 + Math.exp(-x));
    case Act.tanh: return Math.tanh(x);
    case Act.leakyRelu: return x > 0 ? x : alpha * x;
    case Act.elu: return x > 0 ? x : alpha * Math.expm1(x);
    case Act.selu: return SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
    case Act.softplus: return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    default: throw new Error(`actRef: unknown activation code ${act}`);
  }
}

/** C = act(A·B + bias): the fused dense forward; bias (n) or null. */
export function gemmBiasActRef(m: number, n: number, k: number, a: ArrayLike<number>, lda: number,
  b: ArrayLike<number>, ldb: number, c: Float64Array, ldc: number, bias: ArrayLike<number> | null,
  act: number, alpha: number): void {
  gemmRef('nn', m, n, k, a, lda, b, ldb, c, ldc, false);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) c[i * ldc + j] = actRef(c[i * ldc + j] + (bias ? bias[j] : 0), act, alpha);
  }
}

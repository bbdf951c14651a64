// Activation math shared by the elementwise kernels (f32-activations.ts) and the gemm epilogue.
// Codes are `Act` in src/wasm/kernels.ts: 0 linear, 1 relu, 2 sigmoid, 3 tanh, 4 leakyRelu,
// 5 elu, 6 selu, 7 softplus; an unknown code is linear. The scalar and the f32x4 form do the same
// f32 operations in the same order (no fma), so they agree bit for bit. Sigmoid, tanh and softplus
// use e^−|x| forms: finite for every finite x. NaN in gives NaN out for every code.
import { copysignF32x4, expLanes, expm1Lanes, log1pLanes } from './simd';

// SELU constants at full precision (Klambauer et al. 2017; the seeds round them).
const SELU_LAMBDA: f32 = 1.0507009873554805;
const SELU_ALPHA: f32 = 1.6732632423543772;

/** act(x) for one element; alpha is the slope of leakyRelu and the scale of elu. */
@inline export function actScalar(x: f32, act: i32, alpha: f32): f32 {
  switch (act) {
    case 1: return Mathf.max(x, 0); // relu: f32.max keeps NaN
    case 2: { // sigmoid = 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) below
      const e = Mathf.exp(-Mathf.abs(x));
      const r: f32 = 1 / (1 + e);
      return x >= 0 ? r : e * r;
    }
    case 3: { // tanh|x| = −t/(2 + t), t = e^−2|x| − 1 (expm1: exact near 0)
      const t = Mathf.expm1(-2 * Mathf.abs(x));
      return copysign<f32>(-t / (2 + t), x);
    }
    case 4: return x > 0 ? x : alpha * x;
    case 5: return x > 0 ? x : alpha * Mathf.expm1(x);
    case 6: return SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * Mathf.expm1(x));
    case 7: return Mathf.max(x, 0) + Mathf.log1p(Mathf.exp(-Mathf.abs(x))); // softplus
    default: return x;
  }
}

/** act(v) for four lanes; the same math as actScalar. */
@inline export function actF32x4(v: v128, act: i32, alpha: f32): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (act) {
    case 1: return f32x4.max(v, zero);
    case 2: {
      const e = expLanes(f32x4.neg(f32x4.abs(v)));
      const r = f32x4.div(one, f32x4.add(one, e));
      return v128.bitselect(r, f32x4.mul(e, r), f32x4.ge(v, zero));
    }
    case 3: {
      const t = expm1Lanes(f32x4.mul(f32x4.splat(-2), f32x4.abs(v)));
      return copysignF32x4(f32x4.div(f32x4.neg(t), f32x4.add(f32x4.splat(2), t)), v);
    }
    case 4: return v128.bitselect(v, f32x4.mul(f32x4.splat(alpha), v), f32x4.gt(v, zero));
    case 5: return v128.bitselect(v, f32x4.mul(f32x4.splat(alpha), expm1Lanes(v)), f32x4.gt(v, zero));
    case 6: {
      const neg = f32x4.mul(f32x4.splat(SELU_ALPHA), expm1Lanes(v));
      return f32x4.mul(f32x4.splat(SELU_LAMBDA), v128.bitselect(v, neg, f32x4.gt(v, zero)));
    }
    case 7: return f32x4.add(f32x4.max(v, zero), log1pLanes(expLanes(f32x4.neg(f32x4.abs(v)))));
    default: return v;
  }
}

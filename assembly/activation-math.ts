// The activation math shared by the gemm epilogue (f32-gemm.ts) and the elementwise kernels
// (f32-activations.ts), so that a fused dense layer and an unfused one give the same bits.
// The codes and SELU's constants come from src/wasm/activation-codes.ts, which src/ reads too.
// Everything here is plain SIMD mul/add in both builds (never relaxed_madd): activations are
// memory-bound, and this keeps them identical across builds and engines. The scalar form runs
// the SIMD form on lane 0, so edge tiles and full tiles of a kernel agree bit for bit. NaN in,
// NaN out for every code.

import {
  ACT_ELU, ACT_HARD_SIGMOID, ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH,
  SELU_ALPHA as SELU_ALPHA_F64, SELU_LAMBDA as SELU_LAMBDA_F64,
} from '../src/wasm/activation-codes';
export { ACT_ELU, ACT_HARD_SIGMOID, ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH };

export const SELU_LAMBDA: f32 = <f32>SELU_LAMBDA_F64;
export const SELU_ALPHA: f32 = <f32>SELU_ALPHA_F64;

@inline function fma4(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(f32x4.mul(a, b), c);
}

/**
 * eˣ per lane (Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, degree-6 polynomial, ≤ 2 ulp on normal
 * results). 2ⁿ is applied as two halves so that overflow gives +Inf (x > 88.72) and underflow goes
 * through the subnormals to 0 (x < −103.9) without special cases. NaN propagates.
 */
@inline export function expF32x4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(89.0)), f32x4.splat(-104.0));
  const fx = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  let r = fma4(fx, f32x4.splat(-0.693359375), x);
  r = fma4(fx, f32x4.splat(2.12194440e-4), r);
  let y = f32x4.splat(1.9875691500e-4);
  y = fma4(y, r, f32x4.splat(1.3981999507e-3));
  y = fma4(y, r, f32x4.splat(8.3334519073e-3));
  y = fma4(y, r, f32x4.splat(4.1665795894e-2));
  y = fma4(y, r, f32x4.splat(1.6666665459e-1));
  y = fma4(y, r, f32x4.splat(5.0000001201e-1));
  y = f32x4.add(fma4(y, f32x4.mul(r, r), r), f32x4.splat(1.0));
  // n ∈ [−150, 129]: 2ⁿ = 2^(n>>1) · 2^(n − n>>1), each factor a normal float.
  const n = i32x4.trunc_sat_f32x4_s(fx);
  const h = i32x4.shr_s(n, 1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(h, bias), 23);
  const s2 = i32x4.shl(i32x4.add(i32x4.sub(n, h), bias), 23);
  return f32x4.mul(f32x4.mul(y, s1), s2);
}

/** eˣ − 1 per lane: Taylor to x⁶ for |x| < 0.25 (keeps relative accuracy near 0), else eˣ − 1. */
@inline export function expm1F32x4(x: v128): v128 {
  let t = f32x4.splat(1.0 / 720.0);
  t = fma4(t, x, f32x4.splat(1.0 / 120.0));
  t = fma4(t, x, f32x4.splat(1.0 / 24.0));
  t = fma4(t, x, f32x4.splat(1.0 / 6.0));
  t = fma4(t, x, f32x4.splat(0.5));
  t = fma4(f32x4.mul(t, x), x, x);
  const big = f32x4.sub(expF32x4(x), f32x4.splat(1.0));
  return v128.bitselect(t, big, f32x4.lt(f32x4.abs(x), f32x4.splat(0.25)));
}

/**
 * log(1 + u) per lane for u ∈ [0, 1] (softplus only). log(y), y = 1 + u ∈ [1, 2], by the Cephes
 * logf polynomial; then Goldberg's correction u·log(y)/(y − 1) recovers the bits of u lost in
 * 1 + u, so tiny u gives log1p(u) ≈ u, not 0.
 */
@inline function log1pUnitF32x4(u: v128): v128 {
  const y = f32x4.add(u, f32x4.splat(1.0));
  const hi = f32x4.gt(y, f32x4.splat(1.41421356237));
  const m = v128.bitselect(f32x4.mul(y, f32x4.splat(0.5)), y, hi); // m ∈ [√½, √2]
  const e = v128.and(hi, f32x4.splat(1.0)); // exponent 0 or 1
  const f = f32x4.sub(m, f32x4.splat(1.0));
  const z = f32x4.mul(f, f);
  let p = f32x4.splat(7.0376836292e-2);
  p = fma4(p, f, f32x4.splat(-1.1514610310e-1));
  p = fma4(p, f, f32x4.splat(1.1676998740e-1));
  p = fma4(p, f, f32x4.splat(-1.2420140846e-1));
  p = fma4(p, f, f32x4.splat(1.4249322787e-1));
  p = fma4(p, f, f32x4.splat(-1.6668057665e-1));
  p = fma4(p, f, f32x4.splat(2.0000714765e-1));
  p = fma4(p, f, f32x4.splat(-2.4999993993e-1));
  p = fma4(p, f, f32x4.splat(3.3333331174e-1));
  p = f32x4.mul(f32x4.mul(p, f), z);
  p = fma4(e, f32x4.splat(-2.12194440e-4), p);
  p = fma4(z, f32x4.splat(-0.5), p);
  const lg = fma4(e, f32x4.splat(0.693359375), f32x4.add(f, p));
  const w = f32x4.sub(y, f32x4.splat(1.0)); // exact
  const corrected = f32x4.div(f32x4.mul(u, lg), w);
  return v128.bitselect(u, corrected, f32x4.eq(w, f32x4.splat(0.0)));
}

/** σ(x) = 1/(1 + e^−x), from e^−|x| so that nothing overflows. */
@inline export function sigmoidF32x4(x: v128): v128 {
  const e = expF32x4(f32x4.neg(f32x4.abs(x)));
  const s = f32x4.div(f32x4.splat(1.0), f32x4.add(f32x4.splat(1.0), e));
  return v128.bitselect(s, f32x4.mul(e, s), f32x4.ge(x, f32x4.splat(0.0)));
}

/**
 * tanh x: the Cephes tanhf odd polynomial for |x| < 0.625, else sign(x)·(1 − e)/(1 + e) with
 * e = e^−2|x| ≤ 1, which never overflows.
 */
@inline export function tanhF32x4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const e = expF32x4(f32x4.mul(ax, f32x4.splat(-2.0)));
  const big = f32x4.div(f32x4.sub(f32x4.splat(1.0), e), f32x4.add(f32x4.splat(1.0), e));
  const z = f32x4.mul(x, x);
  let p = f32x4.splat(-5.70498872745e-3);
  p = fma4(p, z, f32x4.splat(2.06390887954e-2));
  p = fma4(p, z, f32x4.splat(-5.37397155531e-2));
  p = fma4(p, z, f32x4.splat(1.33314422036e-1));
  p = fma4(p, z, f32x4.splat(-3.33332819422e-1));
  const small = fma4(f32x4.mul(p, z), ax, ax);
  const t = v128.bitselect(small, big, f32x4.lt(ax, f32x4.splat(0.625)));
  // Sign of x back on |tanh x| (NaN stays NaN).
  return v128.or(t, v128.and(x, i32x4.splat(0x80000000)));
}

/** act(x) per lane for an `Act` code; alpha is leakyRelu's slope or elu's α, ignored otherwise. */
@inline export function actF32x4(x: v128, act: i32, alpha: f32): v128 {
  const zero = f32x4.splat(0.0);
  switch (act) {
    case ACT_RELU:
      return f32x4.max(x, zero);
    case ACT_SIGMOID:
      return sigmoidF32x4(x);
    case ACT_TANH:
      return tanhF32x4(x);
    case ACT_LEAKY_RELU:
      return v128.bitselect(x, f32x4.mul(x, f32x4.splat(alpha)), f32x4.gt(x, zero));
    case ACT_ELU:
      return v128.bitselect(x, f32x4.mul(expm1F32x4(x), f32x4.splat(alpha)), f32x4.gt(x, zero));
    case ACT_SELU: {
      const neg = f32x4.mul(expm1F32x4(x), f32x4.splat(SELU_ALPHA));
      return f32x4.mul(v128.bitselect(x, neg, f32x4.gt(x, zero)), f32x4.splat(SELU_LAMBDA));
    }
    case ACT_SOFTPLUS: {
      // log(1 + eˣ) = max(x, 0) + log1p(e^−|x|).
      const u = expF32x4(f32x4.neg(f32x4.abs(x)));
      return f32x4.add(f32x4.max(x, zero), log1pUnitF32x4(u));
    }
    default:
      return x;
  }
}

/** Scalar act(x): lane 0 of actF32x4, so scalar tails give the same bits as full vectors. */
@inline export function actF32(x: f32, act: i32, alpha: f32): f32 {
  return f32x4.extract_lane(actF32x4(f32x4.splat(x), act, alpha), 0);
}

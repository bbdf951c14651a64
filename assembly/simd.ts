// Lane helpers shared by the elementwise kernels. WebAssembly SIMD has no exp or log, so the
// transcendental lanes call AssemblyScript's Mathf (compiled into the module: the same bits on every
// engine) one lane at a time; the scalar tails call the same functions, so an element's value never
// depends on whether it fell in a vector or in the tail.

/** exp of each lane. */
@inline export function expLanes(v: v128): v128 {
  let r = f32x4.splat(Mathf.exp(f32x4.extract_lane(v, 0)));
  r = f32x4.replace_lane(r, 1, Mathf.exp(f32x4.extract_lane(v, 1)));
  r = f32x4.replace_lane(r, 2, Mathf.exp(f32x4.extract_lane(v, 2)));
  return f32x4.replace_lane(r, 3, Mathf.exp(f32x4.extract_lane(v, 3)));
}

/** eˣ − 1 of each lane. */
@inline export function expm1Lanes(v: v128): v128 {
  let r = f32x4.splat(Mathf.expm1(f32x4.extract_lane(v, 0)));
  r = f32x4.replace_lane(r, 1, Mathf.expm1(f32x4.extract_lane(v, 1)));
  r = f32x4.replace_lane(r, 2, Mathf.expm1(f32x4.extract_lane(v, 2)));
  return f32x4.replace_lane(r, 3, Mathf.expm1(f32x4.extract_lane(v, 3)));
}

/** log of each lane. */
@inline export function logLanes(v: v128): v128 {
  let r = f32x4.splat(Mathf.log(f32x4.extract_lane(v, 0)));
  r = f32x4.replace_lane(r, 1, Mathf.log(f32x4.extract_lane(v, 1)));
  r = f32x4.replace_lane(r, 2, Mathf.log(f32x4.extract_lane(v, 2)));
  return f32x4.replace_lane(r, 3, Mathf.log(f32x4.extract_lane(v, 3)));
}

/** log(1 + x) of each lane. */
@inline export function log1pLanes(v: v128): v128 {
  let r = f32x4.splat(Mathf.log1p(f32x4.extract_lane(v, 0)));
  r = f32x4.replace_lane(r, 1, Mathf.log1p(f32x4.extract_lane(v, 1)));
  r = f32x4.replace_lane(r, 2, Mathf.log1p(f32x4.extract_lane(v, 2)));
  return f32x4.replace_lane(r, 3, Mathf.log1p(f32x4.extract_lane(v, 3)));
}

/** acc (f64x2) plus the four f32 lanes of v, each promoted to f64. */
@inline export function addPromoted(acc: v128, v: v128): v128 {
  const hi = v128.shuffle<f32>(v, v, 2, 3, 0, 1);
  return f64x2.add(f64x2.add(acc, f64x2.promote_low_f32x4(v)), f64x2.promote_low_f32x4(hi));
}

/** Sum of the two f64 lanes. */
@inline export function sumF64x2(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** Sum of the four f32 lanes, as (l0 + l1) + (l2 + l3). */
@inline export function sumF32x4(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/** Largest of the four f32 lanes (NaN if any lane is NaN). */
@inline export function maxF32x4(v: v128): f32 {
  return Mathf.max(Mathf.max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)), Mathf.max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)));
}

/** |x| with the sign of s, lanewise (sign bit of s, magnitude bits of x). */
@inline export function copysignF32x4(x: v128, s: v128): v128 {
  return v128.bitselect(s, x, f32x4.splat(-0.0));
}

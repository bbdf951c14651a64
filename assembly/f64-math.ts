// Scalar transcendentals for the host (DESIGN.md "Determinism"): learning-rate schedules, the
// galaxy images of the simulated datasets and other host code that shapes results call these
// instead of the engine's Math, whose last bits each engine may choose. AssemblyScript's Math is
// implemented in wasm itself, so these give the same bits in every engine. NaN in, NaN out.

export function f64_exp(x: f64): f64 {
  return Math.exp(x);
}

export function f64_log(x: f64): f64 {
  return Math.log(x);
}

export function f64_cos(x: f64): f64 {
  return Math.cos(x);
}

export function f64_sin(x: f64): f64 {
  return Math.sin(x);
}

export function f64_log1p(x: f64): f64 {
  return Math.log1p(x);
}

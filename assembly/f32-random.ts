// Random-variate transforms. The uniform bits come from the host's seeded generator (integer
// arithmetic, identical everywhere); the transcendentals that shape them run here, in wasm, so
// that the last bits do not depend on the engine's Math (DESIGN.md "Determinism").

/**
 * Box–Muller: y[2i], y[2i+1] = mean + std·√(−2 ln u₁)·(cos 2πu₂, sin 2πu₂) with u₁ = u[2i],
 * u₂ = u[2i+1] uniform in (0, 1]. Computed in f64, stored as f32.
 * Shapes: u and y of n floats each (u: f32); n odd drops the sine of the last pair.
 * Aliasing: u and y may alias (each pair is read before it is written). NaN: propagates.
 */
export function f32_box_muller(u: usize, y: usize, n: i32, mean: f32, std: f32): void {
  const twoPi: f64 = 6.283185307179586;
  for (let i = 0; i < n; i += 2) {
    const u1 = <f64>load<f32>(u + (<usize>i << 2));
    const u2 = i + 1 < n ? <f64>load<f32>(u + (<usize>(i + 1) << 2)) : 0.0;
    const r = Math.sqrt(-2.0 * Math.log(u1));
    const a = twoPi * u2;
    store<f32>(y + (<usize>i << 2), <f32>(<f64>mean + <f64>std * r * Math.cos(a)));
    if (i + 1 < n) store<f32>(y + (<usize>(i + 1) << 2), <f32>(<f64>mean + <f64>std * r * Math.sin(a)));
  }
}

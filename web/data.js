// @ts-check
// The playground's toy data sets: small, seeded, self-contained. (src/data/simulated.ts will hold
// the library's own generators for the seeds' examples; these stay tiny on purpose.)
// Every generator returns { x, y, inputs, outputs, kind } with x: Float32Array (n × inputs) and
// y: Float32Array (n × outputs); kind 'regression' (mse, linear output) or 'binary' (sigmoid output,
// binary cross-entropy, y ∈ {0, 1}).

/** mulberry32: a 32-bit seeded generator, uniform in [0, 1). */
function uniform(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** y = x² + uniform noise in ±0.02 on x ∈ [−1, 1] (seed 002's first toy). */
function squares(n = 256, seed = 1) {
  const u = uniform(seed);
  const x = new Float32Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = u() * 2 - 1;
    y[i] = x[i] * x[i] + (u() - 0.5) * 0.04;
  }
  return { x, y, inputs: 1, outputs: 1, kind: 'regression' };
}

/** y = sin(3x)·e^(−x²) + noise: a curve with more wiggle than x². */
function wiggle(n = 256, seed = 2) {
  const u = uniform(seed);
  const x = new Float32Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = u() * 2 - 1;
    y[i] = Math.sin(3 * x[i]) * Math.exp(-x[i] * x[i]) + (u() - 0.5) * 0.04;
  }
  return { x, y, inputs: 1, outputs: 1, kind: 'regression' };
}

/** Class 1 inside the disc of radius 0.5, class 0 on a ring from 0.7 to 1. */
function circles(n = 400, seed = 3) {
  const u = uniform(seed);
  const x = new Float32Array(n * 2), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const inside = i % 2 === 0;
    const r = inside ? 0.5 * Math.sqrt(u()) : 0.7 + 0.3 * u();
    const phi = 2 * Math.PI * u();
    x[2 * i] = r * Math.cos(phi);
    x[2 * i + 1] = r * Math.sin(phi);
    y[i] = inside ? 1 : 0;
  }
  return { x, y, inputs: 2, outputs: 1, kind: 'binary' };
}

/** Two interleaved spirals, 1.5 turns each: the hard toy that needs depth. */
function spirals(n = 400, seed = 4) {
  const u = uniform(seed);
  const x = new Float32Array(n * 2), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const arm = i % 2;
    const t = u();
    const r = 0.1 + 0.85 * t;
    const phi = 3 * Math.PI * t + arm * Math.PI;
    x[2 * i] = r * Math.cos(phi) + (u() - 0.5) * 0.04;
    x[2 * i + 1] = r * Math.sin(phi) + (u() - 0.5) * 0.04;
    y[i] = arm;
  }
  return { x, y, inputs: 2, outputs: 1, kind: 'binary' };
}

/** The examples, with the settings each starts from. */
export const examples = {
  x2: { title: 'y = x² (regression)', make: squares, defaults: { hidden: '16, 16', activation: 'tanh', optimizer: 'adam', learningRate: 0.01, batchSize: 32 } },
  wiggle: { title: 'sin(3x)·e^(−x²) (regression)', make: wiggle, defaults: { hidden: '32, 32', activation: 'tanh', optimizer: 'adam', learningRate: 0.01, batchSize: 32 } },
  circles: { title: 'circles (2-D classification)', make: circles, defaults: { hidden: '8, 8', activation: 'relu', optimizer: 'adam', learningRate: 0.01, batchSize: 32 } },
  spirals: { title: 'two spirals (2-D classification)', make: spirals, defaults: { hidden: '32, 32, 32', activation: 'tanh', optimizer: 'adam', learningRate: 0.01, batchSize: 32 } },
};

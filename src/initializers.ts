// Weight initializers, Keras names and defaults. All draw from the model's seeded Random; normal
// variates come from the wasm Box–Muller kernel so that they are bit-identical in every engine.

import { checkOptions, looseLookup } from './options.js';
import { Random } from './random.js';
import { runtime } from './wasm/runtime.js';

export interface Initializer {
  readonly name: string;
  readonly config: Record<string, number>;
  /** Fills `out` (a weight of the given shape; fans from its first and last axes). */
  fill(out: Float32Array, shape: readonly number[], rng: Random): void;
}

/** Keras's fans: a kernel [in, out] has fanIn = in, fanOut = out; a vector has both = its length. */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

/** n standard-normal variates scaled to (mean, std), via f32_box_muller. */
export function normals(n: number, rng: Random, mean = 0, std = 1): Float32Array {
  const { kernels, arena } = runtime();
  const out = new Float32Array(n);
  if (n === 0) return out;
  const chunk = Math.min(n + (n & 1), 1 << 16);
  const ptr = arena.alloc(chunk * 4);
  try {
    const u = new Float32Array(chunk);
    for (let done = 0; done < n; done += chunk) {
      rng.fillOpenUniform(u);
      arena.f32(ptr, chunk).set(u);
      kernels.f32_box_muller(ptr, ptr, chunk, mean, std);
      out.set(arena.f32(ptr, Math.min(chunk, n - done)), done);
    }
  } finally {
    arena.release(ptr);
  }
  return out;
}

/** Normal(mean, std) redrawn outside two standard deviations, as Keras's TruncatedNormal. */
function truncated(out: Float32Array, rng: Random, mean: number, std: number): void {
  let filled = 0;
  while (filled < out.length) {
    const batch = normals(Math.max(16, Math.ceil((out.length - filled) * 1.1)), rng);
    for (let i = 0; i < batch.length && filled < out.length; i++) {
      if (Math.abs(batch[i]) <= 2) out[filled++] = mean + std * batch[i];
    }
  }
}

function uniformFill(out: Float32Array, rng: Random, lo: number, hi: number): void {
  rng.fillUniform(out, lo, hi);
}

// Standard deviation of a unit normal truncated at ±2: Keras divides by it so that the truncated
// draw has the variance the scaling rule asks for.
const TRUNCATED_STD = 0.87962566103423978;

type Mode = 'fanIn' | 'fanOut' | 'fanAvg';
function varianceScaling(name: string, scale: number, mode: Mode, distribution: 'truncatedNormal' | 'uniform' | 'normal'): Initializer {
  return {
    name,
    config: {},
    fill(out, shape, rng) {
      const [fanIn, fanOut] = fans(shape);
      const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
      const variance = scale / Math.max(1, n);
      if (distribution === 'uniform') {
        const limit = Math.sqrt(3 * variance);
        uniformFill(out, rng, -limit, limit);
      } else if (distribution === 'normal') {
        out.set(normals(out.length, rng, 0, Math.sqrt(variance)));
      } else {
        truncated(out, rng, 0, Math.sqrt(variance) / TRUNCATED_STD);
      }
    },
  };
}

// The parameterless ones take no options (an empty object passes): lepton draws every initializer
// from the model's seed, so a Keras `seed` is an unknown option here.
const none = (where: string, args: unknown): void => checkOptions(`initializers.${where}`, args, {});
type Stat = { mean?: number; stddev?: number };

export const initializers = {
  /** U(−l, l), l = √(6/(fanIn + fanOut)). The Dense kernel default. */
  glorotUniform: (args?: object) => (none('glorotUniform', args), varianceScaling('glorotUniform', 1, 'fanAvg', 'uniform')),
  /**
   * Std √(2/(fanIn + fanOut)) (seed 004). As Keras: a normal truncated at two standard
   * deviations, widened so that the truncated draw has exactly that standard deviation.
   */
  glorotNormal: (args?: object) => (none('glorotNormal', args), varianceScaling('glorotNormal', 1, 'fanAvg', 'truncatedNormal')),
  heNormal: (args?: object) => (none('heNormal', args), varianceScaling('heNormal', 2, 'fanIn', 'truncatedNormal')),
  heUniform: (args?: object) => (none('heUniform', args), varianceScaling('heUniform', 2, 'fanIn', 'uniform')),
  /** Std √(1/fanIn): the initializer self-normalizing (SELU) networks need (seed 004). */
  lecunNormal: (args?: object) => (none('lecunNormal', args), varianceScaling('lecunNormal', 1, 'fanIn', 'truncatedNormal')),
  lecunUniform: (args?: object) => (none('lecunUniform', args), varianceScaling('lecunUniform', 1, 'fanIn', 'uniform')),
  truncatedNormal: (args: Stat = {}): Initializer => {
    checkOptions('initializers.truncatedNormal', args, { mean: true, stddev: true });
    const { mean = 0, stddev = 0.05 } = args;
    return { name: 'truncatedNormal', config: { mean, stddev }, fill: (out, _shape, rng) => truncated(out, rng, mean, stddev) };
  },
  randomNormal: (args: Stat = {}): Initializer => {
    checkOptions('initializers.randomNormal', args, { mean: true, stddev: true });
    const { mean = 0, stddev = 0.05 } = args;
    return { name: 'randomNormal', config: { mean, stddev }, fill: (out, _shape, rng) => out.set(normals(out.length, rng, mean, stddev)) };
  },
  randomUniform: (args: { minval?: number; maxval?: number } = {}): Initializer => {
    checkOptions('initializers.randomUniform', args, { minval: true, maxval: true });
    const { minval = -0.05, maxval = 0.05 } = args;
    return { name: 'randomUniform', config: { minval, maxval }, fill: (out, _shape, rng) => uniformFill(out, rng, minval, maxval) };
  },
  /**
   * A (semi-)orthogonal matrix times `gain` (Keras's Orthogonal, the recurrent kernels' default):
   * the weight as rows = Π of all axes but the last, cols = the last; a normal draw of the taller
   * orientation, its columns orthonormalized (Gram–Schmidt, R's diagonal positive, as Keras's sign
   * correction of QR), transposed back when there are fewer rows than columns.
   */
  orthogonal: (args: { gain?: number } = {}): Initializer => {
    checkOptions('initializers.orthogonal', args, { gain: true });
    const { gain = 1 } = args;
    return { name: 'orthogonal', config: { gain }, fill: (out, shape, rng) => orthogonalFill(out, shape, rng, gain) };
  },
  zeros: (args?: object): Initializer => (none('zeros', args), { name: 'zeros', config: {}, fill: (out) => out.fill(0) }),
  ones: (args?: object): Initializer => (none('ones', args), { name: 'ones', config: {}, fill: (out) => out.fill(1) }),
  /** constant({ value }), or Keras's Constant(value). */
  constant: (args: number | { value?: number } = {}): Initializer => {
    if (typeof args !== 'number') checkOptions('initializers.constant', args, { value: true });
    const value = typeof args === 'number' ? args : args.value ?? 0;
    return { name: 'constant', config: { value }, fill: (out) => out.fill(value) };
  },
};

function orthogonalFill(out: Float32Array, shape: readonly number[], rng: Random, gain: number): void {
  const cols = shape.length ? shape[shape.length - 1] : 1, rows = out.length / Math.max(1, cols);
  const n = Math.max(rows, cols), m = Math.min(rows, cols); // q: n × m, orthonormal columns
  const q = Float64Array.from(normals(n * m, rng));
  for (let j = 0; j < m; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i * m + p] * q[i * m + j];
      for (let i = 0; i < n; i++) q[i * m + j] -= dot * q[i * m + p];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += q[i * m + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < n; i++) q[i * m + j] /= norm;
  }
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows >= cols ? q[r * m + c] : q[c * m + r]);
}

export type InitializerName = keyof typeof initializers;
export type InitializerLike = InitializerName | Initializer;

// By name, through a Map: initializers['toString'] would be Object.prototype's.
const byName: ReadonlyMap<string, () => Initializer> = new Map(Object.entries(initializers));

/** An initializer object, or a name as Keras takes it: 'glorotUniform', 'glorot_uniform', 'GlorotUniform'. */
export function getInitializer(spec: InitializerLike, where: string): Initializer {
  if (typeof spec !== 'string') return spec;
  const make = looseLookup(byName, spec);
  if (!make) {
    throw new Error(`${where}: unknown initializer '${spec}'; expected one of ${[...byName.keys()].join(', ')}`);
  }
  return make();
}

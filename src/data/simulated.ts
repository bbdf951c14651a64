// The simulated datasets of the seeds, seeded: the same seed gives the same samples. Uniforms come
// from Random, normal variates from normals() (wasm Box–Muller, identical in every engine). The
// galaxy images also use Math.cos/exp/log/atan2, which are the same in the engines lepton's
// determinism promise covers (V8: Node, Chromium, workerd), but not guaranteed elsewhere.

import { normals } from '../initializers.js';
import { Random } from '../random.js';
import { fromArrays, type Dataset } from './dataset.js';

/**
 * The geometry of `earthquake`, fitted to the table of seed 004 (Erdmann et al. 2021): a least-squares
 * fit of its four rows gives stations within 0.5 km of the corners of a 20 km square, P waves at
 * 7.1 km/s and S waves at 5.0 km/s (residuals ≈ 0.1 s), which we round to these values.
 */
export const EARTHQUAKE = {
  /** Station positions (x, y) in km. */
  stations: [[-10, 10], [10, 10], [-10, -10], [10, -10]] as const,
  /** Compression (P) wave speed, km/s. */
  vp: 7,
  /** Shear (S) wave speed, km/s. */
  vs: 5,
  /** Epicenters are uniform in [−halfWidth, halfWidth]² km (the seed's table reaches 35 km). */
  halfWidth: 40,
};

export interface EarthquakeOptions {
  n?: number;
  seed?: number;
  /** Standard deviation of the Gaussian timing error added to every arrival time, seconds (default 0.01). */
  noise?: number;
}

/**
 * Seed 004's regression example: x = (t_p¹, t_s¹, …, t_p⁴, t_s⁴), the P and S arrival times in
 * seconds after the quake at the four stations of EARTHQUAKE; y = the epicenter (x, y) in km.
 * Normalize x by the largest time (preprocessing.maxAbs({ perFeature: false })) as the seed does.
 */
export function earthquake({ n = 1000, seed = 0, noise = 0.01 }: EarthquakeOptions = {}): Dataset {
  checkN(n, 'earthquake');
  const rng = new Random(seed);
  const { stations, vp, vs, halfWidth } = EARTHQUAKE;
  const x = new Float32Array(n * 8), y = new Float32Array(n * 2);
  const e = normals(n * 8, rng.fork(), 0, noise);
  for (let i = 0; i < n; i++) {
    const ex = (2 * rng.uniform() - 1) * halfWidth, ey = (2 * rng.uniform() - 1) * halfWidth;
    y[2 * i] = ex;
    y[2 * i + 1] = ey;
    stations.forEach(([sx, sy], s) => {
      const d = Math.sqrt((ex - sx) ** 2 + (ey - sy) ** 2);
      x[i * 8 + 2 * s] = d / vp + e[i * 8 + 2 * s];
      x[i * 8 + 2 * s + 1] = d / vs + e[i * 8 + 2 * s + 1];
    });
  }
  return fromArrays({ data: x, shape: [n, 8] }, { data: y, shape: [n, 2] });
}

/** Seed 002's function approximation: x uniform in [−10, 10], y = x² + N(0, noise²) (default noise 1). */
export function xSquared({ n = 10000, seed = 0, noise = 1 }: { n?: number; seed?: number; noise?: number } = {}): Dataset {
  checkN(n, 'xSquared');
  const rng = new Random(seed);
  const e = normals(n, rng.fork(), 0, noise);
  const x = new Float32Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 20 * rng.uniform() - 10;
    y[i] = x[i] * x[i] + e[i];
  }
  return fromArrays({ data: x, shape: [n, 1] }, { data: y, shape: [n, 1] });
}

export interface SignalBackgroundOptions {
  n?: number;
  seed?: number;
  /** Share of signal events (label 1); the rest is background (label 0). Default 0.05: a dominant background. */
  signalFraction?: number;
  /** Features per event (default 4). */
  features?: number;
}

/**
 * Seed 002's "dominant background with very little signal" (e.g. tt̄ against a rare process), for
 * classWeight and sampleWeight experiments: background ~ N(0, 1) in every feature, signal ~ N(1, 0.7²),
 * so the classes overlap. y is one 0/1 column (binaryCrossentropy with a sigmoid output). Exactly
 * round(n·signalFraction) signal events, at random positions.
 */
export function signalBackground({ n = 10000, seed = 0, signalFraction = 0.05, features = 4 }: SignalBackgroundOptions = {}): Dataset {
  checkN(n, 'signalBackground');
  if (!(signalFraction >= 0 && signalFraction <= 1)) throw new RangeError(`signalBackground: signalFraction must be in [0, 1], got ${signalFraction}`);
  checkN(features, 'signalBackground: features');
  const rng = new Random(seed);
  const label = new Int32Array(n);
  label.fill(1, 0, Math.round(n * signalFraction));
  rng.shuffle(label);
  const z = normals(n * features, rng.fork());
  const x = new Float32Array(n * features), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = label[i];
    for (let j = 0; j < features; j++) x[i * features + j] = label[i] ? 1 + 0.7 * z[i * features + j] : z[i * features + j];
  }
  return fromArrays({ data: x, shape: [n, features] }, { data: y, shape: [n, 1] });
}

export interface GalaxySpinOptions {
  n?: number;
  seed?: number;
  /** Image side in pixels (default 32, seed 004). */
  size?: number;
  /** Standard deviation of the Gaussian pixel noise (default 0.05; images peak at 1). */
  noise?: number;
}

/**
 * Seed 004's classification example: size×size images (flattened row by row, row 0 at the top) of
 * two-armed logarithmic spiral galaxies, labelled one-hot by the winding sense: (1 0) "right" for
 * arms that turn clockwise going outward, (0 1) "left" for counter-clockwise. Each galaxy has a
 * random orientation, winding rate, disk and bulge size and a centre offset of up to ±1.5 px.
 * Intensity: bulge e^{−(r/r_b)²} + disk e^{−r/r_d}·(0.2 + 0.8·((1 + cos 2(θ − φ₀ − s·k·ln r))/2)³).
 */
export function galaxySpin({ n = 1000, seed = 0, size = 32, noise = 0.05 }: GalaxySpinOptions = {}): Dataset {
  checkN(n, 'galaxySpin');
  checkN(size, 'galaxySpin: size');
  const rng = new Random(seed);
  const px = size * size;
  const x = new Float32Array(n * px), y = new Float32Array(n * 2);
  const e = normals(n * px, rng.fork(), 0, noise);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  for (let i = 0; i < n; i++) {
    const left = rng.below(2);
    const s = left ? 1 : -1;
    y[2 * i + left] = 1;
    const phi = u(0, 2 * Math.PI), k = u(1.5, 3), rd = (u(0.12, 0.2) * size), rb = u(0.03, 0.06) * size;
    const cx = size / 2 + u(-1.5, 1.5), cy = size / 2 + u(-1.5, 1.5);
    const img = x.subarray(i * px, (i + 1) * px);
    let peak = 0;
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) {
        const dx = col + 0.5 - cx, dy = cy - (row + 0.5); // y up
        const r = Math.max(Math.sqrt(dx * dx + dy * dy), 0.5);
        const theta = Math.atan2(dy, dx);
        const arm = (1 + Math.cos(2 * (theta - phi - s * k * Math.log(r)))) / 2;
        const v = Math.exp(-((r / rb) ** 2)) + Math.exp(-r / rd) * (0.2 + 0.8 * arm ** 3);
        img[row * size + col] = v;
        if (v > peak) peak = v;
      }
    }
    for (let p = 0; p < px; p++) img[p] = img[p] / peak + e[i * px + p];
  }
  return fromArrays({ data: x, shape: [n, px] }, { data: y, shape: [n, 2] });
}

function checkN(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what}: n must be a whole number ≥ 1, got ${n}`);
}

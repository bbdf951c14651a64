// The 16-Split example's data and pictures (examples/split16.ts): 56×56 canvases each holding one
// Fashion-MNIST item at a seeded random position, and the figures the report draws (histograms as
// step lines, the weight histograms of every layer with weights).
import type { Layer, Tensor } from '../src/index.js';
import * as report from '../src/report/index.js';

export const CANVAS = 56;
/** Positions 0 … 28 of the item's top-left corner, in both directions. */
export const SPAN = CANVAS - 28;

/**
 * The canvases' positions: a 32-bit linear congruential generator (Numerical Recipes' constants)
 * that examples/peers/split16_torch.py repeats exactly, so that both frameworks see the same
 * canvases. `stream` 1 is the training set, 2 the test set.
 */
export function positions(n: number, seed: number, stream: number): Int32Array {
  let s = (Math.imul(seed, 7919) + stream) >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s * (SPAN + 1)) / 4294967296);
  };
  const out = new Int32Array(2 * n); // column, row of the top-left corner
  for (let i = 0; i < n; i++) {
    out[2 * i] = next();
    out[2 * i + 1] = next();
  }
  return out;
}

/** Items [n, 28, 28, 1] placed on empty 56×56 canvases at `pos` (column, row). */
export function canvases(items: Tensor, pos: Int32Array): Tensor {
  const n = items.shape[0], out = new Float32Array(n * CANVAS * CANVAS), src = items.data;
  for (let i = 0; i < n; i++) {
    const c0 = pos[2 * i], r0 = pos[2 * i + 1], base = i * CANVAS * CANVAS;
    for (let r = 0; r < 28; r++) out.set(src.subarray(i * 784 + r * 28, i * 784 + r * 28 + 28), base + (r0 + r) * CANVAS + c0);
  }
  return { data: out, shape: [n, CANVAS, CANVAS, 1] };
}

/** Counts of `v` in `bins` equal bins over [lo, hi], as a step line (x at the bin edges). */
export function histogramSteps(v: ArrayLike<number>, bins: number, lo: number, hi: number): { x: number[]; y: number[] } {
  const counts = new Array<number>(bins).fill(0), w = (hi - lo) / bins || 1;
  for (let i = 0; i < v.length; i++) counts[Math.min(bins - 1, Math.max(0, Math.floor((v[i] - lo) / w)))]++;
  const x = [lo], y = [0];
  counts.forEach((c, j) => {
    x.push(lo + j * w, lo + (j + 1) * w);
    y.push(c, c);
  });
  x.push(lo + bins * w);
  y.push(0);
  return { x, y };
}

const extent = (arrays: ArrayLike<number>[]): [number, number] => {
  let lo = Infinity, hi = -Infinity;
  for (const a of arrays) for (let i = 0; i < a.length; i++) { lo = Math.min(lo, a[i]); hi = Math.max(hi, a[i]); }
  return lo < hi ? [lo, hi] : [lo - 0.5, hi + 0.5];
};

/** One histogram per layer with weights: its trainable weights (kernel and bias, γ and β), 40 bins. */
export function weightHistograms(layerList: Layer[], prefix: string): { name: string; svg: string; caption: string }[] {
  return layerList.filter((l) => l.weights.some((w) => w.trainable)).map((l) => {
    const tensors = l.getWeights().filter((_, j) => l.weights[j].trainable);
    const named = tensors.map((t, j) => ({ name: l.weights.filter((w) => w.trainable)[j].name, t }));
    const [lo, hi] = extent(named.map((n) => n.t.data));
    const series = named.map((n, j) => ({ name: `${n.name} (${n.t.data.length})`, ...histogramSteps(n.t.data, 40, lo, hi), dashed: j > 0 }));
    const stats = named.map((n) => {
      const d = n.t.data, m = d.reduce((a, b) => a + b, 0) / d.length;
      return `${n.name}: mean ${m.toExponential(2)}, s.d. ${Math.sqrt(d.reduce((a, b) => a + (b - m) ** 2, 0) / d.length).toExponential(2)}`;
    });
    return {
      name: `weights-${l.name}`,
      svg: report.plot({ title: `${prefix}: ${l.name} (${l.className}) weights`, xLabel: 'weight value', yLabel: 'count', series }),
      caption: `${stats.join('; ')}.`,
    };
  });
}

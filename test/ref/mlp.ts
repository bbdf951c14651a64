// A float64 reference network: dense, activation and PReLU layers, every loss, forward and
// analytic backward written as plainly as possible. Checked against central finite differences
// (test/model/gradcheck.test.ts), then used to check lepton's float32 backward.
import { SELU_ALPHA, SELU_LAMBDA } from './activations.js';

export type RefLayer =
  | { type: 'dense'; inDim: number; units: number; activation: string; alpha?: number }
  | { type: 'activation'; activation: string; alpha?: number }
  | { type: 'prelu'; units: number };

export interface RefProblem {
  layers: RefLayer[];
  /** Keras order: dense kernel [in, units] row-major then bias; prelu alpha. */
  weights: Float64Array[];
  x: Float64Array;
  rows: number;
  inDim: number;
  loss: string;
  /** Dense targets (rows × outDim), or labels for sparse. */
  y: Float64Array;
  sampleWeight?: Float64Array;
  l2?: number;
  huberDelta?: number;
}


export function act(name: string, x: number, alpha = name === 'leakyRelu' ? 0.2 : 1): number {
  switch (name) {
    case 'linear': return x;
    case 'relu': return x > 0 ? x : 0;
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.tanh(x);
    case 'leakyRelu': return x > 0 ? x : alpha * x;
    case 'elu': return x > 0 ? x : alpha * (Math.exp(x) - 1);
    case 'selu': return SELU_LAMBDA * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1));
    case 'softplus': return Math.log1p(Math.exp(x));
  }
  throw new Error(`ref: no activation ${name}`);
}

/** d act / dx at x. */
export function dact(name: string, x: number, alpha = name === 'leakyRelu' ? 0.2 : 1): number {
  switch (name) {
    case 'linear': return 1;
    case 'relu': return x > 0 ? 1 : 0;
    case 'sigmoid': { const s = 1 / (1 + Math.exp(-x)); return s * (1 - s); }
    case 'tanh': return 1 - Math.tanh(x) ** 2;
    case 'leakyRelu': return x > 0 ? 1 : alpha;
    case 'elu': return x > 0 ? 1 : alpha * Math.exp(x);
    case 'selu': return SELU_LAMBDA * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x));
    case 'softplus': return 1 / (1 + Math.exp(-x));
  }
  throw new Error(`ref: no activation ${name}`);
}

function softmaxRows(z: Float64Array, rows: number, cols: number): Float64Array {
  const p = new Float64Array(z.length);
  for (let i = 0; i < rows; i++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, z[i * cols + j]);
    let s = 0;
    for (let j = 0; j < cols; j++) s += (p[i * cols + j] = Math.exp(z[i * cols + j] - m));
    for (let j = 0; j < cols; j++) p[i * cols + j] /= s;
  }
  return p;
}

interface Tape { pre: Float64Array; out: Float64Array; cols: number }

/** Forward pass; returns the output and, per layer, its input ('pre' = pre-activation for dense). */
export function forward(p: RefProblem): { out: Float64Array; cols: number; tapes: Tape[]; inputs: Float64Array[] } {
  let h = p.x, cols = p.inDim, wi = 0;
  const tapes: Tape[] = [], inputs: Float64Array[] = [];
  for (const L of p.layers) {
    inputs.push(h);
    if (L.type === 'dense') {
      const W = p.weights[wi++], b = p.weights[wi++];
      const z = new Float64Array(p.rows * L.units);
      for (let i = 0; i < p.rows; i++) for (let j = 0; j < L.units; j++) {
        let s = b[j];
        for (let q = 0; q < L.inDim; q++) s += h[i * L.inDim + q] * W[q * L.units + j];
        z[i * L.units + j] = s;
      }
      const out = L.activation === 'softmax' ? softmaxRows(z, p.rows, L.units) : z.map((v) => act(L.activation, v, L.alpha));
      tapes.push({ pre: z, out, cols: L.units });
      h = out; cols = L.units;
    } else if (L.type === 'activation') {
      const out = L.activation === 'softmax' ? softmaxRows(h, p.rows, cols) : h.map((v) => act(L.activation, v, L.alpha));
      tapes.push({ pre: h, out, cols });
      h = out;
    } else {
      const a = p.weights[wi++];
      const out = h.map((v, k) => (v > 0 ? v : a[k % L.units] * v));
      tapes.push({ pre: h, out, cols });
      h = out;
    }
  }
  return { out: h, cols, tapes, inputs };
}

const clip = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

/** Loss value and dL/d(output) for the output `o` (rows × cols); Keras reductions. */
export function lossAndGrad(name: string, o: Float64Array, p: RefProblem, cols: number): { loss: number; d: Float64Array } {
  const { rows, y } = p, w = (i: number) => (p.sampleWeight ? p.sampleWeight[i] : 1);
  const d = new Float64Array(o.length);
  let L = 0;
  const eps = 1e-7, delta = p.huberDelta ?? 1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j, e = o[k] - (name.startsWith('sparse') ? (y[i] === j ? 1 : 0) : y[k]);
      const t = name.startsWith('sparse') ? (y[i] === j ? 1 : 0) : y[k];
      switch (name) {
        case 'mse': L += w(i) * e * e / cols; d[k] = w(i) * 2 * e / cols / rows; break;
        case 'mae': L += w(i) * Math.abs(e) / cols; d[k] = w(i) * Math.sign(e) / cols / rows; break;
        case 'huber': {
          const a = Math.abs(e);
          L += w(i) * (a <= delta ? 0.5 * e * e : delta * (a - 0.5 * delta)) / cols;
          d[k] = w(i) * (a <= delta ? e : delta * Math.sign(e)) / cols / rows;
          break;
        }
        case 'binaryCrossentropy': {
          const q = clip(o[k], eps, 1 - eps);
          L += -w(i) * (t * Math.log(q) + (1 - t) * Math.log(1 - q)) / cols;
          d[k] = o[k] > eps && o[k] < 1 - eps ? w(i) * (-t / q + (1 - t) / (1 - q)) / cols / rows : 0;
          break;
        }
        case 'categoricalCrossentropy': case 'sparseCategoricalCrossentropy': {
          const q = clip(o[k], eps, 1);
          L += -w(i) * t * Math.log(q);
          d[k] = o[k] > eps ? -w(i) * t / q / rows : 0;
          break;
        }
        default: throw new Error(`ref: no loss ${name}`);
      }
    }
  }
  return { loss: L / rows, d };
}

/** Loss (with the l2 penalty on dense kernels) and analytic gradients of every weight. */
export function lossAndGrads(p: RefProblem): { loss: number; grads: Float64Array[] } {
  const f = forward(p);
  let { loss, d } = lossAndGrad(p.loss, f.out, p, f.cols);
  const grads: Float64Array[] = p.weights.map((w) => new Float64Array(w.length));
  // weight index of each layer's first weight
  const first: number[] = [];
  let wi = 0;
  for (const L of p.layers) { first.push(wi); wi += L.type === 'dense' ? 2 : L.type === 'prelu' ? 1 : 0; }
  for (let l = p.layers.length - 1; l >= 0; l--) {
    const L = p.layers[l], T = f.tapes[l], x = f.inputs[l];
    const cols = T.cols;
    // through the activation (dense and activation layers)
    let dz = d;
    if (L.type !== 'prelu') {
      const name = L.activation;
      dz = new Float64Array(d.length);
      if (name === 'softmax') {
        for (let i = 0; i < p.rows; i++) {
          let s = 0;
          for (let j = 0; j < cols; j++) s += d[i * cols + j] * T.out[i * cols + j];
          for (let j = 0; j < cols; j++) dz[i * cols + j] = T.out[i * cols + j] * (d[i * cols + j] - s);
        }
      } else for (let k = 0; k < d.length; k++) dz[k] = d[k] * dact(name, T.pre[k], L.alpha);
    }
    if (L.type === 'dense') {
      const W = p.weights[first[l]], gW = grads[first[l]], gb = grads[first[l] + 1];
      const dx = new Float64Array(p.rows * L.inDim);
      for (let i = 0; i < p.rows; i++) for (let j = 0; j < L.units; j++) {
        const g = dz[i * L.units + j];
        gb[j] += g;
        for (let q = 0; q < L.inDim; q++) {
          gW[q * L.units + j] += x[i * L.inDim + q] * g;
          dx[i * L.inDim + q] += g * W[q * L.units + j];
        }
      }
      if (p.l2) {
        for (let k = 0; k < W.length; k++) { gW[k] += 2 * p.l2 * W[k]; loss += p.l2 * W[k] * W[k]; }
      }
      d = dx;
    } else if (L.type === 'prelu') {
      const a = p.weights[first[l]], ga = grads[first[l]];
      const dx = new Float64Array(d.length);
      for (let k = 0; k < d.length; k++) {
        const j = k % L.units;
        if (x[k] > 0) dx[k] = d[k];
        else { dx[k] = d[k] * a[j]; ga[j] += d[k] * x[k]; }
      }
      d = dx;
    } else d = dz;
  }
  return { loss, grads };
}

/** The loss alone, for finite differences. */
export function lossOnly(p: RefProblem): number {
  return lossAndGrads(p).loss;
}

// Gradient checks: the float64 reference against central finite differences, then lepton's
// float32 backward (computeGradients) against the reference, for every layer, activation, loss,
// the l2 regularizer and sample weights.
import { test } from 'uvu';
import { init } from '../../src/index.js';
import { close, rand } from '../helpers.js';
import { lossAndGrads, lossOnly, type RefLayer, type RefProblem } from '../ref/mlp.js';
import { f32, modelFor, roundProblem } from './build-from-ref.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const f64 = (n: number, seed: number, lo = -1, hi = 1) => Float64Array.from(rand(n, seed, lo, hi));

/** Weights for a layer list, Keras order. */
function weightsFor(layers: RefLayer[], inDim: number, seed: number): Float64Array[] {
  const ws: Float64Array[] = [];
  let d = inDim;
  for (const L of layers) {
    if (L.type === 'dense') {
      ws.push(f64(d * L.units, seed++, -0.8, 0.8), f64(L.units, seed++, -0.2, 0.2));
      d = L.units;
    } else if (L.type === 'prelu') ws.push(f64(L.units, seed++, -0.5, 0.5));
  }
  return ws;
}

function problem(layers: RefLayer[], loss: string, opts: { rows?: number; inDim?: number; seed?: number; sampleWeight?: boolean; l2?: number } = {}): RefProblem {
  const { rows = 5, inDim = 4, seed = 7 } = opts;
  let out = inDim;
  for (const L of layers) if (L.type === 'dense') out = L.units;
  let y: Float64Array;
  if (loss === 'sparseCategoricalCrossentropy') y = Float64Array.from({ length: rows }, (_, i) => (i * 7 + seed) % out);
  else if (loss === 'categoricalCrossentropy') y = Float64Array.from({ length: rows * out }, (_, k) => (k % out === (Math.floor(k / out) * 3 + seed) % out ? 1 : 0));
  else if (loss === 'binaryCrossentropy') y = Float64Array.from({ length: rows * out }, (_, k) => ((k * 5 + seed) % 3 === 0 ? 1 : 0));
  else y = f64(rows * out, seed + 100, -1.5, 1.5);
  return roundProblem({
    layers, weights: weightsFor(layers, inDim, seed), x: f64(rows * inDim, seed + 50, -2, 2), rows, inDim, loss, y,
    sampleWeight: opts.sampleWeight ? f64(rows, seed + 77, 0, 2) : undefined, l2: opts.l2,
  });
}

function fdCheck(p: RefProblem, label: string): void {
  const { grads } = lossAndGrads(p);
  const h = 1e-6;
  p.weights.forEach((w, wi) => {
    const fd = new Float64Array(w.length);
    for (let k = 0; k < w.length; k++) {
      const keep = w[k];
      w[k] = keep + h; const up = lossOnly(p);
      w[k] = keep - h; const down = lossOnly(p);
      w[k] = keep;
      fd[k] = (up - down) / (2 * h);
    }
    close(grads[wi], fd, 1e-6, 1e-5, `${label}: reference vs finite differences, weight ${wi}`);
  });
}

function leptonCheck(p: RefProblem, label: string): void {
  const { loss, grads } = lossAndGrads(p);
  const net = modelFor(p);
  const got = net.computeGradients({ data: f32(p.x), shape: [p.rows, p.inDim] },
    p.loss === 'sparseCategoricalCrossentropy' ? { data: f32(p.y), shape: [p.rows] } : { data: f32(p.y), shape: [p.rows, p.y.length / p.rows] },
    { sampleWeight: p.sampleWeight ? { data: f32(p.sampleWeight), shape: [p.rows] } : undefined });
  close([got.loss], [loss], 1e-6, 1e-5, `${label}: loss`);
  grads.forEach((g, i) => close(got.grads[i].data, g, 2e-6, 1e-4, `${label}: lepton vs reference, weight ${i}`));
}

const activations = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'selu', 'softplus'];
const cases: [string, RefProblem][] = [];
for (const a of activations) {
  cases.push([`dense ${a} + mse`, problem([{ type: 'dense', inDim: 4, units: 6, activation: a }, { type: 'dense', inDim: 6, units: 3, activation: 'linear' }], 'mse', { seed: 3 + a.length })]);
  cases.push([`activation layer ${a}`, problem([{ type: 'dense', inDim: 4, units: 5, activation: 'linear' }, { type: 'activation', activation: a }, { type: 'dense', inDim: 5, units: 2, activation: 'linear' }], 'mse', { seed: 11 + a.length })]);
}
cases.push(['leakyReLU layer α=0.3', problem([{ type: 'dense', inDim: 4, units: 5, activation: 'linear' }, { type: 'activation', activation: 'leakyRelu', alpha: 0.3 }, { type: 'dense', inDim: 5, units: 2, activation: 'linear' }], 'mse')]);
cases.push(['elu layer α=0.7', problem([{ type: 'dense', inDim: 4, units: 5, activation: 'linear' }, { type: 'activation', activation: 'elu', alpha: 0.7 }, { type: 'dense', inDim: 5, units: 2, activation: 'linear' }], 'mse')]);
cases.push(['prelu (α gradient)', problem([{ type: 'dense', inDim: 4, units: 6, activation: 'linear' }, { type: 'prelu', units: 6 }, { type: 'dense', inDim: 6, units: 2, activation: 'linear' }], 'mse', { rows: 9 })]);
cases.push(['softmax layer + mse (non-fused softmax backward)', problem([{ type: 'dense', inDim: 4, units: 4, activation: 'linear' }, { type: 'activation', activation: 'softmax' }], 'mse')]);
cases.push(['dense softmax + mse', problem([{ type: 'dense', inDim: 4, units: 3, activation: 'softmax' }], 'mse')]);
cases.push(['mae', problem([{ type: 'dense', inDim: 4, units: 3, activation: 'tanh' }], 'mae')]);
cases.push(['huber', problem([{ type: 'dense', inDim: 4, units: 3, activation: 'linear' }], 'huber')]);
cases.push(['bce after sigmoid (fused)', problem([{ type: 'dense', inDim: 4, units: 6, activation: 'relu' }, { type: 'dense', inDim: 6, units: 2, activation: 'sigmoid' }], 'binaryCrossentropy')]);
cases.push(['bce on probabilities (softmax output, not fused)', problem([{ type: 'dense', inDim: 4, units: 3, activation: 'softmax' }], 'binaryCrossentropy')]);
cases.push(['cce after softmax (fused)', problem([{ type: 'dense', inDim: 4, units: 6, activation: 'tanh' }, { type: 'dense', inDim: 6, units: 4, activation: 'softmax' }], 'categoricalCrossentropy')]);
cases.push(['cce on probabilities (sigmoid output)', problem([{ type: 'dense', inDim: 4, units: 3, activation: 'sigmoid' }], 'categoricalCrossentropy')]);
cases.push(['sparse cce after softmax (fused)', problem([{ type: 'dense', inDim: 4, units: 5, activation: 'softmax' }], 'sparseCategoricalCrossentropy', { rows: 7 })]);
cases.push(['sparse cce after softmax layer', problem([{ type: 'dense', inDim: 4, units: 5, activation: 'linear' }, { type: 'activation', activation: 'softmax' }], 'sparseCategoricalCrossentropy', { rows: 7 })]);
cases.push(['sample weights, mse', problem([{ type: 'dense', inDim: 4, units: 3, activation: 'tanh' }], 'mse', { sampleWeight: true })]);
cases.push(['sample weights, fused cce', problem([{ type: 'dense', inDim: 4, units: 3, activation: 'softmax' }], 'categoricalCrossentropy', { sampleWeight: true })]);
cases.push(['sample weights, fused bce', problem([{ type: 'dense', inDim: 4, units: 2, activation: 'sigmoid' }], 'binaryCrossentropy', { sampleWeight: true })]);
cases.push(['l2 regularizer', problem([{ type: 'dense', inDim: 4, units: 5, activation: 'relu' }, { type: 'dense', inDim: 5, units: 2, activation: 'linear' }], 'mse', { l2: 0.03 })]);
cases.push(['deep 4 layers, batch 1', problem([{ type: 'dense', inDim: 4, units: 7, activation: 'selu' }, { type: 'dense', inDim: 7, units: 5, activation: 'elu' }, { type: 'dense', inDim: 5, units: 6, activation: 'softplus' }, { type: 'dense', inDim: 6, units: 2, activation: 'linear' }], 'mse', { rows: 1 })]);

for (const [label, p] of cases) {
  test(`reference gradients match finite differences: ${label}`, () => fdCheck(p, label));
  test(`lepton gradients match the reference: ${label}`, () => leptonCheck(p, label));
}

test.run();

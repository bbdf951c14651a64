// Gradient checks for graphs: the float64 reference (test/ref/graph.ts) against central finite
// differences, then lepton's float32 backward (computeGradients, backward) against the reference:
// batch norm in training mode (γ, β), every merge layer, a residual block, shared layers, a model
// used as a layer, several outputs with lossWeights, dropout and alpha dropout with fixed masks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, model, type Model, type SymbolicTensor } from '../../src/index.js';
import { Random } from '../../src/random.js';
import { close, rand } from '../helpers.js';
import { SELU_ALPHA, SELU_LAMBDA } from '../ref/activations.js';
import { graphLoss, graphLossAndGrads, type RefGraph, type RefNode } from '../ref/graph.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const R = 6; // batch rows
const r32 = (a: ArrayLike<number>) => Float64Array.from(Float32Array.from(a));
let seed = 1;
const f64 = (n: number, lo = -1, hi = 1) => r32(rand(n, seed++, lo, hi));

interface Case {
  net: Model;
  ref: RefGraph;
}

/** Weights for the reference by lepton's names, random but float32-exact; BN γ near 1. */
function refFor(net: Model, nodes: RefNode[], outputs: number[], lossWeights?: number[]): RefGraph {
  const weights = new Map<string, Float64Array>();
  for (const w of net.weights) {
    if (w.name.endsWith('moving_mean') || w.name.endsWith('moving_variance')) continue;
    const n = w.size;
    weights.set(w.name, w.name.endsWith('gamma') ? f64(n, 0.6, 1.4) : w.name.endsWith('kernel') ? f64(n, -0.8, 0.8) : f64(n, -0.3, 0.3));
  }
  net.setWeights(net.weights.map((w) => ({ data: Float32Array.from(weights.get(w.name) ?? (w.name.endsWith('variance') ? [...new Array(w.size)].map(() => 1) : new Array(w.size).fill(0))), shape: w.shape })));
  const xs = net.inputs.map((t) => f64(R * t.shape[0], -2, 2));
  const ys = net.outputs.map((t) => f64(R * t.shape[0], -1, 1));
  return { nodes, outputs, lossWeights, rows: R, weights, xs, ys };
}

function fdCheck(g: RefGraph, label: string): void {
  const { grads } = graphLossAndGrads(g);
  const h = 1e-6;
  for (const [name, w] of g.weights) {
    const fd = Float64Array.from(w, (_, k) => {
      const keep = w[k];
      w[k] = keep + h; const up = graphLoss(g);
      w[k] = keep - h; const down = graphLoss(g);
      w[k] = keep;
      return (up - down) / (2 * h);
    });
    close(grads.get(name)!, fd, 1e-6, 1e-5, `${label}: reference vs finite differences, ${name}`);
  }
}

function leptonCheck({ net, ref }: Case, label: string): void {
  net.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: ref.lossWeights });
  const want = graphLossAndGrads(ref);
  const x = ref.xs.map((v, i) => ({ data: Float32Array.from(v), shape: [R, ...net.inputs[i].shape] }));
  const y = ref.ys.map((v, o) => ({ data: Float32Array.from(v), shape: [R, ...net.outputs[o].shape] }));
  const got = net.computeGradients(x.length === 1 ? x[0] : x, y.length === 1 ? y[0] : y);
  close([got.loss], [want.loss], 1e-6, 1e-5, `${label}: loss`);
  net.weights.forEach((w, i) => {
    const g = want.grads.get(w.name) ?? new Float64Array(w.size); // moving statistics: no gradient
    close(got.grads[i].data, g, 2e-5, 2e-4, `${label}: lepton vs reference, ${w.name}`);
  });
}

const cases: [string, () => Case][] = [];

cases.push(['batch norm in training mode (γ, β) between dense layers', () => {
  const x = input({ shape: [4] });
  const h = layers.dense(6, { name: 'd1' }).apply(x);
  const b = layers.batchNormalization({ name: 'bn' }).apply(h);
  const a = layers.activation('tanh').apply(b);
  const out = layers.dense(2, { name: 'd2' }).apply(a);
  const net = model({ inputs: x, outputs: out, seed: 1 });
  return { net, ref: refFor(net, [
    { op: 'input', index: 0, cols: 4 }, { op: 'dense', in: 0, name: 'd1', units: 6, activation: 'linear' },
    { op: 'bn', in: 1, name: 'bn', eps: 1e-3 }, { op: 'activation', in: 2, activation: 'tanh' },
    { op: 'dense', in: 3, name: 'd2', units: 2, activation: 'linear' }], [4]) };
}]);

cases.push(['residual block z = relu(W₂relu(W₁x + b₁) + b₂ + x)', () => {
  const x = input({ shape: [4] });
  const h = layers.dense(5, { name: 'r1', activation: 'relu' }).apply(x);
  const d = layers.dense(4, { name: 'r2' }).apply(h);
  const z = layers.activation('relu').apply(layers.add().apply([d, x]));
  const out = layers.dense(2, { name: 'head' }).apply(z);
  const net = model({ inputs: x, outputs: out, seed: 1 });
  return { net, ref: refFor(net, [
    { op: 'input', index: 0, cols: 4 }, { op: 'dense', in: 0, name: 'r1', units: 5, activation: 'relu' },
    { op: 'dense', in: 1, name: 'r2', units: 4, activation: 'linear' }, { op: 'add', ins: [2, 0] },
    { op: 'activation', in: 3, activation: 'relu' }, { op: 'dense', in: 4, name: 'head', units: 2, activation: 'linear' }], [5]) };
}]);

for (const op of ['add', 'subtract', 'multiply', 'average', 'concatenate'] as const) {
  const arity = op === 'subtract' ? 2 : 3;
  cases.push([`merge ${op} of ${arity} branches`, () => {
    const x = input({ shape: [4] });
    const acts = ['tanh', 'sigmoid', 'elu'];
    const branches = acts.slice(0, arity).map((a, i) => layers.dense(3, { name: `b${i}`, activation: a }).apply(x));
    const m = layers[op]().apply(branches);
    const out = layers.dense(2, { name: 'head' }).apply(m);
    const net = model({ inputs: x, outputs: out, seed: 1 });
    const nodes: RefNode[] = [{ op: 'input', index: 0, cols: 4 }];
    acts.slice(0, arity).forEach((a, i) => nodes.push({ op: 'dense', in: 0, name: `b${i}`, units: 3, activation: a }));
    nodes.push({ op, ins: branches.map((_, i) => i + 1) });
    nodes.push({ op: 'dense', in: arity + 1, name: 'head', units: 2, activation: 'linear' });
    return { net, ref: refFor(net, nodes, [arity + 2]) };
  }]);
}

cases.push(['a shared layer applied to two inputs and to its own output (gradients summed)', () => {
  const a = input({ shape: [4] }), b = input({ shape: [4] });
  const shared = layers.dense(4, { name: 'shared', activation: 'tanh' });
  const ha = shared.apply(a), hb = shared.apply(shared.apply(b));
  const out = layers.dense(2, { name: 'head' }).apply(layers.concatenate().apply([ha, hb]));
  const net = model({ inputs: [a, b], outputs: out, seed: 1 });
  return { net, ref: refFor(net, [
    { op: 'input', index: 0, cols: 4 }, { op: 'input', index: 1, cols: 4 },
    { op: 'dense', in: 0, name: 'shared', units: 4, activation: 'tanh' }, { op: 'dense', in: 1, name: 'shared', units: 4, activation: 'tanh' },
    { op: 'dense', in: 3, name: 'shared', units: 4, activation: 'tanh' }, { op: 'concatenate', ins: [2, 4] },
    { op: 'dense', in: 5, name: 'head', units: 2, activation: 'linear' }], [6]) };
}]);

cases.push(['a model used as a layer, twice, with batch norm inside', () => {
  const i = input({ shape: [3] });
  const inner = model({ inputs: i, outputs: layers.dense(3, { name: 'in2', activation: 'tanh' }).apply(layers.batchNormalization({ name: 'ibn' }).apply(layers.dense(3, { name: 'in1' }).apply(i))), name: 'inner', seed: 2 });
  const x = input({ shape: [3] });
  const out = layers.dense(2, { name: 'head' }).apply(inner.apply(inner.apply(x)));
  const net = model({ inputs: x, outputs: out, seed: 1 });
  const block = (from: number): RefNode[] => [
    { op: 'dense', in: from, name: 'in1', units: 3, activation: 'linear' }, { op: 'bn', in: from + 1, name: 'ibn', eps: 1e-3 },
    { op: 'dense', in: from + 2, name: 'in2', units: 3, activation: 'tanh' }];
  return { net, ref: refFor(net, [{ op: 'input', index: 0, cols: 3 }, ...block(0), ...block(3), { op: 'dense', in: 6, name: 'head', units: 2, activation: 'linear' }], [7]) };
}]);

cases.push(['two outputs with lossWeights [1, 0.25]; one output also feeds the other', () => {
  const x = input({ shape: [4] });
  const h = layers.dense(5, { name: 'trunk', activation: 'tanh' }).apply(x);
  const o1 = layers.dense(3, { name: 'o1' }).apply(h);
  const o2 = layers.dense(2, { name: 'o2', activation: 'sigmoid' }).apply(layers.concatenate().apply([h, o1]));
  const net = model({ inputs: x, outputs: [o1, o2], seed: 1 });
  return { net, ref: refFor(net, [
    { op: 'input', index: 0, cols: 4 }, { op: 'dense', in: 0, name: 'trunk', units: 5, activation: 'tanh' },
    { op: 'dense', in: 1, name: 'o1', units: 3, activation: 'linear' }, { op: 'concatenate', ins: [1, 2] },
    { op: 'dense', in: 3, name: 'o2', units: 2, activation: 'sigmoid' }], [2, 4], [1, 0.25]) };
}]);

/** The draws a dropout layer with its own seed makes first: u ≥ rate keeps. */
const keeps = (seed: number, n: number, rate: number) => {
  const rng = new Random(seed);
  return Array.from({ length: n }, () => rng.uniform() >= rate);
};

cases.push(['dropout(0.4) with a fixed mask (the layer seed), inverted scaling', () => {
  const x = input({ shape: [4] });
  const h = layers.dense(6, { name: 'd1', activation: 'relu' }).apply(x);
  const out = layers.dense(2, { name: 'd2' }).apply(layers.dropout(0.4, { seed: 99 }).apply(h));
  const net = model({ inputs: x, outputs: out, seed: 1 });
  const s = Float64Array.from(keeps(99, R * 6, 0.4), (k) => (k ? 1 / 0.6 : 0));
  return { net, ref: refFor(net, [
    { op: 'input', index: 0, cols: 4 }, { op: 'dense', in: 0, name: 'd1', units: 6, activation: 'relu' },
    { op: 'affine', in: 1, s }, { op: 'dense', in: 2, name: 'd2', units: 2, activation: 'linear' }], [3]) };
}]);

cases.push(['alphaDropout(0.2) with a fixed mask after selu', () => {
  const x = input({ shape: [4] });
  const h = layers.dense(6, { name: 'd1', activation: 'selu' }).apply(x);
  const out = layers.dense(2, { name: 'd2' }).apply(layers.alphaDropout(0.2, { seed: 7 }).apply(h));
  const net = model({ inputs: x, outputs: out, seed: 1 });
  const p = 0.2, ap = -SELU_LAMBDA * SELU_ALPHA;
  const a = ((1 - p) * (1 + p * ap * ap)) ** -0.5, b = -a * ap * p;
  const k = keeps(7, R * 6, p);
  // float32 scale and shift, as the layer stores them
  const s = r32(k.map((q) => (q ? a : 0))), t = r32(k.map((q) => (q ? b : a * ap + b)));
  return { net, ref: refFor(net, [
    { op: 'input', index: 0, cols: 4 }, { op: 'dense', in: 0, name: 'd1', units: 6, activation: 'selu' },
    { op: 'affine', in: 1, s, t }, { op: 'dense', in: 2, name: 'd2', units: 2, activation: 'linear' }], [3]) };
}]);

for (const [label, make] of cases) {
  test(`graph gradients: reference vs finite differences, lepton vs reference: ${label}`, () => {
    const c = make();
    fdCheck(c.ref, label);
    leptonCheck(c, label);
  });
}

test('backward returns the gradient with respect to the inputs (both inputs of a two-input model)', () => {
  const c = cases.find(([l]) => l.startsWith('a shared layer'))![1]();
  const want = graphLossAndGrads(c.ref);
  const x = c.ref.xs.map((v) => ({ data: Float32Array.from(v), shape: [R, 4] }));
  // The upstream gradient is dL/dy of the reference's MSE at the reference's output.
  const out = want.outputs[0], y = c.ref.ys[0];
  const dy = Float32Array.from(out, (u, i) => (2 * (u - y[i])) / out.length);
  const dxs = c.net.backward(x, { data: dy, shape: [R, 2] }) as { data: Float32Array; shape: number[] }[];
  assert.is(dxs.length, 2);
  dxs.forEach((d, i) => {
    assert.equal(d.shape, [R, 4]);
    close(d.data, want.dxs[i], 2e-5, 2e-4, `dL/dx${i}`);
  });
});

test.run();

// The depth experiment of seed 004 ("Challenges of training"): a 16-layer sigmoid MLP barely
// trains in a fixed budget (vanishing gradients: σ' ≤ 1/4 per layer), while the same depth trains
// with batch normalization, with SELU + lecunNormal (self-normalizing), or with residual
// shortcuts. Same data, seed, optimizer and number of steps for all four.
//
// Stated outcome, 30 epochs × 16 steps of Adam(1e-3), batch 32, on a target of variance ≈ 1:
// the plain net stays at the variance (it learns the mean and nothing else, final loss > 0.95·var),
// each of the other three ends below 0.8·var.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, model, optimizers, type Model, type SymbolicTensor, type Tensor } from '../../src/index.js';
import { rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const N = 512, D = 8, W = 32, DEPTH = 16;
const x = rand(N * D, 1, -2, 2);
// y = ½ Σ_j sin(0.7(j + 1)·x_j): smooth, every input matters, variance ≈ 1.
const y = Float32Array.from({ length: N }, (_, i) => {
  let s = 0;
  for (let j = 0; j < D; j++) s += Math.sin((j + 1) * 0.7 * x[i * D + j]);
  return s / 2;
});
const mean = y.reduce((a, b) => a + b, 0) / N;
const variance = y.reduce((a, b) => a + (b - mean) ** 2, 0) / N;

type Variant = 'plain sigmoid' | 'batch norm' | 'selu + lecunNormal' | 'residual';

/** 16 dense layers and a linear output. */
function build(v: Variant): Model {
  const inp = input({ shape: [D] });
  let h: SymbolicTensor = inp;
  if (v === 'residual') {
    // 1 + 7 blocks of 2 + 1 = 16 dense layers; each block h + W₂σ(W₁h + b₁) + b₂ keeps an identity path.
    h = layers.dense(W, { activation: 'sigmoid' }).apply(h);
    for (let b = 0; b < (DEPTH - 2) / 2; b++) {
      const a = layers.dense(W, { activation: 'sigmoid' }).apply(h);
      h = layers.add().apply([layers.dense(W).apply(a), h]);
    }
    h = layers.dense(W, { activation: 'sigmoid' }).apply(h);
  } else {
    for (let l = 0; l < DEPTH; l++) {
      if (v === 'plain sigmoid') h = layers.dense(W, { activation: 'sigmoid' }).apply(h);
      else if (v === 'batch norm') h = layers.activation('sigmoid').apply(layers.batchNormalization().apply(layers.dense(W, { useBias: false }).apply(h)));
      else h = layers.dense(W, { activation: 'selu', kernelInitializer: 'lecunNormal' }).apply(h);
    }
  }
  return model({ inputs: inp, outputs: layers.dense(1).apply(h), seed: 7 });
}

test('16 layers: plain sigmoid barely trains; batch norm, SELU + lecunNormal and residual shortcuts do', async () => {
  const final: Record<string, number> = {};
  for (const v of ['plain sigmoid', 'batch norm', 'selu + lecunNormal', 'residual'] as Variant[]) {
    const net = build(v);
    net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'mse' });
    const h = await net.fit({ data: x, shape: [N, D] }, { data: y, shape: [N, 1] }, { epochs: 30, batchSize: 32, verbose: 0 });
    final[v] = h.history.loss[29];
  }
  const report = Object.entries(final).map(([k, l]) => `${k}: ${(l / variance).toFixed(3)}·var`).join(', ');
  assert.ok(final['plain sigmoid'] > 0.95 * variance, `plain sigmoid should stay near the variance: ${report}`);
  for (const v of ['batch norm', 'selu + lecunNormal', 'residual']) assert.ok(final[v] < 0.8 * variance, `${v} should train: ${report}`);
});

test('SELU + lecunNormal keeps activations near mean 0 and variance 1 through 16 layers', () => {
  const inp = input({ shape: [64] });
  let h: SymbolicTensor = inp;
  for (let l = 0; l < DEPTH; l++) h = layers.dense(64, { activation: 'selu', kernelInitializer: 'lecunNormal' }).apply(h);
  const net = model({ inputs: inp, outputs: h, seed: 3 });
  const u = rand(2 * 256 * 64, 11, 1e-7, 1);
  const z = Float32Array.from({ length: 256 * 64 }, (_, i) => Math.sqrt(-2 * Math.log(u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]));
  const a = (net.predict({ data: z, shape: [256, 64] }) as Tensor).data;
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  const v = a.reduce((s, q) => s + (q - m) ** 2, 0) / a.length;
  assert.ok(Math.abs(m) < 0.2 && Math.abs(v - 1) < 0.3, `layer 16: mean ${m}, variance ${v}`);
});

test.run();

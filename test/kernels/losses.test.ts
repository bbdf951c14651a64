import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Kernels } from '../../src/wasm/kernels.js';
import { close, kernels, rand } from '../helpers.js';
import * as ref from '../ref/losses.js';
import { BUILDS, SHAPES, checkGuard, f32, guarded } from './guard.js';

const EPS = 1e-7, DELTA = 0.7;

interface Case {
  name: string;
  ref: ref.Loss;
  call: (k: Kernels, yp: number, yt: number, w: number, g: number, rows: number, cols: number, scale: number) => number;
  inputs: (n: number, seed: number) => [Float32Array, Float32Array];
}

const regression = (n: number, seed: number): [Float32Array, Float32Array] => {
  const yp = rand(n, seed, -2, 2), yt = rand(n, seed + 1, -2, 2);
  if (n > 2) yt[1] = yp[1]; // e = 0: MAE's gradient is 0 there
  return [yp, yt];
};
const probabilities = (n: number, seed: number): [Float32Array, Float32Array] => {
  const p = rand(n, seed, 0, 1), t = rand(n, seed + 1, 0, 1);
  if (n > 3) { p[0] = 0; p[1] = 1; p[2] = 1e-9; } // clipped: zero gradient
  return [p, t];
};

const CASES: Case[] = [
  { name: 'mse', ref: ref.mse, call: (k, ...a) => k.f32_mse(...a), inputs: regression },
  { name: 'mae', ref: ref.mae, call: (k, ...a) => k.f32_mae(...a), inputs: regression },
  { name: 'huber', ref: ref.huber(Math.fround(DELTA)), inputs: regression,
    call: (k, yp, yt, w, g, r, c, s) => k.f32_huber(yp, yt, w, g, r, c, DELTA, s) },
  { name: 'bce_logits', ref: ref.bceLogits, call: (k, ...a) => k.f32_bce_logits(...a),
    inputs: (n, seed) => [rand(n, seed, -8, 8), rand(n, seed + 1, 0, 1)] },
  { name: 'bce', ref: ref.bce(EPS), inputs: probabilities,
    call: (k, yp, yt, w, g, r, c, s) => k.f32_bce(yp, yt, w, g, r, c, EPS, s) },
  { name: 'cce', ref: ref.cce(EPS), inputs: probabilities,
    call: (k, yp, yt, w, g, r, c, s) => k.f32_cce(yp, yt, w, g, r, c, EPS, s) },
];

// Shapes with a long flat run too (no weights: one run of rows·cols).
const LOSS_SHAPES: [number, number][] = [...SHAPES, [257, 1], [33, 3]];

for (const build of BUILDS) {
  test(`losses match the f64 reference: value and gradient, w on/off, guard (${build})`, () => {
    const b = kernels(build);
    for (const c of CASES) {
      for (const [rows, cols] of LOSS_SHAPES) {
        const n = rows * cols;
        const [yp, yt] = c.inputs(n, rows * 31 + cols);
        const w = rand(rows, 9, 0.1, 2);
        const ypp = b.put(yp), ytp = b.put(yt);
        for (const withW of [false, true]) {
          const ctx = `${c.name} ${rows}x${cols} w=${withW} ${build}`;
          const want = ref.loss(c.ref, yp, yt, withW ? w : null, rows, cols, 0.5);
          const wp = withW ? b.put(w) : 0, gp = guarded(b, n);
          const value = c.call(b.k, ypp, ytp, wp, gp, rows, cols, 0.5);
          close([value], [want.value], 1e-6, 1e-5, `value ${ctx}`);
          checkGuard(b, gp, n, ctx);
          close(b.get(gp, n), want.grad, 1e-6, 1e-5, `grad ${ctx}`);
          const valueOnly = c.call(b.k, ypp, ytp, wp, 0, rows, cols, 0.5);
          assert.is(valueOnly, value, `value without gradient ${ctx}`);
        }
        // dyp aliasing yp
        const alias = guarded(b, yp);
        const want = ref.loss(c.ref, yp, yt, null, rows, cols, 0.5);
        c.call(b.k, alias, ytp, 0, alias, rows, cols, 0.5);
        checkGuard(b, alias, n, `${c.name} in place`);
        close(b.get(alias, n), want.grad, 1e-6, 1e-5, `${c.name} ${rows}x${cols} grad in place ${build}`);
      }
    }
  });

  test(`losses at extreme inputs stay finite; NaN propagates (${build})`, () => {
    const b = kernels(build);
    // bce_logits at ±100, ±1e30
    const z = f32([100, -100, 1e30, -1e30, 0, 30]), t = f32([1, 0, 0.3, 1, 0.5, 1]);
    const gp = b.zeros(6);
    const v = b.k.f32_bce_logits(b.put(z), b.put(t), 0, gp, 1, 6, 1);
    const want = ref.loss(ref.bceLogits, z, t, null, 1, 6, 1);
    assert.ok(Number.isFinite(v));
    close([v], [want.value], 1e-6, 1e-6, 'bce_logits value');
    close(b.get(gp, 6), want.grad, 1e-7, 1e-6, 'bce_logits grad');
    for (const c of CASES) {
      const [yp, yt] = c.inputs(9, 4);
      yp[5] = NaN;
      const g = b.zeros(9);
      const value = c.call(b.k, b.put(yp), b.put(yt), 0, g, 1, 9, 1);
      const grad = b.get(g, 9);
      assert.ok(Number.isNaN(value), `${c.name} value NaN`);
      assert.ok(Number.isNaN(grad[5]), `${c.name} grad NaN`);
      assert.ok(grad.every((x, i) => i === 5 || Number.isFinite(x)), `${c.name} other grads finite`);
    }
  });
}

test('mae gradient is 0 where yp = yt; huber switches at δ (Keras)', () => {
  const b = kernels();
  const g = b.zeros(5);
  b.k.f32_mae(b.put([1, 2, 3, 4, 5]), b.put([1, 1, 4, 4, 0]), 0, g, 1, 5, 1);
  assert.equal(Array.from(b.get(g, 5)), [0, 1, -1, 0, 1]);
  const v = b.k.f32_huber(b.put([0.5, 3]), b.put([0, 0]), 0, 0, 1, 2, 1, 1);
  close([v], [0.5 * 0.25 + 1 * (3 - 0.5)], 0, 1e-7, 'huber');
});

test.run();

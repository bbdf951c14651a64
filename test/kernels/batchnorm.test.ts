// Batch-norm kernels against the float64 reference, swept around the 16-, 4- and 1-column blocks,
// with and without γ/β, accumulation, aliasing and the guard band; the backward also against
// central differences of the reference forward.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, kernels, rand } from '../helpers.js';
import * as ref from '../ref/batchnorm.js';
import { BUILDS, SHAPES, checkGuard, guarded } from './guard.js';

// cols: below, at and past 4 and 16, several blocks with a prime leftover; rows from 2.
const BN_SHAPES: [number, number][] = [...SHAPES.filter(([r, c]) => r >= 2 && c > 0), [2, 16], [5, 32], [3, 35], [7, 48], [6, 63], [65, 19], [128, 37]];
const EPS = 1e-3;

for (const build of BUILDS) {
  test(`batchnorm_stats: two-pass mean and biased variance; batchnorm_apply normalizes (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of BN_SHAPES) {
      for (const affine of [false, true]) {
        const ctx = `${rows}x${cols} affine=${affine} ${build}`;
        // An offset far from zero: E[x²] − E[x]² would lose most digits here, two passes do not.
        const x = rand(rows * cols, rows * 31 + cols, 99, 101);
        const gamma = affine ? rand(cols, 5, 0.5, 1.5) : undefined, beta = affine ? rand(cols, 6, -1, 1) : undefined;
        const xp = b.put(x), yp = guarded(b, rows * cols), mp = guarded(b, cols), vp = guarded(b, cols);
        b.k.f32_batchnorm_stats(xp, mp, vp, rows, cols);
        b.k.f32_batchnorm_apply(xp, yp, mp, vp, gamma ? b.put(gamma) : 0, beta ? b.put(beta) : 0, rows, cols, EPS);
        for (const [p, n, what] of [[yp, rows * cols, 'y'], [mp, cols, 'mean'], [vp, cols, 'var']] as const) checkGuard(b, p, n, `${what} ${ctx}`);
        const s = ref.stats(x, rows, cols);
        close(b.get(mp, cols), s.mean, 1e-4, 1e-6, `mean ${ctx}`);
        close(b.get(vp, cols), s.variance, 2e-5, 2e-3, `var ${ctx}`);
        close(b.get(yp, rows * cols), ref.normalize(x, rows, cols, s.mean, s.variance, EPS, gamma, beta), 2e-4, 2e-3, `y ${ctx}`);
      }
    }
  });

  test(`batchnorm_apply in place; a column's value does not depend on its block; NaN stays in its column (${build})`, () => {
    const b = kernels(build);
    const rows = 6, cols = 37, x = rand(rows * cols, 4, -3, 3);
    const train = (xp: number, yp: number, c: number) => {
      const m = b.zeros(c), v = b.zeros(c);
      b.k.f32_batchnorm_stats(xp, m, v, rows, c);
      b.k.f32_batchnorm_apply(xp, yp, m, v, 0, 0, rows, c, EPS);
      return m;
    };
    const y = b.zeros(rows * cols);
    train(b.put(x), y, cols);
    const xp = b.put(x);
    train(xp, xp, cols);
    assert.equal(Array.from(b.get(xp, rows * cols)), Array.from(b.get(y, rows * cols)), 'in place');
    const all = b.get(y, rows * cols);
    for (const j of [0, 17, 33, 36]) {
      const one = b.zeros(rows);
      train(b.put(Float32Array.from({ length: rows }, (_, i) => x[i * cols + j])), one, 1);
      assert.equal(Array.from(b.get(one, rows)), Array.from({ length: rows }, (_, i) => all[i * cols + j]), `column ${j}`);
    }
    x[2 * cols + 5] = NaN;
    const mean = b.get(train(b.put(x), y, cols), cols);
    assert.ok(mean.every((u, j) => Number.isNaN(u) === (j === 5)));
  });

  test(`batchnorm_apply matches the reference with given statistics (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of BN_SHAPES) {
      const ctx = `${rows}x${cols} ${build}`;
      const x = rand(rows * cols, rows + cols, -2, 2), mean = rand(cols, 8, -1, 1), vr = rand(cols, 9, 0.1, 3);
      const gamma = rand(cols, 10, 0.5, 1.5), beta = rand(cols, 11, -1, 1);
      const yp = guarded(b, rows * cols);
      b.k.f32_batchnorm_apply(b.put(x), yp, b.put(mean), b.put(vr), b.put(gamma), b.put(beta), rows, cols, EPS);
      checkGuard(b, yp, rows * cols, ctx);
      close(b.get(yp, rows * cols), ref.normalize(x, rows, cols, mean, vr, EPS, gamma, beta), 1e-5, 1e-5, ctx);
    }
  });

  test(`batchnorm_grad matches the reference: dx, dγ, dβ, acc, aliasing, skipped outputs (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of BN_SHAPES) {
      for (const affine of [false, true]) {
        const x = rand(rows * cols, rows * 7 + cols, -2, 2), dy = rand(rows * cols, cols * 3 + rows, -1, 1);
        const gamma = affine ? rand(cols, 12, 0.5, 1.5) : undefined;
        const want = ref.grad(x, dy, rows, cols, EPS, gamma);
        const xp = b.put(x), mp = b.zeros(cols), vp = b.zeros(cols);
        b.k.f32_batchnorm_stats(xp, mp, vp, rows, cols);
        const g0 = rand(cols, 13), b0 = rand(cols, 14);
        for (const acc of [0, 1]) {
          const ctx = `${rows}x${cols} affine=${affine} acc=${acc} ${build}`;
          const dxp = guarded(b, rows * cols), dgp = guarded(b, g0), dbp = guarded(b, b0);
          b.k.f32_batchnorm_grad(xp, b.put(dy), dxp, mp, vp, gamma ? b.put(gamma) : 0, dgp, dbp, rows, cols, EPS, acc);
          for (const [p, n, what] of [[dxp, rows * cols, 'dx'], [dgp, cols, 'dgamma'], [dbp, cols, 'dbeta']] as const) checkGuard(b, p, n, `${what} ${ctx}`);
          const plus = (a: Float64Array, c: Float32Array) => (acc ? a.map((v, j) => v + c[j]) : a);
          close(b.get(dxp, rows * cols), want.dx, 5e-5, 2e-3, `dx ${ctx}`);
          close(b.get(dgp, cols), plus(want.dgamma, g0), 1e-4, 1e-4, `dgamma ${ctx}`);
          close(b.get(dbp, cols), plus(want.dbeta, b0), 1e-5, 1e-5, `dbeta ${ctx}`);
        }
        // dx in place over dy, γ/β gradients skipped.
        const dyp = b.put(dy);
        b.k.f32_batchnorm_grad(xp, dyp, dyp, mp, vp, gamma ? b.put(gamma) : 0, 0, 0, rows, cols, EPS, 0);
        close(b.get(dyp, rows * cols), want.dx, 5e-5, 2e-3, `dx aliased ${rows}x${cols} ${build}`);
      }
    }
  });
}

test('reference batch-norm backward matches central differences of the reference forward', () => {
  const rows = 5, cols = 3, x = Float64Array.from(rand(rows * cols, 3, -2, 2)), dy = Float64Array.from(rand(rows * cols, 4));
  const gamma = Float64Array.from(rand(cols, 5, 0.5, 1.5)), beta = Float64Array.from(rand(cols, 6));
  const f = () => {
    const s = ref.stats(x, rows, cols);
    return ref.normalize(x, rows, cols, s.mean, s.variance, EPS, gamma, beta).reduce((a, v, i) => a + v * dy[i], 0);
  };
  const fd = (a: Float64Array) => Float64Array.from(a, (_, k) => {
    const keep = a[k], h = 1e-6;
    a[k] = keep + h; const up = f();
    a[k] = keep - h; const down = f();
    a[k] = keep;
    return (up - down) / (2 * h);
  });
  const g = ref.grad(x, dy, rows, cols, EPS, gamma);
  close(g.dx, fd(x), 1e-7, 1e-6, 'dx');
  close(g.dgamma, fd(gamma), 1e-7, 1e-6, 'dgamma');
  close(g.dbeta, fd(beta), 1e-7, 1e-6, 'dbeta');
});

test.run();

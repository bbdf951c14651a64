// Layer-norm kernels (assembly/f32-layernorm.ts) against the float64 reference over row widths
// around the f32x4 width and its multiples (SHAPES, plus wide and offset rows), with and without
// γ/β, accumulation, in place and aliasing, the guard band; the reference's backward also against
// central differences of its forward.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, kernels, rand } from '../helpers.js';
import * as ref from '../ref/layernorm.js';
import { BUILDS, SHAPES, checkGuard, guarded } from './guard.js';

const LN_SHAPES: [number, number][] = [...SHAPES.filter(([, c]) => c > 0), [3, 64], [2, 127], [5, 300], [0, 3]];
const EPS = 1e-3;

test('the reference backward matches central differences of the reference forward', () => {
  const rows = 3, cols = 7, x = Array.from(rand(rows * cols, 1, -2, 2)), dy = Array.from(rand(rows * cols, 2, -1, 1));
  const gamma = Array.from(rand(cols, 3, 0.5, 1.5)), beta = Array.from(rand(cols, 4, -1, 1));
  const f = (xx: number[], g: number[], b: number[]) => ref.layernorm(xx, rows, cols, EPS, g, b).y.reduce((s, v, k) => s + v * dy[k], 0);
  const fd = (v: number[], k: number, call: () => number) => {
    const keep = v[k];
    v[k] = keep + 1e-6; const up = call();
    v[k] = keep - 1e-6; const down = call();
    v[k] = keep;
    return (up - down) / 2e-6;
  };
  const g = ref.layernormGrad(x, dy, rows, cols, EPS, gamma);
  close(g.dx, x.map((_, k) => fd(x, k, () => f(x, gamma, beta))), 1e-7, 1e-6, 'dx');
  close(g.dgamma, gamma.map((_, k) => fd(gamma, k, () => f(x, gamma, beta))), 1e-7, 1e-6, 'dgamma');
  close(g.dbeta, beta.map((_, k) => fd(beta, k, () => f(x, gamma, beta))), 1e-7, 1e-6, 'dbeta');
});

for (const build of BUILDS) {
  test(`layernorm: row statistics and normalization (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of LN_SHAPES) {
      for (const affine of [false, true]) {
        const ctx = `${rows}x${cols} affine=${affine} ${build}`;
        // rows far from zero: two passes keep the digits that E[x²] − E[x]² would lose
        const x = rand(rows * cols, rows * 31 + cols, 99, 101);
        const gamma = affine ? rand(cols, 5, 0.5, 1.5) : undefined, beta = affine ? rand(cols, 6, -1, 1) : undefined;
        const xp = b.put(x), yp = guarded(b, rows * cols), sp = guarded(b, 2 * rows);
        b.k.f32_layernorm(xp, yp, sp, gamma ? b.put(gamma) : 0, beta ? b.put(beta) : 0, rows, cols, EPS);
        checkGuard(b, yp, rows * cols, `y ${ctx}`);
        checkGuard(b, sp, 2 * rows, `stats ${ctx}`);
        const r = ref.layernorm(x, rows, cols, EPS, gamma, beta);
        close(b.get(yp, rows * cols), r.y, 2e-4, 2e-3, `y ${ctx}`);
        const s = b.get(sp, 2 * rows);
        close(s.filter((_, k) => k % 2 === 0), r.mean, 1e-4, 1e-6, `mean ${ctx}`);
        close(s.filter((_, k) => k % 2 === 1), r.rstd, 1e-4, 2e-3, `1/std ${ctx}`);
      }
    }
  });

  test(`layernorm_grad: dx, dγ, dβ; accumulation; dx in place over dy; parts skipped (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of LN_SHAPES) {
      for (const affine of [false, true]) {
        const ctx = `${rows}x${cols} affine=${affine} ${build}`;
        const x = rand(rows * cols, rows + 7 * cols, -3, 3), dy = rand(rows * cols, rows + cols + 1, -1, 1);
        const gamma = affine ? rand(cols, 8, 0.5, 1.5) : undefined;
        const xp = b.put(x), yp = b.zeros(rows * cols), sp = b.zeros(2 * rows), gp = gamma ? b.put(gamma) : 0;
        b.k.f32_layernorm(xp, yp, sp, gp, 0, rows, cols, EPS);
        const want = ref.layernormGrad(x, dy, rows, cols, EPS, gamma);
        const dyp = b.put(dy), dxp = guarded(b, rows * cols), dgp = guarded(b, cols), dbp = guarded(b, cols);
        b.k.f32_layernorm_grad(xp, dyp, dxp, sp, gp, dgp, dbp, rows, cols, 0);
        for (const [p, n, w] of [[dxp, rows * cols, 'dx'], [dgp, cols, 'dgamma'], [dbp, cols, 'dbeta']] as const) checkGuard(b, p, n, `${w} ${ctx}`);
        close(b.get(dxp, rows * cols), want.dx, 2e-4, 2e-3, `dx ${ctx}`);
        close(b.get(dgp, cols), want.dgamma, 2e-4, 2e-3, `dgamma ${ctx}`);
        close(b.get(dbp, cols), want.dbeta, 2e-4, 2e-3, `dbeta ${ctx}`);
        // acc: the sums are added to what is there; dx in place over dy; dx = 0 writes only the sums
        b.k.f32_layernorm_grad(xp, dyp, dyp, sp, gp, dgp, dbp, rows, cols, 1);
        close(b.get(dyp, rows * cols), want.dx, 2e-4, 2e-3, `dx over dy ${ctx}`);
        close(b.get(dgp, cols), want.dgamma.map((v) => 2 * v), 4e-4, 2e-3, `dgamma acc ${ctx}`);
        close(b.get(dbp, cols), want.dbeta.map((v) => 2 * v), 4e-4, 2e-3, `dbeta acc ${ctx}`);
        const only = b.put(dy);
        b.k.f32_layernorm_grad(xp, only, 0, sp, gp, 0, dbp, rows, cols, 0);
        assert.equal(Array.from(b.get(only, rows * cols)), Array.from(Float32Array.from(dy)), `dx = 0 leaves dy ${ctx}`);
        close(b.get(dbp, cols), want.dbeta, 2e-4, 2e-3, `dbeta alone ${ctx}`);
      }
    }
  });

  test(`layernorm in place; a row's value does not depend on the other rows; NaN stays in its row (${build})`, () => {
    const b = kernels(build);
    const rows = 5, cols = 37, x = rand(rows * cols, 4, -3, 3);
    const y = b.zeros(rows * cols), s = b.zeros(2 * rows);
    b.k.f32_layernorm(b.put(x), y, s, 0, 0, rows, cols, EPS);
    const xp = b.put(x);
    b.k.f32_layernorm(xp, xp, s, 0, 0, rows, cols, EPS);
    assert.equal(Array.from(b.get(xp, rows * cols)), Array.from(b.get(y, rows * cols)), 'in place');
    const all = b.get(y, rows * cols);
    const one = b.zeros(cols);
    b.k.f32_layernorm(b.put(x.subarray(3 * cols, 4 * cols)), one, s, 0, 0, 1, cols, EPS);
    assert.equal(Array.from(b.get(one, cols)), Array.from(all.subarray(3 * cols, 4 * cols)), 'row 3 alone');
    x[2 * cols + 5] = NaN;
    b.k.f32_layernorm(b.put(x), y, s, 0, 0, rows, cols, EPS);
    const out = b.get(y, rows * cols);
    for (let i = 0; i < rows; i++) assert.is(Number.isNaN(out[i * cols]), i === 2, `row ${i}`);
  });
}

test.run();

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, kernels, rand } from '../helpers.js';
import * as ref from '../ref/reduce.js';
import { BUILDS, SHAPES, SIZES, checkGuard, f32, guarded } from './guard.js';

// col_sum runs blocks of 16 columns, then 4, then a scalar tail: sweep around both widths.
const COL_SHAPES: [number, number][] = [...SHAPES, [5, 32], [3, 35], [7, 48], [2, 63], [65, 19]];

for (const build of BUILDS) {
  test(`col_sum matches the reference, acc on/off, guard (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of COL_SHAPES) {
      const x = rand(rows * cols, cols * 3 + rows), y0 = rand(cols, 77);
      const xp = b.put(x);
      for (const acc of [0, 1]) {
        const ctx = `${rows}x${cols} acc=${acc} ${build}`;
        const yp = guarded(b, y0);
        b.k.f32_col_sum(xp, yp, rows, cols, acc);
        checkGuard(b, yp, cols, ctx);
        close(b.get(yp, cols), ref.colSum(x, rows, cols, acc ? y0 : undefined), 1e-6, 1e-5, ctx);
      }
    }
  });

  test(`col_sum: a column's value does not depend on which block it falls in; NaN stays in its column (${build})`, () => {
    const b = kernels(build);
    const rows = 9, x = rand(rows * 37, 3, -1e3, 1e3);
    const wide = b.zeros(37);
    b.k.f32_col_sum(b.put(x), wide, rows, 37, 0);
    const all = b.get(wide, 37);
    for (const j of [0, 17, 33, 36]) { // block of 16, block of 4, tail
      const col = Float32Array.from({ length: rows }, (_, i) => x[i * 37 + j]);
      const one = b.zeros(1);
      b.k.f32_col_sum(b.put(col), one, rows, 1, 0);
      assert.is(b.get(one, 1)[0], all[j], `column ${j}`);
    }
    x[2 * 37 + 5] = NaN;
    b.k.f32_col_sum(b.put(x), wide, rows, 37, 0);
    const y = b.get(wide, 37);
    assert.ok(y.every((v, j) => Number.isNaN(v) === (j === 5)));
  });

  test(`sumsq matches the reference in f64 over sizes (${build})`, () => {
    const b = kernels(build);
    for (const n of SIZES) {
      const x = rand(n, n + 2, -3, 3);
      close([b.k.f32_sumsq(b.put(x), n)], [ref.sumsq(x)], 1e-12, 1e-12, `n=${n} ${build}`);
    }
    const big = f32([1e30, -1e30, 3e38]);
    close([b.k.f32_sumsq(b.put(big), 3)], [ref.sumsq(big)], 0, 1e-12, 'no f32 overflow');
    assert.ok(Number.isNaN(b.k.f32_sumsq(b.put([1, NaN, 2, 3, 4]), 5)));
  });

  test(`l1 (Σ|x| and g += λ·sign(x)) matches the reference over sizes, zeros included (${build})`, () => {
    const b = kernels(build);
    for (const n of SIZES) {
      const x = rand(n, n + 3, -3, 3).map((v, i) => (i % 5 === 2 ? 0 : v));
      const g0 = rand(n, n + 4);
      const want = ref.l1(x, g0, 0.01);
      const xp = b.put(x);
      close([b.k.f32_l1(xp, 0, n, 0.01)], [want.value], 1e-12, 1e-7, `value n=${n} ${build}`);
      const gp = b.put(g0);
      close([b.k.f32_l1(xp, gp, n, 0.01)], [want.value], 1e-12, 1e-7, `value with g n=${n} ${build}`);
      close(b.get(gp, n), want.g!, 1e-7, 1e-6, `g n=${n} ${build}`);
    }
    const g = b.put([0, 0, 0, 0, 0]);
    assert.ok(Number.isNaN(b.k.f32_l1(b.put([1, NaN, 0, -3, 4]), g, 5, 1)));
    assert.equal(Array.from(b.get(g, 5)).map(String), ['1', 'NaN', '0', '-1', '1']);
  });
}

test.run();

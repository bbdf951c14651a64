import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, kernels, rand } from '../helpers.js';
import * as ref from '../ref/vector.js';
import { BUILDS, SHAPES, SIZES, checkGuard, f32, guarded } from './guard.js';

for (const build of BUILDS) {
  test(`axpy, scale, copy, clip match the reference over sizes; aliasing; guard (${build})`, () => {
    const b = kernels(build);
    for (const n of SIZES) {
      const ctx = `n=${n} ${build}`;
      const x = rand(n, n + 1, -4, 4), y = rand(n, n + 2, -4, 4);
      x[n >> 1] = NaN;
      const xp = b.put(x);

      let yp = guarded(b, y);
      b.k.f32_axpy(n, 0.75, xp, yp);
      checkGuard(b, yp, n, `axpy ${ctx}`);
      close(b.get(yp, n), ref.axpy(0.75, x, y), 1e-6, 1e-6, `axpy ${ctx}`);
      yp = guarded(b, y);
      b.k.f32_axpy(n, 0.75, yp, yp);
      close(b.get(yp, n), ref.axpy(0.75, y, y), 1e-6, 1e-6, `axpy aliased ${ctx}`);

      yp = guarded(b, n);
      b.k.f32_scale(n, -1.5, xp, yp);
      checkGuard(b, yp, n, `scale ${ctx}`);
      close(b.get(yp, n), f32(ref.scale(-1.5, x)), 0, 0, `scale ${ctx}`);
      yp = guarded(b, y);
      b.k.f32_scale(n, -1.5, yp, yp);
      close(b.get(yp, n), f32(ref.scale(-1.5, y)), 0, 0, `scale in place ${ctx}`);

      yp = guarded(b, n);
      b.k.f32_copy(xp, yp, n);
      checkGuard(b, yp, n, `copy ${ctx}`);
      close(b.get(yp, n), x, 0, 0, `copy ${ctx}`);

      yp = guarded(b, x);
      b.k.f32_clip(yp, n, -1, 0.5);
      checkGuard(b, yp, n, `clip ${ctx}`);
      close(b.get(yp, n), ref.clip(x, -1, 0.5), 0, 0, `clip ${ctx}`);
    }
  });

  test(`copy keeps NaN payloads bit for bit (${build})`, () => {
    const b = kernels(build);
    const bits = Uint32Array.from([0x7fc00001, 0xffc12345, 0x7f800001, 1, 0x80000000]);
    const src = b.arena.alloc(20), dst = b.arena.alloc(20);
    b.arena.i32(src, 5).set(bits);
    b.k.f32_copy(src, dst, 5);
    assert.equal(Array.from(new Uint32Array(b.arena.i32(dst, 5))), Array.from(bits));
  });

  test(`gather_rows matches the reference over shapes (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of SHAPES) {
      if (rows === 0) continue;
      const src = rand(rows * cols, cols + 1);
      const idx = Int32Array.from({ length: 2 * rows + 1 }, (_, i) => (i * 7 + 3) % rows);
      const n = idx.length * cols, dp = guarded(b, n);
      b.k.f32_gather_rows(b.put(src), b.putI32(idx), idx.length, cols, dp);
      checkGuard(b, dp, n, `${rows}x${cols}`);
      close(b.get(dp, n), ref.gatherRows(src, idx, cols), 0, 0, `${rows}x${cols} ${build}`);
    }
  });

  test(`mul matches the reference over sizes, in place; guard (${build})`, () => {
    const b = kernels(build);
    for (const n of SIZES) {
      const x = rand(n, n + 3, -4, 4), y = rand(n, n + 4, -4, 4);
      for (const [name, f, r] of [['mul', b.k.f32_mul, ref.mul]] as const) {
        const zp = guarded(b, n);
        f(b.put(x), b.put(y), zp, n);
        checkGuard(b, zp, n, `${name} n=${n}`);
        close(b.get(zp, n), f32(r(x, y)), 0, 0, `${name} n=${n} ${build}`);
        const xp = b.put(x);
        f(xp, b.put(y), xp, n);
        close(b.get(xp, n), f32(r(x, y)), 0, 0, `${name} in place n=${n} ${build}`);
      }
    }
  });

  test(`copy_2d copies a column block between strided matrices (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of SHAPES) {
      const lds = cols + 3, ldd = cols + 5, off = 2;
      const src = rand(rows * lds, cols + 9);
      const dp = guarded(b, rows * ldd);
      b.k.f32_copy_2d(b.put(src), lds, dp + off * 4, ldd, rows, cols);
      checkGuard(b, dp, rows * ldd, `${rows}x${cols}`);
      close(b.get(dp, rows * ldd), ref.copy2d(src, lds, rows * ldd, ldd, off, rows, cols), 0, 0, `${rows}x${cols} ${build}`);
    }
  });
}

test.run();

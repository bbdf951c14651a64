import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, kernels, rand } from '../helpers.js';
import * as ref from '../ref/softmax-xent.js';
import { BUILDS, SHAPES, checkGuard, guarded } from './guard.js';

/** Random targets: one-hot rows when `hard`, else probability rows. */
function targets(rows: number, cols: number, seed: number, hard: boolean): { t: Float32Array; labels: Int32Array } {
  const t = new Float32Array(rows * cols), labels = new Int32Array(rows);
  const u = rand(rows * cols + rows, seed, 0, 1);
  for (let i = 0; i < rows; i++) {
    labels[i] = Math.min(cols - 1, Math.floor(u[rows * cols + i] * cols));
    if (hard) t[i * cols + labels[i]] = 1;
    else {
      let s = 0;
      for (let j = 0; j < cols; j++) s += u[i * cols + j];
      for (let j = 0; j < cols; j++) t[i * cols + j] = u[i * cols + j] / s;
    }
  }
  return { t, labels };
}

for (const build of BUILDS) {
  test(`softmax and softmax_grad match the reference; in place; guard (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of SHAPES) {
      const n = rows * cols, ctx = `${rows}x${cols} ${build}`;
      const x = rand(n, cols, -5, 5);
      const xp = b.put(x), yp = guarded(b, n);
      b.k.f32_softmax(xp, yp, rows, cols);
      checkGuard(b, yp, n, ctx);
      const y = b.get(yp, n);
      close(y, ref.softmax(x, rows, cols), 1e-7, 1e-5, ctx);
      const xi = guarded(b, x);
      b.k.f32_softmax(xi, xi, rows, cols);
      checkGuard(b, xi, n, `in place ${ctx}`);
      close(b.get(xi, n), y, 0, 0, `in place ${ctx}`);

      const dy = rand(n, rows + 5);
      const dyp = guarded(b, dy), dxp = guarded(b, n);
      b.k.f32_softmax_grad(yp, dyp, dxp, rows, cols);
      checkGuard(b, dxp, n, `grad ${ctx}`);
      const want = ref.softmaxGrad(y, dy, rows, cols);
      close(b.get(dxp, n), want, 1e-6, 1e-5, `grad ${ctx}`);
      b.k.f32_softmax_grad(yp, dyp, dyp, rows, cols); // dx aliases dy
      checkGuard(b, dyp, n, `grad in place ${ctx}`);
      close(b.get(dyp, n), want, 1e-6, 1e-5, `grad in place ${ctx}`);
    }
  });

  test(`softmax is finite at ±100 and ±1e30; NaN poisons only its row (${build})`, () => {
    const b = kernels(build);
    const x = Float32Array.from([100, -100, 1e30, -1e30, 0, 3, 1e30, 1e30, -1e30, -1e30, 5, 4]);
    const xp = b.put(x);
    b.k.f32_softmax(xp, xp, 2, 6);
    const y = b.get(xp, 12);
    assert.ok(y.every(Number.isFinite), `finite: ${y}`);
    close(y, ref.softmax(x, 2, 6), 1e-7, 1e-6, 'extremes');

    const z = Float32Array.from([1, NaN, 2, 3, 1, 2, 3, 4]);
    const zp = b.put(z);
    b.k.f32_softmax(zp, zp, 2, 4);
    const p = b.get(zp, 8);
    assert.ok(p.slice(0, 4).every(Number.isNaN), 'NaN row');
    close(p.slice(4), ref.softmax(z.slice(4), 1, 4), 1e-7, 1e-6, 'clean row');
  });

  test(`softmax_xent and sparse match the reference: w on/off, p/dz present/absent (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of SHAPES) {
      const n = rows * cols;
      const z = rand(n, cols + 17, -4, 4), w = rand(rows, 3, 0.1, 2);
      for (const hard of [true, false]) {
        const { t, labels } = targets(rows, cols, rows * 7 + cols, hard);
        for (const withW of [false, true]) {
          const ctx = `${rows}x${cols} hard=${hard} w=${withW} ${build}`;
          const want = ref.softmaxXent(z, t, withW ? w : null, rows, cols, 0.25);
          const zp = b.put(z), tp = b.put(t), wp = withW ? b.put(w) : 0;
          for (const [withP, withDz] of [[true, true], [false, true], [true, false], [false, false]]) {
            const pp = withP ? guarded(b, n) : 0, dzp = withDz ? guarded(b, n) : 0;
            const value = b.k.f32_softmax_xent(zp, tp, wp, pp, dzp, rows, cols, 0.25);
            close([value], [want.value], 1e-6, 1e-6, `value ${ctx} p=${withP} dz=${withDz}`);
            if (withP) { checkGuard(b, pp, n, ctx); close(b.get(pp, n), want.p, 1e-7, 1e-5, `p ${ctx}`); }
            if (withDz) { checkGuard(b, dzp, n, ctx); close(b.get(dzp, n), want.dz, 1e-7, 1e-5, `dz ${ctx} p=${withP}`); }
          }
          if (!hard || cols === 0) continue;
          const lp = b.putI32(labels);
          const sw = ref.sparseSoftmaxXent(z, labels, withW ? w : null, rows, cols, 0.25);
          for (const withP of [true, false]) {
            const pp = withP ? guarded(b, n) : 0, dzp = guarded(b, n);
            const value = b.k.f32_sparse_softmax_xent(zp, lp, wp, pp, dzp, rows, cols, 0.25);
            close([value], [sw.value], 1e-6, 1e-6, `sparse value ${ctx}`);
            checkGuard(b, dzp, n, `sparse ${ctx}`);
            close(b.get(dzp, n), sw.dz, 1e-7, 1e-5, `sparse dz ${ctx} p=${withP}`);
            if (withP) { checkGuard(b, pp, n, ctx); close(b.get(pp, n), sw.p, 1e-7, 1e-5, `sparse p ${ctx}`); }
          }
        }
      }
    }
  });

  test(`softmax_xent stays finite at ±1e30 logits; bad labels give NaN, not a wild read (${build})`, () => {
    const b = kernels(build);
    const z = Float32Array.from([1e30, -1e30, 0, 100, -100, 1e30, 1e30, 0]);
    const t = Float32Array.from([0, 1, 0, 0, 0.5, 0.5, 0, 0]);
    const dzp = b.zeros(8);
    const value = b.k.f32_softmax_xent(b.put(z), b.put(t), 0, 0, dzp, 2, 4, 1);
    const want = ref.softmaxXent(z, t, null, 2, 4, 1);
    assert.ok(Number.isFinite(value));
    close([value], [want.value], 0, 1e-6, 'value');
    close(b.get(dzp, 8), want.dz, 1e-7, 1e-6, 'dz');
    const sv = b.k.f32_sparse_softmax_xent(b.put(z), b.putI32([1, 2]), 0, 0, dzp, 2, 4, 1);
    close([sv], [ref.sparseSoftmaxXent(z, [1, 2], null, 2, 4, 1).value], 0, 1e-6, 'sparse value');
    assert.ok(Number.isNaN(b.k.f32_sparse_softmax_xent(b.put(z), b.putI32([4, 0]), 0, 0, dzp, 2, 4, 1)), 'label = cols');
    assert.ok(Number.isNaN(b.k.f32_sparse_softmax_xent(b.put(z), b.putI32([0, -1]), 0, 0, dzp, 2, 4, 1)), 'label < 0');
  });
}

test.run();

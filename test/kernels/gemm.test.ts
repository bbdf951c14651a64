// assembly/f32-gemm.ts against test/ref/gemm.ts, for the plain and the relaxed build: sizes swept
// around the 4×8 tile and past the k block (KC = 256), padded strides, acc, every activation in
// the epilogue, bias absent and present, zero sizes, and the bytes of C outside the m×n window.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Act } from '../../src/wasm/kernels.js';
import { close, kernels, rand, type Bench } from '../helpers.js';
import { actRef, gemmBiasActRef, gemmRef, type Form } from '../ref/gemm.js';

const BUILDS = ['simd', 'relaxed'] as const;
const FORMS: Form[] = ['nn', 'nt', 'tn'];
const TILE = '4x8';
const SWEEP = [0, 1, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33];
const SENTINEL = 12345.5;

/** Gemm error grows with the reduction length: |Δ| ≤ atol + rtol·|ref| with both ∝ k. */
const tol = (k: number) => ({ atol: 1e-6 * (k + 1), rtol: 1e-6 * (k + 1) });

interface Layout { m: number; n: number; k: number; lda: number; ldb: number; ldc: number }

/** Shapes as the form takes them, with strides padded past the minimum by pad elements. */
function layout(form: Form, m: number, n: number, k: number, pad: number): Layout {
  const aCols = form === 'tn' ? m : k;
  const bCols = form === 'nt' ? k : n;
  return { m, n, k, lda: aCols + pad, ldb: bCols + pad, ldc: n + pad };
}

const aRows = (form: Form, l: Layout) => (form === 'tn' ? l.k : l.m);
const bRows = (form: Form, l: Layout) => (form === 'nt' ? l.n : l.k);

/**
 * Runs one gemm on the kernel and the reference from the same inputs; C starts as random values
 * inside the window and SENTINEL between n and ldc, which must survive.
 */
function checkGemm(w: Bench, form: Form, l: Layout, acc: boolean, seed: number): void {
  const { k: kern, arena } = w;
  const a = rand(aRows(form, l) * l.lda, seed);
  const b = rand(bRows(form, l) * l.ldb, seed + 1);
  const c0 = rand(l.m * l.ldc, seed + 2);
  for (let i = 0; i < l.m; i++) c0.fill(SENTINEL, i * l.ldc + l.n, (i + 1) * l.ldc);
  const mark = arena.used();
  const pa = w.put(a), pb = w.put(b), pc = w.put(c0);
  const ws = w.zeros(kern.f32_gemm_workspace(l.m, l.n, l.k) / 4);
  const fn = form === 'nn' ? kern.f32_gemm_nn : form === 'nt' ? kern.f32_gemm_nt : kern.f32_gemm_tn;
  fn(l.m, l.n, l.k, pa, l.lda, pb, l.ldb, pc, l.ldc, acc ? 1 : 0, ws);
  const got = w.get(pc, l.m * l.ldc);
  const ref = Float64Array.from(c0);
  gemmRef(form, l.m, l.n, l.k, a, l.lda, b, l.ldb, ref, l.ldc, acc);
  const { atol, rtol } = tol(l.k);
  close(got, ref, atol, rtol, `${form} m=${l.m} n=${l.n} k=${l.k} lda=${l.lda} ldb=${l.ldb} ldc=${l.ldc} acc=${acc} tile ${TILE}`);
  for (const p of [ws, pc, pb, pa]) arena.release(p);
  assert.is(arena.used(), mark);
}

for (const build of BUILDS) {
  test(`${build}: every form over m, n, k swept around the ${TILE} tile, acc 0 and 1`, () => {
    const w = kernels(build);
    let seed = 1;
    for (const form of FORMS) {
      for (const m of SWEEP) {
        for (const n of SWEEP) {
          for (const k of SWEEP) {
            // Alternate padded and tight strides; both acc values on every shape.
            const l = layout(form, m, n, k, (m + n + k) % 2 ? 3 : 0);
            checkGemm(w, form, l, false, seed++);
            checkGemm(w, form, l, true, seed++);
          }
        }
      }
    }
  });

  test(`${build}: bigger shapes, k past the 256 block with a tail, padded strides`, () => {
    const w = kernels(build);
    let seed = 100;
    const shapes: [number, number, number][] = [[67, 129, 260], [33, 17, 600], [130, 1030, 9], [5, 9, 513]];
    for (const form of FORMS) {
      for (const [m, n, k] of shapes) {
        checkGemm(w, form, layout(form, m, n, k, 5), false, seed++);
        checkGemm(w, form, layout(form, m, n, k, 1), true, seed++);
      }
    }
  });

  test(`${build}: bias + every activation in the epilogue`, () => {
    const w = kernels(build);
    const { k: kern, arena } = w;
    let seed = 200;
    const shapes: [number, number, number][] = [[1, 1, 1], [4, 8, 7], [5, 9, 33], [13, 17, 3], [3, 31, 16], [67, 129, 260], [6, 10, 0]];
    for (const act of Object.values(Act)) {
      for (const withBias of [false, true]) {
        for (const [m, n, k] of shapes) {
          const l = layout('nn', m, n, k, 2);
          // Scaled so the activations see their whole range, saturation included.
          const a = rand(m * l.lda, seed++, -3, 3), b = rand(k * l.ldb, seed++, -3, 3);
          const bias = withBias ? rand(n, seed++, -2, 2) : null;
          const c0 = new Float32Array(m * l.ldc).fill(SENTINEL);
          const pa = w.put(a), pb = w.put(b), pc = w.put(c0), pbias = bias ? w.put(bias) : 0;
          const ws = w.zeros(kern.f32_gemm_workspace(m, n, k) / 4);
          const alpha = act === Act.leakyRelu ? 0.2 : 1.3;
          kern.f32_gemm_nn_bias_act(m, n, k, pa, l.lda, pb, l.ldb, pc, l.ldc, pbias, act, alpha, ws);
          const ref = Float64Array.from(c0);
          gemmBiasActRef(m, n, k, a, l.lda, b, l.ldb, ref, l.ldc, bias, act, alpha);
          const { atol, rtol } = tol(9 * k); // |a|, |b| ≤ 3
          close(w.get(pc, m * l.ldc), ref, atol, rtol, `act ${act} bias ${withBias} m=${m} n=${n} k=${k} tile ${TILE}`);
          for (const p of [ws, pbias, pc, pb, pa]) if (p) arena.release(p);
        }
      }
    }
  });

  test(`${build}: epilogue activations at extreme, special and tiny inputs`, () => {
    // A = 0 (1×1), B = 1 (1×n): C = act(bias), so bias carries the inputs exactly.
    const w = kernels(build);
    const { k: kern } = w;
    const xs = [0, -0, 1e-6, -1e-6, 1e-3, -1e-3, 0.3, -0.3, 0.62, 0.63, -0.63, 2, -2, 10, -10, 30, -30,
      88, -88, 88.8, -88.8, 100, -100, 200, -200, 1e30, -1e30, Infinity, -Infinity, NaN];
    const n = xs.length;
    const pa = w.put([0]), pb = w.put(new Float32Array(n).fill(1)), pbias = w.put(xs);
    const pc = w.zeros(n), ws = w.zeros(kern.f32_gemm_workspace(1, n, 1) / 4);
    const x32 = Float32Array.from(xs);
    for (const act of Object.values(Act)) {
      const alpha = 0.2;
      kern.f32_gemm_nn_bias_act(1, n, 1, pa, 1, pb, n, pc, n, pbias, act, alpha, ws);
      const got = w.get(pc, n);
      const ref = Array.from(x32, (x) => actRef(x, act, alpha));
      close(got, ref, 1e-37, 4e-7 * 8, `act ${act} at special inputs`);
      assert.ok(got.every((v, i) => Number.isNaN(v) === Number.isNaN(xs[i])), `act ${act}: NaN only from NaN`);
    }
  });

  test(`${build}: zero sizes touch no memory; k = 0 gives the empty sum`, () => {
    const w = kernels(build);
    const { k: kern, memory } = w;
    const beyond = memory.buffer.byteLength + 65536; // any access there would trap
    for (const [m, n] of [[0, 5], [5, 0], [0, 0]]) {
      kern.f32_gemm_nn(m, n, 7, beyond, 7, beyond, n, beyond, n, 0, beyond);
      kern.f32_gemm_nt(m, n, 7, beyond, 7, beyond, 7, beyond, n, 1, beyond);
      kern.f32_gemm_tn(m, n, 7, beyond, m, beyond, n, beyond, n, 0, beyond);
      kern.f32_gemm_nn_bias_act(m, n, 7, beyond, 7, beyond, n, beyond, n, beyond, Act.tanh, 0, beyond);
    }
    // k = 0: A, B and ws are never read; C = 0, C unchanged with acc, act(bias) with the epilogue.
    const m = 3, n = 5, ldc = 7;
    const c0 = rand(m * ldc, 9);
    const pc = w.put(c0), pbias = w.put([1, -1, 0, 2, -2]);
    kern.f32_gemm_nt(m, n, 0, beyond, 0, beyond, 0, pc, ldc, 1, beyond);
    close(w.get(pc, m * ldc), c0, 0, 0, 'k = 0, acc = 1');
    kern.f32_gemm_tn(m, n, 0, beyond, m, beyond, n, pc, ldc, 0, beyond);
    const zeros = Float64Array.from(c0);
    for (let i = 0; i < m; i++) zeros.fill(0, i * ldc, i * ldc + n);
    close(w.get(pc, m * ldc), zeros, 0, 0, 'k = 0, acc = 0');
    kern.f32_gemm_nn_bias_act(m, n, 0, beyond, 0, beyond, n, pc, ldc, pbias, Act.relu, 0, beyond);
    const relu = Float64Array.from(zeros);
    for (let i = 0; i < m; i++) relu.set([1, 0, 0, 2, 0], i * ldc);
    close(w.get(pc, m * ldc), relu, 0, 0, 'k = 0, relu(bias)');
  });

  test(`${build}: results do not depend on how rows are split (per-element summation order)`, () => {
    const w = kernels(build);
    const { k: kern, arena } = w;
    for (const form of FORMS) {
      const l = layout(form, 45, 37, 530, 3);
      const a = rand(aRows(form, l) * l.lda, 300), b = rand(bRows(form, l) * l.ldb, 301);
      const pa = w.put(a), pb = w.put(b);
      const whole = w.zeros(l.m * l.ldc), parts = w.zeros(l.m * l.ldc);
      const ws = w.zeros(kern.f32_gemm_workspace(l.m, l.n, l.k) / 4);
      const fn = form === 'nn' ? kern.f32_gemm_nn : form === 'nt' ? kern.f32_gemm_nt : kern.f32_gemm_tn;
      fn(l.m, l.n, l.k, pa, l.lda, pb, l.ldb, whole, l.ldc, 0, ws);
      // Uneven row chunks, as threads might take them: 0..6, 6..19, 19..45.
      for (const [r0, r1] of [[0, 6], [6, 19], [19, 45]]) {
        const aOff = form === 'tn' ? r0 * 4 : r0 * l.lda * 4;
        fn(r1 - r0, l.n, l.k, pa + aOff, l.lda, pb, l.ldb, parts + r0 * l.ldc * 4, l.ldc, 0, ws);
      }
      close(w.get(parts, l.m * l.ldc), w.get(whole, l.m * l.ldc), 0, 0, `${form} split by rows`);
      for (const p of [ws, parts, whole, pb, pa]) arena.release(p);
    }
  });
}

for (const build of BUILDS) {
  test(`${build}: fewer than 4 rows (B read in place, no packing) give the bits those rows get in a larger gemm`, () => {
    const w = kernels(build);
    const { k: kern, arena } = w;
    for (const form of ['nn', 'tn', 'fused'] as const) {
      // n = 37: nine 4-lane groups and one scalar lane; k = 530: three k blocks, 530 % 4 = 2 single rows.
      const l = layout(form === 'fused' ? 'nn' : form, 11, 37, 530, 3);
      const a = rand(aRows(form === 'tn' ? 'tn' : 'nn', l) * l.lda, 400), b = rand(l.k * l.ldb, 401), bias = w.put(rand(l.n, 402));
      const pa = w.put(a), pb = w.put(b);
      const c0 = rand(l.m * l.ldc, 403);
      const whole = w.put(c0), parts = w.put(c0);
      const ws = w.zeros(kern.f32_gemm_workspace(l.m, l.n, l.k) / 4);
      const run = (m: number, r0: number, c: number) => {
        const aOff = form === 'tn' ? r0 * 4 : r0 * l.lda * 4;
        if (form === 'fused') kern.f32_gemm_nn_bias_act(m, l.n, l.k, pa + aOff, l.lda, pb, l.ldb, c + r0 * l.ldc * 4, l.ldc, bias, Act.tanh, 0, ws);
        else (form === 'nn' ? kern.f32_gemm_nn : kern.f32_gemm_tn)(m, l.n, l.k, pa + aOff, l.lda, pb, l.ldb, c + r0 * l.ldc * 4, l.ldc, 1, ws);
      };
      run(l.m, 0, whole);
      for (const [r0, r1] of [[0, 1], [1, 3], [3, 6], [6, 8], [8, 11]]) run(r1 - r0, r0, parts);
      const got = new Uint32Array(Float32Array.from(w.get(parts, l.m * l.ldc)).buffer);
      const want = new Uint32Array(Float32Array.from(w.get(whole, l.m * l.ldc)).buffer);
      const bad = got.findIndex((v, i) => v !== want[i]);
      assert.ok(bad < 0, `${build} ${form}: element ${bad} is ${w.get(parts, l.m * l.ldc)[bad]}, in the whole gemm ${w.get(whole, l.m * l.ldc)[bad]}`);
      for (const p of [ws, parts, whole, pb, pa, bias]) arena.release(p);
    }
  });
}

// The budget issue 14 set for the builds with the convolution kernels (40 KB before them).
test('the relaxed build is the relaxed one, and both stay within the 56 KB budget', async () => {
  const { readFileSync } = await import('node:fs');
  assert.is(kernels('simd').k.lepton_build(), 0);
  assert.is(kernels('relaxed').k.lepton_build(), 1);
  for (const f of ['lepton.wasm', 'lepton-relaxed.wasm']) {
    const size = readFileSync(new URL(`../../build/${f}`, import.meta.url)).length;
    assert.ok(size <= 56 * 1024, `${f} is ${size} bytes`);
  }
});

test.run();

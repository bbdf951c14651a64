import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SELU_ALPHA, SELU_LAMBDA } from '../../src/wasm/activation-codes.js';
import { Act } from '../../src/wasm/kernels.js';
import { close, kernels, rand } from '../helpers.js';
import * as ref from '../ref/activations.js';
import { BUILDS, SHAPES, SIZES, checkGuard, guarded } from './guard.js';

const CODES = Object.entries(Act) as [string, number][];
const alphaFor = (code: number) => (code === Act.leakyRelu ? 0.2 : code === Act.elu ? 1.3 : 0.5);
const EXTREMES = [100, -100, 1e30, -1e30, 3e38, -3e38, 0, -0, 1e-30, -1e-30, 20, -20, 88, -88, 89, -104];

for (const build of BUILDS) {
  test(`activation forward and grad match the f64 reference over sizes (${build})`, () => {
    const b = kernels(build);
    for (const [name, code] of CODES) {
      const alpha = alphaFor(code);
      for (const n of SIZES) {
        const ctx = `${name} n=${n} ${build}`;
        const x = rand(n, n + 1, -6, 6);
        const xp = b.put(x), yp = guarded(b, n);
        b.k.f32_activation(xp, yp, n, code, alpha);
        checkGuard(b, yp, n, ctx);
        const y = b.get(yp, n);
        close(y, ref.activation(x, code, alpha), 1e-6, 2e-6, ctx);

        const dy = rand(n, n + 99);
        const dyp = b.put(dy), dxp = guarded(b, n);
        b.k.f32_activation_grad(yp, dyp, dxp, n, code, alpha);
        checkGuard(b, dxp, n, `grad ${ctx}`);
        close(b.get(dxp, n), ref.activationGrad(y, dy, code, alpha), 1e-6, 1e-5, `grad ${ctx}`);
      }
    }
  });

  test(`activations are finite at extreme inputs, NaN in gives NaN out, in place works (${build})`, () => {
    const b = kernels(build);
    for (const [name, code] of CODES) {
      const alpha = alphaFor(code);
      const x = Float32Array.from(EXTREMES);
      const xp = guarded(b, x);
      b.k.f32_activation(xp, xp, x.length, code, alpha); // in place
      checkGuard(b, xp, x.length, name);
      const y = b.get(xp, x.length);
      const want = ref.activation(x, code, alpha);
      for (let i = 0; i < y.length; i++) {
        if (Number.isFinite(want[i])) assert.ok(Number.isFinite(y[i]), `${name}(${x[i]}) = ${y[i]}`);
      }
      close(y, want, 1e-6, 2e-6, `${name} extremes`);

      const nanIn = Float32Array.from([NaN, 1, NaN, -1, 2, NaN, 0]);
      const np = b.put(nanIn);
      b.k.f32_activation(np, np, nanIn.length, code, alpha);
      const out = b.get(np, nanIn.length);
      nanIn.forEach((v, i) => assert.is(Number.isNaN(out[i]), Number.isNaN(v), `${name} NaN at ${i}`));

      // grad in place over dy, with y from the extremes (and NaN dy propagating)
      const dy = rand(x.length, 5);
      dy[3] = NaN;
      const dyp = guarded(b, dy);
      b.k.f32_activation_grad(xp, dyp, dyp, x.length, code, alpha);
      checkGuard(b, dyp, x.length, `grad ${name}`);
      const dx = b.get(dyp, x.length);
      close(dx, ref.activationGrad(y, dy, code, alpha), 1e-6, 1e-5, `grad ${name} extremes`);
      assert.ok(Number.isNaN(dx[3]), `${name}: NaN dy propagates`);
    }
  });

  test(`prelu and prelu_grad match the reference over shapes, acc on/off (${build})`, () => {
    const b = kernels(build);
    for (const [rows, cols] of SHAPES) {
      const n = rows * cols, ctx = `${rows}x${cols} ${build}`;
      const x = rand(n, cols + 3), alpha = rand(cols, 7, 0, 0.5), dy = rand(n, rows + 11);
      const xp = b.put(x), ap = b.put(alpha), yp = guarded(b, n);
      b.k.f32_prelu(xp, ap, yp, rows, cols);
      checkGuard(b, yp, n, ctx);
      close(b.get(yp, n), ref.prelu(x, alpha, rows, cols), 0, 1e-7, ctx);

      for (const acc of [0, 1]) {
        const da0 = rand(cols, 13);
        const dyp = b.put(dy), dxp = guarded(b, n), dap = guarded(b, da0);
        b.k.f32_prelu_grad(xp, ap, dyp, dxp, dap, rows, cols, acc);
        checkGuard(b, dxp, n, `dx ${ctx}`);
        checkGuard(b, dap, cols, `dalpha ${ctx}`);
        const want = ref.preluGrad(x, alpha, dy, rows, cols, acc ? da0 : undefined);
        close(b.get(dxp, n), want.dx, 0, 1e-7, `dx ${ctx} acc=${acc}`);
        close(b.get(dap, cols), want.dalpha, 1e-6, 1e-5, `dalpha ${ctx} acc=${acc}`);
      }
      // in place: x → y aliasing
      const xi = guarded(b, x);
      b.k.f32_prelu(xi, ap, xi, rows, cols);
      checkGuard(b, xi, n, `in place ${ctx}`);
      close(b.get(xi, n), ref.prelu(x, alpha, rows, cols), 0, 1e-7, `in place ${ctx}`);
    }
  });
}

test('SELU uses the full-precision constants', () => {
  assert.equal([SELU_LAMBDA, SELU_ALPHA], [ref.SELU_LAMBDA, ref.SELU_ALPHA], 'src/wasm/activation-codes.ts (kernels and ONNX) = the reference');
  const b = kernels();
  const xp = b.put([1, -1]);
  b.k.f32_activation(xp, xp, 2, Act.selu, 0);
  close(b.get(xp, 2), [ref.SELU_LAMBDA, ref.SELU_LAMBDA * ref.SELU_ALPHA * (Math.exp(-1) - 1)], 0, 2e-7, 'selu');
});

test.run();

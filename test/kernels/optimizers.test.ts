import { test } from 'uvu';
import { close, kernels, rand } from '../helpers.js';
import * as ref from '../ref/optimizers.js';
import { BUILDS, SIZES, checkGuard, guarded } from './guard.js';

const STEPS = 50;
const grads = (n: number, step: number) => rand(n, 1000 + step, -1, 1);

for (const build of BUILDS) {
  test(`sgd and momentum (plain, Nesterov): ${STEPS} steps match the f64 reference (${build})`, () => {
    const b = kernels(build);
    for (const n of SIZES) {
      const p0 = rand(n, n + 5);
      const p = guarded(b, p0), pr = Float64Array.from(p0);
      const gp = b.zeros(n);
      for (let s = 0; s < STEPS; s++) {
        const g = grads(n, s);
        b.arena.f32(gp, n).set(g);
        b.k.f32_sgd(p, gp, n, 0.01);
        ref.sgd(pr, g, 0.01);
      }
      checkGuard(b, p, n, `sgd n=${n}`);
      close(b.get(p, n), pr, 1e-6, 1e-5, `sgd n=${n} ${build}`);

      for (const nesterov of [0, 1]) {
        const q = guarded(b, p0), v = guarded(b, n);
        const qr = Float64Array.from(p0), vr = new Float64Array(n);
        for (let s = 0; s < STEPS; s++) {
          const g = grads(n, s);
          b.arena.f32(gp, n).set(g);
          b.k.f32_sgd_momentum(q, gp, v, n, 0.01, 0.9, nesterov);
          ref.sgdMomentum(qr, g, vr, 0.01, 0.9, nesterov === 1);
        }
        const ctx = `momentum nesterov=${nesterov} n=${n} ${build}`;
        checkGuard(b, q, n, ctx);
        checkGuard(b, v, n, ctx);
        close(b.get(q, n), qr, 1e-6, 1e-5, ctx);
        close(b.get(v, n), vr, 1e-6, 1e-5, `v ${ctx}`);
      }
    }
  });

  test(`adam (± AMSGrad, ± decoupled weight decay) and rmsprop: ${STEPS} steps match the f64 reference (${build})`, () => {
    const b = kernels(build);
    const [lr, b1, b2, eps] = [1e-2, 0.9, 0.999, 1e-7];
    for (const n of SIZES) {
      const p0 = rand(n, n + 9);
      for (const ams of [false, true]) {
        for (const wd of [0, 0.01]) {
          const ctx = `adam ams=${ams} wd=${wd} n=${n} ${build}`;
          const p = guarded(b, p0), m = guarded(b, n), v = guarded(b, n), vmax = ams ? guarded(b, n) : 0, gp = b.zeros(n);
          const pr = Float64Array.from(p0), mr = new Float64Array(n), vr = new Float64Array(n);
          const vmr = ams ? new Float64Array(n) : null;
          for (let s = 1; s <= STEPS; s++) {
            const g = grads(n, s);
            if (s > 25 && n > 2) g[1] = 0; // AMSGrad keeps the larger past v
            b.arena.f32(gp, n).set(g);
            b.k.f32_adam(p, gp, m, v, vmax, n, lr, b1, b2, eps, 1 / (1 - b1 ** s), 1 / (1 - b2 ** s), wd);
            ref.adam(pr, g, mr, vr, vmr, s, lr, b1, b2, eps, wd);
          }
          for (const ptr of [p, m, v, ...(ams ? [vmax] : [])]) checkGuard(b, ptr, n, ctx);
          close(b.get(p, n), pr, 1e-5, 1e-5, ctx);
          close(b.get(m, n), mr, 1e-6, 1e-5, `m ${ctx}`);
          close(b.get(v, n), vr, 1e-7, 1e-5, `v ${ctx}`);
          if (ams) close(b.get(vmax, n), vmr!, 1e-7, 1e-5, `vmax ${ctx}`);
        }
      }
      const p = guarded(b, p0), sp = guarded(b, n), gp = b.zeros(n);
      const pr = Float64Array.from(p0), sr = new Float64Array(n);
      for (let s = 0; s < STEPS; s++) {
        const g = grads(n, s);
        b.arena.f32(gp, n).set(g);
        b.k.f32_rmsprop(p, gp, sp, n, 1e-3, 0.9, 1e-7);
        ref.rmsprop(pr, g, sr, 1e-3, 0.9, 1e-7);
      }
      checkGuard(b, p, n, `rmsprop n=${n}`);
      checkGuard(b, sp, n, `rmsprop n=${n}`);
      close(b.get(p, n), pr, 1e-5, 1e-5, `rmsprop n=${n} ${build}`);
      close(b.get(sp, n), sr, 1e-7, 1e-5, `rmsprop s n=${n} ${build}`);
    }
  });
}

for (const build of BUILDS) {
  test(`adagrad, adamax and nadam: ${STEPS} steps match the f64 reference (${build})`, () => {
    const b = kernels(build);
    const [lr, b1, b2, eps, a0] = [1e-2, 0.9, 0.999, 1e-7, 0.1];
    for (const n of SIZES) {
      const p0 = rand(n, n + 13);
      const gp = b.zeros(n);
      const ag = { p: guarded(b, p0), s: guarded(b, n), pr: Float64Array.from(p0), accr: new Float64Array(n).fill(a0) };
      const ax = { p: guarded(b, p0), m: guarded(b, n), u: guarded(b, n), pr: Float64Array.from(p0), mr: new Float64Array(n), ur: new Float64Array(n) };
      const na = { p: guarded(b, p0), m: guarded(b, n), v: guarded(b, n), pr: Float64Array.from(p0), mr: new Float64Array(n), vr: new Float64Array(n) };
      let prod = 1;
      for (let s = 1; s <= STEPS; s++) {
        const g = grads(n, s);
        if (s > 25 && n > 2) g[1] = 0; // Adamax's u decays from its max
        b.arena.f32(gp, n).set(g);
        b.k.f32_adagrad(ag.p, gp, ag.s, n, lr, a0 + eps);
        ref.adagrad(ag.pr, g, ag.accr, lr, eps);
        b.k.f32_adamax(ax.p, gp, ax.m, ax.u, n, lr, b1, b2, eps, 1 / (1 - b1 ** s));
        ref.adamax(ax.pr, g, ax.mr, ax.ur, s, lr, b1, b2, eps);
        const mu = ref.nadamMu(b1, s), muNext = ref.nadamMu(b1, s + 1);
        b.k.f32_nadam(na.p, gp, na.m, na.v, n, lr, b1, b2, eps, muNext / (1 - prod * mu * muNext), (1 - mu) / (1 - prod * mu), 1 / (1 - b2 ** s));
        prod = ref.nadam(na.pr, g, na.mr, na.vr, s, prod, lr, b1, b2, eps);
      }
      const ctx = `n=${n} ${build}`;
      for (const ptr of [ag.p, ag.s, ax.p, ax.m, ax.u, na.p, na.m, na.v]) checkGuard(b, ptr, n, ctx);
      close(b.get(ag.p, n), ag.pr, 1e-5, 1e-5, `adagrad ${ctx}`);
      close(b.get(ag.s, n), ag.accr.map((v) => v - a0), 1e-6, 1e-5, `adagrad s ${ctx}`);
      close(b.get(ax.p, n), ax.pr, 1e-5, 1e-5, `adamax ${ctx}`);
      close(b.get(ax.u, n), ax.ur, 1e-7, 1e-5, `adamax u ${ctx}`);
      close(b.get(na.p, n), na.pr, 1e-5, 1e-5, `nadam ${ctx}`);
      close(b.get(na.v, n), na.vr, 1e-7, 1e-5, `nadam v ${ctx}`);
    }
  });
}

test.run();

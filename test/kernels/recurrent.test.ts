// The recurrent kernels against the float64 reference (test/ref/recurrent.ts): states over batch
// sizes around the gemm's 4-row tile, gate widths around its 8 columns and units in multiples of
// the f32x4 width (the kernels take no tails; the layers pad, and the layer tests hold units 2, 3,
// 5), with and without masks, sigmoid and hardSigmoid gates, GRU both resetAfter true and false,
// zero and given initial states; the backward against central differences of the reference
// forward, the initial states' gradients too; both builds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Act, ACT_HARD_SIGMOID_CODE } from '../../src/wasm/kernels.js';
import { close, kernels, rand, type Bench } from '../helpers.js';
import * as ref from '../ref/recurrent.js';
import { act, actGradFromY } from '../ref/activations.js';
import { BUILDS, checkGuard, guarded } from './guard.js';

const NAMES = ['simpleRNN', 'lstm', 'gru', 'gru resetAfter false'];
const CELLS = [ref.SIMPLE, ref.LSTM, ref.GRU, ref.GRU_BEFORE];
// (batch, steps, units): one tile row block, less, more; units 4, 8, 12, 20 (gate widths 4 … 80).
const SHAPES: [number, number, number][] = [[1, 1, 4], [3, 2, 4], [4, 3, 8], [5, 2, 12], [2, 3, 8], [9, 2, 4], [5, 3, 20]];

function maskFor(T: number, B: number, seed: number): Float32Array {
  const m = rand(T * B, seed, 0, 1);
  return m.map((v) => (v < 0.3 ? 0 : 1));
}

interface Run { s: ref.Seq; zxp: number; wp: number; bp: number; mp: number; rmp: number; hsp: number; auxp: number; ws: number }

function run(b: Bench, s: ref.Seq): Run {
  const { cell, steps: T, batch: B, units: u } = s;
  const g = ref.gates(cell) * u;
  const zxp = guarded(b, s.zx), wp = b.put(s.w), bp = s.bias ? b.put(s.bias) : 0, mp = s.mask ? b.put(s.mask) : 0;
  const hs0 = new Float32Array((T + 1) * B * u), aux0 = new Float32Array(cell === ref.GRU ? T * B * g : (T + 1) * B * u);
  if (s.h0) hs0.set(s.h0);
  if (s.c0) aux0.set(s.c0);
  const hsp = guarded(b, hs0);
  const auxp = guarded(b, aux0);
  const ws = b.zeros(Math.max(b.k.f32_gemm_workspace(B, g, u), b.k.f32_gemm_workspace(B, u, g)) / 4);
  const rmp = s.rmask ? guarded(b, [...s.rmask, ...new Float32Array(B * u)]) : 0; // the mask, then its scratch
  b.k.f32_rnn_forward(cell, T, B, u, zxp, wp, bp, mp, rmp, hsp, auxp, s.ract, s.act, ws);
  if (rmp) checkGuard(b, rmp, 2 * B * u, 'rmask scratch');
  return { s, zxp, wp, bp, mp, rmp, hsp, auxp, ws };
}

function seqFor(cell: number, B: number, T: number, u: number, masked: boolean, ract: number, seed: number, init = false, rdrop = false): ref.Seq {
  const g = ref.gates(cell) * u;
  return {
    rmask: rdrop ? rand(B * u, seed + 6, 0, 1).map((v) => (v < 0.4 ? 0 : 1 / 0.6)) : undefined,
    h0: init ? rand(B * u, seed + 4, -1, 1) : undefined, c0: init && cell === ref.LSTM ? rand(B * u, seed + 5, -1, 1) : undefined,
    cell, steps: T, batch: B, units: u, zx: rand(T * B * g, seed, -2, 2), w: rand(u * g, seed + 1, -0.8, 0.8),
    bias: cell === ref.GRU ? rand(g, seed + 2, -0.5, 0.5) : undefined, mask: masked ? maskFor(T, B, seed + 3) : undefined, ract, act: Act.tanh,
  };
}

for (const build of BUILDS) {
  test(`f32_rnn_forward: states of every cell match the reference, masked steps keep the state (${build})`, () => {
    const b = kernels(build);
    for (const cell of CELLS) {
      for (const [B, T, u] of SHAPES) {
        for (const masked of [false, true]) {
          for (const ract of [Act.sigmoid, ACT_HARD_SIGMOID_CODE]) {
            const ctx = `${NAMES[cell]} B=${B} T=${T} u=${u} masked=${masked} ract=${ract} recurrent dropout ${masked !== (ract === Act.sigmoid)} ${build}`;
            const s = seqFor(cell, B, T, u, masked, ract, B * 100 + T * 10 + u, ract === Act.sigmoid, masked !== (ract === Act.sigmoid));
            const r = run(b, s);
            const want = ref.forward(s);
            const n = (T + 1) * B * u;
            checkGuard(b, r.hsp, n, `hs ${ctx}`);
            close(b.get(r.hsp, n), want.hs, 2e-6, 1e-5, `hs ${ctx}`);
            if (cell === ref.LSTM) close(b.get(r.auxp, n), want.cs, 2e-6, 1e-5, `cs ${ctx}`);
            if (masked) {
              const hs = b.get(r.hsp, n);
              for (let t = 0; t < T; t++) for (let i = 0; i < B; i++) {
                if (s.mask![t * B + i] !== 0) continue;
                for (let j = 0; j < u; j++) assert.is(hs[((t + 1) * B + i) * u + j], hs[(t * B + i) * u + j], `masked step keeps h (${ctx})`);
              }
            }
          }
        }
      }
    }
  });

  test(`f32_rnn_backward: dA, dU, GRU's recurrent bias and the initial states' gradients (LSTM: with c_T's given) against central differences (${build})`, () => {
    const b = kernels(build);
    for (const cell of CELLS) {
      for (const [B, T, u] of SHAPES.filter(([, , u]) => u <= 12)) {
        for (const masked of [false, true]) {
          const ract = masked ? ACT_HARD_SIGMOID_CODE : Act.sigmoid;
          const init = (B + T) % 2 === 1; // the initial states given, and their gradients formed
          const rdrop = (B + T + (masked ? 1 : 0)) % 3 !== 0; // recurrent dropout (with its mask fixed)
          const ctx = `${NAMES[cell]} B=${B} T=${T} u=${u} masked=${masked} init=${init} rdrop=${rdrop} ${build}`;
          const s = seqFor(cell, B, T, u, masked, ract, B * 77 + T * 7 + u, init, rdrop);
          const g = ref.gates(cell) * u;
          const r = run(b, s);
          const dh = rand(T * B * u, B + T + u, -1, 1);
          const dhBlock = guarded(b, [...new Float32Array(B * u).fill(0.25), ...dh]), dhp = dhBlock + 4 * B * u;
          // LSTM: the last cell state's gradient in (as a returnState output's), on the init cases
          const dcT = cell === ref.LSTM && init ? rand(B * u, B + u, -1, 1) : undefined;
          const tmp = dcT ? b.put([...dcT, ...new Float32Array(4 * u)]) : b.zeros(B * u + 4 * u);
          b.k.f32_rnn_backward(cell, T, B, u, r.zxp, r.wp, r.mp, r.rmp, r.hsp, r.auxp, dhp, tmp, ract, s.act, init ? 1 : 0, r.ws);
          const dh0 = b.get(dhBlock, B * u);
          if (init) { // added to what the block held (0.25)
            close(dh0.map((v) => v - 0.25), ref.numericGrad(s, dh, 'h0', 1e-6, dcT), 2e-5, 2e-4, `dh0 ${ctx}`);
            if (cell === ref.LSTM) close(b.get(tmp, B * u), ref.numericGrad(s, dh, 'c0', 1e-6, dcT), 2e-5, 2e-4, `dc0 ${ctx}`);
          } else for (let i = 0; i < B * u; i++) assert.is(dh0[i], 0.25, `init 0 leaves the block before dhs (${ctx})`);
          checkGuard(b, r.zxp, T * B * g, `dA ${ctx}`);
          if (r.rmp) checkGuard(b, r.rmp, 2 * B * u, `rmask scratch ${ctx}`);
          const dA = b.get(r.zxp, T * B * g);
          close(dA, ref.numericGrad(s, dh, 'zx', 1e-6, dcT), 2e-5, 2e-4, `dA ${ctx}`);
          const dR = cell === ref.GRU ? b.get(r.auxp, T * B * g) : dA;
          const hPrev = b.get(r.hsp, T * B * u); // h_0 … h_{T−1}: (T·B) × u, as the gemms took them
          if (s.rmask) for (let i = 0; i < T * B * u; i++) hPrev[i] *= s.rmask[i % (B * u)];
          const dU = ref.matTN(hPrev, dR, T * B, u, g);
          if (cell === ref.GRU_BEFORE) { // dU_h = (r ⊙ h_{t−1})ᵀ·dA_h, r ⊙ h_{t−1} in aux
            const rh = b.get(r.auxp, T * B * u), dAh = new Float64Array(T * B * u);
            for (let i = 0; i < T * B; i++) for (let j = 0; j < u; j++) dAh[i * u + j] = dA[i * g + 2 * u + j];
            const dUh = ref.matTN(rh, dAh, T * B, u, u);
            for (let i = 0; i < u; i++) for (let j = 0; j < u; j++) dU[i * g + 2 * u + j] = dUh[i * u + j];
          }
          close(dU, ref.numericGrad(s, dh, 'w', 1e-6, dcT), 2e-5, 2e-4, `dU ${ctx}`);
          if (cell === ref.GRU) {
            const db = new Float64Array(g);
            for (let i = 0; i < T * B; i++) for (let j = 0; j < g; j++) db[j] += dR[i * g + j];
            close(db, ref.numericGrad(s, dh, 'bias', 1e-6, dcT), 2e-5, 2e-4, `dbias ${ctx}`);
          }
        }
      }
    }
  });

  test(`f32_seq_swap: [B, T, w] ↔ [T, B, w], reversed for goBackwards, and back (${build})`, () => {
    const b = kernels(build);
    for (const [B, T, w] of [[1, 1, 1], [3, 4, 5], [2, 7, 8], [5, 3, 1]]) {
      for (const rev of [0, 1]) {
        const x = rand(B * T * w, B * T + w);
        const xp = b.put(x), tp = guarded(b, B * T * w), back = guarded(b, B * T * w);
        b.k.f32_seq_swap(xp, tp, B, T, w, 1, rev);
        b.k.f32_seq_swap(back, tp, B, T, w, 0, rev);
        checkGuard(b, tp, B * T * w, 'time');
        checkGuard(b, back, B * T * w, 'back');
        const tm = b.get(tp, B * T * w);
        for (let i = 0; i < B; i++) for (let t = 0; t < T; t++) for (let j = 0; j < w; j++) {
          assert.is(tm[(t * B + i) * w + j], x[(i * T + (rev ? T - 1 - t : t)) * w + j]);
        }
        assert.equal(Array.from(b.get(back, B * T * w)), Array.from(x));
      }
    }
  });

  test(`hardSigmoid: clip(0.2x + 0.5, 0, 1) and its gradient in the elementwise kernels, tails included (${build})`, () => {
    const b = kernels(build);
    for (const n of [1, 3, 4, 7, 33]) {
      const x = rand(n, n, -4, 4);
      const xp = b.put(x), yp = guarded(b, n), dy = rand(n, n + 1), dxp = guarded(b, n);
      b.k.f32_activation(xp, yp, n, ACT_HARD_SIGMOID_CODE, 0);
      const y = b.get(yp, n);
      close(y, Array.from(x, (v) => act(v, ACT_HARD_SIGMOID_CODE, 0)), 1e-7, 1e-6, `y n=${n}`);
      b.k.f32_activation_grad(yp, b.put(dy), dxp, n, ACT_HARD_SIGMOID_CODE, 0);
      checkGuard(b, dxp, n, `dx n=${n}`);
      close(b.get(dxp, n), Array.from(y, (v, i) => dy[i] * actGradFromY(v, ACT_HARD_SIGMOID_CODE, 0)), 1e-7, 1e-6, `dx n=${n}`);
    }
  });
}

test.run();

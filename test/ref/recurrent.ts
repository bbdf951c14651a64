// Float64 references for assembly/f32-recurrent.ts: the cells of Keras 3 one sample and one step at
// a time, time-major as the kernels are (zx [T, B, G·u], U [u, G·u], hs [T + 1, B, u]), and the
// gradients by central differences of that forward.
import { act } from './activations.js';

export const SIMPLE = 0, LSTM = 1, GRU = 2, GRU_BEFORE = 3;
export const gates = (cell: number): number => (cell === LSTM ? 4 : cell >= GRU ? 3 : 1);

export interface Seq {
  cell: number;
  steps: number;
  batch: number;
  units: number;
  /** Input projections x·W + b, [T, B, G·u]. */
  zx: ArrayLike<number>;
  /** Recurrent kernel [u, G·u]. */
  w: ArrayLike<number>;
  /** GRU's recurrent bias [3u] (Keras bias[1]), or undefined. */
  bias?: ArrayLike<number>;
  /** [T, B], 0 = masked step, or undefined. */
  mask?: ArrayLike<number>;
  ract: number;
  act: number;
  /** The initial states h_0 (and LSTM's c_0), [B, u]; zeros when undefined. */
  h0?: ArrayLike<number>;
  c0?: ArrayLike<number>;
  /** Recurrent dropout, [B, u]: h_{t−1} times it where it enters the recurrent products; none when undefined. */
  rmask?: ArrayLike<number>;
}

/**
 * The states h_0 … h_T ([T + 1, B, u], h_0 = s.h0 or 0) and, for LSTM, the cell states likewise.
 * GRU_BEFORE (resetAfter false): h̃ = act(zx_h + (r ⊙ h_{t−1})·U_h), z and r as GRU's without a recurrent bias.
 */
export function forward(s: Seq): { hs: Float64Array; cs: Float64Array } {
  const { cell, steps: T, batch: B, units: u, zx, w, bias, mask } = s;
  const g = gates(cell) * u;
  const hs = new Float64Array((T + 1) * B * u), cs = new Float64Array((T + 1) * B * u);
  if (s.h0) hs.set(s.h0);
  if (s.c0) cs.set(s.c0);
  const f = (x: number) => act(x, s.act, 0), r = (x: number) => act(x, s.ract, 0);
  const hin = (hp: number, b: number, p: number) => hs[hp + p] * (s.rmask ? s.rmask[b * u + p] : 1);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const hp = (t * B + b) * u, h = hp + B * u;
      const keep = !mask || mask[t * B + b] !== 0;
      // a[j] = zx + h_{t-1}·U (without GRU's), rec[j] = h_{t-1}·U + bias (GRU)
      const a = new Float64Array(g), rec = new Float64Array(g);
      for (let j = 0; j < g; j++) {
        let dot = 0;
        for (let p = 0; p < u; p++) dot += hin(hp, b, p) * w[p * g + j];
        rec[j] = dot + (bias ? bias[j] : 0);
        a[j] = zx[(t * B + b) * g + j] + (cell === GRU ? 0 : dot);
      }
      for (let j = 0; j < u; j++) {
        if (!keep) {
          hs[h + j] = hs[hp + j];
          cs[h + j] = cs[hp + j];
        } else if (cell === SIMPLE) hs[h + j] = f(a[j]);
        else if (cell === LSTM) {
          const i = r(a[j]), fg = r(a[u + j]), c = f(a[2 * u + j]), o = r(a[3 * u + j]);
          cs[h + j] = fg * cs[hp + j] + i * c;
          hs[h + j] = o * f(cs[h + j]);
        } else if (cell === GRU_BEFORE) {
          const z = r(a[j]);
          let pre = zx[(t * B + b) * g + 2 * u + j];
          for (let p = 0; p < u; p++) pre += r(a[u + p]) * hin(hp, b, p) * w[p * g + 2 * u + j];
          hs[h + j] = z * hs[hp + j] + (1 - z) * f(pre);
        } else {
          const z = r(a[j] + rec[j]), rr = r(a[u + j] + rec[u + j]);
          const hh = f(a[2 * u + j] + rr * rec[2 * u + j]);
          hs[h + j] = z * hs[hp + j] + (1 - z) * hh;
        }
      }
    }
  }
  return { hs, cs };
}

/** L = Σ_t Σ dh[t]·h_{t+1} for dh [T, B, u] (+ Σ dcT·c_T, LSTM's last cell state): the loss the gradients below are of. */
export function loss(s: Seq, dh: ArrayLike<number>, dcT?: ArrayLike<number>): number {
  const { hs, cs } = forward(s);
  const n = s.batch * s.units;
  let l = 0;
  for (let i = 0; i < dh.length; i++) l += dh[i] * hs[n + i];
  if (dcT) for (let i = 0; i < n; i++) l += dcT[i] * cs[s.steps * n + i];
  return l;
}

/** ∂L/∂v for each entry of one of the Seq's arrays, by central differences (v is copied, not changed). */
export function numericGrad(s: Seq, dh: ArrayLike<number>, key: 'zx' | 'w' | 'bias' | 'h0' | 'c0', eps = 1e-6, dcT?: ArrayLike<number>): Float64Array {
  const v = Float64Array.from(s[key]!);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    v[i] = x + eps;
    const lp = loss({ ...s, [key]: v }, dh, dcT);
    v[i] = x - eps;
    const lm = loss({ ...s, [key]: v }, dh, dcT);
    v[i] = x;
    out[i] = (lp - lm) / (2 * eps);
  }
  return out;
}

/** C (m×n) = Aᵀ·B for A (k×m), B (k×n): the weight gradients from the kernels' dA / dR. */
export function matTN(a: ArrayLike<number>, b: ArrayLike<number>, k: number, m: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let p = 0; p < k; p++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) c[i * n + j] += a[p * m + i] * b[p * n + j];
  return c;
}

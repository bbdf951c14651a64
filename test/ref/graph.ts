// A float64 reference for layer graphs (test/model/graph-gradcheck.test.ts): dense, activation,
// batch norm in training mode, the merge layers, dropout with a given mask, with forward and an
// analytic backward written as plainly as possible, and an MSE loss per output. Weights are named
// as lepton names them (`dense_a/kernel`), so a lepton model can take and report them by name.

import { act, dact } from './mlp.js';

export type RefNode =
  | { op: 'input'; index: number; cols: number }
  | { op: 'dense'; in: number; name: string; units: number; activation: string }
  | { op: 'activation'; in: number; activation: string }
  | { op: 'bn'; in: number; name: string; eps: number }
  | { op: 'add' | 'subtract' | 'multiply' | 'average' | 'concatenate'; ins: number[] }
  /** y = x·s + t elementwise: dropout (t = 0) and alpha dropout with a fixed draw. */
  | { op: 'affine'; in: number; s: Float64Array; t?: Float64Array };

export interface RefGraph {
  nodes: RefNode[];
  outputs: number[];
  lossWeights?: number[];
  rows: number;
  weights: Map<string, Float64Array>;
  xs: Float64Array[];
  ys: Float64Array[];
}

interface Val { v: Float64Array; cols: number; pre?: Float64Array; xhat?: Float64Array; r?: Float64Array }

function forwardAll(g: RefGraph): Val[] {
  const vals: Val[] = [];
  const R = g.rows;
  for (const n of g.nodes) {
    if (n.op === 'input') { vals.push({ v: g.xs[n.index], cols: n.cols }); continue; }
    if (n.op === 'dense') {
      const x = vals[n.in], W = g.weights.get(`${n.name}/kernel`)!, b = g.weights.get(`${n.name}/bias`)!;
      const z = new Float64Array(R * n.units);
      for (let i = 0; i < R; i++) for (let j = 0; j < n.units; j++) {
        let s = b[j];
        for (let q = 0; q < x.cols; q++) s += x.v[i * x.cols + q] * W[q * n.units + j];
        z[i * n.units + j] = s;
      }
      vals.push({ v: z.map((u) => act(n.activation, u)), cols: n.units, pre: z });
    } else if (n.op === 'activation') {
      const x = vals[n.in];
      vals.push({ v: x.v.map((u) => act(n.activation, u)), cols: x.cols, pre: x.v });
    } else if (n.op === 'bn') {
      const x = vals[n.in], C = x.cols, gamma = g.weights.get(`${n.name}/gamma`)!, beta = g.weights.get(`${n.name}/beta`)!;
      const mean = new Float64Array(C), vr = new Float64Array(C);
      for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) mean[j] += x.v[i * C + j] / R;
      for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) vr[j] += (x.v[i * C + j] - mean[j]) ** 2 / R;
      const r = vr.map((v) => 1 / Math.sqrt(v + n.eps));
      const xhat = x.v.map((u, k) => (u - mean[k % C]) * r[k % C]);
      vals.push({ v: xhat.map((u, k) => u * gamma[k % C] + beta[k % C]), cols: C, xhat, r });
    } else if (n.op === 'affine') {
      const x = vals[n.in];
      vals.push({ v: x.v.map((u, k) => u * n.s[k] + (n.t ? n.t[k] : 0)), cols: x.cols });
    } else if (n.op === 'concatenate') {
      const ins = n.ins.map((i) => vals[i]), cols = ins.reduce((a, x) => a + x.cols, 0);
      const v = new Float64Array(R * cols);
      for (let i = 0; i < R; i++) {
        let off = 0;
        for (const x of ins) { for (let j = 0; j < x.cols; j++) v[i * cols + off + j] = x.v[i * x.cols + j]; off += x.cols; }
      }
      vals.push({ v, cols });
    } else {
      const op = n.op, ins = n.ins.map((i) => vals[i]);
      const v = ins[0].v.map((_, k) => {
        const a = ins.map((x) => x.v[k]);
        switch (op) {
          case 'add': return a.reduce((p, q) => p + q, 0);
          case 'subtract': return a[0] - a[1];
          case 'multiply': return a.reduce((p, q) => p * q, 1);
          default: return a.reduce((p, q) => p + q, 0) / a.length;
        }
      });
      vals.push({ v, cols: ins[0].cols });
    }
  }
  return vals;
}

/** Σ_o lossWeight_o · mean((y_o − t_o)²) and the gradient of every weight and input, by name. */
export function graphLossAndGrads(g: RefGraph): { loss: number; grads: Map<string, Float64Array>; dxs: Float64Array[]; outputs: Float64Array[] } {
  const vals = forwardAll(g), R = g.rows;
  const d: (Float64Array | null)[] = vals.map(() => null);
  const addTo = (i: number, v: Float64Array) => { d[i] = d[i] ? d[i]!.map((u, k) => u + v[k]) : Float64Array.from(v); };
  let loss = 0;
  g.outputs.forEach((o, k) => {
    const y = vals[o], t = g.ys[k], lw = g.lossWeights?.[k] ?? 1, n = y.v.length;
    let l = 0;
    for (let i = 0; i < n; i++) l += (y.v[i] - t[i]) ** 2 / n;
    loss += lw * l;
    addTo(o, y.v.map((u, i) => (lw * 2 * (u - t[i])) / n));
  });
  const grads = new Map<string, Float64Array>();
  for (const [name, w] of g.weights) grads.set(name, new Float64Array(w.length));
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i], dy = d[i], y = vals[i];
    if (!dy || n.op === 'input') continue;
    if (n.op === 'dense') {
      const x = vals[n.in], W = g.weights.get(`${n.name}/kernel`)!;
      const gW = grads.get(`${n.name}/kernel`)!, gb = grads.get(`${n.name}/bias`)!;
      const dz = dy.map((u, k) => u * dact(n.activation, y.pre![k]));
      const dx = new Float64Array(R * x.cols);
      for (let r = 0; r < R; r++) for (let j = 0; j < n.units; j++) {
        const q = dz[r * n.units + j];
        gb[j] += q;
        for (let c = 0; c < x.cols; c++) { gW[c * n.units + j] += x.v[r * x.cols + c] * q; dx[r * x.cols + c] += q * W[c * n.units + j]; }
      }
      addTo(n.in, dx);
    } else if (n.op === 'activation') {
      addTo(n.in, dy.map((u, k) => u * dact(n.activation, y.pre![k])));
    } else if (n.op === 'bn') {
      const C = y.cols, gamma = g.weights.get(`${n.name}/gamma`)!;
      const gg = grads.get(`${n.name}/gamma`)!, gbeta = grads.get(`${n.name}/beta`)!;
      const sdy = new Float64Array(C), sdyx = new Float64Array(C);
      for (let k = 0; k < dy.length; k++) { sdy[k % C] += dy[k]; sdyx[k % C] += dy[k] * y.xhat![k]; }
      for (let j = 0; j < C; j++) { gbeta[j] += sdy[j]; gg[j] += sdyx[j]; }
      addTo(n.in, dy.map((u, k) => { const j = k % C; return gamma[j] * y.r![j] * (u - sdy[j] / R - y.xhat![k] * sdyx[j] / R); }));
    } else if (n.op === 'affine') {
      addTo(n.in, dy.map((u, k) => u * n.s[k]));
    } else if (n.op === 'concatenate') {
      let off = 0;
      for (const src of n.ins) {
        const c = vals[src].cols, dx = new Float64Array(R * c);
        for (let r = 0; r < R; r++) for (let j = 0; j < c; j++) dx[r * c + j] = dy[r * y.cols + off + j];
        addTo(src, dx);
        off += c;
      }
    } else {
      const op = n.op;
      n.ins.forEach((src, m) => {
        addTo(src, dy.map((u, k) => {
          switch (op) {
            case 'add': return u;
            case 'subtract': return m === 0 ? u : -u;
            case 'multiply': return n.ins.reduce((p, s2, q) => (q === m ? p : p * vals[s2].v[k]), u);
            default: return u / n.ins.length;
          }
        }));
      });
    }
  }
  const dxs = g.nodes.flatMap((n, i) => (n.op === 'input' ? [d[i] ?? new Float64Array(vals[i].v.length)] : []));
  return { loss, grads, dxs, outputs: g.outputs.map((o) => vals[o].v) };
}

export const graphLoss = (g: RefGraph): number => graphLossAndGrads(g).loss;

// Recurrent cells (SimpleRNN, LSTM, GRU; Keras 3 layouts, DESIGN.md "Recurrent layers") over a
// whole sequence, time-major: one call runs every timestep, so nothing crosses into JavaScript per
// step. The input projection of all timesteps (x·W + b over batch·timesteps rows, one gemm) is the
// caller's; here each step adds the recurrent gemm h_{t-1}·U (the 4×8 packed micro-kernel of
// f32-gemm.ts) and applies the gate nonlinearities and the cell update, f32x4 over the units.
//
// Shapes (floats, row-major): zx [T, B, G·u] with G = 1 (simple), 4 (LSTM: i, f, c, o), 3 (GRU:
// z, r, h); U [u, G·u]; hs [T + 1, B, u], slot 0 the initial state (the caller writes it), slot
// t + 1 the state after step t; LSTM's aux the cell states in the same [T + 1, B, u] layout; GRU's
// aux [T, B, 3u] the recurrent projections h_{t-1}·U + bias (bias [3u], Keras's bias[1]:
// resetAfter); cell 3 (GRU resetAfter false, Keras 2's and TF.js's: its one bias is in zx) keeps in
// aux [T, B, u] each step's r ⊙ h_{t−1}, whose transpose times dA's h block is dU_h. mask [T, B] (0: none): a step whose mask is 0 leaves that sample's state unchanged
// (Keras), any other value keeps the step. Forward overwrites zx with the gate activations, which
// backward overwrites with the gradients of the pre-activations (dA, for dW = xᵀ·dA, db = Σ dA; for
// GRU dU and the recurrent bias take aux's dR instead). ws: f32_gemm_workspace(B, G·u, u) and
// (B, u, G·u) bytes. units must be a multiple of 4 (the layer pads, recurrent.ts). No pointer may
// alias another; nothing outside the given blocks is written.
// NaN propagates as IEEE arithmetic does. Activation codes take no alpha (linear, relu, sigmoid,
// tanh, hardSigmoid).

import { f32_gemm_nn, f32_gemm_nn_bias_act, f32_gemm_nt } from './f32-gemm';
import { f32_activation, f32_activation_grad } from './f32-activations';
import { f32_axpy, f32_mul } from './f32-vector';

const SIMPLE = 0;
const LSTM = 1;
const GRU = 2;
const GRU_BEFORE = 3; // GRU resetAfter false (Keras 2, TF.js): h̃ = act(x·W_h + (r ⊙ h_{t−1})·U_h + b_h)

// The loops run f32x4 over the units, which are a multiple of 4 (no scalar tails, within the
// release .wasm's size budget): a layer whose units are not pads its rows and weights with zeros.
@inline function ld(p: usize): v128 {
  return v128.load(p);
}
@inline function st(p: usize, v: v128): void {
  v128.store(p, v);
}
@inline function add(a: v128, b: v128): v128 { return f32x4.add(a, b); }
@inline function mul(a: v128, b: v128): v128 { return f32x4.mul(a, b); }
@inline function sub(a: v128, b: v128): v128 { return f32x4.sub(a, b); }

@inline function keep(mask: usize, i: i32): bool {
  return mask == 0 || load<f32>(mask + (<usize>i << 2)) != 0;
}

// LSTM step of one sample: g = [i f c o] pre-activations in, activations out; c = f·cp + i·c̃,
// h = o·act(c). ub: the row's bytes (u·4).
@inline function lstmCell(j: usize, g: usize, ub: usize, cp: usize, c: usize): void {
  st(c + j, add(mul(ld(g + ub + j), ld(cp + j)), mul(ld(g + j), ld(g + 2 * ub + j))));
}
@inline function outGate(j: usize, o: usize, h: usize): void {
  st(h + j, mul(ld(o + j), ld(h + j)));
}
function lstmForward(u: i32, g: usize, cp: usize, c: usize, h: usize, ract: i32, act: i32): void {
  const ub = <usize>u << 2;
  f32_activation(g, g, 2 * u, ract, 0);
  f32_activation(g + 2 * ub, g + 2 * ub, u, act, 0);
  f32_activation(g + 3 * ub, g + 3 * ub, u, ract, 0);
  let j: usize;
  for (j = 0; j < ub; j += 16) lstmCell(j, g, ub, cp, c);
  f32_activation(c, h, u, act, 0);
  for (j = 0; j < ub; j += 16) outGate(j, g + 3 * ub, h);
}

// GRU (reset after): a = [xz xr xh] (x·W + bias[0]) in, [z r h̃] out; r = rec row (h·U + bias[1]).
@inline function gruMix(j: usize, a: usize, r: usize, ub: usize): void {
  st(a + j, add(ld(a + j), ld(r + j)));
}
@inline function gruReset(j: usize, a: usize, r: usize, ub: usize): void {
  st(a + 2 * ub + j, add(ld(a + 2 * ub + j), mul(ld(a + ub + j), ld(r + 2 * ub + j))));
}
@inline function gruState(j: usize, a: usize, hp: usize, h: usize, ub: usize): void {
  const hh = ld(a + 2 * ub + j);
  st(h + j, add(hh, mul(ld(a + j), sub(ld(hp + j), hh))));
}
function gruForward(u: i32, a: usize, r: usize, hp: usize, h: usize, ract: i32, act: i32): void {
  const ub = <usize>u << 2, ub2 = ub << 1;
  let j: usize;
  for (j = 0; j < ub2; j += 16) gruMix(j, a, r, ub);
  f32_activation(a, a, 2 * u, ract, 0);
  for (j = 0; j < ub; j += 16) gruReset(j, a, r, ub);
  f32_activation(a + ub2, a + ub2, u, act, 0);
  for (j = 0; j < ub; j += 16) gruState(j, a, hp, h, ub);
}

// GRU (reset before): a = [z r h] pre-activations with h_{t−1}·U_zr added; out r ⊙ h_{t−1} in rh.
@inline function gruResetBefore(j: usize, a: usize, hp: usize, rh: usize, ub: usize): void {
  st(rh + j, mul(ld(a + ub + j), ld(hp + j)));
}

// One step of GRU resetAfter false over the batch: the gates' recurrent gemm, z and r, r ⊙ h_{t−1}
// (kept in rh, [B, u], for dU_h), its gemm into the h slot, h̃ and the state. Masked rows are the caller's.
function gruBeforeStep(batch: i32, u: i32, z: usize, w: usize, hin: usize, hp: usize, h: usize, rh: usize, ract: i32, act: i32, ws: usize): void {
  const ub = <usize>u << 2, gu = 3 * u, gb = <usize>gu << 2;
  f32_gemm_nn(batch, 2 * u, u, hin, u, w, gu, z, gu, 1, ws);
  let j: usize;
  for (let b = 0; b < batch; b++) {
    const a = z + <usize>b * gb, rb = <usize>b * ub;
    f32_activation(a, a, 2 * u, ract, 0);
    for (j = 0; j < ub; j += 16) gruResetBefore(j, a, hin + rb, rh + rb, ub);
  }
  f32_gemm_nn(batch, u, u, rh, u, w + 2 * ub, gu, z + 2 * ub, gu, 1, ws);
  for (let b = 0; b < batch; b++) {
    const a = z + <usize>b * gb, rb = <usize>b * ub;
    f32_activation(a + 2 * ub, a + 2 * ub, u, act, 0);
    for (j = 0; j < ub; j += 16) gruState(j, a, hp + rb, h + rb, ub);
  }
}

/**
 * Runs `cell` (0 SimpleRNN, 1 LSTM, 2 GRU, 3 GRU resetAfter false) over steps t = 0 … T − 1
 * (layout in the header; cell 3's aux is [T, B, u], r ⊙ h_{t−1} of each step, and its bias is in zx).
 * bias: GRU's recurrent bias [3u] (0: none), unused otherwise. rmask (0: none): recurrent dropout,
 * a [B, u] mask (0 or 1/(1 − rate)) by which h_{t−1} is multiplied where it enters the recurrent
 * gemms (the state update and a masked step's copy take h_{t−1} itself), then B·u floats of scratch.
 */
export function f32_rnn_forward(cell: i32, steps: i32, batch: i32, units: i32, zx: usize, w: usize, bias: usize, mask: usize, rmask: usize, hs: usize, aux: usize, ract: i32, act: i32, ws: usize): void {
  const gu = cell == LSTM ? 4 * units : cell >= GRU ? 3 * units : units;
  const ub = <usize>units << 2, gb = <usize>gu << 2;
  const hb = <usize>batch * ub, zb = <usize>batch * gb;
  for (let t = 0; t < steps; t++) {
    const z = zx + <usize>t * zb, hp = hs + <usize>t * hb, h = hp + hb;
    const rec = aux + <usize>t * zb, cp = aux + <usize>t * hb;
    let hin = hp; // h_{t−1} as the recurrent gemms take it
    if (rmask) f32_mul(hp, rmask, (hin = rmask + hb), batch * units);
    if (cell == GRU_BEFORE) {
      gruBeforeStep(batch, units, z, w, hin, hp, h, cp, ract, act, ws);
      for (let b = 0; b < batch; b++) if (!keep(mask, t * batch + b)) memory.copy(h + <usize>b * ub, hp + <usize>b * ub, ub);
      continue;
    }
    if (cell == GRU) f32_gemm_nn_bias_act(batch, gu, units, hin, units, w, gu, rec, gu, bias, 0, 0, ws);
    else f32_gemm_nn(batch, gu, units, hin, units, w, gu, z, gu, 1, ws);
    for (let b = 0; b < batch; b++) {
      const rh = <usize>b * ub, rz = <usize>b * gb;
      if (!keep(mask, t * batch + b)) {
        memory.copy(h + rh, hp + rh, ub);
        if (cell == LSTM) memory.copy(cp + hb + rh, cp + rh, ub);
      } else if (cell == LSTM) lstmForward(units, z + rz, cp + rh, cp + hb + rh, h + rh, ract, act);
      else if (cell == GRU) gruForward(units, z + rz, rec + rz, hp + rh, h + rh, ract, act);
      else f32_activation(z + rz, h + rh, units, act, 0);
    }
  }
}

// LSTM backward of one sample. d: 4u scratch floats; tc = act(c) in d's o slot, d's i slot first
// dh·o·act'(c), then: dc̃ = dc + that; di = dc̃·c̃, df = dc̃·cp, dg = dc̃·i, do = dh·act(c), dc ← dc̃·f.
@inline function lstmDo(j: usize, g: usize, dh: usize, d: usize, ub: usize): void {
  st(d + j, mul(ld(dh + j), ld(g + 3 * ub + j)));
}
@inline function lstmDc(j: usize, g: usize, cp: usize, dh: usize, dc: usize, d: usize, ub: usize): void {
  const dcn = add(ld(dc + j), ld(d + j));
  st(d + 3 * ub + j, mul(ld(dh + j), ld(d + 3 * ub + j)));
  st(d + j, mul(dcn, ld(g + 2 * ub + j)));
  st(d + ub + j, mul(dcn, ld(cp + j)));
  st(d + 2 * ub + j, mul(dcn, ld(g + j)));
  st(dc + j, mul(dcn, ld(g + ub + j)));
}
function lstmBackward(u: i32, g: usize, cp: usize, c: usize, dh: usize, dc: usize, d: usize, ract: i32, act: i32): void {
  const ub = <usize>u << 2;
  f32_activation(c, d + 3 * ub, u, act, 0);
  let j: usize;
  for (j = 0; j < ub; j += 16) lstmDo(j, g, dh, d, ub);
  f32_activation_grad(d + 3 * ub, d, d, u, act, 0);
  for (j = 0; j < ub; j += 16) lstmDc(j, g, cp, dh, dc, d, ub);
  f32_activation_grad(g, d, g, 2 * u, ract, 0);
  f32_activation_grad(g + 2 * ub, d + 2 * ub, g + 2 * ub, u, act, 0);
  f32_activation_grad(g + 3 * ub, d + 3 * ub, g + 3 * ub, u, ract, 0);
}

// GRU backward of one sample: d (2u scratch) takes dz = dh·(hp − h̃) and dr = dah·Rh; dh̃ = dh·(1 − z)
// lands in a's h slot and becomes dah = dh̃·act'(h̃); dhp += dh·z; r's h slot becomes dah·r.
@inline function gruDh(j: usize, a: usize, hp: usize, dh: usize, dhp: usize, d: usize, ub: usize): void {
  const z = ld(a + j), hh = ld(a + 2 * ub + j), g = ld(dh + j);
  st(d + j, mul(g, sub(ld(hp + j), hh)));
  st(d + 2 * ub + j, sub(g, mul(g, z)));
  if (dhp) st(dhp + j, add(ld(dhp + j), mul(g, z)));
}
@inline function gruDr(j: usize, a: usize, r: usize, d: usize, ub: usize): void {
  const dah = ld(a + 2 * ub + j);
  st(d + ub + j, mul(dah, ld(r + 2 * ub + j)));
  st(r + 2 * ub + j, mul(dah, ld(a + ub + j)));
}
function gruBackward(u: i32, a: usize, r: usize, hp: usize, dh: usize, dhp: usize, d: usize, ract: i32, act: i32): void {
  const ub = <usize>u << 2;
  let j: usize;
  for (j = 0; j < ub; j += 16) gruDh(j, a, hp, dh, dhp, d, ub);
  f32_activation_grad(a + 2 * ub, d + 2 * ub, a + 2 * ub, u, act, 0);
  for (j = 0; j < ub; j += 16) gruDr(j, a, r, d, ub);
  f32_activation_grad(a, d, a, 2 * u, ract, 0);
  memory.copy(r, a, ub << 1);
}

// GRU (reset before) backward, after the gemm d(r ⊙ h) = dah·U_hᵀ (drh): dr = drh ⊙ h_{t−1}, dh_{t−1} += drh ⊙ r.
@inline function gruDrBefore(j: usize, a: usize, hp: usize, m: usize, drh: usize, dhp: usize, d: usize, ub: usize): void {
  const g = ld(drh + j);
  st(d + ub + j, mul(g, m ? mul(ld(hp + j), ld(m + j)) : ld(hp + j)));
  if (dhp) st(dhp + j, add(ld(dhp + j), mul(g, ld(a + ub + j))));
}

// One step of GRU resetAfter false backward over the batch (a: the step's activations, dA out).
// drh: B·u scratch; d: 2u. rm: the recurrent dropout mask or 0; din: where the gradient of the
// gemms' h_{t−1} goes (dhp, or the caller's block that it multiplies by rm into dhp).
function gruBeforeBack(batch: i32, u: i32, z: usize, w: usize, hp: usize, rm: usize, dh: usize, dhp: usize, din: usize, mask: usize, row: i32, drh: usize, d: usize, ract: i32, act: i32, ws: usize): void {
  const ub = <usize>u << 2, gu = 3 * u, gb = <usize>gu << 2;
  let j: usize;
  for (let b = 0; b < batch; b++) {
    const a = z + <usize>b * gb, rb = <usize>b * ub;
    if (!keep(mask, row + b)) {
      memory.fill(a, 0, gb);
      if (dhp) f32_axpy(u, 1, dh + rb, dhp + rb);
      continue;
    }
    for (j = 0; j < ub; j += 16) gruDh(j, a, hp + rb, dh + rb, dhp ? dhp + rb : 0, d, ub);
    f32_activation_grad(a + 2 * ub, d + 2 * ub, a + 2 * ub, u, act, 0);
    f32_activation_grad(a, d, a, u, ract, 0);
  }
  f32_gemm_nt(batch, u, u, z + 2 * ub, gu, w + 2 * ub, gu, drh, u, 0, ws);
  for (let b = 0; b < batch; b++) {
    if (!keep(mask, row + b)) continue;
    const a = z + <usize>b * gb, rb = <usize>b * ub;
    for (j = 0; j < ub; j += 16) gruDrBefore(j, a, hp + rb, rm ? rm + rb : 0, drh + rb, din ? din + rb : 0, d, ub);
    f32_activation_grad(a + ub, d + ub, a + ub, u, ract, 0);
  }
}

/**
 * Backward through time of f32_rnn_forward, t = T − 1 … 0. dhs [T, B, u]: in, the gradient of the
 * loss with respect to each step's output h_t; it is used as the working gradient and overwritten.
 * Out: dA in zx (and dR in GRU's aux). tmp: B·u + 4u floats of scratch, its first B·u LSTM's cell
 * gradient: in, that of the last cell state c_T (the caller zeroes it, or writes it when c_T is an output).
 * init ≠ 0: the gradient with respect to the initial state h_0 is added into the [B, u] block just
 * before dhs (the caller zeroes it or holds a gradient there), and LSTM's with respect to c_0 is
 * left in tmp's first B·u floats; init = 0: neither is formed. rmask: as forward's (its scratch
 * used again); dU is then (h_{t−1} ⊙ rmask)ᵀ·dR, the caller's.
 */
export function f32_rnn_backward(cell: i32, steps: i32, batch: i32, units: i32, zx: usize, w: usize, mask: usize, rmask: usize, hs: usize, aux: usize, dhs: usize, tmp: usize, ract: i32, act: i32, init: i32, ws: usize): void {
  const gu = cell == LSTM ? 4 * units : cell >= GRU ? 3 * units : units;
  const ub = <usize>units << 2, gb = <usize>gu << 2;
  const hb = <usize>batch * ub, zb = <usize>batch * gb;
  const d = tmp + hb;
  for (let t = steps - 1; t >= 0; t--) {
    const z = zx + <usize>t * zb, hp = hs + <usize>t * hb, dh = dhs + <usize>t * hb;
    const dhp: usize = t > 0 || init ? dh - hb : 0, rec = aux + <usize>t * zb, cp = aux + <usize>t * hb;
    const din: usize = dhp && rmask ? rmask + hb : dhp, n = batch * units; // the gemms' h_{t−1} gradient
    if (cell == GRU_BEFORE) {
      if (din != dhp) memory.fill(din, 0, hb);
      gruBeforeBack(batch, units, z, w, hp, rmask, dh, dhp, din, mask, t * batch, tmp, d, ract, act, ws);
      if (dhp) f32_gemm_nt(batch, units, 2 * units, z, gu, w, gu, din, units, 1, ws);
    } else {
      for (let b = 0; b < batch; b++) {
        const rh = <usize>b * ub, rz = <usize>b * gb;
        if (!keep(mask, t * batch + b)) {
          memory.fill(z + rz, 0, gb);
          if (cell == GRU) memory.fill(rec + rz, 0, gb);
          if (dhp) f32_axpy(units, 1, dh + rh, dhp + rh);
        } else if (cell == LSTM) lstmBackward(units, z + rz, cp + rh, cp + hb + rh, dh + rh, tmp + rh, d, ract, act);
        else if (cell == GRU) gruBackward(units, z + rz, rec + rz, hp + rh, dh + rh, dhp ? dhp + rh : 0, d, ract, act);
        else f32_activation_grad(hp + hb + rh, dh + rh, z + rz, units, act, 0);
      }
      if (dhp) f32_gemm_nt(batch, units, gu, cell == GRU ? rec : z, gu, w, gu, din, units, din == dhp ? 1 : 0, ws);
    }
    if (din != dhp) { // through the recurrent dropout mask
      f32_mul(din, rmask, din, n);
      f32_axpy(n, 1, din, dhp);
    }
  }
}

/**
 * Swaps a sequence's batch and time axes: seq [B, T, w] ↔ time-major [T, B, w], time reversed when
 * rev ≠ 0 (goBackwards). toTime ≠ 0: seq → time, else time → seq. The two may not alias.
 */
export function f32_seq_swap(seq: usize, time: usize, batch: i32, steps: i32, w: i32, toTime: i32, rev: i32): void {
  const wb = <usize>w << 2;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      const s = seq + (<usize>b * steps + (rev ? steps - 1 - t : t)) * wb, m = time + (<usize>t * batch + b) * wb;
      if (toTime) memory.copy(m, s, wb);
      else memory.copy(s, m, wb);
    }
  }
}

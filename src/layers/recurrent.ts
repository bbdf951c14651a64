// The recurrent layers' shared machinery (SimpleRNN, LSTM, GRU; DESIGN.md "Recurrent layers"):
// sequences [batch, timesteps, features], Keras 3 weight layouts (kernel [features, G·units],
// recurrentKernel [units, G·units]). A call turns the input time-major (reversed for goBackwards),
// projects every timestep at once (one gemm over batch·timesteps rows, bias fused), then runs the
// cell over the whole sequence in one kernel call (assembly/f32-recurrent.ts); backward runs the
// kernel's backward through time and three more gemms for dW, dU and dx. A mask that came with
// the input (masking layer) leaves a sample's state unchanged at its masked steps, as in Keras,
// and travels on with a returnSequences output to the next recurrent layer.
//
// Memory kept for the backward pass, per sample (floats): the time-major input T·F, the gate
// activations T·G·u, the states (T + 1)·u, and LSTM's cell states (T + 1)·u or GRU's recurrent
// projections T·3u; for LSTM(64) over 30 steps of 8 features 11,888 floats (46.4 KiB), for GRU(64) 13,744 (53.7 KiB).

import { getActivation } from '../activations.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import type { Keys } from '../options.js';
import { ShapeError } from '../tensor.js';
import { ACT_HARD_SIGMOID_CODE, type Kernels } from '../wasm/kernels.js';
import type { OnnxAttr, OnnxGraph } from './onnx.js';
import { initializerConfig, Layer, layerKeys, outputBuf, regularizerConfig, scratchBuf, stepBuf, type Buf, type Ctx, type LayerArgs, type Regularizer, type Weight } from './layer.js';

export interface RecurrentArgs extends LayerArgs {
  /** The state's activation (default 'tanh'). */
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  /** Default 'orthogonal', as Keras. */
  recurrentInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: Regularizer;
  recurrentRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  /** Output every timestep's state [batch, timesteps, units] instead of the last [batch, units]. */
  returnSequences?: boolean;
  /** Read the sequence from its last step to its first (the output sequence is in that order, as Keras's). */
  goBackwards?: boolean;
  /**
   * Dropout of the inputs in training (Keras): each sample's features kept with probability
   * 1 − rate, scaled by 1/(1 − rate), one mask for all of its timesteps, drawn from the model's generator.
   */
  dropout?: number;
  /**
   * Dropout of the recurrent state in training (Keras's recurrent_dropout): h_{t−1} times a mask
   * of 0 and 1/(1 − rate) per sample and unit where it enters the recurrent matmuls, one mask for
   * all timesteps of a sequence, drawn from the model's generator; the state update itself (GRU's
   * z ⊙ h_{t−1}, a masked step's copy) takes h_{t−1} as it is. None in inference.
   */
  recurrentDropout?: number;
}

export interface GatedArgs extends RecurrentArgs {
  /** The gates' activation: Keras 3's default 'sigmoid'; TF.js's is 'hardSigmoid' (clip(0.2x + 0.5, 0, 1)). */
  recurrentActivation?: string;
}

export const recurrentKeys: Keys<RecurrentArgs> = {
  ...layerKeys, activation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true, biasInitializer: true,
  kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, returnSequences: true, goBackwards: true, dropout: true, recurrentDropout: true,
};
export const gatedKeys: Keys<GatedArgs> = { ...recurrentKeys, recurrentActivation: true };

/** An activation a cell takes: no alpha, not softmax; 'hardSigmoid' too. */
export function cellActivation(name: string | undefined, fallback: string, where: string): { name: string; code: number } {
  const n = name ?? fallback;
  if (n === 'hardSigmoid' || n === 'hard_sigmoid') return { name: 'hardSigmoid', code: ACT_HARD_SIGMOID_CODE };
  const a = getActivation(n, where);
  if (!['linear', 'relu', 'sigmoid', 'tanh'].includes(a.name)) {
    throw new Error(`${where}: a recurrent cell takes the activations tanh, sigmoid, hardSigmoid, relu or linear, got '${n}'`);
  }
  return { name: a.name, code: a.code };
}

export const CELL = { simple: 0, lstm: 1, gru: 2, gruResetBefore: 3 } as const;

export abstract class Recurrent extends Layer {
  readonly units: number;
  readonly activation: { name: string; code: number };
  readonly recurrentActivation: { name: string; code: number };
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly kernelInitializer: Initializer;
  readonly recurrentInitializer: Initializer;
  readonly biasInitializer: Initializer;
  protected readonly args: GatedArgs;
  kernel!: Weight;
  recurrentKernel!: Weight;
  bias?: Weight;
  /** The kernel's cell code and gate count. */
  protected abstract readonly cell: number;
  protected abstract readonly gates: number;

  constructor(base: string, units: number, args: GatedArgs, gated: boolean) {
    super(base, args);
    if (!Number.isInteger(units) || units <= 0) throw new RangeError(`${this.name}: units must be a whole number > 0, got ${units}`);
    this.units = units;
    this.activation = cellActivation(args.activation, 'tanh', this.name);
    this.recurrentActivation = gated ? cellActivation(args.recurrentActivation, 'sigmoid', this.name) : { name: 'linear', code: 0 };
    this.useBias = args.useBias ?? true;
    this.returnSequences = args.returnSequences ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.dropout = args.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new RangeError(`${this.name}: dropout must be in [0, 1), got ${args.dropout}`);
    this.recurrentDropout = args.recurrentDropout ?? 0;
    if (!(this.recurrentDropout >= 0 && this.recurrentDropout < 1)) throw new RangeError(`${this.name}: recurrentDropout must be in [0, 1), got ${args.recurrentDropout}`);
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform', this.name);
    this.recurrentInitializer = getInitializer(args.recurrentInitializer ?? 'orthogonal', this.name);
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', this.name);
    this.args = args;
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 2) {
      throw new ShapeError(`${this.name}: sequences are [batch, timesteps, features], got an input [*, ${inputShape.join(', ')}]${inputShape.length === 1 ? '; reshape it to [timesteps, features] (layers.reshape) or give inputShape: [timesteps, features]' : ''}`);
    }
    return this.returnSequences ? [inputShape[0], this.units] : [this.units];
  }

  /** The bias weight's shape and initializer (GRU: [2, 3u]; LSTM: unitForgetBias). */
  protected biasWeight(): { shape: number[]; init: Initializer } {
    return { shape: [this.gates * this.units], init: this.biasInitializer };
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    const gu = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [inputShape[1], gu], this.kernelInitializer, { regularizer: this.args.kernelRegularizer });
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, gu], this.recurrentInitializer, { regularizer: this.args.recurrentRegularizer });
    if (this.useBias) {
      const { shape, init } = this.biasWeight();
      this.bias = this.addWeight('bias', shape, init, { regularizer: this.args.biasRegularizer });
    }
  }

  /** A new layer of this class with these options but goBackwards flipped (Bidirectional's backward layer). */
  reversedCopy(name: string): Recurrent {
    const make = this.constructor as new (units: number, args: GatedArgs) => Recurrent;
    const { inputShape: _s, inputDim: _d, ...args } = this.args;
    return new make(this.units, { ...args, name, goBackwards: !this.goBackwards });
  }

  /** GRU's recurrent bias (bias[1]), 0 for none or another cell. */
  protected recurrentBias(): number {
    return 0;
  }

  protected override checkInput(x: Buf): void {
    const [T, F] = this.inputShape!;
    if (x.cols !== T * F) throw new ShapeError(`${this.name} expects sequences [batch, ${T}, ${F}] (timesteps, features), got [${x.rows}, ${x.cols}] values per sample`);
  }

  /** The kernel's row width: the units rounded up to a multiple of 4 (f32-recurrent.ts takes no tails). */
  protected get padded(): number {
    return (this.units + 3) & ~3;
  }

  /**
   * The weight at `src` ([rows, G·u]) with each gate block widened to p columns and the rows to
   * `outRows`, zeros around: the kernel's layout when the units are not a multiple of 4.
   */
  private padBlocks(ctx: Ctx, src: number, rows: number, outRows: number): number {
    const u = this.units, p = this.padded, G = this.gates;
    const dst = scratchBuf(ctx, outRows, G * p).ptr;
    for (let g = 0; g < G; g++) ctx.k.f32_copy_2d(src + g * u * 4, G * u, dst + g * p * 4, G * p, rows, u);
    return dst;
  }

  forward(input: Buf, ctx: Ctx): Buf {
    this.checkInput(input);
    let x = input;
    const { k } = ctx;
    const [T, F] = this.inputShape!, B = x.rows, u = this.units, p = this.padded, gp = this.gates * p, rev = this.goBackwards ? 1 : 0;
    let w = this.kernel.ptr, rw = this.recurrentKernel.ptr, b = this.bias ? this.bias.ptr : 0, rb = this.recurrentBias();
    const drop = ctx.training && this.dropout > 0 ? this.dropInputs(ctx, x) : 0;
    if (drop) x = stepBuf(ctx, drop, x.rows, x.cols);
    ctx.saved.drop = drop;
    if (p !== u) { // (F, G·p), (p, G·p), (G·p) and GRU's (G·p): zero-padded copies for this step
      w = this.padBlocks(ctx, w, F, F);
      rw = this.padBlocks(ctx, rw, u, p);
      if (b) b = this.padBlocks(ctx, b, 1, 1);
      if (rb) rb = this.padBlocks(ctx, rb, 1, 1);
    }
    const saved = ctx.saved; // fields, not an object literal: nothing allocated per step
    const xt = outputBuf(ctx, T * B, F); // (T, B, F)
    k.f32_seq_swap(x.ptr, xt.ptr, B, T, F, 1, rev);
    const zx = outputBuf(ctx, T * B, gp); // (T, B, G·p): x·W + b, then the gates
    k.f32_gemm_nn_bias_act(T * B, gp, F, xt.ptr, F, w, gp, zx.ptr, gp, b, 0, 0, ctx.ws);
    const hs = scratchBuf(ctx, (T + 1) * B, p); // (T + 1, B, p), h_0 = 0
    const aux = this.cell === CELL.lstm ? scratchBuf(ctx, (T + 1) * B, p).ptr : this.cell === CELL.gru ? outputBuf(ctx, T * B, gp).ptr
      : this.cell === CELL.gruResetBefore ? outputBuf(ctx, T * B, p).ptr : 0;
    let mask = 0;
    if (input.mask) {
      mask = ctx.scratch.take(T * B * 4); // (T, B)
      k.f32_seq_swap(input.mask, mask, B, T, 1, 1, rev);
    }
    const rmask = ctx.training && this.recurrentDropout > 0 ? this.recurrentMask(ctx, B) : 0;
    k.f32_rnn_forward(this.cell, T, B, p, zx.ptr, rw, rb, mask, rmask, hs.ptr, aux, this.recurrentActivation.code, this.activation.code, ctx.ws);
    saved.rmask = rmask;
    saved.xt = xt;
    saved.zx = zx;
    saved.hs = hs;
    saved.aux = aux;
    saved.mask = mask;
    saved.B = B;
    saved.w = w;
    saved.rw = rw;
    let y: Buf;
    if (this.returnSequences) {
      y = outputBuf(ctx, B, T * u);
      const seq = p === u ? y.ptr : ctx.scratch.take(B * T * p * 4); // (B, T, p)
      k.f32_seq_swap(seq, hs.ptr + B * p * 4, B, T, p, 0, 0);
      if (seq !== y.ptr) k.f32_copy_2d(seq, p, y.ptr, u, B * T, u);
      y.mask = input.mask ?? 0; // Keras: a sequence output carries the input's mask on (as it is, also for goBackwards)
    } else {
      y = outputBuf(ctx, B, u);
      k.f32_copy_2d(hs.ptr + T * B * p * 4, p, y.ptr, u, B, u);
    }
    return y;
  }

  /**
   * The inputs with dropout: returns the byte offset of the dropped copy (B, T·F), after the mask
   * (B, F) of 0 and 1/(1 − rate); one memory view, nothing allocated.
   */
  private dropInputs(ctx: Ctx, x: Buf): number {
    const [T, F] = this.inputShape!, B = x.rows, rate = this.dropout, keep = 1 / (1 - rate);
    const out = ctx.scratch.take(B * T * F * 4 + B * F * 4), mask = out + B * T * F * 4;
    const m = ctx.arena.f32All(), xi = x.ptr >> 2, oi = out >> 2, mi = mask >> 2;
    for (let i = 0; i < B * F; i++) m[mi + i] = ctx.rng.uniform() >= rate ? keep : 0;
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let j = 0; j < F; j++) m[oi + (b * T + t) * F + j] = m[xi + (b * T + t) * F + j] * m[mi + b * F + j];
    return out;
  }

  /**
   * The recurrent dropout mask (B, p) of 0 and 1/(1 − rate) (0 in the padding), then the kernel's
   * scratch of 2·B·p floats: its byte offset.
   */
  private recurrentMask(ctx: Ctx, B: number): number {
    const u = this.units, p = this.padded, rate = this.recurrentDropout, keep = 1 / (1 - rate);
    const out = ctx.scratch.take(3 * B * p * 4), m = ctx.arena.f32All(), o = out >> 2;
    for (let b = 0; b < B; b++) for (let j = 0; j < p; j++) m[o + b * p + j] = j < u && ctx.rng.uniform() >= rate ? keep : 0;
    return out;
  }

  /** dst (rows × G·u) (+)= Aᵀ·D for A (T·B × rows, lda) and D (T·B × G·p): one gemm, or one per gate block when padded. */
  private gradBlocks(ctx: Ctx, n: number, rows: number, a: number, lda: number, d: number, dst: number, acc: number): void {
    const u = this.units, p = this.padded, G = this.gates;
    if (p === u) ctx.k.f32_gemm_tn(rows, G * u, n, a, lda, d, G * u, dst, G * u, acc, ctx.ws);
    else for (let g = 0; g < G; g++) ctx.k.f32_gemm_tn(rows, u, n, a, lda, d + g * p * 4, G * p, dst + g * u * 4, G * u, acc, ctx.ws);
  }

  /** dst (G·u) (+)= the column sums of D (n × G·p), padding dropped. */
  private biasGrad(ctx: Ctx, n: number, d: number, dst: number, acc: number): void {
    const { k } = ctx, u = this.units, p = this.padded, G = this.gates;
    if (p === u) return k.f32_col_sum(d, dst, n, G * u, acc);
    const sums = ctx.scratch.take(G * p * 4);
    k.f32_col_sum(d, sums, n, G * p, 0);
    for (let g = 0; g < G; g++) {
      if (acc) k.f32_axpy(u, 1, sums + g * p * 4, dst + g * u * 4);
      else k.f32_copy(sums + g * p * 4, dst + g * u * 4, u);
    }
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const { k } = ctx;
    const { xt, zx, hs, aux, mask, rmask, B, w, rw } = ctx.saved as { xt: Buf; zx: Buf; hs: Buf; aux: number; mask: number; rmask: number; B: number; w: number; rw: number };
    const [T, F] = this.inputShape!, u = this.units, p = this.padded, gp = this.gates * p;
    const dhs = scratchBuf(ctx, T * B, p); // (T, B, p), the padding 0
    if (this.returnSequences) {
      const tm = p === u ? dhs.ptr : ctx.scratch.take(T * B * u * 4); // (T, B, u)
      k.f32_seq_swap(dy.ptr, tm, B, T, u, 1, 0);
      if (tm !== dhs.ptr) k.f32_copy_2d(tm, u, dhs.ptr, p, T * B, u);
    } else k.f32_copy_2d(dy.ptr, u, dhs.ptr + (T - 1) * B * p * 4, p, B, u);
    const tmp = ctx.scratch.take((B * p + 4 * p) * 4);
    k.f32_rnn_backward(this.cell, T, B, p, zx.ptr, rw, mask, rmask, hs.ptr, aux, dhs.ptr, tmp, this.recurrentActivation.code, this.activation.code, 0, ctx.ws);
    const dR = this.cell === CELL.gru ? aux : zx.ptr; // (T, B, G·p): the recurrent pre-activations' gradients
    if (this.trainsNow) {
      const a = acc ? 1 : 0;
      if (rmask) for (let t = 0; t < T; t++) k.f32_mul(hs.ptr + t * B * p * 4, rmask, hs.ptr + t * B * p * 4, B * p); // dU takes h_{t−1} ⊙ mask
      this.gradBlocks(ctx, T * B, F, xt.ptr, F, zx.ptr, this.kernel.gradPtr, a); // dW = xᵀ·dA
      if (this.cell === CELL.gruResetBefore) { // dU_zr = h_{t−1}ᵀ·dA_zr, dU_h = (r ⊙ h_{t−1})ᵀ·dA_h (aux)
        for (let g = 0; g < 3; g++) k.f32_gemm_tn(u, u, T * B, g < 2 ? hs.ptr : aux, p, zx.ptr + g * p * 4, gp, this.recurrentKernel.gradPtr + g * u * 4, 3 * u, a, ctx.ws);
      } else this.gradBlocks(ctx, T * B, u, hs.ptr, p, dR, this.recurrentKernel.gradPtr, a); // dU = h_{t−1}ᵀ·dR
      if (this.bias) {
        this.biasGrad(ctx, T * B, zx.ptr, this.bias.gradPtr, a);
        if (this.cell === CELL.gru) this.biasGrad(ctx, T * B, dR, this.bias.gradPtr + this.gates * u * 4, a);
      }
    }
    if (!needDx) return null;
    const dxt = outputBuf(ctx, T * B, F); // (T, B, F) = dA·Wᵀ
    k.f32_gemm_nt(T * B, F, gp, zx.ptr, gp, w, gp, dxt.ptr, F, 0, ctx.ws);
    const dx = stepBuf(ctx, ctx.scratch.take(B * T * F * 4), B, T * F);
    k.f32_seq_swap(dx.ptr, dxt.ptr, B, T, F, 0, this.goBackwards ? 1 : 0);
    const drop = ctx.saved.drop as number;
    if (drop) { // dx ⊙ the dropout mask (B, F), at every timestep
      const m = ctx.arena.f32All(), di = dx.ptr >> 2, mi = (drop + B * T * F * 4) >> 2;
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let j = 0; j < F; j++) m[di + (b * T + t) * F + j] *= m[mi + b * F + j];
    }
    return dx;
  }

  override workspace(k: Kernels, rows: number): number {
    const [T, F] = this.inputShape!, p = this.padded, gp = this.gates * p, n = T * rows;
    return Math.max(k.f32_gemm_workspace(n, gp, F), k.f32_gemm_workspace(rows, gp, p), k.f32_gemm_workspace(rows, p, gp),
      k.f32_gemm_workspace(F, gp, n), k.f32_gemm_workspace(p, gp, n), k.f32_gemm_workspace(n, F, gp));
  }

  /** The options every recurrent layer writes; the cells add their own. */
  protected recurrentConfig(): Record<string, unknown> {
    const { useBias, args } = this;
    return {
      units: this.units, activation: this.activation.name, useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer), recurrentInitializer: initializerConfig(this.recurrentInitializer),
      biasInitializer: initializerConfig(useBias ? this.biasInitializer : null),
      kernelRegularizer: regularizerConfig(args.kernelRegularizer), recurrentRegularizer: regularizerConfig(args.recurrentRegularizer),
      biasRegularizer: useBias ? regularizerConfig(args.biasRegularizer) : null,
      returnSequences: this.returnSequences, goBackwards: this.goBackwards, dropout: this.dropout,
      ...(this.recurrentDropout ? { recurrentDropout: this.recurrentDropout } : {}), // older files stay byte for byte
    };
  }
}

// ONNX's names of the cell activations (HardSigmoid's defaults α = 0.2, β = 0.5 are TF.js's).
const ONNX_ACT: Record<string, string> = { sigmoid: 'Sigmoid', tanh: 'Tanh', hardSigmoid: 'HardSigmoid', relu: 'Relu', linear: 'Affine' };

/**
 * The sequence lengths a masking layer's ONNX export wrote for the tensors that carry its mask
 * (per graph: tensor name → the int32 [batch] lengths' name), for the recurrent operators'
 * sequence_lens.
 */
export const onnxSequenceLengths = new WeakMap<OnnxGraph, Map<string, string>>();

/**
 * The layer as ONNX's RNN, LSTM or GRU operator (opset 17): the input made time-major, Keras's gate
 * blocks reordered into ONNX's (`order`: LSTM i, o, f, c from Keras's i, f, c, o) and transposed
 * to [gates·u, in], GRU with linear_before_reset = 1 (Keras 3's resetAfter) or 0 (resetAfter false); goBackwards as
 * direction 'reverse', its output sequence put in Keras's processing order. A mask from a masking
 * layer becomes sequence_lens (the count of unmasked steps): exact where the padding is at the
 * end of each sequence, except that ONNX's sequence outputs are 0 at padded steps where Keras
 * repeats the last state.
 */
export function writeRecurrentOnnx(l: Recurrent, op: 'RNN' | 'LSTM' | 'GRU', order: number[], acts: string[], x: string, output: string, g: OnnxGraph, resetAfter = true): void {
  const [T, F] = l.inputShape!, u = l.units, G = order.length, gu = G * u;
  const [kernel, recurrent, bias] = g.weights(l);
  const blocks = (m: Float32Array, rows: number): Float32Array => { // [rows, G·u] Keras → [G·u, rows] ONNX
    const out = new Float32Array(gu * rows);
    order.forEach((kg, og) => { for (let j = 0; j < u; j++) for (let r = 0; r < rows; r++) out[(og * u + j) * rows + r] = m[r * gu + kg * u + j]; });
    return out;
  };
  const b = new Float32Array(2 * gu);
  if (bias) {
    b.set(blocks(bias.subarray(0, gu), 1), 0);
    if (op === 'GRU' && resetAfter) b.set(blocks(bias.subarray(gu), 1), gu);
  }
  const n = (s: string) => g.fresh(`${l.name}/${s}`);
  const lens = onnxSequenceLengths.get(g)?.get(x);
  const xt = n('time_major'), y = n('Y'), yh = n('Y_h');
  g.node('Transpose', [x], xt, { perm: { ints: [1, 0, 2] } });
  const attrs: Record<string, OnnxAttr> = { hidden_size: { i: u }, activations: { strings: acts } };
  if (acts.includes('Affine')) { // linear: Affine(1, 0); the lists hold a value per activation that takes them, in order (onnxruntime)
    const takes = acts.filter((a) => a === 'Affine' || a === 'HardSigmoid');
    attrs.activation_alpha = { floats: takes.map((a) => (a === 'Affine' ? 1 : 0.2)) };
    attrs.activation_beta = { floats: takes.map((a) => (a === 'Affine' ? 0 : 0.5)) };
  }
  if (op === 'GRU') attrs.linear_before_reset = { i: resetAfter ? 1 : 0 }; // resetAfter false: Rb 0, the one bias in Wb
  if (l.goBackwards) attrs.direction = { s: 'reverse' };
  const ins = [xt, g.constant(`${l.name}/W`, blocks(kernel, F), [1, gu, F]), g.constant(`${l.name}/R`, blocks(recurrent, u), [1, gu, u]), g.constant(`${l.name}/B`, b, [1, 2 * gu])];
  if (lens) ins.push(lens);
  g.node(op, ins, l.returnSequences ? y : ['', yh], attrs);
  if (l.returnSequences) { // Y [T, 1, B, u] → [B, T, u], in processing order
    let yo = y;
    if (l.goBackwards) {
      yo = n('Y_processing_order');
      g.node('Slice', [y, g.constantInts(`${l.name}/starts`, [-1]), g.constantInts(`${l.name}/ends`, [-T - 1]), g.constantInts(`${l.name}/axes`, [0]), g.constantInts(`${l.name}/steps`, [-1])], yo);
    }
    const yt = n('batch_major');
    g.node('Transpose', [yo], yt, { perm: { ints: [2, 0, 1, 3] } });
    g.node('Reshape', [yt, g.constantInts(`${l.name}/shape`, [-1, T, u])], output);
    if (lens) onnxSequenceLengths.get(g)!.set(output, lens); // the mask travels on (Keras)
  } else g.node('Reshape', [yh, g.constantInts(`${l.name}/shape`, [-1, u])], output);
}

/** ONNX's activation names for a cell's (recurrent) activations. */
export const onnxActs = (...names: string[]): string[] => names.map((a) => ONNX_ACT[a]);

// The recurrent layers' shared machinery (SimpleRNN, LSTM, GRU; DESIGN.md "Recurrent layers"):
// sequences [batch, timesteps, features], Keras 3 weight layouts (kernel [features, G·units],
// recurrentKernel [units, G·units]). A call turns the input time-major (reversed for goBackwards),
// projects every timestep at once (one gemm over batch·timesteps rows, bias fused), then runs the
// cell over the whole sequence in one kernel call (assembly/f32-recurrent.ts); backward runs the
// kernel's backward through time and three more gemms for dW, dU and dx. A mask that came with
// the input (masking layer) leaves a sample's state unchanged at its masked steps, as in Keras,
// and travels on with a returnSequences output to the next recurrent layer. Initial states
// (initialState, inputs 2 and 3 of a call) go into slot 0 of the states and get their gradients;
// returnState hands the last h (and c) to the graph as the node's other outputs; recurrentDropout
// is a [B, u] mask the kernel applies to h_{t−1} in the recurrent matmuls.
//
// Memory kept for the backward pass, per sample (floats): the time-major input T·F, the gate
// activations T·G·u, the states (T + 1)·u, and LSTM's cell states (T + 1)·u or GRU's recurrent
// projections T·3u (resetAfter false: r ⊙ h_{t−1}, T·u); for LSTM(64) over 30 steps of 8 features 11,888 floats (46.4 KiB), for GRU(64) 13,744 (53.7 KiB).

import { getActivation } from '../activations.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import type { SymbolicTensor } from '../graph.js';
import { checkOptions, type Keys } from '../options.js';
import { ShapeError } from '../tensor.js';
import { ACT_HARD_SIGMOID_CODE, type Kernels } from '../wasm/kernels.js';
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
  /**
   * Also output the last state (Keras's return_state): apply then gives [output, h] (LSTM:
   * [output, h, c]), iterating the tensor it returns; functional models only.
   */
  returnState?: boolean;
}

/** A recurrent layer's call options (Keras's initial_state). */
export interface RecurrentApplyArgs {
  /** The initial states [h0] (LSTM: [h0, c0]), each [batch, units]; zeros when not given. */
  initialState?: SymbolicTensor[];
}

/**
 * What a recurrent layer's apply returns: its output tensor, which iterates as [output, ...states]
 * (`const [y, h, c] = lstm.apply(x)` with returnState; [output] alone without).
 */
export type RecurrentOutput = SymbolicTensor & Iterable<SymbolicTensor>;

export interface GatedArgs extends RecurrentArgs {
  /** The gates' activation: Keras 3's default 'sigmoid'; TF.js's is 'hardSigmoid' (clip(0.2x + 0.5, 0, 1)). */
  recurrentActivation?: string;
}

export const recurrentKeys: Keys<RecurrentArgs> = {
  ...layerKeys, activation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true, biasInitializer: true,
  kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, returnSequences: true, goBackwards: true, dropout: true, recurrentDropout: true, returnState: true,
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
  readonly returnState: boolean;
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
    this.returnState = args.returnState ?? false;
    if (typeof this.returnState !== 'boolean') throw new TypeError(`${this.name}: returnState must be true or false, got ${JSON.stringify(args.returnState)}`);
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

  /** How many states the cell carries: h (LSTM: h and c). */
  get stateCount(): number {
    return this.cell === CELL.lstm ? 2 : 1;
  }

  override extraOutputShapes(): number[][] {
    return this.returnState ? Array.from({ length: this.stateCount }, () => [this.units]) : [];
  }

  /**
   * Records a call (layer.ts apply), the initial states either after the sequence in the list
   * (Keras's `layer.apply([x, h0, c0])`) or as `initialState`.
   */
  override apply(inputs: SymbolicTensor | SymbolicTensor[], args: RecurrentApplyArgs = {}): RecurrentOutput {
    checkOptions(`${this.name}.apply`, args, { initialState: true });
    const xs = [...(Array.isArray(inputs) ? inputs : [inputs]), ...(args.initialState ?? [])];
    const out = super.apply(xs) as RecurrentOutput;
    const all = out.node!.outputs ?? [out];
    Object.defineProperty(out, Symbol.iterator, { value: () => all[Symbol.iterator]() });
    return out;
  }

  override buildFor(shapes: number[][], names: string[]): number[] {
    if (shapes.length > 1) {
      const n = this.stateCount, u = this.units;
      if (shapes.length !== 1 + n) throw new ShapeError(`${this.name} takes a sequence and ${n === 2 ? 'the initial states [h0, c0]' : 'the initial state [h0]'}, got ${shapes.length} inputs (${names.join(', ')})`);
      shapes.slice(1).forEach((s, i) => {
        if (s.length !== 1 || s[0] !== u) throw new ShapeError(`${this.name}: initial state ${names[i + 1]} must be [batch, ${u}], got [*, ${s.join(', ')}]`);
      });
    }
    return super.buildFor(shapes.slice(0, 1), names.slice(0, 1));
  }

  /** The sequence, then the initial states if the call was given them. */
  override call(xs: Buf[], ctx: Ctx): Buf {
    ctx.saved.h0 = xs.length > 1 ? xs[1] : null;
    ctx.saved.c0 = xs.length > 2 ? xs[2] : null;
    return this.forward(xs[0], ctx);
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
    const h0 = ctx.saved.h0 as Buf | null | undefined, c0 = ctx.saved.c0 as Buf | null | undefined;
    if (h0) this.initialState(ctx, h0, hs.ptr, B, 'h0');
    if (c0) this.initialState(ctx, c0, aux, B, 'c0');
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
    if (this.returnState) { // the last h (and c): the graph's other outputs
      const outs = (saved.outs ??= []) as Buf[];
      for (let s = 0; s < this.stateCount; s++) {
        outs[s] = outputBuf(ctx, B, u);
        k.f32_copy_2d((s === 0 ? hs.ptr : aux) + T * B * p * 4, p, outs[s].ptr, u, B, u);
      }
    }
    return y;
  }

  /** An initial state [B, u] into slot 0 of hs (or LSTM's cell states), padded to p. */
  private initialState(ctx: Ctx, s: Buf, dst: number, B: number, what: string): void {
    if (s.rows !== B || s.cols !== this.units) throw new ShapeError(`${this.name}: the initial state ${what} is [${s.rows}, ${s.cols}], the sequences' batch is [${B}, ${this.units}]`);
    ctx.k.f32_copy_2d(s.ptr, this.units, dst, this.padded, B, this.units);
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

  /** The sequence's gradient, then the initial states' (when the call was given them). */
  override callBackward(dy: Buf, ctx: Ctx, needDx: boolean[], acc: boolean): (Buf | null)[] {
    this.dxs[0] = this.backward(dy, ctx, needDx[0], acc);
    const saved = ctx.saved;
    this.dxs[1] = saved.h0 && needDx[1] ? (saved.dh0 as Buf) : null;
    this.dxs[2] = saved.c0 && needDx[2] ? (saved.dc0 as Buf) : null;
    return this.dxs;
  }

  protected override readonly dxs: (Buf | null)[] = [null, null, null];

  /** dy may be null when only the states returned by returnState have gradients (ctx.saved.douts). */
  backward(dy: Buf | null, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const { k } = ctx;
    const { xt, zx, hs, aux, mask, rmask, B, w, rw, h0, c0, douts } = ctx.saved as {
      xt: Buf; zx: Buf; hs: Buf; aux: number; mask: number; rmask: number; B: number; w: number; rw: number; h0: Buf | null; c0: Buf | null; douts?: (Buf | null)[];
    };
    const [T, F] = this.inputShape!, u = this.units, p = this.padded, gp = this.gates * p, bp = B * p * 4;
    const full = scratchBuf(ctx, (T + 1) * B, p); // (T + 1, B, p), the padding 0: dh_0, then the steps' dh_t
    const dhs = stepBuf(ctx, full.ptr + bp, T * B, p);
    if (dy && this.returnSequences) {
      const tm = p === u ? dhs.ptr : ctx.scratch.take(T * B * u * 4); // (T, B, u)
      k.f32_seq_swap(dy.ptr, tm, B, T, u, 1, 0);
      if (tm !== dhs.ptr) k.f32_copy_2d(tm, u, dhs.ptr, p, T * B, u);
    } else if (dy) k.f32_copy_2d(dy.ptr, u, dhs.ptr + (T - 1) * B * p * 4, p, B, u);
    const tmp = ctx.scratch.alloc((B * p + 4 * p) * 4); // its first B·p: dc_T in (LSTM), dc_0 out
    if (this.returnState && douts) { // the returned states' gradients: into dh_T's slot and dc_T
      const last = ctx.scratch.alloc(bp);
      if (douts[0]) {
        k.f32_copy_2d(douts[0].ptr, u, last, p, B, u);
        k.f32_axpy(B * p, 1, last, dhs.ptr + (T - 1) * bp);
      }
      if (douts[1]) k.f32_copy_2d(douts[1].ptr, u, tmp, p, B, u);
    }
    k.f32_rnn_backward(this.cell, T, B, p, zx.ptr, rw, mask, rmask, hs.ptr, aux, dhs.ptr, tmp, this.recurrentActivation.code, this.activation.code, h0 ? 1 : 0, ctx.ws);
    if (h0) ctx.saved.dh0 = this.unpad(ctx, full.ptr, B);
    if (c0) ctx.saved.dc0 = this.unpad(ctx, tmp, B);
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

  /** A [B, p] block as a [B, u] buffer of the step. */
  private unpad(ctx: Ctx, src: number, B: number): Buf {
    const y = outputBuf(ctx, B, this.units);
    ctx.k.f32_copy_2d(src, this.padded, y.ptr, this.units, B, this.units);
    return y;
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
      ...(this.returnState ? { returnState: true } : {}),
    };
  }
}

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
}

export interface GatedArgs extends RecurrentArgs {
  /** The gates' activation: Keras 3's default 'sigmoid'; TF.js's is 'hardSigmoid' (clip(0.2x + 0.5, 0, 1)). */
  recurrentActivation?: string;
}

export const recurrentKeys: Keys<RecurrentArgs> = {
  ...layerKeys, activation: true, useBias: true, kernelInitializer: true, recurrentInitializer: true, biasInitializer: true,
  kernelRegularizer: true, recurrentRegularizer: true, biasRegularizer: true, returnSequences: true, goBackwards: true,
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

export const CELL = { simple: 0, lstm: 1, gru: 2 } as const;

export abstract class Recurrent extends Layer {
  readonly units: number;
  readonly activation: { name: string; code: number };
  readonly recurrentActivation: { name: string; code: number };
  readonly useBias: boolean;
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
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

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const { k } = ctx;
    const [T, F] = this.inputShape!, B = x.rows, u = this.units, gu = this.gates * u, rev = this.goBackwards ? 1 : 0;
    const xt = outputBuf(ctx, T * B, F); // (T, B, F)
    k.f32_seq_swap(x.ptr, xt.ptr, B, T, F, 1, rev);
    const zx = outputBuf(ctx, T * B, gu); // (T, B, G·u): x·W + b, then the gates
    k.f32_gemm_nn_bias_act(T * B, gu, F, xt.ptr, F, this.kernel.ptr, gu, zx.ptr, gu, this.bias ? this.bias.ptr : 0, 0, 0, ctx.ws);
    const hs = scratchBuf(ctx, (T + 1) * B, u); // (T + 1, B, u), h_0 = 0
    const aux = this.cell === CELL.lstm ? scratchBuf(ctx, (T + 1) * B, u).ptr : this.cell === CELL.gru ? outputBuf(ctx, T * B, gu).ptr : 0;
    let mask = 0;
    if (x.mask) {
      mask = ctx.scratch.take(T * B * 4); // (T, B)
      k.f32_seq_swap(x.mask, mask, B, T, 1, 1, rev);
    }
    k.f32_rnn_forward(this.cell, T, B, u, zx.ptr, this.recurrentKernel.ptr, this.recurrentBias(), mask, hs.ptr, aux, this.recurrentActivation.code, this.activation.code, ctx.ws);
    const saved = ctx.saved; // fields, not an object literal: nothing allocated per step
    saved.xt = xt;
    saved.zx = zx;
    saved.hs = hs;
    saved.aux = aux;
    saved.mask = mask;
    saved.B = B;
    let y: Buf;
    if (this.returnSequences) {
      y = outputBuf(ctx, B, T * u);
      k.f32_seq_swap(y.ptr, hs.ptr + B * u * 4, B, T, u, 0, 0);
      y.mask = x.mask ?? 0; // Keras: a sequence output carries the input's mask on (as it is, also for goBackwards)
    } else {
      y = outputBuf(ctx, B, u);
      k.f32_copy(hs.ptr + T * B * u * 4, y.ptr, B * u);
    }
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const { k } = ctx;
    const { xt, zx, hs, aux, mask, B } = ctx.saved as { xt: Buf; zx: Buf; hs: Buf; aux: number; mask: number; B: number };
    const [T, F] = this.inputShape!, u = this.units, gu = this.gates * u;
    let dhs: Buf; // (T, B, u)
    if (this.returnSequences) {
      dhs = outputBuf(ctx, T * B, u);
      k.f32_seq_swap(dy.ptr, dhs.ptr, B, T, u, 1, 0);
    } else {
      dhs = scratchBuf(ctx, T * B, u);
      k.f32_copy(dy.ptr, dhs.ptr + (T - 1) * B * u * 4, B * u);
    }
    const tmp = ctx.scratch.take((B * u + 4 * u) * 4);
    k.f32_rnn_backward(this.cell, T, B, u, zx.ptr, this.recurrentKernel.ptr, mask, hs.ptr, aux, dhs.ptr, tmp, this.recurrentActivation.code, this.activation.code, ctx.ws);
    const dR = this.cell === CELL.gru ? aux : zx.ptr; // (T, B, G·u): the recurrent pre-activations' gradients
    if (this.trainsNow) {
      const a = acc ? 1 : 0;
      k.f32_gemm_tn(F, gu, T * B, xt.ptr, F, zx.ptr, gu, this.kernel.gradPtr, gu, a, ctx.ws); // dW = xᵀ·dA
      k.f32_gemm_tn(u, gu, T * B, hs.ptr, u, dR, gu, this.recurrentKernel.gradPtr, gu, a, ctx.ws); // dU = h_{t−1}ᵀ·dR
      if (this.bias) {
        k.f32_col_sum(zx.ptr, this.bias.gradPtr, T * B, gu, a);
        if (this.cell === CELL.gru) k.f32_col_sum(dR, this.bias.gradPtr + gu * 4, T * B, gu, a);
      }
    }
    if (!needDx) return null;
    const dxt = outputBuf(ctx, T * B, F); // (T, B, F) = dA·Wᵀ
    k.f32_gemm_nt(T * B, F, gu, zx.ptr, gu, this.kernel.ptr, gu, dxt.ptr, F, 0, ctx.ws);
    const dx = stepBuf(ctx, ctx.scratch.take(B * T * F * 4), B, T * F);
    k.f32_seq_swap(dx.ptr, dxt.ptr, B, T, F, 0, this.goBackwards ? 1 : 0);
    return dx;
  }

  override workspace(k: Kernels, rows: number): number {
    const [T, F] = this.inputShape!, u = this.units, gu = this.gates * u, n = T * rows;
    return Math.max(k.f32_gemm_workspace(n, gu, F), k.f32_gemm_workspace(rows, gu, u), k.f32_gemm_workspace(rows, u, gu),
      k.f32_gemm_workspace(F, gu, n), k.f32_gemm_workspace(u, gu, n), k.f32_gemm_workspace(n, F, gu));
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
      returnSequences: this.returnSequences, goBackwards: this.goBackwards,
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
 * to [gates·u, in], GRU with linear_before_reset = 1 (Keras 3's resetAfter); goBackwards as
 * direction 'reverse', its output sequence put in Keras's processing order. A mask from a masking
 * layer becomes sequence_lens (the count of unmasked steps): exact where the padding is at the
 * end of each sequence, except that ONNX's sequence outputs are 0 at padded steps where Keras
 * repeats the last state.
 */
export function writeRecurrentOnnx(l: Recurrent, op: 'RNN' | 'LSTM' | 'GRU', order: number[], acts: string[], x: string, output: string, g: OnnxGraph): void {
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
    if (op === 'GRU') b.set(blocks(bias.subarray(gu), 1), gu);
  }
  const n = (s: string) => g.fresh(`${l.name}/${s}`);
  const lens = onnxSequenceLengths.get(g)?.get(x);
  const xt = n('time_major'), y = n('Y'), yh = n('Y_h');
  g.node('Transpose', [x], xt, { perm: { ints: [1, 0, 2] } });
  const attrs: Record<string, OnnxAttr> = { hidden_size: { i: u }, activations: { strings: acts } };
  if (op === 'GRU') attrs.linear_before_reset = { i: 1 };
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

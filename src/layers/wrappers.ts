// Layer wrappers (Keras): Bidirectional runs a recurrent layer forward and a copy of it backward
// over the same sequence and merges the two outputs (mergeMode concat, sum, ave, mul; for
// returnSequences the backward output is put back in time order first, as Keras does);
// TimeDistributed applies a row-wise layer (dense) to every timestep, as one call on
// batch·timesteps rows. The wrapped layers' weights are the wrapper's (forward's, then
// backward's); each keeps what its call saved in an object of its own under the wrapper's.

import { checkOptions, leading, type Keys } from '../options.js';
import { ShapeError } from '../tensor.js';
import type { Kernels } from '../wasm/kernels.js';
import { Layer, layerKeys, outputBuf, stepBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';
import type { OnnxGraph } from './onnx.js';
import { Recurrent } from './recurrent.js';

export type MergeMode = 'concat' | 'sum' | 'ave' | 'mul';
const MODES: readonly MergeMode[] = ['concat', 'sum', 'ave', 'mul'];

export interface BidirectionalArgs extends LayerArgs {
  /** How the two directions' outputs combine (Keras's default 'concat'). */
  mergeMode?: MergeMode;
}
const bidirectionalKeys: Keys<BidirectionalArgs> = { ...layerKeys, mergeMode: true };

/**
 * A wrapped layer's call: forward (dy null) or backward, with ctx.saved set to the object `key` of
 * the wrapper's own saved object (made on the first call; no closure per step).
 */
function within(ctx: Ctx, key: string, layer: Layer, x: Buf, dy: Buf | null, needDx = false, acc = false): Buf | null {
  const own = ctx.saved;
  ctx.saved = (own[key] ??= {}) as Record<string, unknown>;
  try {
    return dy ? layer.backward(dy, ctx, needDx, acc) : layer.forward(x, ctx);
  } finally {
    ctx.saved = own;
  }
}

export class Bidirectional extends Layer {
  readonly className = 'Bidirectional';
  readonly forwardLayer: Recurrent;
  readonly backwardLayer: Recurrent;
  readonly mergeMode: MergeMode;

  constructor(layer: Recurrent, args: BidirectionalArgs = {}) {
    checkOptions('layers.bidirectional', args, bidirectionalKeys);
    super('bidirectional', { ...args, inputShape: args.inputShape ?? layer?.declaredInputShape });
    if (!(layer instanceof Recurrent)) throw new TypeError(`${this.name}: bidirectional wraps a recurrent layer (simpleRNN, lstm, gru), got ${(layer as { className?: string })?.className ?? typeof layer}`);
    if (layer.built) throw new Error(`${this.name}: ${layer.name} is already built (used elsewhere); wrap a new layer`);
    if (layer.returnState) throw new Error(`${this.name}: ${layer.name} has returnState, which bidirectional does not take (apply the two directions yourself in a functional model)`);
    this.mergeMode = args.mergeMode ?? 'concat';
    if (!MODES.includes(this.mergeMode)) throw new Error(`${this.name}: mergeMode must be one of ${MODES.join(', ')}, got ${JSON.stringify(args.mergeMode)}`);
    this.forwardLayer = layer;
    this.backwardLayer = layer.reversedCopy(`backward_${layer.name.replace(/^forward_/, '')}`);
  }

  computeOutputShape(inputShape: number[]): number[] {
    const s = this.forwardLayer.computeOutputShape(inputShape);
    if (this.mergeMode === 'concat') s[s.length - 1] *= 2;
    return s;
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    this.forwardLayer.build(inputShape);
    this.backwardLayer.build(inputShape);
    this.weights.push(...this.forwardLayer.weights, ...this.backwardLayer.weights);
  }

  /** The backward layer's output in time order (returnSequences), else as it is. */
  private timeOrder(ctx: Ctx, y: Buf): Buf {
    if (!this.forwardLayer.returnSequences) return y;
    const [T] = this.inputShape!, u = this.forwardLayer.units, B = y.rows;
    const tmp = ctx.scratch.take(B * T * u * 4), out = outputBuf(ctx, B, T * u);
    ctx.k.f32_seq_swap(y.ptr, tmp, B, T, u, 1, 1);
    ctx.k.f32_seq_swap(out.ptr, tmp, B, T, u, 0, 0);
    return out;
  }

  forward(x: Buf, ctx: Ctx): Buf {
    const { k } = ctx;
    this.forwardLayer.trainsNow = this.backwardLayer.trainsNow = this.trainsNow;
    const yf = within(ctx, 'forward', this.forwardLayer, x, null)!;
    const yb = this.timeOrder(ctx, within(ctx, 'backward', this.backwardLayer, x, null)!);
    const n = yf.rows * yf.cols, u = this.forwardLayer.units, rows = n / u;
    const y = outputBuf(ctx, yf.rows, this.mergeMode === 'concat' ? 2 * yf.cols : yf.cols);
    if (this.mergeMode === 'concat') {
      k.f32_copy_2d(yf.ptr, u, y.ptr, 2 * u, rows, u);
      k.f32_copy_2d(yb.ptr, u, y.ptr + u * 4, 2 * u, rows, u);
    } else if (this.mergeMode === 'mul') k.f32_mul(yf.ptr, yb.ptr, y.ptr, n);
    else {
      k.f32_copy(yf.ptr, y.ptr, n);
      k.f32_axpy(n, 1, yb.ptr, y.ptr);
      if (this.mergeMode === 'ave') k.f32_scale(n, 0.5, y.ptr, y.ptr);
    }
    ctx.saved.yf = yf;
    ctx.saved.yb = yb;
    if (this.forwardLayer.returnSequences) y.mask = x.mask ?? 0;
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const { k } = ctx;
    const { yf, yb } = ctx.saved as { yf: Buf; yb: Buf };
    const n = yf.rows * yf.cols, u = this.forwardLayer.units, rows = n / u;
    const dyf = outputBuf(ctx, yf.rows, yf.cols);
    let dyb = outputBuf(ctx, yf.rows, yf.cols);
    if (this.mergeMode === 'concat') {
      k.f32_copy_2d(dy.ptr, 2 * u, dyf.ptr, u, rows, u);
      k.f32_copy_2d(dy.ptr + u * 4, 2 * u, dyb.ptr, u, rows, u);
    } else if (this.mergeMode === 'mul') {
      k.f32_mul(dy.ptr, yb.ptr, dyf.ptr, n);
      k.f32_mul(dy.ptr, yf.ptr, dyb.ptr, n);
    } else {
      const s = this.mergeMode === 'ave' ? 0.5 : 1;
      k.f32_scale(n, s, dy.ptr, dyf.ptr);
      k.f32_scale(n, s, dy.ptr, dyb.ptr);
    }
    dyb = this.timeOrder(ctx, dyb); // back to the backward layer's processing order (a reversal is its own inverse)
    const dxf = within(ctx, 'forward', this.forwardLayer, dyf, dyf, needDx, acc);
    const dxb = within(ctx, 'backward', this.backwardLayer, dyb, dyb, needDx, acc);
    if (!needDx) return null;
    k.f32_axpy(dxf!.rows * dxf!.cols, 1, dxb!.ptr, dxf!.ptr);
    return dxf;
  }

  override workspace(k: Kernels, rows: number): number {
    return this.forwardLayer.workspace(k, rows);
  }

  getConfig(): Record<string, unknown> {
    const l = this.forwardLayer;
    return this.config({ mergeMode: this.mergeMode, layer: { className: l.className, config: l.getConfig() } });
  }

  /** Both directions (each its own ONNX recurrent node), the backward one put back in time order, then the merge. */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    const yf = g.fresh(`${this.name}/forward`), yb = g.fresh(`${this.name}/backward`);
    g.write(this.forwardLayer, [x], yf);
    g.write(this.backwardLayer, [x], yb);
    let ybt = yb;
    const lens = g.sequenceLengths.get(x);
    if (this.forwardLayer.returnSequences) {
      const [T] = this.inputShape!;
      ybt = g.fresh(`${this.name}/backward_in_time_order`);
      g.node('Slice', [yb, g.constantInts(`${this.name}/starts`, [-1]), g.constantInts(`${this.name}/ends`, [-T - 1]), g.constantInts(`${this.name}/axes`, [1]), g.constantInts(`${this.name}/steps`, [-1])], ybt);
    }
    const op = { concat: 'Concat', sum: 'Add', ave: 'Mean', mul: 'Mul' } as const;
    if (this.mergeMode === 'concat') g.node('Concat', [yf, ybt], output, { axis: { i: -1 } });
    else g.node(op[this.mergeMode], [yf, ybt], output);
    if (lens && this.forwardLayer.returnSequences) g.sequenceLengths.set(output, lens);
  }
}

export class TimeDistributed extends Layer {
  readonly className = 'TimeDistributed';
  readonly layer: Layer;

  constructor(layer: Layer, args: LayerArgs = {}) {
    checkOptions('layers.timeDistributed', args, layerKeys);
    super('time_distributed', args);
    if (!(layer instanceof Layer)) throw new TypeError(`${this.name}: timeDistributed wraps a layer, got ${typeof layer}`);
    if (layer.built) throw new Error(`${this.name}: ${layer.name} is already built (used elsewhere); wrap a new layer`);
    this.layer = layer;
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length < 2) throw new ShapeError(`${this.name}: sequences are [batch, timesteps, features], got an input [*, ${inputShape.join(', ')}]`);
    return [inputShape[0], ...this.layer.computeOutputShape(inputShape.slice(1))];
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    this.layer.build(inputShape.slice(1));
    this.weights.push(...this.layer.weights);
  }

  /** The same floats as (batch·timesteps) rows of one step each. */
  private steps(ctx: Ctx, b: Buf, T: number): Buf {
    return stepBuf(ctx, b.ptr, b.rows * T, b.cols / T);
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const T = this.inputShape![0];
    this.layer.trainsNow = this.trainsNow;
    const y = within(ctx, 'layer', this.layer, this.steps(ctx, x, T), null)!;
    const out = stepBuf(ctx, y.ptr, x.rows, y.cols * T);
    out.mask = x.mask ?? 0;
    return out;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const T = this.inputShape![0];
    const d = this.steps(ctx, dy, T);
    const dx = within(ctx, 'layer', this.layer, d, d, needDx, acc);
    return dx ? stepBuf(ctx, dx.ptr, dx.rows / T, dx.cols * T) : null;
  }

  override workspace(k: Kernels, rows: number): number {
    return this.layer.workspace(k, rows * this.inputShape![0]);
  }

  getConfig(): Record<string, unknown> {
    return this.config({ layer: { className: this.layer.className, config: this.layer.getConfig() } });
  }

  /** [batch, T, …] → [batch·T, …], the layer, and back. */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    const rows = g.fresh(`${this.name}/rows`), y = g.fresh(`${this.name}/y`);
    g.node('Reshape', [x, g.constantInts(`${this.name}/in_shape`, [-1, ...this.inputShape!.slice(1)])], rows);
    g.write(this.layer, [rows], y);
    g.node('Reshape', [y, g.constantInts(`${this.name}/out_shape`, [-1, ...this.outputShape!])], output);
  }
}

/** bidirectional(layers.lstm(16), { mergeMode }), or TF.js's bidirectional({ layer, mergeMode }). */
export const bidirectional = (layer: Recurrent | (BidirectionalArgs & { layer: Recurrent }), args?: BidirectionalArgs): Bidirectional =>
  layer instanceof Layer ? new Bidirectional(layer as Recurrent, args) : new Bidirectional(...leading<Recurrent, BidirectionalArgs>('layers.bidirectional', 'layer', layer, args));
/** timeDistributed(layers.dense(8)), or TF.js's timeDistributed({ layer }). */
export const timeDistributed = (layer: Layer | (LayerArgs & { layer: Layer }), args?: LayerArgs): TimeDistributed =>
  layer instanceof Layer ? new TimeDistributed(layer, args) : new TimeDistributed(...leading<Layer, LayerArgs>('layers.timeDistributed', 'layer', layer, args));

// conv2d and conv2dTranspose (DESIGN.md "Convolutional layers"): channels-last images, Keras's
// kernel layouts (conv2d [kh, kw, inChannels, filters], conv2dTranspose [kh, kw, filters,
// inChannels]) and TensorFlow's 'same' padding, on the implicit-gemm kernels of f32-conv.ts.
//
//   conv2d            y = act(conv(x, W) + b)       backward: dz = dy ⊙ act'(z); dW = patches(x)ᵀ·dz,
//                                                   db = Σ dz, dx = conv_dX(dz, W)
//   conv2dTranspose   y = act(conv_dX(x, W) + b)    the exact gradient of the conv2d of the same
//                                                   arguments (whose input is y): dW = patches(dz)ᵀ·x,
//                                                   db = Σ dz, dx = conv(dz, W)
//
// Every activation but softmax runs in the kernels' epilogue; softmax (over the channels) after.

import { getActivation, type ActivationSpec } from '../activations.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import { checkOptions, leading, type Keys } from '../options.js';
import { convGeometry, convTransposeGeometry, type ConvGeometry } from '../wasm/conv.js';
import type { Kernels } from '../wasm/kernels.js';
import { checkDataFormat, checkFits, checkImage, convDw, GeometryCache, pair, paddingOf, type Pair, type PaddingMode } from './conv-common.js';
import { initializerConfig, Layer, layerKeys, outputBuf, regularizerConfig, type Buf, type Ctx, type LayerArgs, type Regularizer, type Weight } from './layer.js';

export interface Conv2DArgs extends LayerArgs {
  /** The window: a number or [rows, cols]. */
  kernelSize: Pair;
  strides?: Pair;
  padding?: PaddingMode;
  /** Only 'channelsLast'. */
  dataFormat?: string;
  dilationRate?: Pair;
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
}

export interface Conv2DTransposeArgs extends Conv2DArgs {
  /** Extra rows and columns at the bottom and right of the output, each less than its stride (Keras). */
  outputPadding?: Pair | null;
}

const convKeys: Keys<Conv2DArgs> = {
  ...layerKeys, kernelSize: true, strides: true, padding: true, dataFormat: true, dilationRate: true, activation: true, useBias: true,
  kernelInitializer: true, biasInitializer: true, kernelRegularizer: true, biasRegularizer: true,
};
const transposeKeys: Keys<Conv2DTransposeArgs> = { ...convKeys, outputPadding: true };

interface Saved {
  x: Buf;
  y: Buf;
  geom: number;
}

/** What conv2d and conv2dTranspose share: options, weights, config, the activation steps. */
export abstract class ConvBase extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: PaddingMode;
  readonly dilationRate: [number, number];
  readonly activation: ActivationSpec;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  protected readonly args: Conv2DArgs;
  kernel!: Weight;
  bias?: Weight;
  protected readonly geom = new GeometryCache((batch) => this.geometryFor(batch));

  constructor(filters: number, args: Conv2DArgs, base: string) {
    super(base, args);
    if (!Number.isInteger(filters) || filters <= 0 || filters > 2 ** 20) throw new RangeError(`${this.name}: filters must be a whole number in [1, 1048576], got ${JSON.stringify(filters)}`);
    if (args.kernelSize === undefined) throw new RangeError(`${this.name}: kernelSize is required (a number or [rows, cols])`);
    this.filters = filters;
    this.kernelSize = pair(this.name, 'kernelSize', args.kernelSize, [1, 1]);
    this.strides = pair(this.name, 'strides', args.strides, [1, 1]);
    this.dilationRate = pair(this.name, 'dilationRate', args.dilationRate, [1, 1]);
    this.padding = paddingOf(this.name, args.padding);
    checkDataFormat(this.name, args.dataFormat);
    this.activation = getActivation(args.activation, this.name);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorotUniform', this.name);
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros', this.name);
    this.args = args;
  }

  /** The kernels' geometry for a batch (the input shape is known). */
  abstract geometryFor(batch: number): ConvGeometry;
  /** The kernel's shape, Keras's layout. */
  protected abstract kernelShape(channels: number): number[];

  override build(inputShape: number[]): void {
    super.build(inputShape);
    this.kernel = this.addWeight('kernel', this.kernelShape(inputShape[2]), this.kernelInitializer, { regularizer: this.args.kernelRegularizer });
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], this.biasInitializer, { regularizer: this.args.biasRegularizer });
  }

  override workspace(k: Kernels, rows: number): number {
    return this.geom.workspace(k, rows);
  }

  /** The fused activation code (softmax runs after the kernel). */
  protected fused(): number {
    return this.activation.name === 'softmax' ? 0 : this.activation.code;
  }

  /** After the kernel: softmax over the channels of every pixel. */
  protected finish(ctx: Ctx, y: Buf, pixels: number): void {
    if (this.activation.name === 'softmax') ctx.k.f32_softmax(y.ptr, y.ptr, pixels, this.filters);
  }

  /** dz = dy ⊙ act'(z), in terms of y; over `pixels` rows of the filters. */
  protected activationGrad(ctx: Ctx, dy: Buf, y: Buf, pixels: number): Buf {
    const { k } = ctx;
    const a = this.activation;
    if (a.name === 'softmax') {
      const dz = outputBuf(ctx, dy.rows, dy.cols);
      k.f32_softmax_grad(y.ptr, dy.ptr, dz.ptr, pixels, this.filters);
      return dz;
    }
    if (a.name !== 'linear') k.f32_activation_grad(y.ptr, dy.ptr, dy.ptr, dy.rows * dy.cols, a.code, a.alpha);
    return dy;
  }

  getConfig(): Record<string, unknown> {
    const { useBias, args } = this;
    return this.config({
      filters: this.filters, kernelSize: [...this.kernelSize], strides: [...this.strides], padding: this.padding, dilationRate: [...this.dilationRate],
      ...this.extraConfig(),
      activation: this.activation.name, useBias,
      kernelInitializer: initializerConfig(this.kernelInitializer), biasInitializer: initializerConfig(useBias ? this.biasInitializer : null),
      kernelRegularizer: regularizerConfig(args.kernelRegularizer), biasRegularizer: useBias ? regularizerConfig(args.biasRegularizer) : null,
    });
  }

  protected extraConfig(): Record<string, unknown> {
    return {};
  }
}

export class Conv2D extends ConvBase {
  readonly className = 'Conv2D';

  constructor(filters: number, args: Conv2DArgs = {} as Conv2DArgs) {
    checkOptions('layers.conv2d', args, convKeys);
    super(filters, args, 'conv2d');
  }

  geometryFor(batch: number): ConvGeometry {
    const [h, w, c] = this.inputShape!;
    return convGeometry({ batch, height: h, width: w, channels: c, filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, dilationRate: this.dilationRate, padding: this.padding });
  }

  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels, this.filters];
  }

  computeOutputShape(inputShape: number[]): number[] {
    const [h, w] = checkImage(this.name, inputShape);
    const [kh, kw] = this.kernelSize, [sh, sw] = this.strides, [dh, dw] = this.dilationRate;
    const side = (input: number, k: number, s: number, d: number, which: 'height' | 'width') => {
      const span = d * (k - 1) + 1;
      if (this.padding === 'same') return Math.ceil(input / s);
      const out = Math.floor((input - span) / s) + 1;
      checkFits(this.name, `${kh}×${kw} kernel${dh * dw > 1 ? ` (dilated by ${dh}×${dw})` : ''}`, out, which, input, span);
      return out;
    };
    return [side(h, kh, sh, dh, 'height'), side(w, kw, sw, dw, 'width'), this.filters];
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const g = this.geom.of(x.rows);
    const geom = this.geom.put(ctx, x.rows);
    const y = outputBuf(ctx, x.rows, g.oh * g.ow * g.f); // written whole
    ctx.k.f32_conv2d_bias_act(geom, x.ptr, this.kernel.ptr, y.ptr, this.bias ? this.bias.ptr : 0, this.fused(), this.activation.alpha, 0, g.n * g.oh, ctx.ws);
    this.finish(ctx, y, g.n * g.oh * g.ow);
    const s = ctx.saved as unknown as Saved;
    s.x = x;
    s.y = y;
    s.geom = geom;
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const { k } = ctx;
    const { x, y, geom } = ctx.saved as unknown as Saved;
    const g = this.geom.of(x.rows);
    const dz = this.activationGrad(ctx, dy, y, g.n * g.oh * g.ow);
    if (this.trainsNow) {
      convDw(ctx, g, geom, x.ptr, dz.ptr, this.kernel.gradPtr, acc);
      if (this.bias) k.f32_col_sum(dz.ptr, this.bias.gradPtr, g.n * g.oh * g.ow, g.f, acc ? 1 : 0);
    }
    if (!needDx) return null;
    const dx = outputBuf(ctx, x.rows, x.cols);
    k.f32_conv2d_dx(geom, dz.ptr, this.kernel.ptr, dx.ptr, 0, 0, g.n * g.h, ctx.ws);
    return dx;
  }
}

export class Conv2DTranspose extends ConvBase {
  readonly className = 'Conv2DTranspose';
  readonly outputPadding: [number, number] | null;

  constructor(filters: number, args: Conv2DTransposeArgs = {} as Conv2DTransposeArgs) {
    checkOptions('layers.conv2dTranspose', args, transposeKeys);
    super(filters, args, 'conv2d_transpose');
    const op = args.outputPadding;
    this.outputPadding = op === undefined || op === null ? null : pair(this.name, 'outputPadding', op, [0, 0], 0);
    if (this.outputPadding && this.outputPadding.some((p, i) => p >= this.strides[i])) {
      throw new RangeError(`${this.name}: outputPadding must be less than the strides (Keras), got outputPadding ${JSON.stringify(this.outputPadding)} with strides ${JSON.stringify(this.strides)}`);
    }
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new RangeError(`${this.name}: a dilationRate other than 1 cannot go with strides other than 1 (Keras), got strides ${JSON.stringify(this.strides)} and dilationRate ${JSON.stringify(this.dilationRate)}`);
    }
  }

  geometryFor(batch: number): ConvGeometry {
    const [h, w, c] = this.inputShape!;
    return convTransposeGeometry({
      batch, height: h, width: w, channels: c, filters: this.filters, kernelSize: this.kernelSize, strides: this.strides, dilationRate: this.dilationRate,
      padding: this.padding, outputPadding: this.outputPadding ?? undefined,
    });
  }

  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, this.filters, channels];
  }

  computeOutputShape(inputShape: number[]): number[] {
    const [h, w] = checkImage(this.name, inputShape);
    const side = (input: number, i: 0 | 1) => {
      const k = this.kernelSize[i], s = this.strides[i], d = this.dilationRate[i], span = d * (k - 1) + 1, op = this.outputPadding?.[i];
      if (op === undefined) return this.padding === 'same' ? input * s : input * s + Math.max(span - s, 0);
      return (input - 1) * s + span - 2 * (this.padding === 'same' ? Math.floor(span / 2) : 0) + op;
    };
    return [side(h, 0), side(w, 1), this.filters];
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const g = this.geom.of(x.rows);
    const geom = this.geom.put(ctx, x.rows);
    const y = outputBuf(ctx, x.rows, g.h * g.w * g.c);
    ctx.k.f32_conv2d_transpose_bias_act(geom, x.ptr, this.kernel.ptr, y.ptr, this.bias ? this.bias.ptr : 0, this.fused(), this.activation.alpha, 0, g.n * g.h, ctx.ws);
    this.finish(ctx, y, g.n * g.h * g.w);
    const s = ctx.saved as unknown as Saved;
    s.x = x;
    s.y = y;
    s.geom = geom;
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const { k } = ctx;
    const { x, y, geom } = ctx.saved as unknown as Saved;
    const g = this.geom.of(x.rows);
    const dz = this.activationGrad(ctx, dy, y, g.n * g.h * g.w);
    if (this.trainsNow) {
      // W is the conv's [kh, kw, c = filters, f = inChannels]: its dW with dz as that conv's input, x as its dy.
      convDw(ctx, g, geom, dz.ptr, x.ptr, this.kernel.gradPtr, acc);
      if (this.bias) k.f32_col_sum(dz.ptr, this.bias.gradPtr, g.n * g.h * g.w, g.c, acc ? 1 : 0);
    }
    if (!needDx) return null;
    const dx = outputBuf(ctx, x.rows, x.cols);
    k.f32_conv2d_bias_act(geom, dz.ptr, this.kernel.ptr, dx.ptr, 0, 0, 0, 0, g.n * g.oh, ctx.ws);
    return dx;
  }

  protected override extraConfig(): Record<string, unknown> {
    return { outputPadding: this.outputPadding ? [...this.outputPadding] : null };
  }
}

type Leading<A> = number | (A & { filters: number });
/** conv2d(32, { kernelSize: 3, … }), or TF.js's conv2d({ filters: 32, kernelSize: 3, … }). */
export const conv2d = (filters: Leading<Conv2DArgs>, args?: Conv2DArgs) => new Conv2D(...leading<number, Conv2DArgs>('layers.conv2d', 'filters', filters, args));
/** conv2dTranspose(16, { kernelSize: 3, strides: 2, … }), or with filters in the options. */
export const conv2dTranspose = (filters: Leading<Conv2DTransposeArgs>, args?: Conv2DTransposeArgs) =>
  new Conv2DTranspose(...leading<number, Conv2DTransposeArgs>('layers.conv2dTranspose', 'filters', filters, args));

// Activations as layers of their own: activation(name), leakyReLU({ alpha }), elu({ alpha }),
// softmax(), and prelu() with a learned slope per unit.

import { getActivation, type ActivationSpec } from '../activations.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import { checkOptions, leading, type Keys } from '../options.js';
import { Act } from '../wasm/kernels.js';
import { initializerConfig, lastStep, Layer, layerKeys, scratchBuf, type Buf, type Ctx, type LayerArgs, type Weight } from './layer.js';
import { onnxOps, type OnnxGraph } from './onnx.js';

export class Activation extends Layer {
  readonly className: string;
  readonly activation: ActivationSpec;

  constructor(activation: ActivationSpec, args: LayerArgs = {}, className = 'Activation', base = 'activation') {
    super(base, args);
    this.className = className;
    this.activation = activation;
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape];
  }

  override outputActivation(): 'softmax' | 'sigmoid' | undefined {
    return lastStep(this.activation);
  }

  /** Softmax runs over the last axis: (batch·positions, last). */
  private last(): number {
    return this.inputShape![this.inputShape!.length - 1];
  }

  forward(x: Buf, ctx: Ctx, logits = false): Buf {
    this.checkInput(x);
    const y = scratchBuf(ctx, x.rows, x.cols);
    const a = this.activation;
    if (logits && this.outputActivation()) ctx.k.f32_copy(x.ptr, y.ptr, x.rows * x.cols);
    else if (a.name === 'softmax') ctx.k.f32_softmax(x.ptr, y.ptr, (x.rows * x.cols) / this.last(), this.last());
    else ctx.k.f32_activation(x.ptr, y.ptr, x.rows * x.cols, a.code, a.alpha);
    ctx.saved.y = y;
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, _acc: boolean, logits = false): Buf | null {
    if (!needDx) return null;
    const a = this.activation;
    if (logits || a.name === 'linear') return dy;
    if (a.name === 'softmax') {
      const dx = scratchBuf(ctx, dy.rows, dy.cols);
      ctx.k.f32_softmax_grad((ctx.saved.y as Buf).ptr, dy.ptr, dx.ptr, (dy.rows * dy.cols) / this.last(), this.last());
      return dx;
    }
    ctx.k.f32_activation_grad((ctx.saved.y as Buf).ptr, dy.ptr, dy.ptr, dy.rows * dy.cols, a.code, a.alpha);
    return dy;
  }

  /** Every class of this layer writes both: LeakyReLU and ELU read alpha, Activation the name. */
  getConfig(): Record<string, unknown> {
    return this.config({ activation: this.activation.name, alpha: this.activation.alpha });
  }

  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    onnxOps.activation(g, x, this.activation, output);
  }
}

/** activation('tanh', { … }), or TF.js's activation({ activation: 'tanh', … }). */
export function activation(name: string | (LayerArgs & { activation: string }), options?: LayerArgs): Activation {
  const [act, args = {}] = leading<string, LayerArgs>('layers.activation', 'activation', name, options);
  checkOptions('layers.activation', args, layerKeys);
  return new Activation(getActivation(act, args.name ?? 'activation'), args);
}

const alphaKeys: Keys<LayerArgs & { alpha?: number }> = { ...layerKeys, alpha: true };

/** LeakyReLU layer: y = x > 0 ? x : α·x, α = 0.3 by default (Keras's layer default). */
export function leakyReLU(args: LayerArgs & { alpha?: number } = {}): Activation {
  checkOptions('layers.leakyReLU', args, alphaKeys);
  const alpha = args.alpha ?? 0.3;
  if (!Number.isFinite(alpha)) throw new RangeError(`leakyReLU: alpha must be a finite number, got ${alpha}`);
  return new Activation({ name: 'leakyRelu', code: Act.leakyRelu, alpha }, args, 'LeakyReLU', 'leaky_re_lu');
}

/** ELU layer: y = x > 0 ? x : α·(eˣ − 1), α = 1 by default. */
export function elu(args: LayerArgs & { alpha?: number } = {}): Activation {
  checkOptions('layers.elu', args, alphaKeys);
  const alpha = args.alpha ?? 1;
  if (!Number.isFinite(alpha)) throw new RangeError(`elu: alpha must be a finite number, got ${alpha}`);
  return new Activation({ name: 'elu', code: Act.elu, alpha }, args, 'ELU', 'elu');
}

/** Softmax over the last axis. */
export function softmax(args: LayerArgs = {}): Activation {
  checkOptions('layers.softmax', args, layerKeys);
  return new Activation(getActivation('softmax', 'softmax'), args, 'Softmax', 'softmax');
}

/** PReLU: y = x > 0 ? x : α_j·x with α learned per unit (initialized to zeros, as Keras). */
export class PReLU extends Layer {
  readonly className = 'PReLU';
  readonly alphaInitializer: Initializer;
  alpha!: Weight;

  constructor(args: LayerArgs & { alphaInitializer?: InitializerLike } = {}) {
    checkOptions('layers.prelu', args, { ...layerKeys, alphaInitializer: true });
    super('p_re_lu', args);
    this.alphaInitializer = getInitializer(args.alphaInitializer ?? 'zeros', this.name);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape];
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    const units = inputShape.reduce((a, b) => a * b, 1);
    this.alpha = this.addWeight('alpha', [units], this.alphaInitializer);
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const y = scratchBuf(ctx, x.rows, x.cols);
    ctx.k.f32_prelu(x.ptr, this.alpha.ptr, y.ptr, x.rows, x.cols);
    ctx.saved.x = x;
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const dx = needDx ? scratchBuf(ctx, dy.rows, dy.cols) : dy;
    if (this.trainsNow || needDx) {
      // f32_prelu_grad writes dx and dα in one pass; without needDx dx lands on dy (no longer needed).
      const scratchDalpha = this.trainsNow ? this.alpha.gradPtr : ctx.scratch.alloc(dy.cols * 4);
      ctx.k.f32_prelu_grad((ctx.saved.x as Buf).ptr, this.alpha.ptr, dy.ptr, dx.ptr, scratchDalpha, dy.rows, dy.cols, acc && this.trainsNow ? 1 : 0);
    }
    return needDx ? dx : null;
  }

  getConfig(): Record<string, unknown> {
    return this.config({ alphaInitializer: initializerConfig(this.alphaInitializer) });
  }

  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    const [alpha] = g.weights(this);
    g.node('PRelu', [x, g.constant(`${this.name}/alpha`, alpha, [alpha.length])], output);
  }
}

export function prelu(args: LayerArgs & { alphaInitializer?: InitializerLike } = {}): PReLU {
  return new PReLU(args);
}

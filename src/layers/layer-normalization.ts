// Layer normalization (Ba et al. 2016), Keras's LayerNormalization: each sample is normalized over
// its last axis by its own mean and biased variance, y = γ·(x − μ)/√(σ² + ε) + β, with γ and β per
// feature of that axis. No batch statistics, so training and inference are the same map and one
// sample is a batch. Kernels in assembly/f32-layernorm.ts.

import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import { checkOptions, type Keys } from '../options.js';
import { ShapeError } from '../tensor.js';
import { initializerConfig, Layer, layerKeys, outputBuf, regularizerConfig, type Buf, type Ctx, type LayerArgs, type Regularizer, type Weight } from './layer.js';
import type { OnnxGraph } from './onnx.js';

export interface LayerNormalizationArgs extends LayerArgs {
  /** The normalized axis; only the last (−1, Keras's default) is supported. */
  axis?: number;
  epsilon?: number;
  /** Learn β. */
  center?: boolean;
  /** Learn γ. */
  scale?: boolean;
  betaInitializer?: InitializerLike;
  gammaInitializer?: InitializerLike;
  betaRegularizer?: Regularizer;
  gammaRegularizer?: Regularizer;
}

const lnKeys: Keys<LayerNormalizationArgs> = {
  ...layerKeys, axis: true, epsilon: true, center: true, scale: true,
  betaInitializer: true, gammaInitializer: true, betaRegularizer: true, gammaRegularizer: true,
};

export class LayerNormalization extends Layer {
  readonly className = 'LayerNormalization';
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly gammaInitializer: Initializer | null;
  readonly betaInitializer: Initializer | null;
  readonly gammaRegularizer?: Regularizer;
  readonly betaRegularizer?: Regularizer;
  /** Keras order: gamma, then beta (each only when learned). */
  gamma?: Weight;
  beta?: Weight;
  private features = 0;

  constructor(args: LayerNormalizationArgs = {}) {
    checkOptions('layers.layerNormalization', args, lnKeys);
    super('layer_normalization', args);
    this.axis = args.axis ?? -1;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.gammaInitializer = this.scale ? getInitializer(args.gammaInitializer ?? 'ones', this.name) : null;
    this.betaInitializer = this.center ? getInitializer(args.betaInitializer ?? 'zeros', this.name) : null;
    this.gammaRegularizer = this.scale ? args.gammaRegularizer : undefined;
    this.betaRegularizer = this.center ? args.betaRegularizer : undefined;
    if (!(this.epsilon > 0) || !Number.isFinite(this.epsilon)) throw new RangeError(`${this.name}: epsilon must be a finite number > 0, got ${this.epsilon}`);
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (this.axis !== -1 && this.axis !== inputShape.length) {
      throw new ShapeError(`${this.name}: only the last axis (−1) can be normalized, got axis ${this.axis} for input [*, ${inputShape.join(', ')}]`);
    }
    return [...inputShape];
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    const c = inputShape[inputShape.length - 1];
    this.features = c;
    if (this.gammaInitializer) this.gamma = this.addWeight('gamma', [c], this.gammaInitializer, { regularizer: this.gammaRegularizer });
    if (this.betaInitializer) this.beta = this.addWeight('beta', [c], this.betaInitializer, { regularizer: this.betaRegularizer });
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const c = this.features, rows = (x.rows * x.cols) / c; // (batch·positions, features)
    const y = outputBuf(ctx, x.rows, x.cols);
    const stats = ctx.scratch.take(rows * 8); // (mean, 1/√(var + ε)) per row, for backward
    ctx.k.f32_layernorm(x.ptr, y.ptr, stats, this.gamma?.ptr ?? 0, this.beta?.ptr ?? 0, rows, c, this.epsilon);
    ctx.saved.x = x;
    ctx.saved.stats = stats;
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const x = ctx.saved.x as Buf, stats = ctx.saved.stats as number;
    const c = this.features, rows = (x.rows * x.cols) / c;
    const dgamma = this.trainsNow && this.gamma ? this.gamma.gradPtr : 0;
    const dbeta = this.trainsNow && this.beta ? this.beta.gradPtr : 0;
    // dx is written over dy, which the contract allows.
    ctx.k.f32_layernorm_grad(x.ptr, dy.ptr, needDx ? dy.ptr : 0, stats, this.gamma?.ptr ?? 0, dgamma, dbeta, rows, c, acc ? 1 : 0);
    return needDx ? dy : null;
  }

  getConfig(): Record<string, unknown> {
    return this.config({
      axis: this.axis, epsilon: this.epsilon, center: this.center, scale: this.scale,
      gammaInitializer: initializerConfig(this.gammaInitializer), betaInitializer: initializerConfig(this.betaInitializer),
      gammaRegularizer: regularizerConfig(this.gammaRegularizer), betaRegularizer: regularizerConfig(this.betaRegularizer),
    });
  }

  /** ONNX's LayerNormalization (opset 17, which the exporter writes) over the last axis; γ = 1, β = 0 when not learned. */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    const w = g.weights(this), c = this.features;
    let k = 0;
    const gamma = this.gamma ? w[k++] : new Float32Array(c).fill(1);
    const beta = this.beta ? w[k++] : new Float32Array(c);
    g.node('LayerNormalization', [x, g.constant(`${this.name}/gamma`, gamma, [c]), g.constant(`${this.name}/beta`, beta, [c])], output, {
      axis: { i: -1 }, epsilon: { f: this.epsilon },
    });
  }
}

export function layerNormalization(args: LayerNormalizationArgs = {}): LayerNormalization {
  return new LayerNormalization(args);
}

// Batch normalization (seed 001 eq. 1.18; seed 004 "Batch normalization"; Ioffe & Szegedy 2015):
// y = γ·(x − μ_B)/√(σ²_B + ε) + β per channel (the last axis), with the batch mean and biased batch
// variance in training and the moving averages in inference. The moving averages are non-trainable
// weights in the model's slab, updated after a good step as Keras does:
// moving = moving·momentum + batch·(1 − momentum), with the biased batch variance (DESIGN.md).

import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import { checkOptions, type Keys } from '../options.js';
import { ShapeError, sizeOf } from '../tensor.js';
import type { Kernels } from '../wasm/kernels.js';
import { deferCommit, initializerConfig, Layer, layerKeys, scratchBuf, type Buf, type Committer, type Ctx, type LayerArgs, type Weight } from './layer.js';

export interface BatchNormalizationArgs extends LayerArgs {
  /** The channel axis; only the last (−1, Keras's default) is supported. */
  axis?: number;
  momentum?: number;
  epsilon?: number;
  /** Learn β. */
  center?: boolean;
  /** Learn γ. */
  scale?: boolean;
  betaInitializer?: InitializerLike;
  gammaInitializer?: InitializerLike;
  movingMeanInitializer?: InitializerLike;
  movingVarianceInitializer?: InitializerLike;
}

const bnKeys: Keys<BatchNormalizationArgs> = {
  ...layerKeys, axis: true, momentum: true, epsilon: true, center: true, scale: true,
  betaInitializer: true, gammaInitializer: true, movingMeanInitializer: true, movingVarianceInitializer: true,
};

interface Saved {
  x: Buf;
  training: boolean;
  mean: number; // batch statistics (channels), for backward and the moving averages
  variance: number;
}

export class BatchNormalization extends Layer implements Committer {
  readonly className = 'BatchNormalization';
  /**
   * Statistics over the batch need two values per channel in training (the model checks every
   * batch): two samples of features; one image is enough, its positions are the values (build).
   */
  override minBatch: { rows: number; why: string } | undefined = { rows: 2, why: 'batch normalization in training' };
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  /** Keras order: gamma, beta, moving mean, moving variance (gamma and beta null when not learned). */
  readonly initializers: { gamma: Initializer | null; beta: Initializer | null; movingMean: Initializer; movingVariance: Initializer };
  gamma?: Weight;
  beta?: Weight;
  movingMean!: Weight;
  movingVariance!: Weight;
  private channels = 0;

  constructor(args: BatchNormalizationArgs = {}) {
    checkOptions('layers.batchNormalization', args, bnKeys);
    super('batch_normalization', args);
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    const init = (v: InitializerLike | undefined, d: InitializerLike) => getInitializer(v ?? d, this.name);
    this.initializers = {
      gamma: this.scale ? init(args.gammaInitializer, 'ones') : null, beta: this.center ? init(args.betaInitializer, 'zeros') : null,
      movingMean: init(args.movingMeanInitializer, 'zeros'), movingVariance: init(args.movingVarianceInitializer, 'ones'),
    };
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new RangeError(`${this.name}: momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.epsilon > 0) || !Number.isFinite(this.epsilon)) throw new RangeError(`${this.name}: epsilon must be a finite number > 0, got ${this.epsilon}`);
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (this.axis !== -1 && this.axis !== inputShape.length) {
      throw new ShapeError(`${this.name}: only the last axis (−1) can be the channel axis, got axis ${this.axis} for input [*, ${inputShape.join(', ')}]`);
    }
    return [...inputShape];
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    const c = inputShape[inputShape.length - 1];
    this.channels = c;
    // Images [batch, height, width, channels] (or any channels-last shape): the statistics are over
    // batch × positions, as Keras's axis −1 takes them.
    if (inputShape.length > 1 && sizeOf(inputShape) / c >= 2) this.minBatch = undefined;
    const i = this.initializers;
    if (i.gamma) this.gamma = this.addWeight('gamma', [c], i.gamma);
    if (i.beta) this.beta = this.addWeight('beta', [c], i.beta);
    this.movingMean = this.addWeight('moving_mean', [c], i.movingMean, { trainable: false });
    this.movingVariance = this.addWeight('moving_variance', [c], i.movingVariance, { trainable: false });
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const { k } = ctx;
    const c = this.channels, rows = (x.rows * x.cols) / c; // (batch·positions, channels)
    const y = scratchBuf(ctx, x.rows, x.cols);
    const gamma = this.gamma?.ptr ?? 0, beta = this.beta?.ptr ?? 0;
    // A frozen batch norm runs in inference mode, as Keras does for fine-tuning.
    const training = ctx.training && this.trainsNow;
    const s = ctx.saved as unknown as Saved;
    s.x = x;
    s.training = training;
    if (!training) {
      k.f32_batchnorm_apply(x.ptr, y.ptr, this.movingMean.ptr, this.movingVariance.ptr, gamma, beta, rows, c, this.epsilon);
      return y;
    }
    if (rows < 2) throw new ShapeError(`${this.name}: batch normalization in training needs at least 2 samples per batch, got ${x.rows}`);
    const mean = ctx.scratch.alloc(c * 4), variance = ctx.scratch.alloc(c * 4);
    k.f32_batchnorm_stats(x.ptr, mean, variance, rows, c);
    k.f32_batchnorm_apply(x.ptr, y.ptr, mean, variance, gamma, beta, rows, c, this.epsilon);
    s.mean = mean;
    s.variance = variance;
    deferCommit(ctx, this, ctx.saved);
    return y;
  }

  /** After a good step: moving = moving·momentum + batch·(1 − momentum), for the mean and the variance. */
  commitStep(k: Kernels, saved: Record<string, unknown>): void {
    const { mean, variance } = saved as unknown as Saved;
    const c = this.channels, m = this.momentum;
    k.f32_scale(c, m, this.movingMean.ptr, this.movingMean.ptr);
    k.f32_axpy(c, 1 - m, mean, this.movingMean.ptr);
    k.f32_scale(c, m, this.movingVariance.ptr, this.movingVariance.ptr);
    k.f32_axpy(c, 1 - m, variance, this.movingVariance.ptr);
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const { k } = ctx;
    const { x, training, mean, variance } = ctx.saved as unknown as Saved;
    const c = this.channels, rows = (x.rows * x.cols) / c;
    const gamma = this.gamma?.ptr ?? 0;
    if (!training) {
      // Inference mode is an affine map per channel: dx = dy·γ/√(movingVar + ε). Its γ and β get no
      // gradient here (a frozen layer, or a backward() in inference mode).
      if (!needDx) return null;
      const zeros = ctx.scratch.alloc(c * 4);
      k.f32_batchnorm_apply(dy.ptr, dy.ptr, zeros, this.movingVariance.ptr, gamma, 0, rows, c, this.epsilon);
      return dy;
    }
    const dgamma = this.trainsNow && this.gamma ? this.gamma.gradPtr : 0;
    const dbeta = this.trainsNow && this.beta ? this.beta.gradPtr : 0;
    // dx is written over dy, which the contract allows.
    k.f32_batchnorm_grad(x.ptr, dy.ptr, needDx ? dy.ptr : 0, mean, variance, gamma, dgamma, dbeta, rows, c, this.epsilon, acc ? 1 : 0);
    return needDx ? dy : null;
  }

  /** The initializers are saved so that a loaded, untrained model is the same model. */
  getConfig(): Record<string, unknown> {
    const i = this.initializers;
    return this.config({
      axis: this.axis, momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale,
      gammaInitializer: initializerConfig(i.gamma), betaInitializer: initializerConfig(i.beta),
      movingMeanInitializer: initializerConfig(i.movingMean), movingVarianceInitializer: initializerConfig(i.movingVariance),
    });
  }

}

export function batchNormalization(args: BatchNormalizationArgs = {}): BatchNormalization {
  return new BatchNormalization(args);
}

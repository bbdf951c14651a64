// Optimizers: one fused kernel call per contiguous run of trainable parameters in the model's
// flat slab (one call in total when every layer trains). State slabs share the parameters' layout.
// Clipping and the learning-rate schedule are applied on the host before the call.

import type { Weight } from '../layers/layer.js';
import { powInt } from '../math.js';
import { checkOptions, looseLookup, type Keys } from '../options.js';
import type { Kernels } from '../wasm/kernels.js';
import type { Schedule } from './schedules.js';
export { schedules, exponentialDecay, piecewiseConstant, cosineDecay, type Schedule } from './schedules.js';

/** A contiguous range of the slab (byte offset from the slab start, float count). */
export interface Segment {
  offset: number;
  size: number;
}

export interface Slabs {
  params: number;
  grads: number;
  /** One slab per state slot, same layout as params. */
  state: number[];
}

/** The segments of one slab pair with this optimizer's state slabs for it. */
export interface Group {
  slabs: Slabs;
  segments: Segment[];
}

export interface OptimizerArgs {
  learningRate?: number | Schedule;
  /** Each weight's gradient is rescaled so its L2 norm is at most clipNorm (Keras `clipnorm`). */
  clipNorm?: number;
  /** The gradients of all weights together are rescaled so their joint norm is at most this. */
  globalClipNorm?: number;
  /** Every gradient element is clipped to [−clipValue, clipValue]. */
  clipValue?: number;
}

const baseKeys: Keys<OptimizerArgs> = { learningRate: true, clipNorm: true, globalClipNorm: true, clipValue: true };

/** A learning rate (a number or a schedule) given first, as Keras's `Adam(0.01)` and TF.js's `tf.train.adam(0.01)`. */
export type LearningRateOr<A> = number | Schedule | A;

/**
 * An optimizer's options from either call form, `adam(0.01, { … })` or `adam({ learningRate: 0.01, … })`,
 * checked against its keys.
 */
function optionsOf<A extends OptimizerArgs>(where: string, first: LearningRateOr<A> | undefined, rest: A | undefined, own: Record<string, true>): A {
  if (typeof first === 'number' || typeof first === 'function') {
    checkOptions(where, rest, { ...baseKeys, ...own });
    if (rest?.learningRate !== undefined) throw new TypeError(`${where}: the learning rate is given twice (${first} first and learningRate ${rest.learningRate} in the options)`);
    return { ...rest, learningRate: first } as A;
  }
  if (rest !== undefined) throw new TypeError(`${where}: the first argument is the learning rate (a number or a schedule) or the options object, got ${first === null ? 'null' : typeof first} and then options`);
  checkOptions(where, first, { ...baseKeys, ...own });
  return (first ?? {}) as A;
}

/**
 * An optimizer's own options, in the order its config lists them: each with its default and what
 * it must be (a number in [0, 1), a finite number > 0 or ≥ 0, or a flag).
 */
type Spec = Record<string, readonly [number, 'unit' | 'positive' | 'nonNegative'] | readonly [boolean, 'flag']>;

export abstract class Optimizer {
  abstract readonly name: string;
  /** How many parameter-sized state slabs the optimizer needs. */
  abstract readonly slots: number;
  learningRate: number | Schedule;
  /** Updates applied so far (Keras `iterations`). */
  iterations = 0;
  readonly clipNorm?: number;
  readonly globalClipNorm?: number;
  readonly clipValue?: number;
  /** The names of the optimizer's own options (its Spec), which become fields and its config. */
  private readonly own: string[];

  /**
   * Reads the options of either call form (`where` is the factory's name) and sets each of the
   * subclass's own options as a field of the same name, checked against `spec`.
   */
  constructor(where: string, first: LearningRateOr<OptimizerArgs> | undefined, rest: OptimizerArgs | undefined, spec: Spec, defaultLr: number) {
    const args = optionsOf(where, first, rest, Object.fromEntries(Object.keys(spec).map((k) => [k, true]))) as OptimizerArgs & Record<string, unknown>;
    const short = where.slice(where.indexOf('.') + 1);
    this.learningRate = args.learningRate ?? defaultLr;
    if (typeof this.learningRate === 'number') checkPositive(this.learningRate, `${short}: learningRate`);
    else if (typeof this.learningRate !== 'function') throw new TypeError(`learningRate must be a number or a schedule, got ${typeof this.learningRate}`);
    for (const key of ['clipNorm', 'globalClipNorm', 'clipValue'] as const) {
      if (args[key] !== undefined) checkPositive(args[key]!, key);
    }
    this.clipNorm = args.clipNorm;
    this.globalClipNorm = args.globalClipNorm;
    this.clipValue = args.clipValue;
    this.own = Object.keys(spec);
    for (const [key, [fallback, kind]] of Object.entries(spec)) {
      const v = args[key] ?? fallback;
      if (kind === 'flag') {
        if (typeof v !== 'boolean') throw new TypeError(`${short}: ${key} must be true or false, got ${JSON.stringify(v)}`);
      } else if (kind === 'unit') {
        if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new RangeError(`${short}: ${key} must be in [0, 1), got ${v}`);
      } else if (typeof v !== 'number' || !Number.isFinite(v) || !(kind === 'positive' ? v > 0 : v >= 0)) {
        throw new RangeError(`${short}: ${key} must be a finite number ${kind === 'positive' ? '>' : '≥'} 0, got ${v}`);
      }
      (this as unknown as Record<string, unknown>)[key] = v;
    }
  }

  /** The learning rate the next update uses. */
  currentLearningRate(): number {
    return typeof this.learningRate === 'number' ? this.learningRate : this.learningRate(this.iterations);
  }

  /**
   * Clips gradients as configured, then applies one update to every segment of every group (a
   * model trains its own slab and the slabs of weights it shares with other models).
   */
  apply(k: Kernels, groups: readonly Group[], weights: readonly Weight[]): void {
    // Index loops, not for-of: the step's host work allocates nothing (no iterators).
    if (this.clipValue !== undefined) {
      for (let g = 0; g < groups.length; g++) {
        const { slabs, segments } = groups[g];
        for (let i = 0; i < segments.length; i++) k.f32_clip(slabs.grads + segments[i].offset, segments[i].size, -this.clipValue, this.clipValue);
      }
    }
    if (this.clipNorm !== undefined) {
      for (const w of weights) {
        if (!w.trainable) continue;
        const norm = Math.sqrt(k.f32_sumsq(w.gradPtr, w.size));
        if (norm > this.clipNorm) k.f32_scale(w.size, this.clipNorm / norm, w.gradPtr, w.gradPtr);
      }
    }
    if (this.globalClipNorm !== undefined) {
      let sq = 0;
      for (const { slabs, segments } of groups) for (const s of segments) sq += k.f32_sumsq(slabs.grads + s.offset, s.size);
      const norm = Math.sqrt(sq);
      if (norm > this.globalClipNorm) {
        for (const { slabs, segments } of groups) for (const s of segments) k.f32_scale(s.size, this.globalClipNorm / norm, slabs.grads + s.offset, slabs.grads + s.offset);
      }
    }
    const lr = this.currentLearningRate();
    this.iterations++;
    this.beginStep();
    for (let g = 0; g < groups.length; g++) {
      const { slabs, segments } = groups[g];
      for (let i = 0; i < segments.length; i++) this.update(k, slabs, segments[i], lr);
    }
  }

  /** Per-step values shared by every segment's update (Adam's bias corrections). */
  protected beginStep(): void {}

  protected abstract update(k: Kernels, slabs: Slabs, s: Segment, lr: number): void;

  /** The config a saved model holds: the name, the learning rate and clipping, then the optimizer's own options. */
  getConfig(): Record<string, unknown> {
    const lr = this.learningRate;
    const config: Record<string, unknown> = {
      name: this.name,
      learningRate: typeof lr === 'number' ? lr : { name: lr.name, ...lr.config },
      clipNorm: this.clipNorm, globalClipNorm: this.globalClipNorm, clipValue: this.clipValue,
    };
    for (const key of this.own) config[key] = (this as unknown as Record<string, unknown>)[key];
    return config;
  }
}

function checkPositive(v: number, what: string): void {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new RangeError(`${what} must be a finite number > 0, got ${v}`);
}

// The subclasses declare their options' fields (`declare`: the base constructor sets them).

export interface SGDArgs extends OptimizerArgs {
  momentum?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly slots: number;
  declare readonly momentum: number;
  declare readonly nesterov: boolean;
  constructor(first?: LearningRateOr<SGDArgs>, rest?: SGDArgs) {
    super('optimizers.sgd', first, rest, { momentum: [0, 'unit'], nesterov: [false, 'flag'] }, 0.01);
    this.slots = this.momentum > 0 ? 1 : 0;
  }
  protected update(k: Kernels, { params, grads, state }: Slabs, s: Segment, lr: number): void {
    if (this.slots === 0) k.f32_sgd(params + s.offset, grads + s.offset, s.size, lr);
    else k.f32_sgd_momentum(params + s.offset, grads + s.offset, state[0] + s.offset, s.size, lr, this.momentum, this.nesterov ? 1 : 0);
  }
}

export interface AdamArgs extends OptimizerArgs {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

/** β₁, β₂ and ε as Adam, Adamax and Nadam take them (Keras's defaults). */
const moments = { beta1: [0.9, 'unit'], beta2: [0.999, 'unit'], epsilon: [1e-7, 'positive'] } as const;

export class Adam extends Optimizer {
  readonly name: string = 'adam';
  readonly slots: number;
  declare readonly beta1: number;
  declare readonly beta2: number;
  declare readonly epsilon: number;
  declare readonly amsgrad: boolean;
  /** AdamW's decoupled weight decay; 0 for Adam. */
  declare readonly weightDecay: number;
  constructor(first?: LearningRateOr<AdamArgs>, rest?: AdamArgs, where = 'optimizers.adam', extra: Spec = {}) {
    super(where, first, rest, { ...moments, amsgrad: [false, 'flag'], ...extra }, 0.001);
    this.slots = this.amsgrad ? 3 : 2;
  }
  private c1 = 1;
  private c2 = 1;
  protected override beginStep(): void {
    // Bias corrections in float64 on the host (seed 001 eq. 1.6); t counts from 1.
    const t = this.iterations;
    this.c1 = 1 / (1 - powInt(this.beta1, t));
    this.c2 = 1 / (1 - powInt(this.beta2, t));
  }
  protected update(k: Kernels, { params, grads, state }: Slabs, s: Segment, lr: number): void {
    k.f32_adam(params + s.offset, grads + s.offset, state[0] + s.offset, state[1] + s.offset,
      this.amsgrad ? state[2] + s.offset : 0, s.size, lr, this.beta1, this.beta2, this.epsilon, this.c1, this.c2, this.weightDecay ?? 0);
  }
}

export interface AdamWArgs extends AdamArgs {
  weightDecay?: number;
}

/** Adam with decoupled weight decay (Loshchilov & Hutter): θ −= lr·wd·θ before the Adam step. */
export class AdamW extends Adam {
  override readonly name = 'adamW';
  constructor(first?: LearningRateOr<AdamWArgs>, rest?: AdamWArgs) {
    super(first, rest, 'optimizers.adamW', { weightDecay: [0.004, 'nonNegative'] });
  }
}

export interface RMSpropArgs extends OptimizerArgs {
  rho?: number;
  epsilon?: number;
}

/**
 * RMSprop: s = ρs + (1 − ρ)g²; θ −= lr·g/(√s + ε). The ε sits outside the root as in PyTorch
 * and Hinton's notes; Keras 3 and TF.js put it inside (√(s + ε)); the two differ only while s ≲ ε.
 */
export class RMSprop extends Optimizer {
  readonly name = 'rmsprop';
  readonly slots = 1;
  declare readonly rho: number;
  declare readonly epsilon: number;
  constructor(first?: LearningRateOr<RMSpropArgs>, rest?: RMSpropArgs) {
    super('optimizers.rmsprop', first, rest, { rho: [0.9, 'unit'], epsilon: [1e-7, 'positive'] }, 0.001);
  }
  protected update(k: Kernels, { params, grads, state }: Slabs, s: Segment, lr: number): void {
    k.f32_rmsprop(params + s.offset, grads + s.offset, state[0] + s.offset, s.size, lr, this.rho, this.epsilon);
  }
}

export interface AdagradArgs extends OptimizerArgs {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/**
 * Adagrad (Duchi et al. 2011), Keras's defaults and form: acc = 0.1 + Σg²; θ −= lr·g/√(acc + ε).
 * The state slab holds Σg² (see f32_adagrad), so a fresh state is zeros as for every optimizer.
 */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly slots = 1;
  declare readonly initialAccumulatorValue: number;
  declare readonly epsilon: number;
  constructor(first?: LearningRateOr<AdagradArgs>, rest?: AdagradArgs) {
    super('optimizers.adagrad', first, rest, { initialAccumulatorValue: [0.1, 'nonNegative'], epsilon: [1e-7, 'positive'] }, 0.001);
  }
  protected update(k: Kernels, { params, grads, state }: Slabs, s: Segment, lr: number): void {
    k.f32_adagrad(params + s.offset, grads + s.offset, state[0] + s.offset, s.size, lr, this.initialAccumulatorValue + this.epsilon);
  }
}

type MomentArgs = Omit<AdamArgs, 'amsgrad'>;

/** Adamax (Kingma & Ba §7.1), Keras's defaults: u = max(β₂u, |g|); θ −= lr/(1−β₁ᵗ)·m/(u + ε). */
export class Adamax extends Optimizer {
  readonly name = 'adamax';
  readonly slots = 2;
  declare readonly beta1: number;
  declare readonly beta2: number;
  declare readonly epsilon: number;
  private c1 = 1;
  constructor(first?: LearningRateOr<MomentArgs>, rest?: MomentArgs) {
    super('optimizers.adamax', first, rest, moments, 0.001);
  }
  protected override beginStep(): void {
    this.c1 = 1 / (1 - powInt(this.beta1, this.iterations));
  }
  protected update(k: Kernels, { params, grads, state }: Slabs, s: Segment, lr: number): void {
    k.f32_adamax(params + s.offset, grads + s.offset, state[0] + s.offset, state[1] + s.offset, s.size, lr, this.beta1, this.beta2, this.epsilon, this.c1);
  }
}

/**
 * Nadam (Dozat 2016), Keras's defaults and schedule (PyTorch's NAdam is the same): μₜ =
 * β₁(1 − ½·0.96^(0.004·t)), m̂ = μₜ₊₁·m/(1 − Πμ₁..ₜ₊₁) + (1 − μₜ)·g/(1 − Πμ₁..ₜ),
 * θ −= lr·m̂/(√(v/(1−β₂ᵗ)) + ε). The product Πμ is computed from `iterations` in f64 (a resumed
 * run gets the same one), incrementally from step to step.
 */
export class Nadam extends Optimizer {
  readonly name = 'nadam';
  readonly slots = 2;
  declare readonly beta1: number;
  declare readonly beta2: number;
  declare readonly epsilon: number;
  private consts = { cm: 0, cg: 0, c2: 0 };
  private product = { t: 0, value: 1 }; // Πμ₁..ₜ
  constructor(first?: LearningRateOr<MomentArgs>, rest?: MomentArgs) {
    super('optimizers.nadam', first, rest, moments, 0.001);
  }
  private mu(t: number): number {
    return this.beta1 * (1 - 0.5 * 0.96 ** (0.004 * t));
  }
  protected override beginStep(): void {
    const t = this.iterations; // this step's t, from 1
    const p = this.product;
    if (p.t !== t - 1) for (p.t = 0, p.value = 1; p.t < t - 1; ) p.value *= this.mu(++p.t);
    const mu = this.mu(t), muNext = this.mu(t + 1);
    p.value *= mu;
    p.t = t;
    this.consts.cm = muNext / (1 - p.value * muNext);
    this.consts.cg = (1 - mu) / (1 - p.value);
    this.consts.c2 = 1 / (1 - powInt(this.beta2, t));
  }
  protected update(k: Kernels, { params, grads, state }: Slabs, s: Segment, lr: number): void {
    const { cm, cg, c2 } = this.consts;
    k.f32_nadam(params + s.offset, grads + s.offset, state[0] + s.offset, state[1] + s.offset, s.size, lr, this.beta1, this.beta2, this.epsilon, cm, cg, c2);
  }
}

// Each takes the learning rate first or the options object: sgd(0.1), sgd({ learningRate: 0.1, momentum: 0.9 }), sgd(0.1, { momentum: 0.9 }).
export const optimizers = {
  sgd: (lr?: LearningRateOr<SGDArgs>, args?: SGDArgs) => new SGD(lr, args),
  adam: (lr?: LearningRateOr<AdamArgs>, args?: AdamArgs) => new Adam(lr, args),
  adamW: (lr?: LearningRateOr<AdamWArgs>, args?: AdamWArgs) => new AdamW(lr, args),
  rmsprop: (lr?: LearningRateOr<RMSpropArgs>, args?: RMSpropArgs) => new RMSprop(lr, args),
  adagrad: (lr?: LearningRateOr<AdagradArgs>, args?: AdagradArgs) => new Adagrad(lr, args),
  adamax: (lr?: LearningRateOr<MomentArgs>, args?: MomentArgs) => new Adamax(lr, args),
  nadam: (lr?: LearningRateOr<MomentArgs>, args?: MomentArgs) => new Nadam(lr, args),
};

// By name, through a Map: optimizers['constructor'] would be Object itself.
export const optimizerNames: ReadonlyMap<string, (lr?: number) => Optimizer> = new Map(Object.entries(optimizers));

/** An optimizer object, or a name as Keras takes it: 'adam', 'Adam', 'SGD', 'RMSprop', 'adam_w' (case and underscores aside). */
export function getOptimizer(spec: string | Optimizer): Optimizer {
  if (spec instanceof Optimizer) return spec;
  const make = typeof spec === 'string' ? looseLookup(optimizerNames, spec) : undefined;
  if (!make) throw new Error(`compile: unknown optimizer ${JSON.stringify(spec)}; expected one of ${[...optimizerNames.keys()].join(', ')} or an optimizers.* object`);
  return make();
}

// The sequential model: one parameter slab (and gradient and optimizer-state slabs of the same
// layout), a scratch stack for the step's activations, and the training loop of seed 004:
// gather a mini-batch -> forward -> loss (value and gradient fused) -> backward -> one optimizer
// call -> metrics and callbacks on the host.

import { progressBar, type Callback, type Logs } from './callbacks/index.js';
import { Dataset } from './data/dataset.js';
import { evaluateDataset, fitDataset, predictDataset, type DatasetFitArgs } from './data/fit.js';
import { gatherRows } from './data/gather.js';
import { Layer, type Buf, type Ctx, type Weight } from './layers/layer.js';
import { getLoss, type Loss } from './losses.js';
import { getMetric, type Metric } from './metrics.js';
import { getOptimizer, type Optimizer, type Segment } from './optimizers/index.js';
import { Random } from './random.js';
import { assertFinite, ShapeError, sizeOf, toTensor, type Tensor, type TensorLike } from './tensor.js';
import { Scratch } from './wasm/arena.js';
import { runtime, type Runtime } from './wasm/runtime.js';

export interface CompileArgs {
  optimizer: string | Optimizer;
  loss: string | Loss;
  metrics?: string[];
}

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: [TensorLike, TensorLike] | [TensorLike, TensorLike, TensorLike];
  /** Per-sample weights (HEP event weights): each sample's loss is multiplied by its weight. */
  sampleWeight?: TensorLike;
  /** Per-class weights, e.g. { 0: 1, 1: 20 } to re-weight a rare signal against a dominant background. */
  classWeight?: Record<number, number>;
  callbacks?: Callback[];
  /** 0 silent; 1 a progress bar when stdout is a terminal (nothing otherwise); 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
  /** @internal Row indices into x, y and sampleWeight to train on (a data.Dataset view); set by data/fit.ts. */
  rows?: Int32Array;
  /** @internal The generator that shuffles `rows` each epoch (a shuffled Dataset's own). */
  shuffleRng?: Random;
}

export interface EvaluateArgs {
  batchSize?: number;
  sampleWeight?: TensorLike;
}

export class History {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  params: Record<string, number> = {};
  push(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

/** Training stopped because the loss or a gradient stopped being finite. */
export class TrainingError extends Error {
  history?: History;
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

interface Targets {
  /** f32 (rows × cols) or i32 labels (rows). */
  data: Float32Array | Int32Array;
  labels: boolean;
  n: number;
}

// Memory of collected models goes back to the arena (users never dispose).
const reclaim = new FinalizationRegistry<{ rt: Runtime; blocks: number[]; scratch: Scratch }>(({ rt, blocks, scratch }) => {
  scratch.dispose();
  for (const b of blocks) rt.arena.release(b);
});

export interface SequentialArgs {
  seed?: number;
  name?: string;
}

export class Sequential {
  readonly name: string;
  readonly layers: Layer[] = [];
  readonly seed: number;
  stopTraining = false;
  optimizer?: Optimizer;
  loss?: Loss;
  private metricNames: string[] = [];
  private readonly rt: Runtime;
  private readonly initRng: Random;
  private readonly shuffleRng: Random;
  private readonly stepRng: Random;
  private readonly scratch: Scratch;
  private readonly blocks: number[] = [];
  private weights: Weight[] = [];
  private paramSlab = 0;
  private gradSlab = 0;
  private stateSlabs: number[] = [];
  private slabFloats = 0;
  private segments: Segment[] = [];
  private built = false;
  private wsBytes = new Map<number, number>();
  private readonly io = { x: 0, t: 0, w: 0, rows: 0 }; // the batch input region
  private stepCtx?: Ctx;
  private slabs?: { params: number; grads: number; state: number[] };
  // What the last backprop left for the metrics: the output (logits when fused) and the context.
  private lastOut: Buf = { ptr: 0, rows: 0, cols: 0 };
  private lastFused = false;

  constructor(layers: Layer[] = [], { seed, name = 'sequential' }: SequentialArgs = {}) {
    this.rt = runtime();
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new RangeError(`sequential: seed must be a whole number ≥ 0, got ${seed}`);
    this.seed = seed ?? Math.floor(Math.random() * 2 ** 31);
    const root = new Random(this.seed);
    this.initRng = root.fork();
    this.shuffleRng = root.fork();
    this.stepRng = root.fork();
    this.name = name;
    this.scratch = new Scratch(this.rt.arena);
    reclaim.register(this, { rt: this.rt, blocks: this.blocks, scratch: this.scratch });
    if (!Array.isArray(layers)) throw new TypeError(`sequential expects an array of layers, got ${typeof layers}`);
    for (const l of layers) this.add(l);
  }

  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new TypeError(`sequential: expected a layer, got ${layer === null ? 'null' : typeof layer}`);
    if (this.built) throw new Error(`${this.name}: cannot add ${layer.name} after the model is built`);
    if (this.layers.includes(layer)) throw new Error(`${this.name}: ${layer.name} is already in the model`);
    this.layers.push(layer);
  }

  /** Builds from the first layer's declared inputShape, if it has one and the model is not built. */
  private buildIfDeclared(): void {
    const shape = this.layers[0]?.declaredInputShape;
    if (!this.built && shape) this.build(shape);
  }

  get inputShape(): number[] | undefined {
    this.buildIfDeclared();
    return this.layers[0]?.inputShape;
  }

  get outputShape(): number[] | undefined {
    return this.layers[this.layers.length - 1]?.outputShape;
  }

  /** Builds every layer for `inputShape` (without the batch axis) and places the weights. */
  build(inputShape: number[]): void {
    if (this.built) return;
    if (this.layers.length === 0) throw new Error(`${this.name}: a model needs at least one layer`);
    let shape = inputShape;
    for (const layer of this.layers) {
      if (layer.built) throw new Error(`${layer.name} is already built into another model; create a new layer`);
      layer.build(shape);
      shape = layer.outputShape!;
    }
    this.weights = this.layers.flatMap((l) => l.weights);
    // One slab: every weight 16-byte aligned (sizes padded to 4 floats).
    let floats = 0;
    const offsets = this.weights.map((w) => {
      const o = floats;
      floats += Math.ceil(w.size / 4) * 4;
      return o;
    });
    this.slabFloats = floats;
    this.paramSlab = this.own(floats * 4);
    this.gradSlab = this.own(floats * 4);
    this.weights.forEach((w, i) => {
      w.ptr = this.paramSlab + offsets[i] * 4;
      w.gradPtr = this.gradSlab + offsets[i] * 4;
      const values = new Float32Array(w.size);
      w.initializer.fill(values, w.shape, this.initRng);
      this.rt.arena.f32(w.ptr, w.size).set(values);
    });
    this.built = true;
    this.updateSegments();
  }

  private own(bytes: number): number {
    const p = this.rt.arena.alloc(bytes);
    this.blocks.push(p);
    return p;
  }

  /** Contiguous runs of trainable weights in the slab: one optimizer call each. */
  private updateSegments(): void {
    const segs: Segment[] = [];
    for (const l of this.layers) {
      for (const w of l.weights) {
        if (!(l.trainable && w.trainable)) continue;
        const offset = w.ptr - this.paramSlab;
        const size = Math.ceil(w.size / 4) * 4;
        const last = segs[segs.length - 1];
        if (last && last.offset + last.size * 4 === offset) last.size += size;
        else segs.push({ offset, size });
      }
    }
    this.segments = segs;
  }

  compile({ optimizer, loss, metrics = [] }: CompileArgs): void {
    if (optimizer === undefined || loss === undefined) throw new Error(`${this.name}.compile needs an optimizer and a loss, got optimizer ${optimizer} and loss ${loss}`);
    const opt = getOptimizer(optimizer);
    this.loss = getLoss(loss);
    if (!Array.isArray(metrics)) throw new TypeError(`compile: metrics must be an array of names, got ${typeof metrics}`);
    for (const m of metrics) getMetric(m, this.loss.name, 1); // validates the names now
    this.metricNames = metrics;
    if (this.optimizer !== opt) {
      for (const s of this.stateSlabs) this.release(s);
      this.stateSlabs = [];
    }
    this.optimizer = opt;
  }

  private release(ptr: number): void {
    this.rt.arena.release(ptr);
    this.blocks.splice(this.blocks.indexOf(ptr), 1);
  }

  private ensureState(): void {
    this.updateSegments(); // a layer's `trainable` may have changed since the last call
    const opt = this.optimizer!;
    while (this.stateSlabs.length < opt.slots) this.stateSlabs.push(this.own(this.slabFloats * 4));
  }

  countParams(): number {
    this.buildIfDeclared();
    return this.weights.reduce((s, w) => s + w.size, 0);
  }

  // ---- data in -------------------------------------------------------------------------------

  private checkX(x: TensorLike, what: string): Tensor {
    this.buildIfDeclared();
    const t = toTensor(x, what);
    if (!this.built) {
      if (t.shape.length < 2) throw new ShapeError(`${what}: expected [samples, ...features], got [${t.shape.join(', ')}]`);
      this.build(t.shape.slice(1));
    }
    const want = this.inputShape!;
    if (t.shape.length !== want.length + 1 || t.shape.slice(1).some((d, i) => d !== want[i])) {
      throw new ShapeError(`${this.layers[0].name} expects input [*, ${want.join(', ')}], got ${what} of shape [${t.shape.join(', ')}]`);
    }
    assertFinite(t, what);
    return t;
  }

  private checkY(y: TensorLike, n: number, what: string): Targets {
    const loss = this.loss!;
    const units = sizeOf(this.outputShape!);
    const t = toTensor(y, what);
    if (t.shape[0] !== n) throw new ShapeError(`${what} has ${t.shape[0]} samples but x has ${n}; they must match`);
    assertFinite(t, what);
    if (loss.sparse) {
      if (sizeOf(t.shape) !== n) throw new ShapeError(`${what}: ${loss.name} expects one integer label per sample ([${n}] or [${n}, 1]), got [${t.shape.join(', ')}]`);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = t.data[i];
        if (!Number.isInteger(v) || v < 0 || v >= units) {
          throw new RangeError(`${what}[${i}] is ${v}; ${loss.name} expects integer labels in [0, ${units}) for ${units} output units`);
        }
        labels[i] = v;
      }
      return { data: labels, labels: true, n };
    }
    if (sizeOf(t.shape) !== n * units) {
      throw new ShapeError(`${what}: the model outputs [*, ${this.outputShape!.join(', ')}], so targets must be [${n}, ${units}], got [${t.shape.join(', ')}]`);
    }
    return { data: t.data, labels: false, n };
  }

  private checkWeights(w: TensorLike | undefined, n: number, what: string): Float32Array | null {
    if (w === undefined) return null;
    const t = toTensor(w, what);
    if (sizeOf(t.shape) !== n) throw new ShapeError(`${what} must hold one weight per sample (${n}), got [${t.shape.join(', ')}]`);
    assertFinite(t, what);
    for (let i = 0; i < n; i++) if (t.data[i] < 0) throw new RangeError(`${what}[${i}] is ${t.data[i]}; sample weights must be ≥ 0`);
    return t.data;
  }

  /** Per-sample weight = sampleWeight · classWeight[class of the sample]. */
  private combineClassWeight(t: Targets, sw: Float32Array | null, cw: Record<number, number> | undefined): Float32Array | null {
    if (!cw) return sw;
    const units = sizeOf(this.outputShape!);
    const out = new Float32Array(t.n);
    for (let i = 0; i < t.n; i++) {
      let c: number;
      if (t.labels) c = t.data[i];
      else if (units === 1) c = t.data[i] > 0.5 ? 1 : 0;
      else {
        c = 0;
        for (let j = 1; j < units; j++) if (t.data[i * units + j] > t.data[i * units + c]) c = j;
      }
      const f = cw[c] ?? 1;
      if (typeof f !== 'number' || !(f >= 0)) throw new RangeError(`classWeight[${c}] is ${f}; expected a number ≥ 0`);
      out[i] = (sw ? sw[i] : 1) * f;
    }
    return out;
  }

  // ---- the step ------------------------------------------------------------------------------

  private fused(): boolean {
    const loss = this.loss!;
    if (loss.fromLogits) return false;
    return loss.fusesWith !== undefined && this.layers[this.layers.length - 1].outputActivation() === loss.fusesWith;
  }

  /** Targets go into the arena as labels only when the fused sparse loss reads them so. */
  private targetCols(): number {
    const loss = this.loss!;
    return loss.sparse && (this.fused() || loss.fromLogits) ? 0 : sizeOf(this.outputShape!);
  }

  /** (Re)allocates the batch input region for `rows` rows. */
  private ensureIo(rows: number, withWeights: boolean): void {
    const io = this.io;
    if (rows <= io.rows && (!withWeights || io.w)) return;
    for (const p of [io.x, io.t, io.w]) if (p) this.release(p);
    const rowsCap = Math.max(rows, io.rows);
    io.x = this.own(rowsCap * sizeOf(this.inputShape!) * 4);
    io.t = this.own(rowsCap * Math.max(1, this.targetCols()) * 4);
    io.w = withWeights || io.w ? this.own(rowsCap * 4) : 0;
    io.rows = rowsCap;
  }

  /** Copies the rows `idx[start..start+rows)` of x, y and w into the batch region (no allocation). */
  private gather(x: Tensor, t: Targets, w: Float32Array | null, idx: Int32Array, start: number, rows: number): void {
    const a = this.rt.arena;
    const inDim = sizeOf(this.inputShape!);
    gatherRows(x.data, idx, start, rows, inDim, a.f32(this.io.x, rows * inDim));
    const cols = this.targetCols();
    if (cols === 0) {
      const td = a.i32(this.io.t, rows);
      for (let r = 0; r < rows; r++) td[r] = t.data[idx[start + r]];
    } else if (t.labels) {
      const td = a.f32(this.io.t, rows * cols); // one-hot rows for a sparse loss on probabilities
      td.fill(0);
      for (let r = 0; r < rows; r++) td[r * cols + t.data[idx[start + r]]] = 1;
    } else {
      const td = a.f32(this.io.t, rows * cols);
      for (let r = 0; r < rows; r++) {
        const s = idx[start + r] * cols, o = r * cols;
        for (let j = 0; j < cols; j++) td[o + j] = t.data[s + j];
      }
    }
    if (w) {
      const wd = a.f32(this.io.w, rows);
      for (let r = 0; r < rows; r++) wd[r] = w[idx[start + r]];
    }
  }

  /** The step's context, one object per model reused by every step (no allocation per step). */
  private ctx(rows: number, training: boolean): Ctx {
    const k = this.rt.kernels;
    this.scratch.reset(0);
    let ws = this.wsBytes.get(rows);
    if (ws === undefined) {
      ws = 16;
      let shape = sizeOf(this.inputShape!);
      for (const l of this.layers) {
        const out = sizeOf(l.outputShape!);
        ws = Math.max(ws, k.f32_gemm_workspace(rows, out, shape), k.f32_gemm_workspace(shape, out, rows), k.f32_gemm_workspace(rows, shape, out));
        shape = out;
      }
      this.wsBytes.set(rows, ws);
    }
    const ctx = (this.stepCtx ??= { k, arena: this.rt.arena, scratch: this.scratch, ws: 0, training, rng: this.stepRng });
    ctx.ws = this.scratch.take(ws); // packing workspace: written before it is read
    ctx.training = training;
    return ctx;
  }

  private forward(x: Buf, ctx: Ctx, logits: boolean): Buf {
    let h = x;
    const last = this.layers.length - 1;
    for (let i = 0; i <= last; i++) h = this.layers[i].forward(h, ctx, logits && i === last);
    return h;
  }

  /** Probabilities from the logits a fused loss consumed, for the metrics. */
  private probabilities(z: Buf, ctx: Ctx): Buf {
    const p = { ptr: ctx.scratch.alloc(z.rows * z.cols * 4), rows: z.rows, cols: z.cols };
    if (this.loss!.fusesWith === 'softmax') ctx.k.f32_softmax(z.ptr, p.ptr, z.rows, z.cols);
    else ctx.k.f32_activation(z.ptr, p.ptr, z.rows * z.cols, 2 /* sigmoid */, 0);
    return p;
  }

  /**
   * Forward, loss and backward on the batch region's first `rows` rows: gradients land in the
   * gradient slab. Returns the loss (penalties included) and the output (probabilities).
   */
  private backprop(rows: number, hasWeights: boolean): number {
    const k = this.rt.kernels;
    const ctx = this.ctx(rows, true);
    const fused = this.fused();
    const x: Buf = { ptr: this.io.x, rows, cols: sizeOf(this.inputShape!) };
    const y = this.forward(x, ctx, fused);
    const dy: Buf = { ptr: ctx.scratch.take(y.rows * y.cols * 4), rows: y.rows, cols: y.cols }; // the loss writes it whole
    let loss = this.loss!.compute(k, y.ptr, this.io.t, hasWeights ? this.io.w : 0, dy.ptr, y.rows, y.cols, fused);
    let g: Buf | null = dy;
    const last = this.layers.length - 1;
    for (let i = last; i >= 0 && g; i--) g = this.layers[i].backward(g, ctx, i > 0, false, fused && i === last);
    for (const l of this.layers) {
      if (!l.trainable) continue;
      for (const w of l.weights) if (w.regularizer && w.trainable) loss += w.regularizer.apply(k, w.ptr, w.gradPtr, w.size);
    }
    this.lastOut = y;
    this.lastFused = fused;
    return loss;
  }

  /** One step: backprop, the finite checks that keep the last good weights, one optimizer call. */
  private step(rows: number, hasWeights: boolean, metrics: Metric[]): number {
    const k = this.rt.kernels;
    const loss = this.backprop(rows, hasWeights);
    if (!Number.isFinite(loss)) throw new TrainingError(`the loss became ${loss}`);
    let sq = 0;
    for (const s of this.segments) sq += k.f32_sumsq(this.gradSlab + s.offset, s.size);
    if (!Number.isFinite(sq)) throw new TrainingError('a gradient became non-finite (the loss was finite)');
    const slabs = (this.slabs ??= { params: this.paramSlab, grads: this.gradSlab, state: this.stateSlabs });
    slabs.state = this.stateSlabs; // compile() may have replaced the optimizer state
    this.optimizer!.apply(k, slabs, this.segments, this.weights);
    if (metrics.length) this.updateMetrics(metrics, this.lastFused ? this.probabilities(this.lastOut, this.stepCtx!) : this.lastOut, hasWeights);
    return loss;
  }

  /**
   * The loss on one batch and its gradient with respect to every weight (Keras order and layout),
   * without updating anything. Frozen layers report zeros.
   */
  computeGradients(x: TensorLike, y: TensorLike, { sampleWeight }: { sampleWeight?: TensorLike } = {}): { loss: number; grads: Tensor[] } {
    this.requireCompiled('computeGradients');
    const xt = this.checkX(x, 'x');
    const n = xt.shape[0];
    const yt = this.checkY(y, n, 'y');
    const w = this.checkWeights(sampleWeight, n, 'sampleWeight');
    this.ensureIo(n, w !== null);
    this.gather(xt, yt, w, identity(n), 0, n);
    const a = this.rt.arena;
    a.f32(this.gradSlab, this.slabFloats).fill(0);
    try {
      const loss = this.backprop(n, w !== null);
      return { loss, grads: this.weights.map((wt) => ({ data: Float32Array.from(a.f32(wt.gradPtr, wt.size)), shape: [...wt.shape] })) };
    } finally {
      this.scratch.reset(0);
    }
  }

  private updateMetrics(metrics: Metric[], p: Buf, hasWeights: boolean): void {
    const a = this.rt.arena;
    const cols = this.targetCols();
    const u = {
      pred: a.f32(p.ptr, p.rows * p.cols),
      target: cols === 0 ? a.i32(this.io.t, p.rows) : a.f32(this.io.t, p.rows * cols),
      labels: cols === 0, rows: p.rows, cols: p.cols,
      weights: hasWeights ? a.f32(this.io.w, p.rows) : null,
    };
    for (const m of metrics) m.update(u);
  }

  private makeMetrics(): Metric[] {
    const units = sizeOf(this.outputShape!);
    return this.metricNames.map((n) => getMetric(n, this.loss!.name, units));
  }

  private requireCompiled(what: string): void {
    if (!this.optimizer || !this.loss) throw new Error(`${this.name}.${what}: compile the model first (model.compile({ optimizer, loss }))`);
  }

  // ---- public training API -------------------------------------------------------------------

  /** Trains for `epochs` epochs of mini-batches; resolves to a Keras-like History. */
  async fit(x: Dataset, args?: DatasetFitArgs): Promise<History>;
  async fit(x: TensorLike, y: TensorLike, args?: FitArgs): Promise<History>;
  async fit(x: TensorLike | Dataset, y?: TensorLike | DatasetFitArgs, args: FitArgs = {}): Promise<History> {
    this.requireCompiled('fit');
    if (x instanceof Dataset) return fitDataset(this, x, y as DatasetFitArgs | undefined);
    const { epochs = 1, batchSize = 32, shuffle = true, validationSplit = 0, verbose = 1, initialEpoch = 0 } = args;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`fit: epochs must be a whole number ≥ 0, got ${epochs}`);
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`fit: batchSize must be a whole number > 0, got ${batchSize}`);
    if (!(validationSplit >= 0 && validationSplit < 1)) throw new RangeError(`fit: validationSplit must be in [0, 1), got ${validationSplit}`);
    let xt = this.checkX(x, 'x');
    let yt = this.checkY(y as TensorLike, xt.shape[0], 'y');
    let sw = this.checkWeights(args.sampleWeight, xt.shape[0], 'sampleWeight');
    let val: { x: Tensor; y: Targets; w: Float32Array | null } | undefined;
    if (args.validationData) {
      const [vx, vy, vw] = args.validationData;
      const vxt = this.checkX(vx, 'validationData x');
      val = { x: vxt, y: this.checkY(vy, vxt.shape[0], 'validationData y'), w: this.checkWeights(vw, vxt.shape[0], 'validationData sampleWeight') };
    } else if (validationSplit > 0) {
      // Keras takes the last fraction of the samples, before any shuffling.
      const n = xt.shape[0];
      const split = Math.floor(n * (1 - validationSplit));
      if (split === 0 || split === n) throw new RangeError(`fit: validationSplit ${validationSplit} of ${n} samples leaves an empty split`);
      const inDim = sizeOf(this.inputShape!);
      const cols = yt.labels ? 1 : sizeOf(this.outputShape!);
      val = {
        x: { data: xt.data.subarray(split * inDim), shape: [n - split, ...this.inputShape!] },
        y: { data: yt.data.subarray(split * cols), labels: yt.labels, n: n - split },
        w: sw ? sw.subarray(split) : null,
      };
      xt = { data: xt.data.subarray(0, split * inDim), shape: [split, ...this.inputShape!] };
      yt = { data: yt.data.subarray(0, split * cols), labels: yt.labels, n: split };
      sw = sw ? sw.subarray(0, split) : null;
    }
    const w = this.combineClassWeight(yt, sw, args.classWeight);
    const n = args.rows?.length ?? xt.shape[0];
    if (n === 0) throw new RangeError('fit: x holds no samples');

    this.ensureState();
    this.ensureIo(Math.min(batchSize, n), w !== null);
    const steps = Math.ceil(n / batchSize);
    const cbs: Callback[] = [...(args.callbacks ?? [])];
    const tty = typeof process !== 'undefined' && !!process.stdout?.isTTY;
    if (verbose === 2 || (verbose === 1 && tty)) cbs.push(progressBar({ mode: verbose === 2 ? 'epoch' : 'bar' }));
    const history = new History();
    history.params = { epochs, steps, samples: n, verbose };
    for (const cb of cbs) {
      cb.setModel?.(this);
      cb.setParams?.({ epochs, steps, samples: n, verbose });
    }
    const metrics = this.makeMetrics();
    const idx = args.rows ? Int32Array.from(args.rows) : identity(n);
    const batchLogs: Logs = { batch: 0, size: 0, loss: 0 };
    this.stopTraining = false;
    for (const cb of cbs) await cb.onTrainBegin?.({});
    try {
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        for (const cb of cbs) await cb.onEpochBegin?.(epoch, {});
        if (shuffle) (args.shuffleRng ?? this.shuffleRng).shuffle(idx);
        for (const m of metrics) m.reset();
        let lossSum = 0, seen = 0;
        for (let b = 0; b < steps; b++) {
          const start = b * batchSize;
          const rows = Math.min(batchSize, n - start);
          this.ensureIo(rows, w !== null);
          this.gather(xt, yt, w, idx, start, rows);
          let loss: number;
          try {
            loss = this.step(rows, w !== null, metrics);
          } catch (e) {
            if (e instanceof TrainingError) {
              e.message = `${this.name}: training stopped at epoch ${epoch + 1}, batch ${b + 1}: ${e.message}. ` +
                'The weights are those after the last good step. Lower the learning rate, scale the inputs, or add clipNorm.';
              e.history = history;
            }
            throw e;
          }
          lossSum += loss * rows;
          seen += rows;
          if (cbs.length) {
            batchLogs.batch = b;
            batchLogs.size = rows;
            batchLogs.loss = lossSum / seen;
            for (const m of metrics) batchLogs[m.name] = m.result();
            for (const cb of cbs) cb.onBatchEnd?.(b, batchLogs);
          }
          if (this.stopTraining) break;
        }
        const logs: Logs = { loss: lossSum / seen };
        for (const m of metrics) logs[m.name] = m.result();
        if (val) {
          const v = this.evaluateTensors(val.x, val.y, val.w, batchSize);
          for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
        }
        history.push(epoch, logs);
        for (const cb of cbs) await cb.onEpochEnd?.(epoch, logs);
      }
    } finally {
      this.scratch.reset(0);
    }
    for (const cb of cbs) await cb.onTrainEnd?.({});
    return history;
  }

  /** One optimizer step on one batch; returns its loss. */
  trainOnBatch(x: TensorLike, y: TensorLike, { sampleWeight, classWeight }: { sampleWeight?: TensorLike; classWeight?: Record<number, number> } = {}): number {
    this.requireCompiled('trainOnBatch');
    const xt = this.checkX(x, 'x');
    const n = xt.shape[0];
    if (n === 0) throw new RangeError('trainOnBatch: x holds no samples');
    const yt = this.checkY(y, n, 'y');
    const w = this.combineClassWeight(yt, this.checkWeights(sampleWeight, n, 'sampleWeight'), classWeight);
    this.ensureState();
    this.ensureIo(n, w !== null);
    const idx = identity(n);
    this.gather(xt, yt, w, idx, 0, n);
    try {
      return this.step(n, w !== null, []);
    } catch (e) {
      if (e instanceof TrainingError) e.message = `${this.name}.trainOnBatch: ${e.message}; the weights were not updated`;
      throw e;
    } finally {
      this.scratch.reset(0);
    }
  }

  /** Loss and metrics over the data, with the model in inference mode. */
  evaluate(x: Dataset, args?: EvaluateArgs): Promise<Record<string, number>>;
  evaluate(x: TensorLike, y: TensorLike, args?: EvaluateArgs): Record<string, number>;
  evaluate(x: TensorLike | Dataset, y?: TensorLike | EvaluateArgs, args: EvaluateArgs = {}): Record<string, number> | Promise<Record<string, number>> {
    this.requireCompiled('evaluate');
    if (x instanceof Dataset) return evaluateDataset(this, x, y as EvaluateArgs | undefined);
    const { batchSize = 32, sampleWeight } = args;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`evaluate: batchSize must be a whole number > 0, got ${batchSize}`);
    const xt = this.checkX(x, 'x');
    const yt = this.checkY(y as TensorLike, xt.shape[0], 'y');
    return this.evaluateTensors(xt, yt, this.checkWeights(sampleWeight, xt.shape[0], 'sampleWeight'), batchSize);
  }

  private evaluateTensors(x: Tensor, t: Targets, w: Float32Array | null, batchSize: number): Record<string, number> {
    const n = x.shape[0];
    const k = this.rt.kernels;
    const metrics = this.makeMetrics();
    const fused = this.fused();
    this.ensureIo(Math.min(batchSize, n), w !== null);
    const idx = identity(n);
    let lossSum = 0;
    try {
      for (let start = 0; start < n; start += batchSize) {
        const rows = Math.min(batchSize, n - start);
        this.ensureIo(rows, w !== null);
        this.gather(x, t, w, idx, start, rows);
        const ctx = this.ctx(rows, false);
        const y = this.forward({ ptr: this.io.x, rows, cols: sizeOf(this.inputShape!) }, ctx, fused);
        lossSum += this.loss!.compute(k, y.ptr, this.io.t, w ? this.io.w : 0, 0, y.rows, y.cols, fused) * rows;
        if (metrics.length) this.updateMetrics(metrics, fused ? this.probabilities(y, ctx) : y, w !== null);
      }
    } finally {
      this.scratch.reset(0);
    }
    let penalty = 0;
    for (const l of this.layers) for (const wt of l.weights) if (wt.regularizer) penalty += regularizerValue(k, wt);
    const out: Record<string, number> = { loss: lossSum / n + penalty };
    for (const m of metrics) out[m.name] = m.result();
    return out;
  }

  /** Outputs for every sample, computed in batches of `batchSize`. */
  predict(x: Dataset, args?: { batchSize?: number }): Promise<Tensor>;
  predict(x: TensorLike, args?: { batchSize?: number }): Tensor;
  predict(x: TensorLike | Dataset, { batchSize = 256 }: { batchSize?: number } = {}): Tensor | Promise<Tensor> {
    if (x instanceof Dataset) return predictDataset(this, x, { batchSize });
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`predict: batchSize must be a whole number > 0, got ${batchSize}`);
    const xt = this.checkX(x, 'x');
    const n = xt.shape[0];
    const inDim = sizeOf(this.inputShape!);
    const units = sizeOf(this.outputShape!);
    const out = new Float32Array(n * units);
    const a = this.rt.arena;
    try {
      for (let start = 0; start < n; start += batchSize) {
        const rows = Math.min(batchSize, n - start);
        const ctx = this.ctx(rows, false);
        // The batch goes into the step's scratch: nothing is allocated once the scratch has grown.
        const xin = ctx.scratch.take(rows * inDim * 4);
        a.f32(xin, rows * inDim).set(xt.data.subarray(start * inDim, (start + rows) * inDim));
        const y = this.forward({ ptr: xin, rows, cols: inDim }, ctx, false);
        out.set(a.f32(y.ptr, rows * units), start * units);
      }
    } finally {
      this.scratch.reset(0);
    }
    return { data: out, shape: [n, ...this.outputShape!] };
  }

  // ---- weights -------------------------------------------------------------------------------

  /** Copies of every weight in Keras order and layout (Dense: kernel [inputDim, units], then bias). */
  getWeights(): Tensor[] {
    this.requireBuilt('getWeights');
    return this.weights.map((w) => ({ data: Float32Array.from(this.rt.arena.f32(w.ptr, w.size)), shape: [...w.shape] }));
  }

  setWeights(weights: TensorLike[]): void {
    this.requireBuilt('setWeights');
    if (!Array.isArray(weights) || weights.length !== this.weights.length) {
      throw new Error(`${this.name}.setWeights expects ${this.weights.length} arrays (${this.weights.map((w) => `${w.name} [${w.shape}]`).join(', ')}), got ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    // Check everything first, so a bad list changes nothing.
    const values = weights.map((v, i) => {
      const w = this.weights[i];
      const t = toTensor(v, `setWeights[${i}] (${w.name})`);
      const shapeOk = t.shape.length === w.shape.length ? t.shape.every((d, j) => d === w.shape[j]) : sizeOf(t.shape) === w.size && w.shape.length === 1;
      if (!shapeOk) throw new ShapeError(`setWeights[${i}]: ${w.name} has shape [${w.shape.join(', ')}], got [${t.shape.join(', ')}]`);
      assertFinite(t, `setWeights[${i}] (${w.name})`);
      return t.data;
    });
    values.forEach((d, i) => this.rt.arena.f32(this.weights[i].ptr, d.length).set(d));
  }

  private requireBuilt(what: string): void {
    this.buildIfDeclared();
    if (!this.built) throw new Error(`${this.name}.${what}: the model is not built yet; give the first layer an inputShape or call fit/predict first`);
  }

  getLayer(name: string): Layer {
    const l = this.layers.find((l) => l.name === name);
    if (!l) throw new Error(`${this.name} has no layer '${name}'; layers: ${this.layers.map((l) => l.name).join(', ')}`);
    return l;
  }

  /** A layer table with output shapes and parameter counts; returned and, unless silent, printed. */
  summary({ print = true }: { print?: boolean } = {}): string {
    this.buildIfDeclared();
    const rows = this.layers.map((l) => [`${l.name} (${l.className})`, l.outputShape ? `[null, ${l.outputShape.join(', ')}]` : '?', String(l.countParams())]);
    const head = ['Layer (type)', 'Output shape', 'Param #'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('');
    const rule = '_'.repeat(widths.reduce((a, b) => a + b, 0));
    const total = this.countParams();
    const trainable = this.layers.filter((l) => l.trainable).reduce((s, l) => s + l.weights.filter((w) => w.trainable).reduce((a, w) => a + w.size, 0), 0);
    const text = [`Model: "${this.name}"`, rule, line(head), '='.repeat(rule.length), ...rows.map(line), '='.repeat(rule.length),
      `Total params: ${total}`, `Trainable params: ${trainable}`, `Non-trainable params: ${total - trainable}`, rule].join('\n');
    if (print) console.log(text);
    return text;
  }

  /** Re-derives the optimizer's segments after a layer's `trainable` flag changed. */
  refreshTrainable(): void {
    this.updateSegments();
  }
}

function identity(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

function regularizerValue(k: Runtime['kernels'], w: Weight): number {
  return w.regularizer!.value(k, w.ptr, w.size);
}

export function sequential(layers: Layer[] = [], args: SequentialArgs = {}): Sequential {
  return new Sequential(layers, args);
}

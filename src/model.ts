// Models: a directed acyclic graph of layer calls (the functional API), with `sequential` as the
// chain-shaped special case. One parameter slab (and gradient and optimizer-state slabs of the same
// layout), a scratch stack for the step's activations, and the training loop of seed 004: gather a
// mini-batch -> forward -> loss per output (value and gradient fused) -> backward in reverse
// topological order -> one optimizer call -> metrics and callbacks on the host. A model is itself
// a layer, so it can be called inside another model (a GAN's generator and discriminator).

import { progressBar, type Callback, type Logs } from './callbacks/index.js';
import { Dataset } from './data/dataset.js';
import { evaluateDataset, fitDataset, predictDataset, type DatasetFitArgs } from './data/fit.js';
import { gatherRows } from './data/gather.js';
import { SymbolicTensor, topoSort, type Node } from './graph.js';
import { exportOnnx } from './io/onnx.js';
import { ioChunk } from './io/lazy.js';
import type { ModelArtifacts, SaveOptions, SaveTarget } from './io/save.js';
import { BatchNormalization } from './layers/batch-normalization.js';
import { Layer, nextPass, sameShape, stepBuf, type Buf, type Ctx, type Slab, type Weight } from './layers/layer.js';
import { getLoss, type Loss } from './losses.js';
import { getMetric, type Metric, type MetricUpdate } from './metrics.js';
import { getOptimizer, type Group, type Optimizer, type Segment } from './optimizers/index.js';
import { Random } from './random.js';
import { assertFinite, ShapeError, sizeOf, toTensor, type Tensor, type TensorLike } from './tensor.js';
import type { Kernels } from './wasm/kernels.js';
import { Scratch } from './wasm/arena.js';
import { runtime, type Runtime } from './wasm/runtime.js';

type PerOutput<T> = T | T[] | Record<string, T>;

export interface CompileArgs {
  optimizer: string | Optimizer;
  /** One loss for every output, or one per output (an array in output order, or by output name). */
  loss: PerOutput<string | Loss>;
  /** Weights of the per-output losses in the total loss (default 1 each). */
  lossWeights?: number[] | Record<string, number>;
  metrics?: string[];
}

/** x or y: one tensor for a single-input (single-output) model, an array of them otherwise. */
export type Data = TensorLike | TensorLike[];

export interface FitArgs {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: [Data, Data] | [Data, Data, TensorLike];
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
}

/** The values and gradients of one run of the graph, and what each node kept for its backward. */
interface GraphState {
  vals: (Buf | null)[];
  grads: (Buf | null)[];
  saved: Record<string, unknown>[];
  /** What runBackward returns: the gradient of each model input (null where none was asked for). */
  dxs: (Buf | null)[];
}

/** A slab pair this model trains, with its optimizer state in the same layout. */
interface SlabGroup {
  slab: Slab;
  state: number[];
  segments: Segment[];
}

// Memory of collected models goes back to the arena (users never dispose).
const reclaim = new FinalizationRegistry<{ rt: Runtime; blocks: number[]; scratch: Scratch }>(({ rt, blocks, scratch }) => {
  scratch.dispose();
  for (const b of blocks) rt.arena.release(b);
});

export interface ModelArgs {
  inputs?: SymbolicTensor | SymbolicTensor[];
  outputs?: SymbolicTensor | SymbolicTensor[];
  name?: string;
  seed?: number;
}

export class Model extends Layer {
  readonly className: string = 'Model';
  readonly layers: Layer[] = [];
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  readonly seed: number;
  stopTraining = false;
  /** Fitted preprocessing as JSON (e.g. a normalizer's statistics); saved and loaded with the model. */
  preprocessing: unknown = null;
  optimizer?: Optimizer;
  /** The loss of the first output (of the only one, usually). */
  loss?: Loss;
  private losses: Loss[] = [];
  private lossWeights: number[] = [];
  private metricNames: string[] = [];
  private readonly rt: Runtime;
  private readonly initRng: Random;
  private readonly shuffleRng: Random;
  private readonly stepRng: Random;
  private readonly scratch: Scratch;
  private readonly blocks: number[] = [];
  private nodes: Node[] = [];
  private tensorIndex = new Map<SymbolicTensor, number>();
  private nodeIn: number[][] = [];
  private nodeOut: number[] = [];
  private nodeArgs: Buf[][] = [];
  private outIndex: number[] = [];
  private consumed: boolean[] = [];
  private needCache = new Map<string, boolean[][]>();
  private noInputGrads: boolean[] = [];
  private top!: GraphState;
  private groups: SlabGroup[] = [];
  private logits?: boolean[]; // per node: stops before its softmax/sigmoid (fused loss); per compile
  private outputFused: boolean[] = []; // per output: its loss takes the logits; with `logits`
  // What a step updates, fixed by ensureState() before each fit or trainOnBatch.
  private trained: Weight[] = [];
  private groupList: Group[] = [];
  private wsBytes = new Map<number, number>();
  private stepCtx?: Ctx;
  /** Reused by every step (no allocation per step): the input handles, the outputs, dL/dy, metric updates. */
  private readonly inBufs: Buf[] = [];
  private readonly outBufs: Buf[] = [];
  private readonly dOut: Buf[] = [];
  private readonly metricUpdates: MetricUpdate[] = [];
  /** needDx's answers by the identity of the array asked about (a step asks with the same arrays every time). */
  private readonly needByArray = new WeakMap<boolean[], boolean[][]>();
  /** Model.callBackward's one-element dL/dy list. */
  private readonly dyOne: Buf[] = [];
  private readonly topSaved: Record<string, unknown> = {}; // the step's own saved slot; nodes get theirs
  private readonly io = { x: [] as number[], t: [] as number[], w: 0, rows: 0 }; // the batch input region
  private readonly outLoss: number[] = [];

  constructor({ inputs, outputs, name, seed }: ModelArgs = {}, base = 'model') {
    super(base, { name });
    this.rt = runtime();
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new RangeError(`${this.name}: seed must be a whole number ≥ 0, got ${seed}`);
    this.seed = seed ?? Math.floor(Math.random() * 2 ** 31);
    const root = new Random(this.seed);
    this.initRng = root.fork();
    this.shuffleRng = root.fork();
    this.stepRng = root.fork();
    this.scratch = new Scratch(this.rt.arena);
    reclaim.register(this, { rt: this.rt, blocks: this.blocks, scratch: this.scratch });
    if (inputs !== undefined || outputs !== undefined) {
      const list = (v: SymbolicTensor | SymbolicTensor[] | undefined, what: string): SymbolicTensor[] => {
        const a = Array.isArray(v) ? v : v === undefined ? [] : [v];
        if (a.length === 0 || !a.every((t) => t instanceof SymbolicTensor)) throw new TypeError(`model: ${what} must be symbolic tensors (from input() and layer.apply()), got ${JSON.stringify(v)}`);
        return a;
      };
      this.initGraph(list(inputs, 'inputs'), list(outputs, 'outputs'));
    }
  }

  // ---- the graph ------------------------------------------------------------------------------

  /** Orders the nodes, collects layers and weights, and places new weights in this model's slab. */
  protected initGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    if (new Set(inputs).size !== inputs.length) throw new Error(`${this.name}: an input is listed twice`);
    this.nodes = topoSort(this.name, inputs, outputs);
    this.inputs = inputs;
    this.outputs = outputs;
    const index = (t: SymbolicTensor) => {
      if (!this.tensorIndex.has(t)) this.tensorIndex.set(t, this.tensorIndex.size);
      return this.tensorIndex.get(t)!;
    };
    inputs.forEach(index);
    this.nodeIn = this.nodes.map((n) => n.inputs.map(index));
    this.nodeOut = this.nodes.map((n) => index(n.output));
    this.nodeArgs = this.nodes.map((n) => n.inputs.map(() => ({ ptr: 0, rows: 0, cols: 0 })));
    this.outIndex = outputs.map(index);
    this.consumed = new Array(this.tensorIndex.size).fill(false);
    for (const ins of this.nodeIn) for (const t of ins) this.consumed[t] = true;
    if (this.layers.length === 0) for (const n of this.nodes) if (!this.layers.includes(n.layer)) this.layers.push(n.layer);
    for (const l of this.layers) for (const w of l.weights) if (!this.weights.includes(w)) this.weights.push(w);
    this.top = this.newState();
    this.noInputGrads = inputs.map(() => false);
    this.placeWeights();
    this.inputShape = [...inputs[0].shape];
    this.outputShape = [...outputs[0].shape];
    this.built = true;
    this.updateSegments();
  }

  private newState(): GraphState {
    const n = this.tensorIndex.size;
    return { vals: new Array(n).fill(null), grads: new Array(n).fill(null), saved: this.nodes.map(() => ({})), dxs: this.inputs.map(() => null) };
  }

  /** Weights not yet placed by another model go into this model's slab, 16-byte aligned each. */
  private placeWeights(): void {
    const fresh = this.weights.filter((w) => w.ptr === 0);
    let floats = 0;
    const offsets = fresh.map((w) => {
      const o = floats;
      floats += Math.ceil(w.size / 4) * 4;
      return o;
    });
    if (fresh.length) {
      const slab: Slab = { params: this.own(floats * 4), grads: this.own(floats * 4), floats };
      fresh.forEach((w, i) => {
        w.ptr = slab.params + offsets[i] * 4;
        w.gradPtr = slab.grads + offsets[i] * 4;
        w.slab = slab;
        const values = new Float32Array(w.size);
        w.initializer.fill(values, w.shape, this.initRng);
        this.rt.arena.f32(w.ptr, w.size).set(values);
      });
    }
  }

  private own(bytes: number): number {
    const p = this.rt.arena.alloc(bytes);
    this.blocks.push(p);
    return p;
  }

  private release(ptr: number): void {
    this.rt.arena.release(ptr);
    this.blocks.splice(this.blocks.indexOf(ptr), 1);
  }

  /**
   * The weights an optimizer step updates: trainable weights of trainable layers; a model used as
   * a layer contributes its layers only while its own `trainable` is set (freeze a GAN's
   * discriminator inside the combined model, train it through its own model).
   */
  trainedWeights(): Weight[] {
    const out: Weight[] = [];
    const walk = (ls: readonly Layer[], on: boolean): void => {
      for (const l of ls) {
        if (l instanceof Model) walk(l.layers, on && l.trainable);
        else if (on && l.trainable) for (const w of l.weights) if (w.trainable && !out.includes(w)) out.push(w);
      }
    };
    walk(this.layers, true);
    return out;
  }

  /** Contiguous runs of trained weights per slab: one optimizer call each. */
  private updateSegments(): void {
    const trained = (this.trained = this.trainedWeights());
    for (const w of this.weights) {
      if (!this.groups.some((g) => g.slab === w.slab)) this.groups.push({ slab: w.slab!, state: [], segments: [] });
    }
    for (const g of this.groups) {
      const segs: Segment[] = [];
      for (const w of trained) {
        if (w.slab !== g.slab) continue;
        const offset = w.ptr - g.slab.params;
        const size = Math.ceil(w.size / 4) * 4;
        const last = segs[segs.length - 1];
        if (last && last.offset + last.size * 4 === offset) last.size += size;
        else segs.push({ offset, size });
      }
      g.segments = segs;
    }
    this.groupList = this.groups.map((g) => ({ slabs: { params: g.slab.params, grads: g.slab.grads, state: g.state }, segments: g.segments }));
  }

  /** Every layer inside this model, nested models opened. */
  private allLayers(): Layer[] {
    return this.layers.flatMap((l) => (l instanceof Model ? [l, ...l.allLayers()] : [l]));
  }

  // ---- a model as a layer --------------------------------------------------------------------

  override buildFor(shapes: number[][], names: string[]): number[] {
    if (shapes.length !== this.inputs.length) throw new ShapeError(`${this.name} takes ${this.inputs.length} input(s), got ${shapes.length} (${names.join(', ')})`);
    shapes.forEach((s, i) => {
      if (!sameShape(s, this.inputs[i].shape)) throw new ShapeError(`${this.name} expects input ${i} as [*, ${this.inputs[i].shape.join(', ')}], but ${names[i]} is [*, ${s.join(', ')}]`);
    });
    if (this.outputs.length !== 1) throw new ShapeError(`${this.name} has ${this.outputs.length} outputs; a model used as a layer must have one`);
    return [...this.outputs[0].shape];
  }

  computeOutputShape(): number[] {
    return [...this.outputs[0].shape];
  }

  override call(xs: Buf[], ctx: Ctx): Buf {
    const st = (ctx.saved.graph ??= this.newState()) as GraphState;
    this.runForward(st, xs, ctx, null);
    return st.vals[this.outIndex[0]]!;
  }

  override callBackward(dy: Buf, ctx: Ctx, needDx: boolean[]): (Buf | null)[] {
    this.dyOne[0] = dy; // read by runBackward before anything can call this again
    return this.runBackward(ctx.saved.graph as GraphState, ctx, this.dyOne, needDx, null);
  }

  forward(x: Buf, ctx: Ctx): Buf {
    return this.call([x], ctx);
  }

  override workspace(k: Kernels, rows: number): number {
    return Math.max(16, ...this.layers.map((l) => l.workspace(k, rows)));
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, layers: this.layers.map((l) => ({ className: l.className, config: l.getConfig() })) };
  }

  // ---- running the graph ---------------------------------------------------------------------

  private runForward(st: GraphState, xs: Buf[], ctx: Ctx, logits: boolean[] | null): void {
    for (let i = 0; i < this.inputs.length; i++) st.vals[i] = xs[i];
    for (let n = 0; n < this.nodes.length; n++) {
      const ins = this.nodeIn[n], args = this.nodeArgs[n];
      for (let j = 0; j < ins.length; j++) args[j] = st.vals[ins[j]]!;
      ctx.saved = st.saved[n];
      st.vals[this.nodeOut[n]] = this.nodes[n].layer.call(args, ctx, logits ? logits[n] : false);
    }
  }

  /** Which node inputs need a gradient, given which model inputs do. */
  private needDx(needInput: boolean[]): boolean[][] {
    let need = this.needByArray.get(needInput);
    if (need) return need;
    const key = needInput.map(Number).join('');
    need = this.needCache.get(key);
    if (!need) {
      need = this.nodeIn.map((ins) => ins.map((t) => (t < this.inputs.length ? needInput[t] : true)));
      this.needCache.set(key, need);
    }
    this.needByArray.set(needInput, need);
    return need;
  }

  /**
   * Reverse topological order. Each tensor's gradient is the sum over its consumers: the first
   * contribution is kept as is, later ones are added. A layer's first backward this pass writes its
   * weight gradients, later calls of the same (shared) layer accumulate (ctx.pass).
   */
  private runBackward(st: GraphState, ctx: Ctx, dOut: Buf[], needInput: boolean[], logits: boolean[] | null): (Buf | null)[] {
    const d = st.grads;
    d.fill(null);
    for (let o = 0; o < dOut.length; o++) this.addGrad(d, this.outIndex[o], dOut[o], ctx);
    const need = this.needDx(needInput);
    for (let n = this.nodes.length - 1; n >= 0; n--) {
      const dy = d[this.nodeOut[n]];
      if (!dy) continue;
      d[this.nodeOut[n]] = null;
      const layer = this.nodes[n].layer;
      ctx.saved = st.saved[n];
      const dxs = layer.callBackward(dy, ctx, need[n], layer.backwardPass === ctx.pass, logits ? logits[n] : false);
      layer.backwardPass = ctx.pass;
      const ins = this.nodeIn[n];
      for (let j = 0; j < ins.length; j++) if (dxs[j]) this.addGrad(d, ins[j], dxs[j]!, ctx);
    }
    for (let i = 0; i < this.inputs.length; i++) st.dxs[i] = d[i];
    return st.dxs;
  }

  private addGrad(d: (Buf | null)[], t: number, dx: Buf, ctx: Ctx): void {
    const cur = d[t];
    if (cur) {
      ctx.k.f32_axpy(cur.rows * cur.cols, 1, dx.ptr, cur.ptr);
      return;
    }
    // A buffer already holding another tensor's gradient would be overwritten in place later.
    let held = false;
    for (let i = 0; i < d.length && !held; i++) held = d[i] !== null && d[i]!.ptr === dx.ptr;
    if (held) {
      const c = stepBuf(ctx, ctx.scratch.alloc(dx.rows * dx.cols * 4), dx.rows, dx.cols);
      ctx.k.f32_copy(dx.ptr, c.ptr, dx.rows * dx.cols);
      d[t] = c;
    } else d[t] = dx;
  }

  // ---- build, compile -------------------------------------------------------------------------

  /** Builds a model whose shape is only known from data (sequential without an inputShape). */
  protected buildFromData(_shapes: number[][]): void {}

  /** Builds now if the shape is already declared (sequential whose first layer has an inputShape). */
  protected ensureBuilt(): void {}

  protected requireBuilt(what: string): void {
    this.ensureBuilt();
    if (!this.built) throw new Error(`${this.name}.${what}: the model is not built yet; give the first layer an inputShape or call fit/predict first`);
  }

  compile({ optimizer, loss, lossWeights, metrics = [] }: CompileArgs): void {
    if (optimizer === undefined || loss === undefined) throw new Error(`${this.name}.compile needs an optimizer and a loss, got optimizer ${optimizer} and loss ${loss}`);
    const opt = getOptimizer(optimizer);
    this.ensureBuilt();
    if (!this.built && (typeof loss !== 'string' && !(typeof loss === 'object' && loss !== null && 'compute' in loss) || lossWeights !== undefined)) {
      throw new Error(`${this.name}.compile: per-output losses and lossWeights need a built model; give the first layer an inputShape`);
    }
    // An unbuilt sequential has one output, named once it is built.
    const names = this.built ? this.outputs.map((o) => o.name) : ['output'];
    const perOutput = <T>(v: PerOutput<T> | undefined, what: string, dflt: T | undefined, isOne: (v: unknown) => boolean): T[] => {
      if (v === undefined) return names.map(() => dflt!);
      if (isOne(v)) return names.map(() => v as T);
      if (Array.isArray(v)) {
        if (v.length !== names.length) throw new Error(`compile: ${what} has ${v.length} entries for ${names.length} outputs (${names.join(', ')})`);
        return v;
      }
      const rec = v as Record<string, T>;
      for (const key of Object.keys(rec)) if (!names.includes(key)) throw new Error(`compile: ${what} names '${key}', not an output (${names.join(', ')})`);
      return names.map((n) => {
        if (!(n in rec) && dflt === undefined) throw new Error(`compile: ${what} has nothing for output '${n}'`);
        return rec[n] ?? dflt!;
      });
    };
    this.losses = perOutput<string | Loss>(loss, 'loss', undefined, (v) => typeof v === 'string' || (typeof v === 'object' && v !== null && 'compute' in v)).map(getLoss);
    this.lossWeights = perOutput<number>(lossWeights, 'lossWeights', 1, (v) => typeof v === 'number');
    this.lossWeights.forEach((w, i) => {
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`compile: lossWeights for ${names[i]} must be a finite number ≥ 0, got ${w}`);
    });
    this.loss = this.losses[0];
    if (!Array.isArray(metrics)) throw new TypeError(`compile: metrics must be an array of names, got ${typeof metrics}`);
    this.losses.forEach((l, o) => { for (const m of metrics) getMetric(m, l.name, this.built ? sizeOf(this.outputs[o].shape) : 1); });
    this.metricNames = metrics;
    if (this.optimizer !== opt) for (const g of this.groups) { for (const s of g.state) this.release(s); g.state = []; }
    this.optimizer = opt;
    this.logits = undefined;
  }

  private ensureState(): void {
    const opt = this.optimizer!;
    for (const g of this.groups) while (g.state.length < opt.slots) g.state.push(this.own(g.slab.floats * 4));
    this.updateSegments(); // a layer's `trainable` may have changed since the last call
  }

  override countParams(): number {
    this.ensureBuilt();
    return this.weights.reduce((s, w) => s + w.size, 0);
  }

  // ---- data in -------------------------------------------------------------------------------

  /** The name used for input i in shape errors (sequential: its first layer). */
  protected inputOwner(i: number): string {
    return this.inputs[i].name;
  }

  private list(v: Data, count: number, what: string): TensorLike[] {
    // A single-input model also takes a one-element array of tensors, as Keras does.
    if (count === 1) return Array.isArray(v) && v.length === 1 && isTensorObject(v[0]) ? [v[0] as TensorLike] : [v as TensorLike];
    if (!Array.isArray(v) || v.length !== count) throw new TypeError(`${what}: ${this.name} has ${count} ${what === 'x' ? 'inputs' : 'outputs'}; pass an array of ${count} tensors`);
    return v as TensorLike[];
  }

  private checkX(x: Data, what: string): Tensor[] {
    this.ensureBuilt();
    if (!this.built) {
      const t = toTensor(x as TensorLike, what);
      if (t.shape.length < 2) throw new ShapeError(`${what}: expected [samples, ...features], got [${t.shape.join(', ')}]`);
      this.buildFromData([t.shape.slice(1)]);
    }
    const ts = this.list(x, this.inputs.length, what).map((v, i) => toTensor(v, this.inputs.length > 1 ? `${what}[${i}]` : what));
    ts.forEach((t, i) => {
      const want = this.inputs[i].shape;
      if (t.shape.length !== want.length + 1 || !sameShape(t.shape.slice(1), want)) {
        throw new ShapeError(`${this.inputOwner(i)} expects input [*, ${want.join(', ')}], got ${this.inputs.length > 1 ? `${what}[${i}]` : what} of shape [${t.shape.join(', ')}]`);
      }
      if (t.shape[0] !== ts[0].shape[0]) throw new ShapeError(`${what}[${i}] has ${t.shape[0]} samples but ${what}[0] has ${ts[0].shape[0]}; they must match`);
      assertFinite(t, what);
    });
    return ts;
  }

  private checkY(y: Data, n: number, what: string): Targets[] {
    const ys = this.list(y, this.outputs.length, what);
    return ys.map((v, o) => {
      const name = this.outputs.length > 1 ? `${what}[${o}]` : what;
      const loss = this.losses[o];
      const units = sizeOf(this.outputs[o].shape);
      const t = toTensor(v, name);
      if (t.shape[0] !== n) throw new ShapeError(`${name} has ${t.shape[0]} samples but x has ${n}; they must match`);
      assertFinite(t, name);
      if (loss.sparse) {
        if (sizeOf(t.shape) !== n) throw new ShapeError(`${name}: ${loss.name} expects one integer label per sample ([${n}] or [${n}, 1]), got [${t.shape.join(', ')}]`);
        const labels = new Int32Array(n);
        for (let i = 0; i < n; i++) {
          const l = t.data[i];
          if (!Number.isInteger(l) || l < 0 || l >= units) {
            throw new RangeError(`${name}[${i}] is ${l}; ${loss.name} expects integer labels in [0, ${units}) for ${units} output units`);
          }
          labels[i] = l;
        }
        return { data: labels, labels: true };
      }
      if (sizeOf(t.shape) !== n * units) {
        throw new ShapeError(`${name}: the output ${this.outputs[o].name} is [*, ${this.outputs[o].shape.join(', ')}], so targets must be [${n}, ${units}], got [${t.shape.join(', ')}]`);
      }
      return { data: t.data, labels: false };
    });
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
  private combineClassWeight(ts: Targets[], n: number, sw: Float32Array | null, cw: Record<number, number> | undefined): Float32Array | null {
    if (!cw) return sw;
    if (ts.length !== 1) throw new Error(`${this.name}: classWeight needs a single output; use sampleWeight`);
    const t = ts[0];
    const units = sizeOf(this.outputs[0].shape);
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
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

  /** Batch normalization cannot take statistics over one sample: say so before any kernel runs. */
  private checkBatchRows(batchSize: number, n: number, what: string): void {
    const last = n % batchSize;
    if (!(Math.min(batchSize, n) === 1 || last === 1)) return;
    const bn = this.allLayers().filter((l) => l instanceof BatchNormalization);
    if (bn.length) {
      throw new ShapeError(`${bn.map((l) => l.name).join(', ')}: batch normalization in training needs at least 2 samples per batch, but ${what} ` +
        `${Math.min(batchSize, n) === 1 ? 'has batches of 1' : `leaves a last batch of 1 (${n} samples, batchSize ${batchSize})`}; change batchSize or drop a sample`);
    }
  }

  // ---- the step ------------------------------------------------------------------------------

  /** Whether output o's loss takes the logits of the layer before it (softmax/sigmoid + cross-entropy). */
  private fused(o: number): boolean {
    const loss = this.losses[o];
    const t = this.outputs[o];
    if (loss.fromLogits || loss.fusesWith === undefined || !t.node) return false;
    // The probabilities must not be needed elsewhere: not by another node, not as another output.
    const idx = this.outIndex[o];
    if (this.consumed[idx] || this.outIndex.filter((i) => i === idx).length > 1) return false;
    return t.node.layer.outputActivation() === loss.fusesWith;
  }

  private logitsFlags(): boolean[] {
    if (!this.logits) {
      const flags = this.nodes.map(() => false);
      this.outputFused = this.outputs.map((_, o) => this.fused(o));
      this.outputs.forEach((t, o) => { if (this.outputFused[o]) flags[this.nodes.indexOf(t.node!)] = true; });
      this.logits = flags;
    }
    return this.logits;
  }

  /** Targets go into the arena as labels only when the fused sparse loss reads them so. */
  private targetCols(o: number): number {
    const loss = this.losses[o];
    return loss.sparse && (this.fused(o) || loss.fromLogits) ? 0 : sizeOf(this.outputs[o].shape);
  }

  /** (Re)allocates the batch input region for `rows` rows. */
  private ensureIo(rows: number, withWeights: boolean, withTargets = true): void {
    const io = this.io;
    if (rows <= io.rows && (!withWeights || io.w) && (!withTargets || io.t.length)) return;
    for (const p of [...io.x, ...io.t, io.w]) if (p) this.release(p);
    const rowsCap = Math.max(rows, io.rows);
    io.x = this.inputs.map((t) => this.own(rowsCap * sizeOf(t.shape) * 4));
    io.t = withTargets || io.t.length ? this.outputs.map((_, o) => this.own(rowsCap * Math.max(1, this.targetCols(o)) * 4)) : [];
    io.w = withWeights || io.w ? this.own(rowsCap * 4) : 0;
    io.rows = rowsCap;
  }

  /** Copies the rows `idx[start..start+rows)` of x, y and w into the batch region (no allocation). */
  private gather(xs: Tensor[], ts: Targets[] | null, w: Float32Array | null, idx: Int32Array, start: number, rows: number): void {
    const a = this.rt.arena;
    for (let i = 0; i < xs.length; i++) {
      const inDim = sizeOf(this.inputs[i].shape);
      gatherRows(xs[i].data, idx, start, rows, inDim, a.f32All(), this.io.x[i] >> 2);
    }
    for (let o = 0; ts && o < ts.length; o++) {
      const t = ts[o];
      const cols = this.targetCols(o);
      if (cols === 0) {
        const td = a.i32All(), at = this.io.t[o] >> 2;
        for (let r = 0; r < rows; r++) td[at + r] = t.data[idx[start + r]];
      } else if (t.labels) {
        const td = a.f32All(), at = this.io.t[o] >> 2; // one-hot rows for a sparse loss on probabilities
        td.fill(0, at, at + rows * cols);
        for (let r = 0; r < rows; r++) td[at + r * cols + t.data[idx[start + r]]] = 1;
      } else {
        const td = a.f32All(), at = this.io.t[o] >> 2;
        for (let r = 0; r < rows; r++) {
          const s = idx[start + r] * cols, q = at + r * cols;
          for (let j = 0; j < cols; j++) td[q + j] = t.data[s + j];
        }
      }
    }
    if (w) {
      const wd = a.f32All(), at = this.io.w >> 2;
      for (let r = 0; r < rows; r++) wd[at + r] = w[idx[start + r]];
    }
  }

  /** The step's context, one object per model reused by every step (no allocation per step). */
  private ctx(rows: number, training: boolean): Ctx {
    const k = this.rt.kernels;
    this.scratch.reset(0);
    let ws = this.wsBytes.get(rows);
    if (ws === undefined) {
      ws = this.workspace(k, rows);
      this.wsBytes.set(rows, ws);
    }
    // One context object for every step: its fields are reset, not rebuilt.
    const ctx = (this.stepCtx ??= { k, arena: this.rt.arena, scratch: this.scratch, ws: 0, training, rng: this.stepRng, saved: {}, commit: [], commitSaved: [], ncommit: 0, pass: 0, bufs: [], nbufs: 0 });
    ctx.ws = this.scratch.take(ws); // packing workspace: written before it is read
    ctx.training = training;
    ctx.saved = this.topSaved;
    ctx.ncommit = 0;
    ctx.pass = nextPass();
    ctx.nbufs = 0; // the scratch was reset: so are the handles on it
    return ctx;
  }

  /** Runs the state updates the step's forward deferred (batch-norm moving averages). */
  private runCommits(ctx: Ctx): void {
    for (let i = 0; i < ctx.ncommit; i++) ctx.commit[i].commitStep(ctx.k, ctx.commitSaved[i]);
  }

  private inputBufs(rows: number): Buf[] {
    const bufs = this.inBufs;
    for (let i = 0; i < this.inputs.length; i++) {
      const b = (bufs[i] ??= { ptr: 0, rows: 0, cols: sizeOf(this.inputs[i].shape) });
      b.ptr = this.io.x[i];
      b.rows = rows;
    }
    return bufs;
  }

  /** Probabilities from the logits a fused loss consumed, for the metrics. */
  private probabilities(o: number, z: Buf, ctx: Ctx): Buf {
    this.logitsFlags();
    if (!this.outputFused[o]) return z;
    const p = stepBuf(ctx, ctx.scratch.alloc(z.rows * z.cols * 4), z.rows, z.cols);
    if (this.losses[o].fusesWith === 'softmax') ctx.k.f32_softmax(z.ptr, p.ptr, z.rows, z.cols);
    else ctx.k.f32_activation(z.ptr, p.ptr, z.rows * z.cols, 2 /* sigmoid */, 0);
    return p;
  }

  /** Σ_o lossWeight_o · loss_o over the outputs; writes each dL/dy when `dOut` is given. */
  private lossOf(outs: Buf[], hasWeights: boolean, ctx: Ctx, dOut: Buf[] | null): number {
    const k = ctx.k;
    let total = 0;
    for (let o = 0; o < outs.length; o++) {
      const y = outs[o];
      const dy = dOut ? (dOut[o] = stepBuf(ctx, ctx.scratch.take(y.rows * y.cols * 4), y.rows, y.cols)) : null; // the loss writes it whole
      const lw = this.lossWeights[o];
      const l = this.losses[o].compute(k, y.ptr, this.io.t[o], hasWeights ? this.io.w : 0, dy ? dy.ptr : 0, y.rows, y.cols, this.outputFused[o]);
      if (dy && lw !== 1) k.f32_scale(y.rows * y.cols, lw, dy.ptr, dy.ptr);
      this.outLoss[o] = l;
      total += lw * l;
    }
    return total;
  }

  private outputBufs(st: GraphState): Buf[] {
    const outs = this.outBufs;
    outs.length = this.outIndex.length;
    for (let o = 0; o < outs.length; o++) outs[o] = st.vals[this.outIndex[o]]!;
    return outs;
  }

  /**
   * Forward, loss and backward on the batch region's first `rows` rows: gradients land in the
   * gradient slabs. Returns the loss (penalties included); the outputs are in this.outBufs and
   * the step's context is this.stepCtx.
   */
  private backprop(rows: number, hasWeights: boolean): number {
    const k = this.rt.kernels;
    const ctx = this.ctx(rows, true);
    const logits = this.logitsFlags();
    this.runForward(this.top, this.inputBufs(rows), ctx, logits);
    const outs = this.outputBufs(this.top);
    const dOut = this.dOut;
    dOut.length = outs.length;
    let loss = this.lossOf(outs, hasWeights, ctx, dOut);
    this.runBackward(this.top, ctx, dOut, this.noInputGrads, logits);
    for (let i = 0; i < this.trained.length; i++) {
      const w = this.trained[i];
      if (w.regularizer) loss += w.regularizer.apply(k, w.ptr, w.gradPtr, w.size);
    }
    return loss;
  }

  /** One step: backprop, the finite checks that keep the last good weights, one optimizer call. */
  private step(rows: number, hasWeights: boolean, metrics: Metric[][]): number {
    const k = this.rt.kernels;
    const loss = this.backprop(rows, hasWeights);
    const outs = this.outBufs, ctx = this.stepCtx!;
    if (!Number.isFinite(loss)) throw new TrainingError(`the loss became ${loss}`);
    let sq = 0;
    for (let i = 0; i < this.groups.length; i++) {
      const g = this.groups[i];
      for (let j = 0; j < g.segments.length; j++) sq += k.f32_sumsq(g.slab.grads + g.segments[j].offset, g.segments[j].size);
    }
    if (!Number.isFinite(sq)) throw new TrainingError('a gradient became non-finite (the loss was finite)');
    this.optimizer!.apply(k, this.groupList, this.trained);
    this.runCommits(ctx);
    for (let o = 0; o < metrics.length; o++) if (metrics[o].length) this.updateMetrics(o, metrics[o], this.probabilities(o, outs[o], ctx), hasWeights);
    return loss;
  }

  private zeroGrads(): void {
    for (const g of this.groups) this.rt.arena.f32(g.slab.grads, g.slab.floats).fill(0);
  }

  /**
   * The loss on one batch and its gradient with respect to every weight (Keras order and layout),
   * without updating anything (batch-norm moving averages included). Frozen layers report zeros.
   */
  computeGradients(x: Data, y: Data, { sampleWeight }: { sampleWeight?: TensorLike } = {}): { loss: number; grads: Tensor[] } {
    this.requireCompiled('computeGradients');
    const xt = this.checkX(x, 'x');
    const n = xt[0].shape[0];
    const yt = this.checkY(y, n, 'y');
    const w = this.checkWeights(sampleWeight, n, 'sampleWeight');
    this.checkBatchRows(n, n, 'x');
    this.ensureIo(n, w !== null);
    this.gather(xt, yt, w, identity(n), 0, n);
    const a = this.rt.arena;
    this.updateSegments();
    this.zeroGrads();
    try {
      const loss = this.backprop(n, w !== null);
      return { loss, grads: this.weights.map((wt) => ({ data: Float32Array.from(a.f32(wt.gradPtr, wt.size)), shape: [...wt.shape] })) };
    } finally {
      this.scratch.reset(0);
    }
  }

  /**
   * Backpropagates an upstream gradient `dy` on the outputs (one tensor per output) through the
   * model at `x` and returns the gradient with respect to each input (a GAN's generator learns
   * from the discriminator's input gradient). Weight gradients land in the gradient slab as a side
   * effect; nothing is updated except, in training mode, the batch-norm moving averages.
   */
  backward(x: Data, dy: Data, opts?: { training?: boolean }): Tensor | Tensor[];
  /** The layer contract, for a model used as a layer (the graph calls callBackward instead). */
  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc?: boolean): Buf | null;
  backward(a: Data | Buf, b: Data | Ctx, c?: { training?: boolean } | boolean): Tensor | Tensor[] | Buf | null {
    if (isCtx(b)) return this.callBackward(a as Buf, b, [c as boolean])[0];
    return this.inputGradients(a as Data, b, (c as { training?: boolean } | undefined) ?? {});
  }

  private inputGradients(x: Data, dy: Data, { training = true }: { training?: boolean }): Tensor | Tensor[] {
    const xt = this.checkX(x, 'x');
    const n = xt[0].shape[0];
    const dys = this.list(dy, this.outputs.length, 'dy').map((v, o) => {
      const t = toTensor(v, `dy[${o}]`);
      const want = [n, ...this.outputs[o].shape];
      if (sizeOf(t.shape) !== sizeOf(want)) throw new ShapeError(`${this.name}.backward: dy for output ${this.outputs[o].name} must be [${want.join(', ')}], got [${t.shape.join(', ')}]`);
      assertFinite(t, 'dy');
      return t;
    });
    if (training) this.checkBatchRows(n, n, 'x');
    this.ensureIo(n, false, false);
    this.gather(xt, null, null, identity(n), 0, n);
    const a = this.rt.arena;
    try {
      const ctx = this.ctx(n, training);
      this.runForward(this.top, this.inputBufs(n), ctx, null);
      const dOut = dys.map((t) => {
        const b = stepBuf(ctx, ctx.scratch.alloc(t.data.length * 4), n, t.data.length / Math.max(n, 1));
        a.f32(b.ptr, t.data.length).set(t.data);
        return b;
      });
      const dxs = this.runBackward(this.top, ctx, dOut, this.inputs.map(() => true), null);
      if (training) this.runCommits(ctx);
      const out = dxs.map((d, i) => ({
        data: d ? Float32Array.from(a.f32(d.ptr, d.rows * d.cols)) : new Float32Array(n * sizeOf(this.inputs[i].shape)),
        shape: [n, ...this.inputs[i].shape],
      }));
      return out.length === 1 ? out[0] : out;
    } finally {
      this.scratch.reset(0);
    }
  }

  private updateMetrics(o: number, metrics: Metric[], p: Buf, hasWeights: boolean): void {
    const a = this.rt.arena;
    const cols = this.targetCols(o);
    // One update object per output; its views are remade only when a pointer, a length or the
    // memory's buffer changed (the batch region and the step's scratch repeat from step to step).
    // Spelled out per view: folding the check into Arena.f32(ptr, n, reuse) cost 40 bytes a step.
    const u = (this.metricUpdates[o] ??= { pred: new Float32Array(0), target: new Float32Array(0), labels: false, rows: 0, cols: 0, weights: null });
    u.pred = a.sameView(u.pred, p.ptr, p.rows * p.cols) ? u.pred : a.f32(p.ptr, p.rows * p.cols);
    if (cols === 0) u.target = u.target instanceof Int32Array && a.sameView(u.target, this.io.t[o], p.rows) ? u.target : a.i32(this.io.t[o], p.rows);
    else u.target = u.target instanceof Float32Array && a.sameView(u.target, this.io.t[o], p.rows * cols) ? u.target : a.f32(this.io.t[o], p.rows * cols);
    u.weights = !hasWeights ? null : u.weights && a.sameView(u.weights, this.io.w, p.rows) ? u.weights : a.f32(this.io.w, p.rows);
    u.labels = cols === 0;
    u.rows = p.rows;
    u.cols = p.cols;
    for (let i = 0; i < metrics.length; i++) metrics[i].update(u);
  }

  /** Metrics per output; with several outputs their keys carry the output's name (Keras). */
  private makeMetrics(): Metric[][] {
    const multi = this.outputs.length > 1;
    return this.outputs.map((t, o) => this.metricNames.map((n) => {
      const m = getMetric(n, this.losses[o].name, sizeOf(t.shape));
      return multi ? Object.assign(m, { name: `${t.name}_${m.name}` }) : m;
    }));
  }

  private requireCompiled(what: string): void {
    if (!this.optimizer || !this.loss) throw new Error(`${this.name}.${what}: compile the model first (model.compile({ optimizer, loss }))`);
  }

  /** Keys of the per-output losses in logs (several outputs only). */
  private outputLossKeys(): string[] {
    return this.outputs.length > 1 ? this.outputs.map((t) => `${t.name}_loss`) : [];
  }

  // ---- public training API -------------------------------------------------------------------

  /** Trains for `epochs` epochs of mini-batches; resolves to a Keras-like History. */
  async fit(x: Dataset, args?: DatasetFitArgs): Promise<History>;
  async fit(x: Data, y: Data, args?: FitArgs): Promise<History>;
  async fit(x: Data | Dataset, y?: Data | DatasetFitArgs, args: FitArgs = {}): Promise<History> {
    this.requireCompiled('fit');
    if (x instanceof Dataset) return fitDataset(this, x, y as DatasetFitArgs | undefined);
    const { epochs = 1, batchSize = 32, shuffle = true, validationSplit = 0, verbose = 1, initialEpoch = 0 } = args;
    if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`fit: epochs must be a whole number ≥ 0, got ${epochs}`);
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`fit: batchSize must be a whole number > 0, got ${batchSize}`);
    if (!(validationSplit >= 0 && validationSplit < 1)) throw new RangeError(`fit: validationSplit must be in [0, 1), got ${validationSplit}`);
    let xt = this.checkX(x, 'x');
    let yt = this.checkY(y as Data, xt[0].shape[0], 'y');
    let sw = this.checkWeights(args.sampleWeight, xt[0].shape[0], 'sampleWeight');
    let val: { x: Tensor[]; y: Targets[]; w: Float32Array | null } | undefined;
    if (args.validationData) {
      const [vx, vy, vw] = args.validationData;
      const vxt = this.checkX(vx, 'validationData x');
      val = { x: vxt, y: this.checkY(vy, vxt[0].shape[0], 'validationData y'), w: this.checkWeights(vw, vxt[0].shape[0], 'validationData sampleWeight') };
    } else if (validationSplit > 0) {
      // Keras takes the last fraction of the samples, before any shuffling.
      const n = xt[0].shape[0];
      const split = Math.floor(n * (1 - validationSplit));
      if (split === 0 || split === n) throw new RangeError(`fit: validationSplit ${validationSplit} of ${n} samples leaves an empty split`);
      const cut = <T extends Float32Array | Int32Array>(d: T, per: number, from: number, to: number): T => d.subarray(from * per, to * per) as T;
      const xs = (a: number, b: number) => xt.map((t, i) => ({ data: cut(t.data, sizeOf(this.inputs[i].shape), a, b), shape: [b - a, ...this.inputs[i].shape] }));
      const ys = (a: number, b: number) => yt.map((t, o) => ({ data: cut(t.data, t.labels ? 1 : sizeOf(this.outputs[o].shape), a, b), labels: t.labels }));
      val = { x: xs(split, n), y: ys(split, n), w: sw ? sw.subarray(split) : null };
      xt = xs(0, split);
      yt = ys(0, split);
      sw = sw ? sw.subarray(0, split) : null;
    }
    const w = this.combineClassWeight(yt, xt[0].shape[0], sw, args.classWeight);
    const n = args.rows?.length ?? xt[0].shape[0];
    if (n === 0) throw new RangeError('fit: x holds no samples');
    this.checkBatchRows(batchSize, n, 'fit');

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
    const lossKeys = this.outputLossKeys();
    const idx = args.rows ? Int32Array.from(args.rows) : identity(n);
    const batchLogs: Logs = { batch: 0, size: 0, loss: 0 };
    let lastYield = now();
    this.stopTraining = false;
    for (const cb of cbs) await cb.onTrainBegin?.({});
    try {
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        for (const cb of cbs) await cb.onEpochBegin?.(epoch, {});
        if (shuffle) {
          // Each epoch permutes the base order afresh, so the order depends on the RNG state alone
          // and a run resumed from a checkpoint (which saves that state) shuffles as the
          // uninterrupted one does.
          if (args.rows) idx.set(args.rows);
          else for (let i = 0; i < n; i++) idx[i] = i;
          (args.shuffleRng ?? this.shuffleRng).shuffle(idx);
        }
        for (const ms of metrics) for (const m of ms) m.reset();
        let lossSum = 0, seen = 0;
        const outSums = lossKeys.map(() => 0);
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
          for (let o = 0; o < outSums.length; o++) outSums[o] += this.outLoss[o] * rows;
          seen += rows;
          if (cbs.length) {
            batchLogs.batch = b;
            batchLogs.size = rows;
            batchLogs.loss = lossSum / seen;
            for (const ms of metrics) for (const m of ms) batchLogs[m.name] = m.result();
            for (const cb of cbs) cb.onBatchEnd?.(b, batchLogs);
          }
          // Give the event loop a turn every ~100 ms: a Ctrl-C handler or a page's stop button can
          // then set stopTraining, which takes effect after this batch.
          if (now() - lastYield > 100) {
            await yieldToEventLoop();
            lastYield = now();
          }
          if (this.stopTraining) break;
        }
        const logs: Logs = { loss: lossSum / seen };
        lossKeys.forEach((key, o) => { logs[key] = outSums[o] / seen; });
        for (const ms of metrics) for (const m of ms) logs[m.name] = m.result();
        if (val) {
          const v = this.evaluateTensors(val.x, val.y, val.w, batchSize);
          for (const [key, value] of Object.entries(v)) logs[`val_${key}`] = value;
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
  trainOnBatch(x: Data, y: Data, { sampleWeight, classWeight }: { sampleWeight?: TensorLike; classWeight?: Record<number, number> } = {}): number {
    this.requireCompiled('trainOnBatch');
    const xt = this.checkX(x, 'x');
    const n = xt[0].shape[0];
    if (n === 0) throw new RangeError('trainOnBatch: x holds no samples');
    const yt = this.checkY(y, n, 'y');
    const w = this.combineClassWeight(yt, n, this.checkWeights(sampleWeight, n, 'sampleWeight'), classWeight);
    this.checkBatchRows(n, n, 'x');
    this.ensureState();
    this.ensureIo(n, w !== null);
    this.gather(xt, yt, w, identity(n), 0, n);
    try {
      return this.step(n, w !== null, this.outputs.map(() => []));
    } catch (e) {
      if (e instanceof TrainingError) e.message = `${this.name}.trainOnBatch: ${e.message}; the weights were not updated`;
      throw e;
    } finally {
      this.scratch.reset(0);
    }
  }

  /** Loss and metrics over the data, with the model in inference mode. */
  evaluate(x: Dataset, args?: EvaluateArgs): Promise<Record<string, number>>;
  evaluate(x: Data, y: Data, args?: EvaluateArgs): Record<string, number>;
  evaluate(x: Data | Dataset, y?: Data | EvaluateArgs, args: EvaluateArgs = {}): Record<string, number> | Promise<Record<string, number>> {
    this.requireCompiled('evaluate');
    if (x instanceof Dataset) return evaluateDataset(this, x, y as EvaluateArgs | undefined);
    const { batchSize = 32, sampleWeight } = args;
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`evaluate: batchSize must be a whole number > 0, got ${batchSize}`);
    const xt = this.checkX(x, 'x');
    const yt = this.checkY(y as Data, xt[0].shape[0], 'y');
    return this.evaluateTensors(xt, yt, this.checkWeights(sampleWeight, xt[0].shape[0], 'sampleWeight'), batchSize);
  }

  private evaluateTensors(x: Tensor[], t: Targets[], w: Float32Array | null, batchSize: number): Record<string, number> {
    const n = x[0].shape[0];
    const k = this.rt.kernels;
    const metrics = this.makeMetrics();
    const lossKeys = this.outputLossKeys();
    const outSums = lossKeys.map(() => 0);
    this.ensureIo(Math.min(batchSize, n), w !== null);
    const idx = identity(n);
    let lossSum = 0;
    try {
      for (let start = 0; start < n; start += batchSize) {
        const rows = Math.min(batchSize, n - start);
        this.ensureIo(rows, w !== null);
        this.gather(x, t, w, idx, start, rows);
        const ctx = this.ctx(rows, false);
        this.runForward(this.top, this.inputBufs(rows), ctx, this.logitsFlags());
        const outs = this.outputBufs(this.top);
        lossSum += this.lossOf(outs, w !== null, ctx, null) * rows;
        lossKeys.forEach((_, o) => { outSums[o] += this.outLoss[o] * rows; });
        metrics.forEach((ms, o) => { if (ms.length) this.updateMetrics(o, ms, this.probabilities(o, outs[o], ctx), w !== null); });
      }
    } finally {
      this.scratch.reset(0);
    }
    let penalty = 0;
    for (const wt of this.weights) if (wt.regularizer) penalty += wt.regularizer.value(k, wt.ptr, wt.size);
    const out: Record<string, number> = { loss: lossSum / n + penalty };
    lossKeys.forEach((key, o) => { out[key] = outSums[o] / n; });
    for (const ms of metrics) for (const m of ms) out[m.name] = m.result();
    return out;
  }

  /**
   * Outputs for every sample, computed in batches of `batchSize`; an array with several outputs.
   * `training` runs the layers as in a training step (batch statistics, dropout masks) without
   * updating anything.
   */
  predict(x: Dataset, args?: { batchSize?: number }): Promise<Tensor>;
  predict(x: Data, args?: { batchSize?: number; training?: boolean }): Tensor | Tensor[];
  predict(x: Data | Dataset, { batchSize = 256, training = false }: { batchSize?: number; training?: boolean } = {}): Tensor | Tensor[] | Promise<Tensor> {
    if (x instanceof Dataset) return predictDataset(this as unknown as Sequential, x, { batchSize });
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`predict: batchSize must be a whole number > 0, got ${batchSize}`);
    const xt = this.checkX(x, 'x');
    const n = xt[0].shape[0];
    const units = this.outputs.map((t) => sizeOf(t.shape));
    const out = units.map((u) => new Float32Array(n * u));
    const a = this.rt.arena;
    try {
      for (let start = 0; start < n; start += batchSize) {
        const rows = Math.min(batchSize, n - start);
        const ctx = this.ctx(rows, training);
        // The batch goes into the step's scratch: nothing is allocated once the scratch has grown.
        const bufs = this.inputs.map((t, i) => {
          const d = sizeOf(t.shape);
          const ptr = ctx.scratch.take(rows * d * 4);
          a.f32(ptr, rows * d).set(xt[i].data.subarray(start * d, (start + rows) * d));
          return stepBuf(ctx, ptr, rows, d);
        });
        this.runForward(this.top, bufs, ctx, null);
        this.outputBufs(this.top).forEach((y, o) => out[o].set(a.f32(y.ptr, rows * units[o]), start * units[o]));
      }
    } finally {
      this.scratch.reset(0);
    }
    const ts = out.map((data, o) => ({ data, shape: [n, ...this.outputs[o].shape] }));
    return ts.length === 1 ? ts[0] : ts;
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

  getLayer(name: string): Layer {
    const l = this.layers.find((l) => l.name === name);
    if (!l) throw new Error(`${this.name} has no layer '${name}'; layers: ${this.layers.map((l) => l.name).join(', ')}`);
    return l;
  }

  /**
   * A layer table with output shapes and parameter counts and, for a graph, what each call is
   * connected to; returned and, unless silent, printed.
   */
  summary({ print = true }: { print?: boolean } = {}): string {
    this.ensureBuilt();
    const chain = this instanceof Sequential;
    const head = ['Layer (type)', 'Output shape', 'Param #', ...(chain ? [] : ['Connected to'])];
    const rows: string[][] = chain ? [] : this.inputs.map((t) => [`${t.name} (InputLayer)`, `[null, ${t.shape.join(', ')}]`, '0', '']);
    const counted = new Set<Layer>();
    // A shared layer's calls are told apart as name[0], name[1], ... (Keras writes name[1][0]).
    const calls = new Map<Node, number>(), count = new Map<Layer, number>();
    for (const n of this.nodes) { calls.set(n, count.get(n.layer) ?? 0); count.set(n.layer, calls.get(n)! + 1); }
    const label = (t: SymbolicTensor) => (t.node && count.get(t.node.layer)! > 1 ? `${t.name}[${calls.get(t.node)}]` : t.name);
    for (const n of this.nodes) {
      const params = counted.has(n.layer) ? '0 (shared)' : String(n.layer.countParams());
      counted.add(n.layer);
      rows.push([`${n.layer.name} (${n.layer.className})`, `[null, ${n.output.shape.join(', ')}]`, params, ...(chain ? [] : [n.inputs.map(label).join(', ')])]);
    }
    if (!this.built) for (const l of this.layers) rows.push([`${l.name} (${l.className})`, '?', '0']);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('');
    const rule = '_'.repeat(widths.reduce((a, b) => a + b, 0));
    const total = this.countParams();
    const trainable = this.trainedWeights().reduce((a, w) => a + w.size, 0);
    const outs = chain ? [] : [`Outputs: ${this.outputs.map(label).join(', ')}`];
    const text = [`Model: "${this.name}"`, rule, line(head), '='.repeat(rule.length), ...rows.map(line), '='.repeat(rule.length), ...outs,
      `Total params: ${total}`, `Trainable params: ${trainable}`, `Non-trainable params: ${total - trainable}`, rule].join('\n');
    if (print) console.log(text);
    return text;
  }

  /** Re-derives the optimizer's segments after a layer's `trainable` flag changed. */
  refreshTrainable(): void {
    this.updateSegments();
  }

  // ---- save, load, export (the work is in src/io/) --------------------------------------------

  // ---- io: save/toOnnx take any built model (sequential or functional); src/io/ does the work ----
  private requireBuiltForIo(what: string): this {
    this.requireBuilt(what);
    return this;
  }

  /**
   * Saves topology, training config and state, and weights: to a directory in Node, to
   * 'indexeddb://name' or 'downloads://name' in browsers, or to a handler. Resolves to the
   * in-memory `{ json, weights }` (also what `save()` without a target returns).
   */
  save(target?: SaveTarget, options?: SaveOptions): Promise<ModelArtifacts> {
    const model = this.requireBuiltForIo('save');
    return ioChunk().then((io) => io.saveModel(model, target, options));
  }

  /** The model for inference as an ONNX file (opset 17). */
  toOnnx(): Uint8Array {
    return exportOnnx(this.requireBuiltForIo('toOnnx'));
  }
  // ---- end io ----

  /** Where optimizer slot `s` of weight `w` lives: the state slab of w's group, at w's offset. */
  private statePtr(w: Weight, s: number): number {
    const g = this.groups.find((gr) => gr.slab === w.slab);
    return g && s < g.state.length ? g.state[s] + (w.ptr - w.slab!.params) : 0;
  }

  /** What save needs beyond the public API: metric names, RNG states, optimizer slots (Keras order). */
  getTrainingState(): TrainingState {
    this.requireBuilt('getTrainingState');
    const a = this.rt.arena;
    const slots = this.optimizer?.slots ?? 0;
    return {
      metrics: [...this.metricNames],
      losses: [...this.losses], // io: per-output losses and their weights, for save
      lossWeights: [...this.lossWeights],
      rng: { init: this.initRng.getState(), shuffle: this.shuffleRng.getState(), step: this.stepRng.getState() },
      optimizerSlots: Array.from({ length: slots }, (_, s) => this.weights.map((w) => {
        const ptr = this.statePtr(w, s);
        return ptr ? Float32Array.from(a.f32(ptr, w.size)) : new Float32Array(w.size);
      })),
    };
  }

  /** Restores what getTrainingState returned (after compile, for the optimizer slots). */
  setTrainingState(state: Partial<TrainingState>): void {
    this.requireBuilt('setTrainingState');
    if (state.rng) {
      this.initRng.setState(state.rng.init);
      this.shuffleRng.setState(state.rng.shuffle);
      this.stepRng.setState(state.rng.step);
    }
    if (state.optimizerSlots?.length) {
      this.requireCompiled('setTrainingState');
      if (state.optimizerSlots.length !== this.optimizer!.slots) throw new Error(`${this.name}.setTrainingState: ${this.optimizer!.name} keeps ${this.optimizer!.slots} state slots, got ${state.optimizerSlots.length}`);
      this.ensureState();
      const a = this.rt.arena;
      state.optimizerSlots.forEach((slot, s) => this.weights.forEach((w, i) => {
        if (slot[i]?.length !== w.size) throw new ShapeError(`${this.name}.setTrainingState: slot ${s} of ${w.name} needs ${w.size} values, got ${slot[i]?.length}`);
        const ptr = this.statePtr(w, s);
        if (ptr) a.f32(ptr, w.size).set(slot[i]);
      }));
    }
  }
}

export interface TrainingState {
  metrics: string[];
  /** The loss of each output and its weight in the total (empty before compile). */
  losses: Loss[];
  lossWeights: number[];
  /** xoshiro128** states of the three streams. */
  rng: { init: number[]; shuffle: number[]; step: number[] };
  /** optimizerSlots[slot][weight]: the optimizer's state, weights in Keras order. */
  optimizerSlots: Float32Array[][];
}

export interface SequentialArgs {
  seed?: number;
  name?: string;
}

/** A chain of layers: the graph `input → layers[0] → … → layers[n−1]`, built when the input shape is known. */
export class Sequential extends Model {
  override readonly className = 'Sequential';

  constructor(layers: Layer[] = [], { seed, name = 'sequential' }: SequentialArgs = {}) {
    super({ seed, name }, 'sequential');
    if (!Array.isArray(layers)) throw new TypeError(`sequential expects an array of layers, got ${typeof layers}`);
    for (const l of layers) this.add(l);
  }

  protected override ensureBuilt(): void {
    const shape = this.layers[0]?.declaredInputShape;
    if (!this.built && shape) this.build(shape);
  }

  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new TypeError(`sequential: expected a layer, got ${layer === null ? 'null' : typeof layer}`);
    if (this.built) throw new Error(`${this.name}: cannot add ${layer.name} after the model is built`);
    if (this.layers.includes(layer)) throw new Error(`${this.name}: ${layer.name} is already in the model`);
    this.layers.push(layer);
  }

  /** Builds every layer for `inputShape` (without the batch axis) and places the weights. */
  override build(inputShape: number[]): void {
    if (this.built) return;
    if (this.layers.length === 0) throw new Error(`${this.name}: a model needs at least one layer`);
    const x = new SymbolicTensor([...inputShape], `${this.name}_input`);
    let h = x;
    for (const l of this.layers) h = l.apply(h);
    this.initGraph([x], [h]);
  }

  protected override buildFromData(shapes: number[][]): void {
    if (shapes.length !== 1) throw new ShapeError(`${this.name} takes one input, got ${shapes.length}`);
    this.build(shapes[0]);
  }

  protected override inputOwner(): string {
    return this.layers[0].name;
  }

  override buildFor(shapes: number[][], names: string[]): number[] {
    this.ensureBuilt();
    if (!this.built && shapes.length === 1) this.build(shapes[0]);
    return super.buildFor(shapes, names);
  }

  // One input, one output: predict gives a Tensor.
  override predict(x: Dataset, args?: { batchSize?: number }): Promise<Tensor>;
  override predict(x: TensorLike, args?: { batchSize?: number; training?: boolean }): Tensor;
  override predict(x: TensorLike | Dataset, args?: { batchSize?: number; training?: boolean }): Tensor | Promise<Tensor> {
    return super.predict(x as never, args) as Tensor | Promise<Tensor>;
  }
}

const isTensorObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && 'data' in v && 'shape' in v;
const isCtx = (v: unknown): v is Ctx => typeof v === 'object' && v !== null && 'scratch' in v && 'k' in v;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** A macrotask turn (setImmediate where there is one; a MessageChannel or setTimeout elsewhere). */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (g.setImmediate) return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((r) => {
      const c = new MessageChannel();
      c.port1.onmessage = () => { c.port1.close(); r(); };
      c.port2.postMessage(0);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

function identity(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

export function sequential(layers: Layer[] = [], args: SequentialArgs = {}): Sequential {
  return new Sequential(layers, args);
}

/** The functional API's model: `model({ inputs, outputs })` over symbolic tensors. */
export function model(args: ModelArgs & { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[] }): Model {
  return new Model(args);
}

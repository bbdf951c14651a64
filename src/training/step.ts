// One batch through the model: the batch region the trainer gathers rows into, the step's context,
// forward, the loss of every output (value and gradient fused with a softmax/sigmoid output where
// it can be), backward, the finite checks that keep the last good weights, one optimizer call, the
// deferred state updates (batch-norm moving averages) and the metrics. A step allocates nothing on
// the JS heap once the first batch has grown the scratch and the batch region (test/model/alloc).

import type { GraphExecutor, GraphState } from '../model/executor.js';
import type { Signature, Targets } from '../model/inputs.js';
import { allLayers, type ModelMemory } from '../model/memory.js';
import type { Compiled } from '../model/compile.js';
import { gatherRows } from '../data/gather.js';
import { nextPass, noteWeightWrite, stepBuf, weightWriteCount, type Buf, type Ctx, type Layer } from '../layers/layer.js';
import { lossPositions } from '../losses.js';
import { getMetric, type Metric, type MetricUpdate } from '../metrics.js';
import type { Random } from '../random.js';
import { sizeOf, type Tensor } from '../tensor.js';
import { ACT_SIGMOID } from '../wasm/activation-codes.js';
import { TrainingError } from './history.js';

export class StepRunner {
  /** compile's result; set by Model.compile (undefined before). */
  compiled?: Compiled;
  /** The loss of each output in the last lossOf (unweighted). */
  readonly outLoss: number[] = [];
  /** The batch region: inputs, targets and weights of up to `rows` rows, owned by the model's memory. */
  private readonly io = { x: [] as number[], t: [] as number[], w: 0, rows: 0 };
  private logits?: boolean[]; // per node: stops before its softmax/sigmoid (fused loss); per compile
  private outputFused: boolean[] = []; // per output: its loss takes the logits; with `logits`
  private readonly top: GraphState;
  private readonly wsBytes = new Map<number, number>();
  private stepCtx?: Ctx;
  /** Reused by every step (no allocation per step): the input handles, the outputs, dL/dy, metric updates. */
  private readonly inBufs: Buf[] = [];
  private readonly outBufs: Buf[] = [];
  private readonly dOut: Buf[] = [];
  private readonly metricUpdates: MetricUpdate[] = [];
  /** Per output: the weights of its positions (lossPositions > 1) for the step, or the batch's. */
  private readonly posWeights: number[] = [];
  private readonly noInputGrads: boolean[];
  private allInputGrads?: boolean[];
  /** The inputs' gradients of the last backprop with inputGrads (null entries otherwise). */
  lastDxs: (Buf | null)[] = [];
  private readonly topSaved: Record<string, unknown> = {}; // the step's own saved slot; nodes get theirs
  private readonly all: Layer[];
  /** The weight-write count right after this runner's last update (noteWeightWrite); 0: none to undo. */
  private updatedAt = 0;
  /** @internal Copy the weights before each update so a non-finite loss can undo it (bench/rollback.bench.ts turns it off to time it). */
  rollback = true;

  constructor(
    private readonly sig: Signature,
    private readonly exec: GraphExecutor,
    private readonly mem: ModelMemory,
    private readonly layers: readonly Layer[],
    private readonly rng: Random,
    /** The layers a step trains (as the model compiled them). */
    private readonly trained: () => readonly Layer[],
  ) {
    this.top = exec.newState();
    this.all = allLayers(layers);
    this.noInputGrads = sig.inputs.map(() => false);
  }

  get kernels() {
    return this.mem.rt.kernels;
  }

  get arena() {
    return this.mem.rt.arena;
  }

  /** A new compile: the fused outputs are decided again at the next step. */
  setCompiled(c: Compiled | undefined): void {
    this.compiled = c;
    this.logits = undefined;
  }

  private get losses() {
    return this.compiled!.losses;
  }

  /** Whether output o's loss takes the logits of the layer before it (softmax/sigmoid + cross-entropy). */
  private fused(o: number): boolean {
    const loss = this.losses[o];
    const t = this.sig.outputs[o];
    if (loss.fromLogits || loss.fusesWith === undefined || !t.node) return false;
    // The probabilities must not be needed elsewhere: not by another node, not as another output.
    const idx = this.exec.outIndex[o];
    if (this.exec.consumed[idx] || this.exec.outIndex.filter((i) => i === idx).length > 1) return false;
    return t.node.layer.outputActivation() === loss.fusesWith;
  }

  private logitsFlags(): boolean[] {
    if (!this.logits) {
      const flags = this.exec.nodes.map(() => false);
      this.outputFused = this.sig.outputs.map((_, o) => this.fused(o));
      this.sig.outputs.forEach((t, o) => { if (this.outputFused[o]) flags[this.exec.nodes.indexOf(t.node!)] = true; });
      this.logits = flags;
    }
    return this.logits;
  }

  /** Rows of classes per sample that output o's loss and metrics see (losses.ts lossPositions). */
  private positions(o: number): number {
    return lossPositions(this.losses[o], this.sig.outputs[o].shape);
  }

  /** Targets go into the arena as labels only when the fused sparse loss reads them so. */
  private targetCols(o: number): number {
    const loss = this.losses[o];
    return loss.sparse && (this.fused(o) || loss.fromLogits) ? 0 : sizeOf(this.sig.outputs[o].shape);
  }

  /** (Re)allocates the batch region for `rows` rows; it only grows. */
  ensureIo(rows: number, withWeights: boolean, withTargets: boolean): void {
    const io = this.io, mem = this.mem;
    if (rows <= io.rows && (!withWeights || io.w) && (!withTargets || io.t.length)) return;
    for (const p of [...io.x, ...io.t, io.w]) if (p) mem.release(p);
    const rowsCap = Math.max(rows, io.rows);
    io.x = this.sig.inputs.map((t) => mem.own(rowsCap * sizeOf(t.shape) * 4));
    io.t = withTargets || io.t.length ? this.sig.outputs.map((_, o) => mem.own(rowsCap * Math.max(this.positions(o), this.targetCols(o)) * 4)) : [];
    io.w = withWeights || io.w ? mem.own(rowsCap * 4) : 0;
    io.rows = rowsCap;
  }

  /**
   * Copies the rows `idx[start..start+rows)` of x, y and w into the batch region (no allocation);
   * without `idx`, the rows start..start+rows, the inputs in one copy each.
   */
  gather(xs: Tensor[], ts: Targets[] | null, w: Float32Array | null, idx: Int32Array | null, start: number, rows: number): void {
    this.ensureIo(rows, w !== null, ts !== null);
    const a = this.mem.rt.arena;
    for (let i = 0; i < xs.length; i++) {
      const d = sizeOf(this.sig.inputs[i].shape);
      if (idx) gatherRows(xs[i].data, idx, start, rows, d, a.f32All(), this.io.x[i] >> 2);
      else a.f32All().set(xs[i].data.subarray(start * d, (start + rows) * d), this.io.x[i] >> 2);
    }
    for (let o = 0; ts && o < ts.length; o++) this.gatherTargets(o, ts[o], idx, start, rows);
    if (w) {
      const wd = a.f32All(), at = this.io.w >> 2;
      for (let r = 0; r < rows; r++) wd[at + r] = w[idx ? idx[start + r] : start + r];
    }
  }

  private gatherTargets(o: number, t: Targets, idx: Int32Array | null, start: number, rows: number): void {
    const a = this.mem.rt.arena, at = this.io.t[o] >> 2;
    const cols = this.targetCols(o), per = this.positions(o);
    if (cols === 0) {
      const td = a.i32All();
      for (let r = 0; r < rows; r++) {
        const s = (idx ? idx[start + r] : start + r) * per;
        for (let j = 0; j < per; j++) td[at + r * per + j] = t.data[s + j];
      }
    } else if (t.labels) {
      const td = a.f32All(), classes = cols / per; // one-hot rows for a sparse loss on probabilities
      td.fill(0, at, at + rows * cols);
      for (let r = 0; r < rows; r++) {
        const s = (idx ? idx[start + r] : start + r) * per;
        for (let j = 0; j < per; j++) td[at + r * cols + j * classes + t.data[s + j]] = 1;
      }
    } else {
      const td = a.f32All();
      for (let r = 0; r < rows; r++) {
        const s = (idx ? idx[start + r] : start + r) * cols, q = at + r * cols;
        for (let j = 0; j < cols; j++) td[q + j] = t.data[s + j];
      }
    }
  }

  /** The step's context, one object per model reused by every step (no allocation per step). */
  ctx(rows: number, training: boolean): Ctx {
    const k = this.mem.rt.kernels, scratch = this.mem.scratch;
    scratch.reset(0);
    let ws = this.wsBytes.get(rows);
    if (ws === undefined) {
      ws = Math.max(16, ...this.layers.map((l) => l.workspace(k, rows)));
      this.wsBytes.set(rows, ws);
    }
    // One context object for every step: its fields are reset, not rebuilt.
    const ctx = (this.stepCtx ??= { k, arena: this.mem.rt.arena, scratch, ws: 0, training, rng: this.rng, saved: {}, commit: [], commitSaved: [], ncommit: 0, pass: 0, bufs: [], nbufs: 0 });
    ctx.ws = scratch.take(ws); // packing workspace: written before it is read
    ctx.training = training;
    ctx.saved = this.topSaved;
    ctx.ncommit = 0;
    ctx.pass = nextPass();
    ctx.nbufs = 0; // the scratch was reset: so are the handles on it
    return ctx;
  }

  /** Tells every layer whether this step trains it (Layer.trainsNow): no allocation, two passes. */
  private markTrained(): void {
    const all = this.all, trained = this.trained();
    for (let i = 0; i < all.length; i++) all[i].trainsNow = false;
    for (let i = 0; i < trained.length; i++) trained[i].trainsNow = true;
  }

  /** Gives the step's scratch back (after a call that returns to the user). */
  done(): void {
    this.mem.scratch.reset(0);
  }

  /** Runs the state updates the step's forward deferred (batch-norm moving averages). */
  runCommits(ctx: Ctx): void {
    for (let i = 0; i < ctx.ncommit; i++) ctx.commit[i].commitStep(ctx.k, ctx.commitSaved[i]);
  }

  private inputBufs(rows: number): Buf[] {
    const bufs = this.inBufs;
    for (let i = 0; i < this.sig.inputs.length; i++) {
      const b = (bufs[i] ??= { ptr: 0, rows: 0, cols: sizeOf(this.sig.inputs[i].shape) });
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
    const per = this.positions(o);
    if (this.losses[o].fusesWith === 'softmax') ctx.k.f32_softmax(z.ptr, p.ptr, z.rows * per, z.cols / per);
    else ctx.k.f32_activation(z.ptr, p.ptr, z.rows * z.cols, ACT_SIGMOID, 0);
    return p;
  }

  /** Σ_o lossWeight_o · loss_o over the outputs; writes each dL/dy when `dOut` is given. */
  private lossOf(outs: Buf[], hasWeights: boolean, ctx: Ctx, dOut: Buf[] | null): number {
    const k = ctx.k, { losses, lossWeights } = this.compiled!;
    let total = 0;
    for (let o = 0; o < outs.length; o++) {
      const y = outs[o];
      const dy = dOut ? (dOut[o] = stepBuf(ctx, ctx.scratch.take(y.rows * y.cols * 4), y.rows, y.cols)) : null; // the loss writes it whole
      const lw = lossWeights[o], per = this.positions(o);
      const w = (this.posWeights[o] = hasWeights ? this.weightsPerPosition(ctx, y.rows, per) : 0);
      const l = losses[o].compute(k, y.ptr, this.io.t[o], w, dy ? dy.ptr : 0, y.rows * per, y.cols / per, this.outputFused[o]);
      if (dy && lw !== 1) k.f32_scale(y.rows * y.cols, lw, dy.ptr, dy.ptr);
      this.outLoss[o] = l;
      total += lw * l;
    }
    return total;
  }

  /** The batch's sample weights, each repeated at its sample's `per` positions (in the step's scratch when per > 1). */
  private weightsPerPosition(ctx: Ctx, rows: number, per: number): number {
    if (per === 1) return this.io.w;
    const ptr = ctx.scratch.take(rows * per * 4), f = this.mem.rt.arena.f32All();
    for (let r = 0; r < rows; r++) f.fill(f[(this.io.w >> 2) + r], (ptr >> 2) + r * per, (ptr >> 2) + (r + 1) * per);
    return ptr;
  }

  /** The outputs of the last forward (a list reused by every step). */
  outputBufs(): Buf[] {
    const outs = this.outBufs;
    outs.length = this.exec.outIndex.length;
    for (let o = 0; o < outs.length; o++) outs[o] = this.exec.output(this.top, o);
    return outs;
  }

  /**
   * Forward, loss and backward on the batch region's first `rows` rows: gradients land in the
   * gradient slabs. Returns the loss (penalties included); the outputs are in outputBufs() and
   * the step's context is this.stepCtx.
   */
  backprop(rows: number, hasWeights: boolean, inputGrads = false): number {
    const k = this.mem.rt.kernels;
    const ctx = this.ctx(rows, true);
    const logits = this.logitsFlags();
    this.markTrained();
    this.exec.runForward(this.top, this.inputBufs(rows), ctx, logits);
    const outs = this.outputBufs();
    const dOut = this.dOut;
    dOut.length = outs.length;
    let loss = this.lossOf(outs, hasWeights, ctx, dOut);
    this.lastDxs = this.exec.runBackward(this.top, ctx, dOut, inputGrads ? (this.allInputGrads ??= this.sig.inputs.map(() => true)) : this.noInputGrads, logits);
    const trained = this.mem.trained;
    for (let i = 0; i < trained.length; i++) {
      const w = trained[i];
      if (w.regularizer) loss += w.regularizer.apply(k, w.ptr, w.gradPtr, w.size);
    }
    return loss;
  }

  /**
   * One step: backprop, the finite checks, one optimizer call. The weights left after a failed
   * check are the last ones whose loss was finite: a non-finite loss undoes the update before it
   * (from the copy taken before that update, if no other write of weights came between), a
   * non-finite gradient of a finite loss skips the update.
   */
  step(rows: number, hasWeights: boolean, metrics: Metric[][]): number {
    const loss = this.backprop(rows, hasWeights);
    const outs = this.outBufs, ctx = this.stepCtx!;
    if (!Number.isFinite(loss)) {
      const undo = this.updatedAt !== 0 && this.updatedAt === weightWriteCount();
      if (undo) this.mem.restore();
      this.updatedAt = 0;
      throw new TrainingError(`the loss became ${loss}; ${undo ? 'the update before it was undone: the weights are the last ones whose loss was finite' : 'the weights are as they were before this step (no update of this model came right before it to undo)'}`);
    }
    if (!Number.isFinite(this.mem.gradSumSq())) throw new TrainingError('a gradient became non-finite (the loss was finite); this step made no update, so the weights are the last ones whose loss was finite');
    if (this.rollback) this.mem.snapshot();
    this.compiled!.optimizer.apply(this.mem.rt.kernels, this.mem.groupList, this.mem.trained);
    this.updatedAt = this.rollback ? noteWeightWrite() : 0;
    this.runCommits(ctx);
    for (let o = 0; o < metrics.length; o++) if (metrics[o].length) this.updateMetrics(o, metrics[o], this.probabilities(o, outs[o], ctx), hasWeights);
    return loss;
  }

  /** Forward in inference mode, the loss (without penalties) and the metrics, on the batch region. */
  test(rows: number, hasWeights: boolean, metrics: Metric[][]): number {
    const ctx = this.ctx(rows, false);
    this.exec.runForward(this.top, this.inputBufs(rows), ctx, this.logitsFlags());
    const outs = this.outputBufs();
    const loss = this.lossOf(outs, hasWeights, ctx, null);
    for (let o = 0; o < metrics.length; o++) if (metrics[o].length) this.updateMetrics(o, metrics[o], this.probabilities(o, outs[o], ctx), hasWeights);
    return loss;
  }

  /** Forward on the batch region's inputs; the outputs are in outputBufs() until the next call. */
  predict(rows: number, training: boolean): Buf[] {
    const ctx = this.ctx(rows, training);
    if (training) this.markTrained();
    this.exec.runForward(this.top, this.inputBufs(rows), ctx, null);
    return this.outputBufs();
  }

  /**
   * Backpropagates upstream gradients `dys` (one per output, rows × units) from the batch region's
   * inputs to them; returns each input's gradient (null for an input the outputs do not depend on).
   */
  inputGradients(rows: number, dys: Tensor[], training: boolean, needAll: boolean[]): (Buf | null)[] {
    const a = this.mem.rt.arena;
    const ctx = this.ctx(rows, training);
    this.markTrained();
    this.exec.runForward(this.top, this.inputBufs(rows), ctx, null);
    const dOut = dys.map((t) => {
      const b = stepBuf(ctx, ctx.scratch.alloc(t.data.length * 4), rows, t.data.length / Math.max(rows, 1));
      a.f32(b.ptr, t.data.length).set(t.data);
      return b;
    });
    const dxs = this.exec.runBackward(this.top, ctx, dOut, needAll, null);
    if (training) this.runCommits(ctx);
    return dxs;
  }

  private updateMetrics(o: number, metrics: Metric[], p: Buf, hasWeights: boolean): void {
    const a = this.mem.rt.arena;
    const cols = this.targetCols(o), per = this.positions(o), rows = p.rows * per;
    // One update object per output; its views are remade only when a pointer, a length or the
    // memory's buffer changed (the batch region and the step's scratch repeat from step to step).
    // Spelled out per view: folding the check into Arena.f32(ptr, n, reuse) cost 40 bytes a step.
    const u = (this.metricUpdates[o] ??= { pred: new Float32Array(0), target: new Float32Array(0), labels: false, rows: 0, cols: 0, weights: null });
    u.pred = a.sameView(u.pred, p.ptr, p.rows * p.cols) ? u.pred : a.f32(p.ptr, p.rows * p.cols);
    if (cols === 0) u.target = u.target instanceof Int32Array && a.sameView(u.target, this.io.t[o], rows) ? u.target : a.i32(this.io.t[o], rows);
    else u.target = u.target instanceof Float32Array && a.sameView(u.target, this.io.t[o], p.rows * cols) ? u.target : a.f32(this.io.t[o], p.rows * cols);
    const w = this.posWeights[o];
    u.weights = !hasWeights ? null : u.weights && a.sameView(u.weights, w, rows) ? u.weights : a.f32(w, rows);
    u.labels = cols === 0;
    u.rows = rows;
    u.cols = p.cols / per;
    for (let i = 0; i < metrics.length; i++) metrics[i].update(u);
  }

  /** Fresh metrics per output; with several outputs their keys carry the output's name (Keras). */
  makeMetrics(): Metric[][] {
    const multi = this.sig.outputs.length > 1;
    return this.sig.outputs.map((t, o) => this.compiled!.metricNames.map((n) => {
      const m = getMetric(n, this.losses[o].name, sizeOf(t.shape) / this.positions(o));
      return multi ? Object.assign(m, { name: `${t.name}_${m.name}` }) : m;
    }));
  }

  /** Keys of the per-output losses in logs (several outputs only). */
  outputLossKeys(): string[] {
    return this.sig.outputs.length > 1 ? this.sig.outputs.map((t) => `${t.name}_loss`) : [];
  }
}

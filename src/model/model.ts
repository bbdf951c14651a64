// Models: a directed acyclic graph of layer calls (the functional API), with `sequential` as the
// chain-shaped special case (sequential.ts). A model is itself a layer, so it can be called inside
// another model (a GAN's generator and discriminator). This file is the model's public face and its
// layer contract; the work is done by its parts:
//   executor.ts  running the graph (forward, backward, gradient routing)
//   memory.ts    parameter, gradient and optimizer-state slabs in the arena
//   compile.ts   compile's arguments resolved per output
//   inputs.ts    checks of x, y and weights
//   summary.ts   the layer table
//   ../training/ the step, the batch sources, the one fit/evaluate/predict loop, History and state

import { Dataset } from '../data/dataset.js';
import { SymbolicTensor, type Node } from '../graph.js';
import type { ModelArtifacts, SaveOptions, SaveTarget } from '../io/types.js';
import { Layer, sameShape, type Buf, type Ctx, type Weight } from '../layers/layer.js';
import type { Loss } from '../losses.js';
import { checkOptions } from '../options.js';
import type { Optimizer } from '../optimizers/index.js';
import { Random } from '../random.js';
import { ShapeError, sizeOf, toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { History, readTrainingState, writeTrainingState, type TrainingState } from '../training/history.js';
import { StepRunner } from '../training/step.js';
import * as trainer from '../training/trainer.js';
import type { Kernels } from '../wasm/kernels.js';
import { runtime } from '../wasm/runtime.js';
import { resolveCompile, type Compiled } from './compile.js';
import { GraphExecutor, type GraphState } from './executor.js';
import { modelIo } from './hooks.js';
import { checkX } from './inputs.js';
import { ModelMemory, trainedLayers, weightsOf } from './memory.js';
import { summaryText } from './summary.js';
import { evaluateKeys, fitKeys, modelKeys, predictKeys, type CompileArgs, type Data, type DatasetFitArgs, type EvaluateArgs, type FitArgs, type ModelArgs, type PredictArgs, type ToOnnxArgs, toOnnxKeys } from './types.js';

export class Model extends Layer {
  readonly className: string = 'Model';
  readonly layers: Layer[] = [];
  inputs: SymbolicTensor[] = [];
  outputs: SymbolicTensor[] = [];
  readonly seed: number;
  stopTraining = false;
  /**
   * Fitted preprocessing as JSON (e.g. a normalizer's statistics); saved and loaded with the model,
   * and written into toOnnx()'s graph when it is the CLI's form or a transform's toJSON().
   */
  preprocessing: unknown = null;
  /** @internal The arena memory this model owns. */
  readonly mem: ModelMemory;
  /** @internal The three random streams: weight init, the epoch shuffle, the step (dropout). */
  readonly rngs: { init: Random; shuffle: Random; step: Random };
  /** @internal compile's result (undefined before compile). */
  compiled?: Compiled;
  private exec?: GraphExecutor;
  private stepRunner?: StepRunner;
  /** Model.callBackward's one-element dL/dy list. */
  private readonly dyOne: Buf[] = [];

  constructor(args: ModelArgs = {}, base = 'model') {
    checkOptions(base, args, modelKeys);
    const { inputs, outputs, name, seed } = args;
    super(base, { name });
    if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) throw new RangeError(`${this.name}: seed must be a whole number ≥ 0, got ${seed}`);
    this.seed = seed ?? Math.floor(Math.random() * 2 ** 31);
    const root = new Random(this.seed);
    this.rngs = { init: root.fork(), shuffle: root.fork(), step: root.fork() };
    this.mem = new ModelMemory(runtime(), this);
    if (inputs !== undefined || outputs !== undefined) {
      const list = (v: SymbolicTensor | SymbolicTensor[] | undefined, what: string): SymbolicTensor[] => {
        const a = Array.isArray(v) ? v : v === undefined ? [] : [v];
        if (a.length === 0 || !a.every((t) => t instanceof SymbolicTensor)) throw new TypeError(`model: ${what} must be symbolic tensors (from input() and layer.apply()), got ${JSON.stringify(v)}`);
        return a;
      };
      this.initGraph(list(inputs, 'inputs'), list(outputs, 'outputs'));
    }
  }

  /** The optimizer compile set. */
  get optimizer(): Optimizer | undefined {
    return this.compiled?.optimizer;
  }

  /** The loss of the first output (of the only one, usually). */
  get loss(): Loss | undefined {
    return this.compiled?.losses[0];
  }

  /** @internal The generator that shuffles arrays each epoch. */
  get shuffleRng(): Random {
    return this.rngs.shuffle;
  }

  /** @internal The graph's nodes in the order they run (empty before the model is built). */
  get nodes(): readonly Node[] {
    return this.exec?.nodes ?? [];
  }

  /** @internal The training step (the model must be built). */
  get runner(): StepRunner {
    return this.stepRunner!;
  }

  /** Orders the nodes, collects layers and weights, and places new weights in this model's slab. */
  protected initGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    const exec = new GraphExecutor(this.name, inputs, outputs);
    this.exec = exec;
    this.inputs = inputs;
    this.outputs = outputs;
    if (this.layers.length === 0) for (const n of exec.nodes) if (!this.layers.includes(n.layer)) this.layers.push(n.layer);
    for (const l of this.layers) for (const w of l.weights) if (!this.weights.includes(w)) this.weights.push(w);
    this.mem.placeWeights(this.weights, this.rngs.init);
    this.inputShape = [...inputs[0].shape];
    this.outputShape = [...outputs[0].shape];
    this.built = true;
    this.mem.updateSegments(this.weights, this.trainedWeights());
    this.stepRunner = new StepRunner(this, exec, this.mem, this.layers, this.rngs.step, () => this.trainedLayers());
    this.stepRunner.setCompiled(this.compiled);
  }

  /**
   * The weights an optimizer step updates: trainable weights of trainable layers; a model used as
   * a layer contributes its layers only while its own `trainable` is set. As compiled: `trainable`
   * takes effect at compile (Keras), so a discriminator compiled, then frozen inside the combined
   * model, still trains through its own model.
   */
  trainedWeights(): Weight[] {
    return weightsOf(this.trainedLayers());
  }

  /** @internal The layers a step trains: as compiled, or by the flags now before compile. */
  trainedLayers(): readonly Layer[] {
    return this.compiled?.trained ?? trainedLayers(this.layers);
  }

  // A model as a layer: the outer graph calls it with the outer step's context; what it keeps for
  // its backward (its own graph state) goes in the slot the outer graph gives this call.

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
    const exec = this.exec!;
    const st = (ctx.saved.graph ??= exec.newState()) as GraphState;
    exec.runForward(st, xs, ctx, null);
    return exec.output(st, 0);
  }

  override callBackward(dy: Buf, ctx: Ctx, needDx: boolean[]): (Buf | null)[] {
    this.dyOne[0] = dy; // read by runBackward before anything can call this again
    return this.exec!.runBackward(ctx.saved.graph as GraphState, ctx, this.dyOne, needDx, null);
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

  override countParams(): number {
    this.ensureBuilt();
    return this.weights.reduce((s, w) => s + w.size, 0);
  }

  /** Builds a model whose shape is only known from data (sequential without an inputShape). */
  protected buildFromData(_shapes: number[][]): void {}

  /** Builds now if the shape is already declared (sequential whose first layer has an inputShape). */
  protected ensureBuilt(): void {}

  /**
   * Gives the model's memory back to the arena now: its weights, gradients, optimizer state and
   * scratch. Optional where the engine has a FinalizationRegistry (a collected model's memory
   * returns by itself), the way to free memory early where it has none (workerd before 2025
   * compatibility dates). The model cannot be used afterwards, nor can another model that shares
   * layers whose weights it placed.
   */
  dispose(): void {
    this.mem.dispose(this.name);
  }

  /** Throws when this model, or a model whose weights it uses, was disposed. */
  protected requireAlive(what: string): void {
    if (this.mem.disposed) throw new Error(`${this.name}.${what}: the model was disposed`);
    for (let i = 0; i < this.weights.length; i++) {
      const by = this.weights[i].slab?.disposedBy;
      if (by !== undefined) throw new Error(`${this.name}.${what}: ${this.weights[i].name} belonged to ${by}, which was disposed`);
    }
  }

  protected requireBuilt(what: string): void {
    this.requireAlive(what);
    this.ensureBuilt();
    if (!this.built) throw new Error(`${this.name}.${what}: the model is not built yet; give the first layer an inputShape or call fit/predict first`);
  }

  /** @internal The name used for input i in shape errors (sequential: its first layer). */
  inputOwner(i: number): string {
    return this.inputs[i].name;
  }

  /** @internal x checked against the inputs; a model whose input shape comes from the data is built from it. */
  standardX(x: Data, what: string): Tensor[] {
    this.ensureBuilt();
    if (!this.built) {
      const t = toTensor(x as TensorLike, what);
      if (t.shape.length < 2) throw new ShapeError(`${what}: expected [samples, ...features], got [${t.shape.join(', ')}]`);
      this.buildFromData([t.shape.slice(1)]);
    }
    return checkX(this, x, what);
  }

  compile(args: CompileArgs): void {
    this.ensureBuilt();
    const outputs = this.built ? this.outputs.map((o) => ({ name: o.name, units: sizeOf(o.shape) })) : null;
    const c = resolveCompile(this.name, outputs, args, trainedLayers(this.layers));
    if (this.compiled?.optimizer !== c.optimizer) this.mem.releaseState();
    this.compiled = c;
    this.stepRunner?.setCompiled(c);
  }

  private requireCompiled(what: string): void {
    this.requireAlive(what);
    if (!this.compiled) throw new Error(`${this.name}.${what}: compile the model first (model.compile({ optimizer, loss }))`);
  }

  /** @internal Grows the optimizer state; lays out the trained weights (another model may have placed some since). */
  prepareTraining(): void {
    this.mem.ensureState(this.compiled!.optimizer.slots);
    this.mem.updateSegments(this.weights, this.trainedWeights());
    this.mem.ensureBackup();
  }

  /** Trains for `epochs` epochs of mini-batches; resolves to a Keras-like History. */
  async fit(x: Dataset, args?: DatasetFitArgs): Promise<History>;
  async fit(x: Data, y: Data, args?: FitArgs): Promise<History>;
  async fit(x: Data | Dataset, y?: Data | DatasetFitArgs, args?: FitArgs): Promise<History> {
    this.requireCompiled('fit');
    if (x instanceof Dataset) {
      checkOptions(`${this.name}.fit`, y, fitKeys);
      return trainer.fit(this, x, undefined, y as DatasetFitArgs | undefined);
    }
    checkOptions(`${this.name}.fit`, args, fitKeys);
    return trainer.fit(this, x, y as Data, args);
  }

  /** One optimizer step on one batch; returns its loss. */
  trainOnBatch(x: Data, y: Data, opts?: { sampleWeight?: TensorLike; classWeight?: Record<number, number> }): number {
    this.requireCompiled('trainOnBatch');
    checkOptions(`${this.name}.trainOnBatch`, opts, { sampleWeight: true, classWeight: true });
    return trainer.trainOnBatch(this, x, y, opts);
  }

  /** Loss and metrics over the data, with the model in inference mode. */
  evaluate(x: Dataset, args?: EvaluateArgs): Promise<Record<string, number>>;
  evaluate(x: Data, y: Data, args?: EvaluateArgs): Record<string, number>;
  evaluate(x: Data | Dataset, y?: Data | EvaluateArgs, args?: EvaluateArgs): Record<string, number> | Promise<Record<string, number>> {
    this.requireCompiled('evaluate');
    checkOptions(`${this.name}.evaluate`, x instanceof Dataset ? y : args, evaluateKeys);
    if (x instanceof Dataset) return Promise.resolve(trainer.evaluate(this, x, undefined, y as EvaluateArgs | undefined));
    return trainer.evaluate(this, x, y as Data, args) as Record<string, number>;
  }

  /**
   * Outputs for every sample, computed in batches of `batchSize`; an array with several outputs.
   * `training` runs the layers as in a training step (batch statistics, dropout masks) without
   * updating anything.
   */
  predict(x: Dataset, args?: PredictArgs): Promise<Tensor>;
  predict(x: Data, args?: PredictArgs): Tensor | Tensor[];
  predict(x: Data | Dataset, args?: PredictArgs): Tensor | Tensor[] | Promise<Tensor | Tensor[]> {
    checkOptions(`${this.name}.predict`, args, predictKeys);
    this.requireAlive('predict');
    const one = (ts: Tensor[]) => (ts.length === 1 ? ts[0] : ts);
    const out = trainer.predict(this, x, args);
    return out instanceof Promise ? out.then(one) : one(out);
  }

  /**
   * The loss on one batch and its gradient with respect to every weight (Keras order and layout),
   * without updating anything (batch-norm moving averages included). Frozen layers report zeros.
   */
  computeGradients(x: Data, y: Data, opts?: { sampleWeight?: TensorLike; inputs?: false }): { loss: number; grads: Tensor[] };
  /**
   * With `inputs: true`, also the gradient of the loss (the mean over the batch, sample weights
   * applied) with respect to every input, one tensor per input: FGSM's ∇ₓJ(θ, x, y).
   */
  computeGradients(x: Data, y: Data, opts: { sampleWeight?: TensorLike; inputs: true }): { loss: number; grads: Tensor[]; inputGrads: Tensor[] };
  computeGradients(x: Data, y: Data, opts: { sampleWeight?: TensorLike; inputs?: boolean } = {}): { loss: number; grads: Tensor[]; inputGrads?: Tensor[] } {
    this.requireCompiled('computeGradients');
    checkOptions(`${this.name}.computeGradients`, opts, { sampleWeight: true, inputs: true });
    const { sampleWeight, inputs = false } = opts;
    return trainer.computeGradients(this, x, y, sampleWeight, inputs);
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
    checkOptions(`${this.name}.backward`, c, { training: true });
    this.requireAlive('backward');
    const out = trainer.inputGradients(this, a as Data, b, (c as { training?: boolean } | undefined)?.training ?? true);
    return out.length === 1 ? out[0] : out;
  }

  /** Copies of every weight in Keras order and layout (Dense: kernel [inputDim, units], then bias). */
  override getWeights(): Tensor[] {
    this.requireBuilt('getWeights');
    return super.getWeights();
  }

  override setWeights(weights: TensorLike[]): void {
    this.requireBuilt('setWeights');
    super.setWeights(weights);
  }

  getLayer(name: string): Layer {
    const l = this.layers.find((l) => l.name === name);
    if (!l) throw new Error(`${this.name} has no layer '${name}'; layers: ${this.layers.map((l) => l.name).join(', ')}`);
    return l;
  }

  /** A layer table with output shapes and parameter counts; returned and, unless silent, printed. */
  summary(opts: { print?: boolean } = {}): string {
    checkOptions(`${this.name}.summary`, opts, { print: true });
    const { print = true } = opts;
    this.ensureBuilt();
    const text = summaryText({
      name: this.name, layers: this.layers, inputs: this.inputs, outputs: this.outputs, nodes: this.nodes, built: this.built,
      chain: this.className === 'Sequential', total: this.countParams(), trainable: this.trainedWeights().reduce((a, w) => a + w.size, 0),
    });
    if (print) console.log(text);
    return text;
  }

  /**
   * Saves topology, training config and state, and weights: to a directory in Node, to
   * 'indexeddb://name' or 'downloads://name' in browsers, or to a handler. Resolves to the
   * in-memory `{ json, weights }` (also what `save()` without a target returns).
   */
  save(target?: SaveTarget, options?: SaveOptions): Promise<ModelArtifacts> {
    this.requireBuilt('save');
    return modelIo(`${this.name}.save`).save(this, target, options);
  }

  /**
   * The model for inference as an ONNX file (opset 17), with the preprocessing the model carries
   * (`preprocessing`: the CLI's standardization and target scaling, or a transform's toJSON())
   * written into the graph, so the file reads raw inputs; `{ preprocessing: false }` for the
   * network alone, or give a Transform, Pipeline or their JSON. Asynchronous: the writer is a chunk
   * of the bundle of its own (dist/lepton-onnx.js), fetched by the first call.
   */
  async toOnnx(args: ToOnnxArgs = {}): Promise<Uint8Array> {
    checkOptions(`${this.name}.toOnnx`, args, toOnnxKeys);
    this.requireBuilt('toOnnx');
    return modelIo(`${this.name}.toOnnx`).toOnnx(this, args);
  }

  /** What save needs beyond the public API: metric names, RNG states, optimizer slots (Keras order). */
  getTrainingState(): TrainingState {
    this.requireBuilt('getTrainingState');
    return readTrainingState(this);
  }

  /** Restores what getTrainingState returned (after compile, for the optimizer slots). */
  setTrainingState(state: Partial<TrainingState>): void {
    this.requireBuilt('setTrainingState');
    writeTrainingState(this, state, () => this.prepareTraining());
  }
}

const isCtx = (v: unknown): v is Ctx => typeof v === 'object' && v !== null && 'scratch' in v && 'k' in v;

/** The functional API's model: `model({ inputs, outputs })` over symbolic tensors. */
export function model(args: ModelArgs & { inputs: SymbolicTensor | SymbolicTensor[]; outputs: SymbolicTensor | SymbolicTensor[] }): Model {
  return new Model(args);
}

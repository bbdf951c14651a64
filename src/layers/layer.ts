// The layer contract. A layer declares its weights in build(); the model places them in its one
// parameter slab (and gradients, optimizer state in slabs of the same layout) and sets `ptr` and
// `gradPtr`. forward/backward read and write arena memory only; activations live in the step's
// scratch, and what a call keeps for its backward goes in `ctx.saved`, which the model gives each
// node (each call of a layer) separately, so a shared layer keeps one set per call. Backward sits
// next to forward with the same names, gradients `d`-prefixed.

import { SymbolicTensor, type Node } from '../graph.js';
import type { ActivationSpec } from '../activations.js';
import type { Initializer } from '../initializers.js';
import type { Random } from '../random.js';
import type { Keys } from '../options.js';
import { assertFinite, ShapeError, sizeOf, toTensor, type Tensor, type TensorLike } from '../tensor.js';
import type { Arena, Scratch } from '../wasm/arena.js';
import type { Kernels } from '../wasm/kernels.js';
import { runtime } from '../wasm/runtime.js';
import type { OnnxGraph } from './onnx.js';

/** A (rows × cols) float32 matrix in the arena: rows = batch, cols = features. */
export interface Buf {
  ptr: number;
  rows: number;
  cols: number;
  /**
   * A sequence's mask, travelling with the value from a masking layer to the recurrent layer that
   * reads it: the byte offset of (rows × timesteps) floats, 1 for a real step, 0 for padding
   * (0 or absent: no mask). stepBuf clears it.
   */
  mask?: number;
}

export interface Regularizer {
  readonly name: string;
  readonly config: Record<string, number>;
  /** Adds the penalty's gradient to `grad` and returns the penalty, for the weight at `ptr`. */
  apply(k: Kernels, ptr: number, grad: number, n: number): number;
  /** The penalty alone. */
  value(k: Kernels, ptr: number, n: number): number;
}

export interface Weight {
  readonly name: string;
  readonly shape: number[];
  readonly size: number;
  readonly initializer: Initializer;
  readonly regularizer?: Regularizer;
  /** Trainable weights get gradients and updates; moving statistics do not. */
  readonly trainable: boolean;
  /** Byte offsets in the model's slabs, set when the model places its weights (0: not yet). */
  ptr: number;
  gradPtr: number;
  /** The slab pair the weight lives in: a model that shares the weight trains it there. */
  slab?: Slab;
}

/** A parameter slab and its gradient slab (same layout), owned by the model that placed them. */
export interface Slab {
  params: number;
  grads: number;
  floats: number;
  /** Set when the model that placed the slab was disposed: its memory is no longer the slab's. */
  disposedBy?: string;
}

/** What a step hands every layer. */
export interface Ctx {
  k: Kernels;
  arena: Arena;
  scratch: Scratch;
  /** gemm packing workspace, large enough for every gemm of the model. */
  ws: number;
  training: boolean;
  rng: Random;
  /**
   * What this call of the layer keeps for its backward pass. The model hands every node (every
   * call of a layer) its own object, so a layer applied twice keeps two sets of activations.
   */
  saved: Record<string, unknown>;
  /**
   * State updates a training forward defers until the step is known to be good (batch-norm
   * moving averages): `commit[i].commitStep(k, commitSaved[i])` for i < ncommit runs after the
   * optimizer, skipped when the loss or a gradient is not finite. (A count, not the arrays' length:
   * emptying an array frees its storage, and the next push would allocate it again.)
   */
  commit: Committer[];
  commitSaved: Record<string, unknown>[];
  ncommit: number;
  /**
   * The step's buffer handles (stepBuf): a Buf lives as long as the scratch memory it points to,
   * one step, so the handles are reused from step to step instead of allocated.
   */
  bufs: Buf[];
  nbufs: number;
  /**
   * This backward pass's number, unique across models: a layer whose `backwardPass` equals it has
   * written its weight gradients in this pass, and its later calls (a shared layer) accumulate.
   */
  pass: number;
}

/** A layer with state to update once the step is known to be good (see Ctx.commit). */
export interface Committer {
  commitStep(k: Kernels, saved: Record<string, unknown>): void;
}

let weightWrites = 0;
/**
 * Counts every write of weights that is not the current step's own update (an optimizer step,
 * setWeights): a step's copy of the weights before its update may be restored only while no
 * other write came after it (see ModelMemory.snapshot).
 */
export const noteWeightWrite = (): number => ++weightWrites;
/** The writes counted so far. */
export const weightWriteCount = (): number => weightWrites;

let passes = 0;
/** A new backward-pass number (Ctx.pass). */
export const nextPass = (): number => ++passes;

/** Defers `layer.commitStep(k, saved)` until the step is known to be good. */
export function deferCommit(ctx: Ctx, layer: Committer, saved: Record<string, unknown>): void {
  ctx.commit[ctx.ncommit] = layer;
  ctx.commitSaved[ctx.ncommit] = saved;
  ctx.ncommit++;
}

const nameCounts = new Map<string, number>();
/** Keras-style unique names: dense, dense_1, dense_2, ... */
export function uniqueName(base: string): string {
  const n = nameCounts.get(base) ?? 0;
  nameCounts.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

export interface LayerArgs {
  name?: string;
  inputShape?: number[];
  /** Keras's and TF.js's shorthand for a flat input: `inputDim: 8` is `inputShape: [8]`. */
  inputDim?: number;
  trainable?: boolean;
}

/** The options every layer takes; each layer's own key list spreads these (options.ts checks them). */
export const layerKeys: Keys<LayerArgs> = { name: true, inputShape: true, inputDim: true, trainable: true };

/**
 * The layers that pass a sequence mask on (Keras's supports_masking among those that keep the
 * timesteps): a masking layer's mask reaches the recurrent layer through them (model/executor.ts,
 * io/onnx.ts). Keras 3's batch normalization also leaves the masked steps out of its training
 * statistics; lepton's takes every step.
 */
const PASSES_MASK = new Set(['Dense', 'Activation', 'LeakyReLU', 'ELU', 'Softmax', 'PReLU', 'BatchNormalization', 'Dropout', 'AlphaDropout', 'LayerNormalization', 'GaussianNoise', 'TimeDistributed']);

export abstract class Layer {
  abstract readonly className: string;
  readonly name: string;
  trainable: boolean;
  /** Declared input shape without the batch axis, if given. */
  readonly declaredInputShape?: number[];
  inputShape?: number[];
  outputShape?: number[];
  readonly weights: Weight[] = [];
  built = false;

  constructor(base: string, args: LayerArgs = {}) {
    if (args.name !== undefined && (typeof args.name !== 'string' || !args.name)) {
      throw new TypeError(`layer name must be a non-empty string, got ${JSON.stringify(args.name)}`);
    }
    this.name = args.name ?? uniqueName(base);
    this.trainable = args.trainable ?? true;
    if (args.inputDim !== undefined) {
      if (!Number.isInteger(args.inputDim) || args.inputDim <= 0) throw new ShapeError(`${this.name}: inputDim must be a whole number > 0, got ${JSON.stringify(args.inputDim)}`);
      if (args.inputShape !== undefined && !(args.inputShape.length === 1 && args.inputShape[0] === args.inputDim)) {
        throw new ShapeError(`${this.name}: inputDim ${args.inputDim} disagrees with inputShape ${JSON.stringify(args.inputShape)}; give one of them`);
      }
    }
    const shape = args.inputShape ?? (args.inputDim !== undefined ? [args.inputDim] : undefined);
    if (shape !== undefined) {
      if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0)) {
        throw new ShapeError(`${this.name}: inputShape must be positive whole numbers, got ${JSON.stringify(shape)}`);
      }
      this.declaredInputShape = [...shape];
    }
  }

  /** Declares weights and sets outputShape. Called once, with the input shape without batch. */
  build(inputShape: number[]): void {
    this.inputShape = [...inputShape];
    this.outputShape = this.computeOutputShape(inputShape);
    this.built = true;
  }

  abstract computeOutputShape(inputShape: number[]): number[];

  /**
   * Records a call on symbolic tensors (the functional API) and returns its output. The first call
   * builds the layer; later calls share its weights and must see the same input shapes.
   */
  apply(inputs: SymbolicTensor | SymbolicTensor[]): SymbolicTensor {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    if (xs.length === 0 || !xs.every((x) => x instanceof SymbolicTensor)) {
      throw new TypeError(`${this.name}.apply expects a symbolic tensor (from input() or another layer's apply), got ${xs.map((x) => (x === null ? 'null' : typeof x)).join(', ') || 'nothing'}`);
    }
    const shape = this.buildFor(xs.map((x) => x.shape), xs.map((x) => x.name));
    const node: { layer: Layer; inputs: SymbolicTensor[]; output?: SymbolicTensor; outputs?: SymbolicTensor[] } = { layer: this, inputs: xs };
    node.output = new SymbolicTensor(shape, this.name, node as Node);
    const more = this.extraOutputShapes();
    if (more.length) node.outputs = [node.output, ...more.map((s, i) => new SymbolicTensor(s, this.name, node as Node, i + 1))];
    return node.output;
  }

  /**
   * The shapes of the outputs after the first, for a layer with several (a recurrent layer's
   * returnState). Its call leaves their values in `ctx.saved.outs` and its backward reads their
   * gradients (null where none) from `ctx.saved.douts` (model/executor.ts).
   */
  extraOutputShapes(): number[][] {
    return [];
  }

  /** Whether a sequence mask on the input travels on with the output (PASSES_MASK above). */
  get passesMask(): boolean {
    return PASSES_MASK.has(this.className);
  }

  /** Builds for these input shapes (or checks them against the built ones); returns the output shape. */
  buildFor(shapes: number[][], names: string[]): number[] {
    if (shapes.length !== 1) throw new ShapeError(`${this.name} takes one input, got ${shapes.length} (${names.join(', ')})`);
    if (!this.built) this.build(shapes[0]);
    else if (!sameShape(shapes[0], this.inputShape!)) {
      throw new ShapeError(`${this.name} was built for input [*, ${this.inputShape!.join(', ')}] and is shared, but ${names[0]} is [*, ${shapes[0].join(', ')}]`);
    }
    return [...this.outputShape!];
  }

  /** Forward over one or more inputs; single-input layers pass through to forward(). */
  call(xs: Buf[], ctx: Ctx, logits = false): Buf {
    return this.forward(xs[0], ctx, logits);
  }

  /**
   * Backward over one or more inputs; entry i is null when needDx[i] is false. The array is the
   * layer's own, refilled by every call: the caller reads it before the layer's next backward.
   */
  callBackward(dy: Buf, ctx: Ctx, needDx: boolean[], acc: boolean, logits = false): (Buf | null)[] {
    this.dxs[0] = this.backward(dy, ctx, needDx[0], acc, logits);
    return this.dxs;
  }

  /**
   * The fewest samples a training batch must hold for this layer, and why (batch normalization
   * takes its statistics over the batch); fit and trainOnBatch check it before any kernel runs.
   */
  readonly minBatch?: { rows: number; why: string };

  /**
   * @internal Whether the step running now trains this layer: its `trainable` as the running
   * model's compile captured it (Keras: compile freezes the behaviour), set by the model before
   * each training or differentiating pass. Layers read it, not `trainable`, when they decide to
   * write weight gradients or (batch normalization) to use batch statistics.
   */
  trainsNow = true;

  /** @internal The last backward pass that wrote this layer's weight gradients (see Ctx.pass). */
  backwardPass = 0;

  /** What callBackward returns (one entry per input). */
  protected readonly dxs: (Buf | null)[] = [null];

  /** Bytes of gemm packing workspace a call on `rows` rows needs. */
  workspace(_k: Kernels, _rows: number): number {
    return 0;
  }

  protected addWeight(name: string, shape: number[], initializer: Initializer, opts: { regularizer?: Regularizer; trainable?: boolean } = {}): Weight {
    const w: Weight = {
      name: `${this.name}/${name}`, shape, size: shape.reduce((a, b) => a * b, 1), initializer,
      regularizer: opts.regularizer, trainable: opts.trainable ?? true, ptr: 0, gradPtr: 0,
    };
    this.weights.push(w);
    return w;
  }

  /** y = f(x). With `logits`, a layer whose last step is softmax or sigmoid stops before it. */
  abstract forward(x: Buf, ctx: Ctx, logits?: boolean): Buf;
  /**
   * dx from dy (dy may be overwritten). Accumulates into the weights' gradients when `acc`.
   * With `logits`, dy is the gradient with respect to the pre-activation (fused loss).
   * Returns null when `needDx` is false.
   */
  abstract backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean, logits?: boolean): Buf | null;

  /** The last step of this layer, if a loss can fuse with it. */
  outputActivation(): 'softmax' | 'sigmoid' | undefined {
    return undefined;
  }

  /**
   * The layer's saved form, and its only source: save() writes it as it is and the layer's io
   * entry (io/layers.ts) reads it back, so it holds every option the layer was made with, as
   * JSON. Built-in layers return this.config({ ...their options }).
   */
  abstract getConfig(): Record<string, unknown>;

  /** A config as lepton writes it: the name, the layer's own fields, then trainable. */
  protected config(own: Record<string, unknown> = {}): Record<string, unknown> {
    return { name: this.name, ...own, trainable: this.trainable };
  }

  /**
   * Writes the layer's inference form into an ONNX graph: reads the tensors named `inputs`, writes
   * the one named `output` and those named `more`, its other outputs (a recurrent layer's
   * returnState states); a layer without it cannot be exported, unless registerOnnxExporter
   * gives its class an exporter.
   */
  writeOnnx?(inputs: string[], output: string, g: OnnxGraph, more?: string[]): void;

  countParams(): number {
    return this.weights.reduce((s, w) => s + w.size, 0);
  }

  /** Where the weights are, or a clear error when they have no memory (yet, or any longer). */
  private placedWeights(what: string): readonly Weight[] {
    for (const w of this.weights) {
      if (w.slab?.disposedBy !== undefined) throw new Error(`${this.name}.${what}: ${w.name} belonged to ${w.slab.disposedBy}, which was disposed`);
      if (w.ptr === 0) throw new Error(`${this.name}.${what}: the weights get their memory when a model is built around the layer (sequential or model); none is yet`);
    }
    return this.weights;
  }

  /**
   * Copies of the layer's weights in Keras order and layout (Dense: kernel [inputDim, units],
   * then bias); [] before the layer is built, as in Keras.
   */
  getWeights(): Tensor[] {
    const a = runtime().arena;
    return this.placedWeights('getWeights').map((w) => ({ data: Float32Array.from(a.f32(w.ptr, w.size)), shape: [...w.shape] }));
  }

  /** Sets the weights from arrays in getWeights' order and shapes; checks them all before writing any. */
  setWeights(weights: TensorLike[]): void {
    const ws = this.placedWeights('setWeights');
    if (!Array.isArray(weights) || weights.length !== ws.length) {
      throw new Error(`${this.name}.setWeights expects ${ws.length} arrays (${ws.map((w) => `${w.name} [${w.shape}]`).join(', ')}), got ${Array.isArray(weights) ? weights.length : typeof weights}`);
    }
    const values = weights.map((v, i) => {
      const w = ws[i];
      const t = toTensor(v, `setWeights[${i}] (${w.name})`);
      const shapeOk = t.shape.length === w.shape.length ? t.shape.every((d, j) => d === w.shape[j]) : sizeOf(t.shape) === w.size && w.shape.length === 1;
      if (!shapeOk) throw new ShapeError(`setWeights[${i}]: ${w.name} has shape [${w.shape.join(', ')}], got [${t.shape.join(', ')}]`);
      assertFinite(t, `setWeights[${i}] (${w.name})`);
      return t.data;
    });
    const a = runtime().arena;
    values.forEach((d, i) => a.f32(ws[i].ptr, d.length).set(d));
    noteWeightWrite();
  }

  /** Checks the incoming feature width before any kernel runs. */
  protected checkInput(x: Buf): void {
    const want = sizeOf(this.inputShape!);
    if (x.cols !== want) {
      throw new ShapeError(`${this.name} expects input [*, ${this.inputShape!.join(', ')}], got [${x.rows}, ${x.cols}]`);
    }
  }
}

/** What outputActivation() says of a layer whose last step is `a`. */
export const lastStep = (a: ActivationSpec): 'softmax' | 'sigmoid' | undefined => (a.name === 'softmax' || a.name === 'sigmoid' ? a.name : undefined);

/** An initializer as a config holds it: its name, or { name, config } when it has options (null: none). */
export const initializerConfig = (i: Initializer | null): string | Record<string, unknown> | null => (!i ? null : Object.keys(i.config).length ? { name: i.name, config: { ...i.config } } : i.name);

/** A regularizer as a config holds it (null: none). */
export const regularizerConfig = (r: Regularizer | undefined): Record<string, unknown> | null => (r ? { name: r.name, config: { ...r.config } } : null);

export const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/** A handle on (rows × cols) floats at `ptr`, valid for this step (one of ctx.bufs, reused every step). */
export function stepBuf(ctx: Ctx, ptr: number, rows: number, cols: number): Buf {
  let b = ctx.bufs[ctx.nbufs];
  if (b === undefined) ctx.bufs.push((b = { ptr, rows, cols, mask: 0 }));
  else {
    b.ptr = ptr;
    b.rows = rows;
    b.cols = cols;
    b.mask = 0;
  }
  ctx.nbufs++;
  return b;
}

/** A fresh, zeroed (rows × cols) buffer in the step's scratch. */
export function scratchBuf(ctx: Ctx, rows: number, cols: number): Buf {
  return stepBuf(ctx, ctx.scratch.alloc(rows * cols * 4), rows, cols);
}

/** A (rows × cols) buffer in the step's scratch, not zeroed: for a kernel output written whole. */
export function outputBuf(ctx: Ctx, rows: number, cols: number): Buf {
  return stepBuf(ctx, ctx.scratch.take(rows * cols * 4), rows, cols);
}

// Embedding (Keras's Embedding): integer ids [batch, length] look up rows of a trainable table
// [inputDim, outputDim], giving [batch, length, outputDim]. The ids arrive as floats (lepton's
// tensors are float32) and must be whole numbers in [0, inputDim): anything else is an error
// naming the id and where it is, before any kernel runs. Forward is a row gather
// (f32_gather_rows); backward adds each position's dy row into its id's row of the table's
// gradient (one axpy per position). The ids get no gradient (dx = 0), as in Keras.

import { getInitializer, initializers, type Initializer, type InitializerLike } from '../initializers.js';
import { checkOptions, type Keys } from '../options.js';
import { ShapeError } from '../tensor.js';
import { initializerConfig, Layer, layerKeys, outputBuf, regularizerConfig, scratchBuf, type Buf, type Ctx, type LayerArgs, type Regularizer, type Weight } from './layer.js';
import type { OnnxGraph } from './onnx.js';

export interface EmbeddingArgs extends Omit<LayerArgs, 'inputDim'> {
  /** The vocabulary size: ids are in [0, inputDim). (Here inputDim is not the input shape, as in Keras.) */
  inputDim: number;
  outputDim: number;
  /** Keras's default: uniform in [−0.05, 0.05]. */
  embeddingsInitializer?: InitializerLike;
  embeddingsRegularizer?: Regularizer;
  /** The sequence length (TF.js's inputLength): inputShape [inputLength]. */
  inputLength?: number;
}

const embeddingKeys: Keys<EmbeddingArgs> = {
  ...layerKeys, inputDim: true, outputDim: true, embeddingsInitializer: true, embeddingsRegularizer: true, inputLength: true,
};

export class Embedding extends Layer {
  readonly className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly inputLength?: number;
  readonly embeddingsInitializer: Initializer;
  readonly embeddingsRegularizer?: Regularizer;
  embeddings!: Weight;

  constructor(args: EmbeddingArgs) {
    checkOptions('layers.embedding', args, embeddingKeys);
    const { inputDim, outputDim, inputLength, embeddingsInitializer, embeddingsRegularizer, ...rest } = args ?? ({} as EmbeddingArgs);
    if (inputLength !== undefined && !(Number.isInteger(inputLength) && inputLength > 0)) throw new ShapeError(`layers.embedding: inputLength must be a whole number > 0, got ${JSON.stringify(inputLength)}`);
    if (inputLength !== undefined && rest.inputShape !== undefined && !(rest.inputShape.length === 1 && rest.inputShape[0] === inputLength)) {
      throw new ShapeError(`layers.embedding: inputLength ${inputLength} disagrees with inputShape ${JSON.stringify(rest.inputShape)}; give one of them`);
    }
    super('embedding', { ...rest, inputShape: rest.inputShape ?? (inputLength !== undefined ? [inputLength] : undefined) });
    for (const [key, v] of [['inputDim', inputDim], ['outputDim', outputDim]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${this.name}: ${key} must be a whole number > 0, got ${JSON.stringify(v)}`);
    }
    if (inputDim > 2 ** 24) throw new RangeError(`${this.name}: inputDim must be at most 2^24 (ids are float32 whole numbers), got ${inputDim}`);
    this.inputDim = inputDim;
    this.outputDim = outputDim;
    this.inputLength = inputLength;
    this.embeddingsInitializer = embeddingsInitializer === undefined ? initializers.randomUniform({ minval: -0.05, maxval: 0.05 }) : getInitializer(embeddingsInitializer, this.name);
    this.embeddingsRegularizer = embeddingsRegularizer;
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 1) throw new ShapeError(`${this.name} expects ids [*, length], got [*, ${inputShape.join(', ')}]`);
    return [inputShape[0], this.outputDim];
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], this.embeddingsInitializer, { regularizer: this.embeddingsRegularizer });
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const n = x.rows * x.cols, v = this.inputDim;
    const idx = ctx.scratch.take(n * 4); // before the views: taking may grow the memory
    const ids = ctx.arena.f32(x.ptr, n), out = ctx.arena.i32(idx, n);
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      if (!(Number.isInteger(id) && id >= 0 && id < v)) {
        throw new RangeError(`${this.name}: id ${id} at [${Math.floor(i / x.cols)}, ${i % x.cols}] is not a whole number in [0, ${v}) (inputDim ${v})`);
      }
      out[i] = id;
    }
    const y = outputBuf(ctx, x.rows, x.cols * this.outputDim);
    ctx.k.f32_gather_rows(this.embeddings.ptr, idx, n, this.outputDim, y.ptr);
    ctx.saved.idx = idx;
    ctx.saved.x = x;
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    const x = ctx.saved.x as Buf, n = x.rows * x.cols, d = this.outputDim;
    if (this.trainsNow) {
      const g = this.embeddings.gradPtr;
      if (!acc) ctx.arena.f32(g, this.embeddings.size).fill(0);
      const idx = ctx.arena.i32(ctx.saved.idx as number, n);
      for (let i = 0; i < n; i++) ctx.k.f32_axpy(d, 1, dy.ptr + i * d * 4, g + idx[i] * d * 4);
    }
    return needDx ? scratchBuf(ctx, x.rows, x.cols) : null; // ids get no gradient
  }

  getConfig(): Record<string, unknown> {
    return this.config({
      inputDim: this.inputDim, outputDim: this.outputDim,
      embeddingsInitializer: initializerConfig(this.embeddingsInitializer), embeddingsRegularizer: regularizerConfig(this.embeddingsRegularizer),
      ...(this.inputLength !== undefined ? { inputLength: this.inputLength } : {}),
    });
  }

  /** Gather of the table's rows by the ids cast to int64 (out-of-range ids are onnxruntime's error). */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    const ids = g.fresh(`${this.name}/ids`);
    g.node('Cast', [x], ids, { to: { i: 7 } }); // INT64
    g.node('Gather', [g.constant(`${this.name}/embeddings`, g.weights(this)[0], [this.inputDim, this.outputDim]), ids], output, { axis: { i: 0 } });
  }
}

/** embedding({ inputDim, outputDim, … }) as TF.js, or Keras's embedding(inputDim, outputDim, { … }). */
export function embedding(inputDim: number | EmbeddingArgs, outputDim?: number, args?: Omit<EmbeddingArgs, 'inputDim' | 'outputDim'>): Embedding {
  if (typeof inputDim === 'object' && inputDim !== null) {
    if (outputDim !== undefined || args !== undefined) throw new TypeError('layers.embedding: give embedding({ inputDim, outputDim, … }) or embedding(inputDim, outputDim, { … }), not both');
    return new Embedding(inputDim);
  }
  if (args !== undefined && (typeof args !== 'object' || args === null)) checkOptions('layers.embedding', args, embeddingKeys);
  return new Embedding({ ...(args ?? {}), inputDim, outputDim } as EmbeddingArgs);
}

// The arguments of the model's public methods (Keras names and defaults), in one place that the
// model, the trainer and the data module can all name without importing each other.

import type { Callback } from '../callbacks/types.js';
import type { Dataset } from '../data/dataset.js';
import type { SymbolicTensor } from '../graph.js';
import type { Loss } from '../losses.js';
import type { Keys } from '../options.js';
import type { Optimizer } from '../optimizers/index.js';
import type { TensorLike } from '../tensor.js';
import type { PreprocessingSpec } from '../io/onnx-preprocessing.js';

/** One value for every output, or one per output (an array in output order, or by output name). */
export type PerOutput<T> = T | T[] | Record<string, T>;

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
}

/** fit's arguments when x is a Dataset: its weights come with it; validationData may be a Dataset too. */
export type DatasetFitArgs = Omit<FitArgs, 'validationData'> & {
  validationData?: Dataset | FitArgs['validationData'];
};

export interface EvaluateArgs {
  batchSize?: number;
  sampleWeight?: TensorLike;
  /** Accepted for Keras code; evaluate prints nothing. */
  verbose?: number;
}

export interface PredictArgs {
  batchSize?: number;
  /** Run the layers as in a training step (batch statistics, dropout masks) without updating anything. */
  training?: boolean;
  /** Accepted for Keras code; predict prints nothing. */
  verbose?: number;
}

export interface ModelArgs {
  inputs?: SymbolicTensor | SymbolicTensor[];
  outputs?: SymbolicTensor | SymbolicTensor[];
  name?: string;
  seed?: number;
}

// The keys each of these takes (checked by options.ts: an unknown key is an error with a did-you-mean).
export const compileKeys: Keys<CompileArgs> = { optimizer: true, loss: true, lossWeights: true, metrics: true };
export const fitKeys: Keys<FitArgs> = {
  epochs: true, batchSize: true, shuffle: true, validationSplit: true, validationData: true, sampleWeight: true, classWeight: true,
  callbacks: true, verbose: true, initialEpoch: true,
};
export const evaluateKeys: Keys<EvaluateArgs> = { batchSize: true, sampleWeight: true, verbose: true };
export const predictKeys: Keys<PredictArgs> = { batchSize: true, training: true, verbose: true };
export const modelKeys: Keys<ModelArgs> = { inputs: true, outputs: true, name: true, seed: true };

/** toOnnx's options: the preprocessing to write into the graph (default: the model's own, `model.preprocessing`; false: none). */
export interface ToOnnxArgs {
  preprocessing?: PreprocessingSpec | false | null;
}
export const toOnnxKeys: Keys<ToOnnxArgs> = { preprocessing: true };

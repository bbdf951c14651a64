// The arguments of the model's public methods (Keras names and defaults), in one place that the
// model, the trainer and the data module can all name without importing each other.

import type { Callback } from '../callbacks/types.js';
import type { Dataset } from '../data/dataset.js';
import type { SymbolicTensor } from '../graph.js';
import type { Loss } from '../losses.js';
import type { Optimizer } from '../optimizers/index.js';
import type { TensorLike } from '../tensor.js';

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
}

export interface PredictArgs {
  batchSize?: number;
  /** Run the layers as in a training step (batch statistics, dropout masks) without updating anything. */
  training?: boolean;
}

export interface ModelArgs {
  inputs?: SymbolicTensor | SymbolicTensor[];
  outputs?: SymbolicTensor | SymbolicTensor[];
  name?: string;
  seed?: number;
}

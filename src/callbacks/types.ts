// The callback contract (Keras's hooks), apart from the callbacks themselves so that the model,
// the trainer and the checkpoint callback can name it without importing each other.

import type { Tensor } from '../tensor.js';

/** fit's params (Keras): steps and samples per epoch; a stream's are known after its first epoch. */
export interface TrainingParams {
  epochs: number;
  steps: number;
  samples: number;
  verbose: number;
}

export type Logs = Record<string, number>;

/** What a callback may touch of the model. */
export interface CallbackModel {
  stopTraining: boolean;
  getWeights(): Tensor[];
  setWeights(weights: Tensor[]): void;
  readonly optimizer?: { learningRate: number | ((step: number) => number); currentLearningRate(): number };
}

export interface Callback {
  setModel?(model: CallbackModel): void;
  setParams?(params: TrainingParams): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs?: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void;
  onBatchEnd?(batch: number, logs?: Logs): void;
}

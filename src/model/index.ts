// The model's public names (src/index.ts re-exports them).

export { Model, model } from './model.js';
export { Sequential, sequential, type SequentialArgs } from './sequential.js';
export { History, TrainingError, type TrainingState } from '../training/history.js';
export type { CompileArgs, Data, DatasetFitArgs, EvaluateArgs, FitArgs, ModelArgs, PredictArgs } from './types.js';

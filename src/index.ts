// lepton's public API (DESIGN.md "Public API").
export { init, build, type InitOptions, type WasmSource, type Runtime, type BuildName } from './wasm/runtime.js';
export { MemoryError } from './wasm/arena.js';
export { layers } from './layers/index.js';
export { sequential, Sequential, History, TrainingError, type FitArgs, type CompileArgs, type EvaluateArgs } from './model.js';
export { optimizers, schedules, Optimizer } from './optimizers/index.js';
export { losses } from './losses.js';
export { initializers } from './initializers.js';
export { regularizers } from './regularizers.js';
export { callbacks, type Callback, type Logs } from './callbacks/index.js';
export { rocAuc } from './metrics.js';
export { ShapeError, type Tensor, type TensorLike } from './tensor.js';
export * as report from './report/index.js';
export { data, Dataset, CsvError, type Batch, type Sample, type CsvOptions, type NpyTensor, type Transform, type TransformJSON } from './data/index.js';

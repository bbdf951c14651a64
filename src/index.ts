// lepton's public API (DESIGN.md "Public API"). The entry also connects the model to io (the model
// never imports io): save() goes to the io chunk, toOnnx() to the ONNX writer's chunk.
import { ioChunk } from './io/lazy.js';
import { onnxChunk } from './io/onnx-lazy.js';
import type { Model as ModelType } from './model/model.js';
import { provideModelIo } from './model/hooks.js';

provideModelIo({
  save: (m, target, options) => ioChunk().then((io) => io.saveModel(m as ModelType, target, options)),
  toOnnx: (m, args) => onnxChunk().then((onnx) => onnx.exportOnnx(m as ModelType, args)),
});

export { init, build, threadsReady, type InitOptions, type WasmSource, type Runtime, type BuildName } from './wasm/runtime.js';
export { MemoryError } from './wasm/arena.js';
export { layers, Layer, type Buf, type Ctx, type Weight } from './layers/index.js';
export type { LayerArgs } from './layers/layer.js';
export { sequential, Sequential, model, Model, History, TrainingError, type FitArgs, type CompileArgs, type EvaluateArgs, type ModelArgs, type Data, type TrainingState } from './model/index.js';
export { input, SymbolicTensor, type InputArgs } from './graph.js';
export {
  loadModel, loadTfjsModel, ModelFormatError, registerLayer, registerModelType, registerOnnxExporter, onnxOps,
  type LoadSource, type SaveTarget, type ModelArtifacts, type SaveOptions, type LayerSerializer, type OnnxExporter,
} from './io/index.js';
export { optimizers, schedules, Optimizer } from './optimizers/index.js';
export { losses } from './losses.js';
export { initializers } from './initializers.js';
export { regularizers } from './regularizers.js';
export { callbacks, type Callback, type Logs } from './callbacks/index.js';
export { rocAuc } from './metrics.js';
export { ShapeError, type Tensor, type TensorLike } from './tensor.js';
export { data, Dataset, CsvError, type Batch, type Sample, type CsvOptions, type NpyTensor, type Transform, type TransformJSON } from './data/index.js';

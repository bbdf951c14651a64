// Save, load, checkpoint and interoperate (issue 9): lepton's format, TF.js import, ONNX export.
// Saving and loading run in the io chunk (io.ts, loaded by lazy.ts); ONNX export and the
// registration tables stay in the core bundle.
export { ModelFormatError } from './errors.js';
export { loadModel, loadTfjsModel } from './lazy.js';
export type { LoadSource, InMemoryModel, LoadHandler } from './load.js';
export type { SaveTarget, SaveHandler, ModelArtifacts, SaveOptions } from './save.js';
export { registerLayer, registerModelType, type LayerSerializer, type ModelBuilder } from './tables.js';
export { registerOnnxExporter } from './onnx-exporters.js';
export { onnxOps, type OnnxExporter, type OnnxGraph } from '../layers/onnx.js';
export type { OnnxModelSpec } from './onnx.js';
export { LEPTON_VERSION, FORMAT_VERSION } from './version.js';

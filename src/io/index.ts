// Save, load, checkpoint and interoperate (issue 9): lepton's format, TF.js import, ONNX export.
export { ModelFormatError } from './errors.js';
export { loadModel, loadTfjsModel, type LoadSource, type InMemoryModel, type LoadHandler } from './load.js';
export { type SaveTarget, type SaveHandler, type ModelArtifacts, type SaveOptions } from './save.js';
export { registerLayer, type LayerSerializer } from './registry.js';
export { registerModelType } from './lepton.js';
export { registerOnnxExporter, onnxOps, buildOnnx, ONNX_OPSET, type OnnxExporter, type OnnxGraph, type OnnxModelSpec } from './onnx.js';
export { LEPTON_VERSION, FORMAT_VERSION } from './version.js';

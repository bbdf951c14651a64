// The ONNX exporters users register, by class name: in the core (registerOnnxExporter is
// synchronous, and registering fetches nothing); the writer (onnx.ts, a chunk of its own) reads them.

import type { OnnxExporter } from '../layers/onnx.js';

/** The exporters users registered, by class name. */
export const exporters = new Map<string, OnnxExporter>();

/** Gives a layer class an exporter; it wins over the class's own writeOnnx. */
export function registerOnnxExporter(className: string, exporter: OnnxExporter): void {
  exporters.set(className, exporter);
}

// The one place the core reaches for the ONNX writer (onnx.ts): a dynamic import, which the bundle
// turns into dist/lepton-onnx.js, fetched by the first toOnnx(), so a page that trains and predicts
// never downloads it. The exporters users register stay in the core (onnx-exporters.ts).

let chunk: Promise<typeof import('./onnx.js')> | undefined;

/** The ONNX writer, imported once; a failed import says which file was missing and is retried next time. */
export function onnxChunk(): Promise<typeof import('./onnx.js')> {
  chunk ??= import('./onnx.js').catch((e: unknown) => {
    chunk = undefined;
    throw new Error(`lepton: toOnnx() needs the bundle's ONNX chunk, lepton-onnx.js, served beside lepton.js; importing it failed: ${(e as Error)?.message ?? e}`, { cause: e });
  });
  return chunk;
}

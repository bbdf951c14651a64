// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"):
// two zero bytes, a type code, the number of dimensions, then each dimension as a big-endian uint32,
// then the values, big-endian, row-major. Files are usually gzipped; both forms load.
// A hostile header may declare any size: it is checked against the bytes present before anything is
// allocated, and gzip output is never kept past what the header declares.
//
// This file is the public face: parseIdx (idx-parse.ts) in the core, the loaders (idx-load.ts) a chunk
// of their own, imported by the first load.

import { FASHION_MNIST_DIR, type FashionMnist, type IdxTensor, type LoadIdxOptions } from './idx-parse.js';

export { FASHION_MNIST_DIR, parseIdx, type FashionMnist, type IdxData, type IdxDtype, type IdxTensor, type ImageSet, type LoadIdxOptions } from './idx-parse.js';

let chunk: Promise<typeof import('./idx-load.js')> | undefined;

/** The loaders, imported by the first load (the parser stays in the core: parseIdx is synchronous). */
function loaderChunk(): Promise<typeof import('./idx-load.js')> {
  chunk ??= import('./idx-load.js').catch((e: unknown) => {
    chunk = undefined;
    throw new Error(`loadIdx: loading needs the bundle's chunk lepton-idx-load.js, served beside lepton.js; importing it failed: ${(e as Error)?.message ?? e}`, { cause: e });
  });
  return chunk;
}

/**
 * Loads an IDX file from bytes, a file path, a file: URL (Node, Deno, Bun) or any other URL
 * (fetch), gunzipping it when it starts with the gzip magic 1f 8b.
 */
export async function loadIdx(source: string | URL | Uint8Array | ArrayBuffer, options: LoadIdxOptions = {}): Promise<IdxTensor> {
  return (await loaderChunk()).loadIdx(source, options);
}

/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60000 training and 10000 test images of 28×28, ten
 * classes. Reads the four IDX files, gzipped or not, from `dir` (a path or a URL base; default: the
 * directory of Debian's `dataset-fashion-mnist` package).
 */
export async function fashionMnist(dir: string | URL = FASHION_MNIST_DIR): Promise<FashionMnist> {
  return (await loaderChunk()).fashionMnist(dir);
}

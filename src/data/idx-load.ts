// Loading IDX files (bytes, paths, URLs; gzipped or not) and Fashion-MNIST's four files: a chunk of
// its own (idx.ts imports it on the first load), so a page that never loads a file never fetches it.

import { nodeFs, nodeZlib } from '../node-builtins.js';
import { FASHION_MNIST_DIR, isGzip, parseIdx, readHeader, type FashionMnist, type Header, type IdxTensor, type ImageSet, type LoadIdxOptions } from './idx-parse.js';
import { concatBytes } from './source.js';

const DEFAULT_MAX_BYTES = 1 << 30;

/**
 * Loads an IDX file from bytes, a file path, a file: URL (Node, Deno, Bun) or any other URL
 * (fetch), gunzipping it when it starts with the gzip magic 1f 8b.
 */
export async function loadIdx(source: string | URL | Uint8Array | ArrayBuffer, options: LoadIdxOptions): Promise<IdxTensor> {
  const where = source instanceof Uint8Array || source instanceof ArrayBuffer ? 'the bytes given' : String(source);
  const raw = await readSource(source);
  if (!raw) throw new Error(`loadIdx: no file at ${where}`);
  const bytes = isGzip(raw) ? await gunzipIdx(raw, options.maxBytes ?? DEFAULT_MAX_BYTES, where) : raw;
  try {
    return parseIdx(bytes);
  } catch (e) {
    throw new Error(`${(e as Error).message} (${where})`);
  }
}

/** The bytes of a source, or null when the file or URL does not exist. */
async function readSource(source: string | URL | Uint8Array | ArrayBuffer): Promise<Uint8Array | null> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const url = source instanceof URL ? source : asUrl(source);
  if (!url || url.protocol === 'file:') {
    const { readFile } = await nodeFs();
    try {
      return new Uint8Array(await readFile(url ?? (source as string)));
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return null;
      throw e;
    }
  }
  const response = await fetch(url);
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`loadIdx: fetching ${url.href} failed with HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** A URL when the string has a scheme; undefined for a plain path (a drive letter is not a scheme). */
function asUrl(s: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]+:/i.test(s)) return undefined;
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/**
 * Gunzips with DecompressionStream (Node ≥ 18, browsers, workerd, Deno), chunk by chunk, stopping
 * as soon as the output passes what the IDX header declares or `maxBytes`: a small hostile file
 * cannot make it allocate much. Falls back to node:zlib where there is no DecompressionStream.
 */
async function gunzipIdx(gz: Uint8Array, maxBytes: number, where: string): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    const { gunzipSync } = await nodeZlib();
    try {
      return new Uint8Array(gunzipSync(gz, { maxOutputLength: maxBytes }));
    } catch (e) {
      throw new Error(`loadIdx: cannot gunzip ${where}: ${(e as Error).message}`);
    }
  }
  const stream = new Blob([gz as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  let limit = maxBytes;
  let header: Header | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      length += value.length;
      if (!header) {
        header = readHeader(concat(chunks), true);
        if (header) limit = Math.min(limit, header.total);
      }
      if (length > limit) {
        await reader.cancel();
        throw new Error(
          header && limit === header.total
            ? `IDX: ${where} holds more data than the ${header.total} bytes its header declares`
            : `loadIdx: ${where} decompresses to more than ${maxBytes} bytes (raise maxBytes to accept it)`,
        );
      }
    }
  } catch (e) {
    const message = (e as Error).message;
    if (message.startsWith('IDX:') || message.startsWith('loadIdx:')) throw e;
    throw new Error(`loadIdx: cannot gunzip ${where}: ${message}`);
  }
  return concat(chunks);
}

/** The chunks joined, and the list compacted to that one array (the gunzip loop keeps appending). */
function concat(chunks: Uint8Array[]): Uint8Array {
  const out = concatBytes(chunks);
  chunks.splice(0, chunks.length, out);
  return out;
}

/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60000 training and 10000 test images of 28×28, ten
 * classes. Reads the four IDX files, gzipped or not, from `dir` (a path or a URL base; default: the
 * directory of Debian's `dataset-fashion-mnist` package).
 */
export async function fashionMnist(dir: string | URL): Promise<FashionMnist> {
  const [xTrain, yTrain, xTest, yTest] = await Promise.all(
    ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map((name) =>
      loadNamed(dir, name),
    ),
  );
  return {
    xTrain: images(xTrain, 'train'),
    yTrain: labels(yTrain, xTrain.shape[0], 'train'),
    xTest: images(xTest, 't10k'),
    yTest: labels(yTest, xTest.shape[0], 't10k'),
  };
}

async function loadNamed(dir: string | URL, name: string): Promise<IdxTensor> {
  const base = String(dir).replace(/[\\/]?$/, '/');
  for (const file of [`${name}.gz`, name]) {
    const bytes = await readSource(dir instanceof URL ? new URL(file, base) : base + file);
    if (bytes) return loadIdx(bytes, {}).catch((e: Error) => Promise.reject(new Error(`${e.message} (${base}${file})`)));
  }
  throw new Error(
    `Fashion-MNIST: ${name}.gz not found in ${base}: install Debian's package (apt-get install dataset-fashion-mnist, ` +
      `which puts it in ${FASHION_MNIST_DIR}) or pass the directory holding the four IDX files`,
  );
}

function images(t: IdxTensor, set: string): ImageSet {
  if (t.dtype !== 'uint8' || t.shape.length !== 3 || t.shape[1] !== 28 || t.shape[2] !== 28) {
    throw new Error(`Fashion-MNIST: ${set} images should be uint8 [n, 28, 28], got ${t.dtype} [${t.shape.join(', ')}]`);
  }
  const n = t.shape[0];
  const data = new Float32Array(n * 784);
  for (let i = 0; i < data.length; i++) data[i] = t.data[i] / 255;
  return { data, shape: [n, 784] };
}

function labels(t: IdxTensor, n: number, set: string): Int32Array {
  if (t.dtype !== 'uint8' || t.shape.length !== 1 || t.shape[0] !== n) {
    throw new Error(`Fashion-MNIST: ${set} labels should be uint8 [${n}], got ${t.dtype} [${t.shape.join(', ')}]`);
  }
  const out = Int32Array.from(t.data);
  const bad = out.findIndex((c) => c > 9);
  if (bad >= 0) throw new Error(`Fashion-MNIST: ${set} label ${bad} is ${out[bad]}, outside 0..9`);
  return out;
}

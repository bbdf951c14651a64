// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"):
// two zero bytes, a type code, the number of dimensions, then each dimension as a big-endian uint32,
// then the values, big-endian, row-major. Files are usually gzipped; both forms load.
// A hostile header may declare any size: it is checked against the bytes present before anything is
// allocated, and gzip output is never kept past what the header declares.

import { nodeFs, nodeZlib } from '../node-builtins.js';
import { concatBytes } from './source.js';

export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxTensor {
  data: IdxData;
  shape: number[];
  dtype: IdxDtype;
}

export interface LoadIdxOptions {
  /** Largest decompressed size accepted, in bytes (default 1 GiB): a guard against gzip bombs. */
  maxBytes?: number;
}

// Type code → dtype and bytes per element (the spec's table).
const TYPES: Record<number, [IdxDtype, number]> = {
  0x08: ['uint8', 1],
  0x09: ['int8', 1],
  0x0b: ['int16', 2],
  0x0c: ['int32', 4],
  0x0d: ['float32', 4],
  0x0e: ['float64', 8],
};

const DEFAULT_MAX_BYTES = 1 << 30;

interface Header {
  dtype: IdxDtype;
  size: number;
  shape: number[];
  /** Byte offset of the first value. */
  offset: number;
  /** Total bytes the file should have: header plus values. */
  total: number;
}

/**
 * The header of an IDX file, or undefined when fewer bytes than the header needs are given
 * and `partial` is set (the gunzip loop calls it on the first chunks).
 */
function readHeader(bytes: Uint8Array, partial = false): Header | undefined {
  if (bytes.length < 4) {
    if (partial) return undefined;
    throw new Error(`IDX: ${bytes.length} bytes is shorter than the 4-byte magic number`);
  }
  const type = TYPES[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new Error(
      `IDX: bad magic number ${magic}: expected 00 00 <type> <ndim> with type 08 (ubyte), 09 (byte), ` +
        '0b (short), 0c (int), 0d (float) or 0e (double)',
    );
  }
  const [dtype, size] = type;
  const ndim = bytes[3];
  const offset = 4 + 4 * ndim;
  if (bytes.length < offset) {
    if (partial) return undefined;
    throw new Error(`IDX: truncated header: ${ndim} dimensions need ${offset} bytes, got ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  // uint32 dimensions can multiply past 2^53; an exact count is needed to compare with the bytes.
  let count = shape.includes(0) ? 0 : 1;
  for (const d of shape) {
    count *= d;
    if (count * size > Number.MAX_SAFE_INTEGER) {
      throw new Error(`IDX: declared shape [${shape.join(', ')}] overflows: more values than any array can hold`);
    }
  }
  return { dtype, size, shape, offset, total: offset + count * size };
}

/**
 * Parses an IDX file already in memory (not gzipped: see `loadIdx`). The values are copied into a
 * fresh typed array of the file's type, in host byte order.
 */
export function parseIdx(bytes: Uint8Array): IdxTensor {
  if (isGzip(bytes)) throw new Error('IDX: these bytes are gzipped: use loadIdx, which gunzips them');
  const { dtype, size, shape, offset, total } = readHeader(bytes)!;
  if (bytes.length < total) {
    throw new Error(
      `IDX: truncated or hostile file: shape [${shape.join(', ')}] of ${dtype} needs ${total} bytes, ` +
        `only ${bytes.length} present`,
    );
  }
  if (bytes.length > total) {
    throw new Error(`IDX: ${bytes.length - total} bytes after the ${total} that shape [${shape.join(', ')}] of ${dtype} declares`);
  }
  const n = (total - offset) / size;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, total - offset);
  let data: IdxData;
  switch (dtype) {
    case 'uint8':
      data = bytes.slice(offset, total);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(offset, total).buffer);
      break;
    case 'int16':
      data = new Int16Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getInt16(2 * i, false);
      break;
    case 'int32':
      data = new Int32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getInt32(4 * i, false);
      break;
    case 'float32':
      data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, false);
      break;
    case 'float64':
      data = new Float64Array(n);
      for (let i = 0; i < n; i++) data[i] = view.getFloat64(8 * i, false);
      break;
  }
  return { data, shape, dtype };
}

/**
 * Loads an IDX file from bytes, a file path, a file: URL (Node, Deno, Bun) or any other URL
 * (fetch), gunzipping it when it starts with the gzip magic 1f 8b.
 */
export async function loadIdx(source: string | URL | Uint8Array | ArrayBuffer, options: LoadIdxOptions = {}): Promise<IdxTensor> {
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

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
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

/** Where Debian's `dataset-fashion-mnist` package puts the four files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface ImageSet {
  /** Pixels scaled to [0, 1]. */
  data: Float32Array;
  /** [n, 784]: each 28×28 image flattened row by row. */
  shape: [number, number];
}

export interface FashionMnist {
  xTrain: ImageSet;
  /** Class indices 0..9. */
  yTrain: Int32Array;
  xTest: ImageSet;
  yTest: Int32Array;
}

/**
 * Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60000 training and 10000 test images of 28×28, ten
 * classes. Reads the four IDX files, gzipped or not, from `dir` (a path or a URL base; default: the
 * directory of Debian's `dataset-fashion-mnist` package).
 */
export async function fashionMnist(dir: string | URL = FASHION_MNIST_DIR): Promise<FashionMnist> {
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
    if (bytes) return loadIdx(bytes).catch((e: Error) => Promise.reject(new Error(`${e.message} (${base}${file})`)));
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

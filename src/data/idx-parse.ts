// The IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"):
// two zero bytes, a type code, the number of dimensions, then each dimension as a big-endian uint32,
// then the values, big-endian, row-major. Files are usually gzipped; both forms load.
// A hostile header may declare any size: it is checked against the bytes present before anything is
// allocated, and gzip output is never kept past what the header declares.

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

export interface Header {
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
export function readHeader(bytes: Uint8Array, partial = false): Header | undefined {
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

/** Whether the bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
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

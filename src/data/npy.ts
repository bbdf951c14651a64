// NumPy's .npy format (numpy.lib.format, versions 1.0–3.0): magic "\x93NUMPY", major and minor
// version, a little-endian header length (uint16 in 1.0, uint32 after), then a Python dict literal
// {'descr': '<f4', 'fortran_order': False, 'shape': (n, m), } and the C-order values.
// Values become float32 (what lepton trains on): integers beyond 2^24 lose precision there.

import { byteChunks, concatBytes, sourceName, type ByteSource } from './source.js';

export interface NpyTensor {
  data: Float32Array;
  shape: number[];
  /** The file's dtype, e.g. 'float64' (before the conversion to float32). */
  dtype: string;
}

const DTYPES: Record<string, [string, number]> = {
  f4: ['float32', 4], f8: ['float64', 8],
  i1: ['int8', 1], i2: ['int16', 2], i4: ['int32', 4], i8: ['int64', 8],
  u1: ['uint8', 1], u2: ['uint16', 2], u4: ['uint32', 4], u8: ['uint64', 8],
  b1: ['bool', 1],
};

/** Parses .npy bytes; `file` names the source in errors. */
export function parseNpy(bytes: Uint8Array, file = '<bytes>'): NpyTensor {
  const fail = (msg: string): never => {
    throw new Error(`data.npy: ${file}: ${msg}`);
  };
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
  if (bytes.length < 10 || magic.some((m, i) => bytes[i] !== m)) fail('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) fail(`unsupported .npy version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : fail('truncated header');
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length) fail(`truncated header: ${headerLen} bytes declared, ${bytes.length - start} present`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1] ?? fail(`no 'descr' in the header ${header.trim()}`);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1] ?? fail(`no 'fortran_order' in the header ${header.trim()}`);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1] ?? fail(`no 'shape' in the header ${header.trim()}`);
  if (fortran === 'True') fail('Fortran-order (column-major) arrays are not supported; save with np.save(f, np.ascontiguousarray(a))');
  const m = /^([<>|=])([a-z]\d+)$/.exec(descr);
  const type = m ? DTYPES[m[2]] : undefined;
  if (!m || !type) {
    fail(`unsupported dtype '${descr}': expected float32/float64, int8..int64 or uint8..uint64 (e.g. '<f4'); convert with a.astype(np.float32)`);
  }
  const [dtype, size] = type!;
  const little = m![1] !== '>';
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => (/^\d+$/.test(s) ? Number(s) : fail(`bad shape (${shapeText})`)));
  let count = 1;
  for (const d of shape) {
    count *= d;
    if (count * size > Number.MAX_SAFE_INTEGER) fail(`shape (${shapeText}) is larger than any array`);
  }
  const offset = start + headerLen;
  if (bytes.length - offset !== count * size) {
    fail(`${dtype} shape (${shape.join(', ')}) needs ${count * size} bytes of data, the file has ${bytes.length - offset}${bytes.length - offset < count * size ? ' (truncated)' : ''}`);
  }
  const out = new Float32Array(count);
  const v = new DataView(bytes.buffer, bytes.byteOffset + offset, count * size);
  switch (dtype) {
    case 'float32': for (let i = 0; i < count; i++) out[i] = v.getFloat32(4 * i, little); break;
    case 'float64': for (let i = 0; i < count; i++) out[i] = v.getFloat64(8 * i, little); break;
    case 'int8': for (let i = 0; i < count; i++) out[i] = v.getInt8(i); break;
    case 'uint8': case 'bool': for (let i = 0; i < count; i++) out[i] = v.getUint8(i); break;
    case 'int16': for (let i = 0; i < count; i++) out[i] = v.getInt16(2 * i, little); break;
    case 'uint16': for (let i = 0; i < count; i++) out[i] = v.getUint16(2 * i, little); break;
    case 'int32': for (let i = 0; i < count; i++) out[i] = v.getInt32(4 * i, little); break;
    case 'uint32': for (let i = 0; i < count; i++) out[i] = v.getUint32(4 * i, little); break;
    case 'int64': for (let i = 0; i < count; i++) out[i] = Number(v.getBigInt64(8 * i, little)); break;
    case 'uint64': for (let i = 0; i < count; i++) out[i] = Number(v.getBigUint64(8 * i, little)); break;
  }
  return { data: out, shape, dtype };
}

/** Loads a .npy file from a path, URL, File/Blob/Response or bytes, as float32. */
export async function npy(source: ByteSource): Promise<NpyTensor> {
  const chunks: Uint8Array[] = [];
  for await (const c of byteChunks(source)) chunks.push(c.slice()); // the reader may reuse its buffer
  return parseNpy(concatBytes(chunks), sourceName(source));
}

// Reading untrusted JSON: a parse that refuses prototype keys and deep nesting, and typed getters
// that name the path of a bad value (`layers[2].config.units`). Nothing is evaluated; no value
// read here sizes an allocation before it is checked against the bytes actually given.

import { ModelFormatError } from './errors.js';

export type Json = Record<string, unknown>;

export const LIMITS = {
  /** model.json text. */
  jsonChars: 64 * 1024 * 1024,
  /** The weights binary: the wasm memory cannot hold more. */
  weightBytes: 2 ** 32,
  depth: 64,
  layers: 100_000,
  /** One dimension of a shape or a layer width. */
  dim: 2 ** 28,
  name: 256,
};

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** JSON.parse, then a walk that rejects prototype-pollution keys and nesting deeper than LIMITS.depth. */
export function parseJson(text: string, what: string): unknown {
  if (typeof text !== 'string') throw new ModelFormatError(`${what}: expected JSON text, got ${typeof text}`);
  if (text.length > LIMITS.jsonChars) throw new ModelFormatError(`${what} is ${text.length} characters; the limit is ${LIMITS.jsonChars}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ModelFormatError(`${what} is not valid JSON (${(e as Error).message})`);
  }
  checkTree(value, what);
  return value;
}

/** Rejects forbidden keys and excessive depth in an already-parsed value (iteratively: no stack overflow). */
export function checkTree(value: unknown, what: string): void {
  const stack: [unknown, number, string][] = [[value, 0, '']];
  const seen = new Set<object>(); // a parsed object given directly may share (or cycle through) nodes
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (depth > LIMITS.depth) throw new ModelFormatError(`${what}${path}: nested deeper than ${LIMITS.depth} levels`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (typeof v[i] === 'object') stack.push([v[i], depth + 1, `${path}[${i}]`]);
      continue;
    }
    for (const k of Object.keys(v)) {
      if (FORBIDDEN.has(k)) throw new ModelFormatError(`${what}${path}: the key '${k}' is not allowed in a model file`);
      const c = (v as Json)[k];
      if (typeof c === 'object') stack.push([c, depth + 1, `${path}.${k}`]);
    }
  }
}

const fail = (path: string, want: string, got: unknown): never => {
  let shown: string;
  try {
    shown = JSON.stringify(got) ?? String(got);
  } catch {
    shown = typeof got;
  }
  if (shown.length > 80) shown = `${shown.slice(0, 77)}...`;
  throw new ModelFormatError(`${path} must be ${want}, got ${shown}`);
};

export function obj(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
  return v as Json;
}

export function arr(v: unknown, path: string, max = LIMITS.layers): unknown[] {
  if (!Array.isArray(v)) fail(path, 'an array', v);
  if ((v as unknown[]).length > max) fail(path, `an array of at most ${max} entries`, `${(v as unknown[]).length} entries`);
  return v as unknown[];
}

export function str(v: unknown, path: string, max = LIMITS.name): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) fail(path, `a non-empty string of at most ${max} characters`, v);
  return v as string;
}

export function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `a whole number in [${min}, ${max}]`, v);
  return v as number;
}

export function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'a finite number', v);
  return v as number;
}

export function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'true or false', v);
  return v as boolean;
}

export function shape(v: unknown, path: string): number[] {
  const s = arr(v, path, 8).map((d, i) => int(d, `${path}[${i}]`, 1, LIMITS.dim));
  return s;
}

/** An optional value: undefined and null read as undefined. */
export function opt<T>(v: unknown, read: (v: unknown, path: string) => T, path: string): T | undefined {
  return v === undefined || v === null ? undefined : read(v, path);
}

/** One of the given names, looked up in a Map (never in a plain object, whose prototype has keys). */
export function oneOf<T>(table: ReadonlyMap<string, T>, v: unknown, path: string, what: string): T {
  const key = typeof v === 'string' ? v : undefined;
  const hit = key === undefined ? undefined : table.get(key);
  if (hit === undefined) throw new ModelFormatError(`${path}: unknown ${what} ${JSON.stringify(v)?.slice(0, 80)}; this lepton knows ${[...table.keys()].join(', ')}`);
  return hit;
}

/** Runs `f`, turning any error it throws (a layer constructor's RangeError, say) into a ModelFormatError. */
export function guard<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ModelFormatError) throw e;
    throw new ModelFormatError(`${path}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE, as zip and PNG), to catch a weights file that does not belong to its JSON. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float32 little-endian bytes → values (copied, so any alignment works). */
export function readF32(bytes: Uint8Array, byteOffset: number, count: number): Float32Array {
  if (LITTLE) return new Float32Array(bytes.buffer.slice(bytes.byteOffset + byteOffset, bytes.byteOffset + byteOffset + count * 4));
  const dv = new DataView(bytes.buffer, bytes.byteOffset + byteOffset, count * 4);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = dv.getFloat32(i * 4, true);
  return out;
}

/** values → float32 little-endian bytes at `byteOffset` of `out`. */
export function writeF32(out: Uint8Array, byteOffset: number, values: Float32Array): void {
  if (LITTLE) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), byteOffset);
    return;
  }
  const dv = new DataView(out.buffer, out.byteOffset + byteOffset, values.length * 4);
  for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i], true);
}

/** Throws when a weight holds NaN or ±Inf, naming it and the first bad index. */
export function checkFinite(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v !== 0) throw new ModelFormatError(`${what} holds ${v} at flat index ${i}; a model file must hold finite weights`);
  }
}

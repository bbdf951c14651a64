// Bytes of a file, chunk by chunk, in every runtime: a path or file: URL through node:fs (one
// reused buffer), http(s) URLs through fetch, File/Blob/Response/ReadableStream through their
// stream readers. Nothing reads a whole file at once.

import { nodeFs } from '../node-builtins.js';

export type ByteSource = string | URL | Blob | Response | ReadableStream<Uint8Array> | Uint8Array | ArrayBuffer;

const CHUNK = 1 << 20;

/** A name for errors: the path, the URL, the File's name, or what kind of object it was. */
export function sourceName(s: ByteSource): string {
  if (typeof s === 'string') return s;
  if (s instanceof URL) return s.href;
  if (typeof File !== 'undefined' && s instanceof File) return s.name;
  if (typeof Blob !== 'undefined' && s instanceof Blob) return '<Blob>';
  if (typeof Response !== 'undefined' && s instanceof Response) return s.url || '<Response>';
  if (s instanceof Uint8Array || s instanceof ArrayBuffer) return '<bytes>';
  return '<stream>';
}

/**
 * The bytes of `s` in chunks. A chunk may be a view of a buffer that the next chunk reuses: a
 * consumer must be done with it (or copy it) before asking for the next. A Response or
 * ReadableStream can be read once only.
 */
export async function* byteChunks(s: ByteSource, chunkSize = CHUNK): AsyncGenerator<Uint8Array> {
  if (s instanceof Uint8Array || s instanceof ArrayBuffer) {
    const b = s instanceof Uint8Array ? s : new Uint8Array(s);
    for (let at = 0; at < b.length; at += chunkSize) yield b.subarray(at, at + chunkSize);
    return;
  }
  if (typeof s === 'string' || s instanceof URL) {
    const url = s instanceof URL ? s : asUrl(s);
    if (!url || url.protocol === 'file:') {
      yield* fileChunks(url ?? (s as string), chunkSize);
      return;
    }
    const response = await fetch(url);
    if (!response.ok) throw new Error(`fetching ${url.href} failed with HTTP ${response.status}`);
    s = response;
  }
  let stream: ReadableStream<Uint8Array> | null;
  if (typeof Blob !== 'undefined' && s instanceof Blob) stream = s.stream();
  else if (typeof Response !== 'undefined' && s instanceof Response) stream = s.body;
  else stream = s as ReadableStream<Uint8Array>;
  if (!stream || typeof stream.getReader !== 'function') throw new TypeError(`expected a path, URL, File, Blob, Response, ReadableStream or bytes, got ${typeof s}`);
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function* fileChunks(path: string | URL, chunkSize: number): AsyncGenerator<Uint8Array> {
  const { open } = await nodeFs();
  const fh = await open(path, 'r');
  const buf = new Uint8Array(chunkSize);
  try {
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, chunkSize, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** A URL when the string has a scheme; undefined for a plain path (a drive letter is not a scheme). */
export function asUrl(s: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]+:/i.test(s)) return undefined;
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

/** The parts laid end to end in one fresh array (the only part itself when there is one). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

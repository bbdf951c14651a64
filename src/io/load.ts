// loadModel(source): a lepton model or a TF.js layers model, from a directory or file (Node), a
// URL or Response (fetch; the weights resolve beside the JSON), IndexedDB, or bytes in memory.

import { nodeFs, nodePath } from '../node-builtins.js';
import type { Model, Sequential } from '../model/index.js';
import { concatBytes } from '../data/source.js';
import { runtime } from '../wasm/runtime.js';
import { LIMITS, obj, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { fromArtifacts, parseModelJson, readWeightsSpec } from './lepton.js';
import { idbGet, jsonPathOf } from './save.js';
import { fromTfjs, isTfjsArtifacts, type TfjsArtifacts } from './tfjs.js';

/** JSON (text or parsed) and the weights: lepton's binary, or a TF.js model's shards concatenated in manifest order. */
export interface InMemoryModel {
  json: string | object;
  weights: Uint8Array | ArrayBuffer;
}

export interface LoadHandler {
  load(): Promise<InMemoryModel> | InMemoryModel;
}

export type LoadSource = string | URL | Response | PromiseLike<Response> | InMemoryModel | TfjsArtifacts | LoadHandler;

/** Reads a file that sits beside the model's JSON, refusing more than `maxBytes`. */
type ReadSibling = (file: string, maxBytes: number) => Promise<Uint8Array>;

/** See lazy.ts, which loads this chunk and calls this. */
export async function loadModel<M extends Model = Sequential>(source: LoadSource): Promise<M> {
  return (await load(source)) as M;
}

async function load(source: LoadSource): Promise<Model> {
  runtime(); // not initialized is the caller's error, not the file's
  if (source === null || source === undefined) throw new TypeError(`loadModel: expected a path, URL, Response or { json, weights }, got ${source}`);
  if (typeof source === 'string' && source.startsWith('indexeddb://')) return fromMemory(await idbGet(source.slice(12)));
  if (typeof source === 'string' || source instanceof URL) {
    const url = asUrl(source);
    if (!url || url.protocol === 'file:') return fromFileSystem(source);
    return fromResponse(await fetch(url), url.href);
  }
  if (isResponse(source)) return fromResponse(source, source.url);
  if (typeof (source as PromiseLike<Response>).then === 'function') {
    const r = await (source as PromiseLike<Response>);
    return fromResponse(r, r.url);
  }
  if (isTfjsArtifacts(source)) return fromTfjs(source as TfjsArtifacts);
  if (typeof (source as LoadHandler).load === 'function') return fromMemory(await (source as LoadHandler).load());
  if (typeof source === 'object' && 'json' in source && 'weights' in source) return fromMemory(source as InMemoryModel);
  throw new TypeError('loadModel: expected a path, URL, Response, { json, weights } or a handler with load()');
}

function fromMemory({ json, weights }: InMemoryModel): Model {
  const bytes = weights instanceof ArrayBuffer ? new Uint8Array(weights) : weights;
  if (!(bytes instanceof Uint8Array)) throw new ModelFormatError(`weights: expected a Uint8Array or ArrayBuffer, got ${typeof weights}`);
  const doc = parseModelJson(json);
  if (doc.format === 'lepton') return fromArtifacts(doc, bytes);
  if ('modelTopology' in doc) return fromTfjs({ modelJson: doc, weightData: bytes });
  throw new ModelFormatError(`model.json: neither a lepton model (format: 'lepton') nor a TF.js layers model (modelTopology)`);
}

async function fromDoc(doc: Json, readSibling: ReadSibling): Promise<Model> {
  if (doc.format === 'lepton') {
    const spec = readWeightsSpec(doc);
    return fromArtifacts(doc, await readSibling(spec.file, spec.byteLength));
  }
  if ('modelTopology' in doc) {
    const groups = Array.isArray(doc.weightsManifest) ? doc.weightsManifest : [];
    const files = groups.flatMap((g, i) => (obj(g, `weightsManifest[${i}]`).paths as unknown[] | undefined) ?? []);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (const [i, f] of files.entries()) {
      if (typeof f !== 'string' || !f) throw new ModelFormatError(`weightsManifest: path ${i} is not a file name`);
      const part = await readSibling(f, LIMITS.weightBytes - total);
      parts.push(part);
      total += part.byteLength;
    }
    return fromTfjs({ modelJson: doc, weightData: concatBytes(parts) });
  }
  throw new ModelFormatError(`model.json: neither a lepton model (format: 'lepton') nor a TF.js layers model (modelTopology)`);
}

async function fromFileSystem(target: string | URL): Promise<Model> {
  const fs = await nodeFs();
  const path = await nodePath();
  const { dir, json } = jsonPathOf(target, path);
  const readSibling: ReadSibling = async (file, maxBytes) => {
    if (path.isAbsolute(file) || file.split(/[\\/]/).includes('..')) throw new ModelFormatError(`weights path ${JSON.stringify(file)} must stay beside model.json`);
    return readCapped(fs, path.join(dir, file), maxBytes);
  };
  // A writer may replace the pair between our two reads and then delete the binary we were
  // about to open; model.json then names a newer one, so read it again (a few times at most).
  for (let attempt = 0; ; attempt++) {
    const doc = parseModelJson(new TextDecoder().decode(await readCapped(fs, json, LIMITS.jsonChars)), json);
    try {
      return await fromDoc(doc, readSibling);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw wrapIo(e);
    }
  }
}

async function readCapped(fs: typeof import('node:fs/promises'), file: string, maxBytes: number): Promise<Uint8Array> {
  const h = await fs.open(file, 'r');
  try {
    const { size } = await h.stat();
    if (size > maxBytes) throw new ModelFormatError(`${file} is ${size} bytes; at most ${maxBytes} expected`);
    const buf = new Uint8Array(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await h.read(buf, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    if (got !== size) throw new ModelFormatError(`${file} shrank while it was read`);
    return buf;
  } finally {
    await h.close();
  }
}

function wrapIo(e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return new ModelFormatError(`a file of the model is missing: ${(e as Error).message}`, { cause: e });
  return e;
}

async function fromResponse(r: Response, where: string): Promise<Model> {
  const text = new TextDecoder().decode(await responseBytes(r, where || 'the Response given', LIMITS.jsonChars));
  const doc = parseModelJson(text, where || 'model.json');
  return fromDoc(doc, async (file, maxBytes) => {
    if (!where) throw new ModelFormatError('the Response has no url, so its weights file cannot be located; pass { json, weights } instead');
    const url = new URL(file, where);
    return responseBytes(await fetch(url), url.href, maxBytes);
  });
}

async function responseBytes(r: Response, where: string, maxBytes: number): Promise<Uint8Array> {
  if (!r.ok) throw new ModelFormatError(`fetching ${where} failed with HTTP ${r.status}`);
  const declared = Number(r.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) throw new ModelFormatError(`${where} is ${declared} bytes; at most ${maxBytes} expected`);
  const bytes = new Uint8Array(await r.arrayBuffer());
  if (bytes.byteLength > maxBytes) throw new ModelFormatError(`${where} is ${bytes.byteLength} bytes; at most ${maxBytes} expected`);
  return bytes;
}

function asUrl(s: string | URL): URL | undefined {
  if (s instanceof URL) return s;
  if (!/^[a-z][a-z0-9+.-]+:\/\//i.test(s)) return undefined; // a plain path (and C:\ on Windows)
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
}

function isResponse(s: unknown): s is Response {
  return typeof Response !== 'undefined' && s instanceof Response;
}

// Where a model goes: a directory in Node, IndexedDB or a download in browsers, or a handler.
// In Node every file is written atomically: temp file, fsync, rename. The weights binary gets
// a name of its own (from its CRC) and is in place before model.json is renamed over the old
// one, so that rename is the single commit point: a reader sees the old pair or the new pair,
// never a mix, and a crash at any moment leaves the last good model loadable.

import { nodeFs, nodePath } from '../node-builtins.js';
import type { Model } from '../model/index.js';
import { ModelFormatError } from './errors.js';
import { toArtifacts } from './lepton.js';
import type { ModelArtifacts, SaveOptions, SaveTarget } from './types.js';

export type { ModelArtifacts, SaveHandler, SaveOptions, SaveTarget } from './types.js';

export async function saveModel(model: Model, target?: SaveTarget, options: SaveOptions = {}): Promise<ModelArtifacts> {
  let opts = options;
  if (typeof target === 'string' && target.startsWith('downloads://')) opts = { ...options, weightsFile: `${target.slice(12) || 'model'}.weights.bin` };
  const artifacts = toArtifacts(model, opts);
  if (target === undefined) return artifacts;
  const weightsFile = (JSON.parse(artifacts.json) as { weights: { file: string } }).weights.file;
  if (typeof target === 'object' && !(target instanceof URL)) {
    if (typeof target.save !== 'function') throw new TypeError(`save: a target object must have a save(artifacts) method`);
    await target.save({ ...artifacts, weightsFile });
  } else if (typeof target === 'string' && target.startsWith('indexeddb://')) {
    await idbPut(target.slice(12), artifacts);
  } else if (typeof target === 'string' && target.startsWith('downloads://')) {
    download(`${target.slice(12) || 'model'}.json`, new TextEncoder().encode(artifacts.json), 'application/json');
    download(weightsFile, artifacts.weights, 'application/octet-stream');
  } else {
    await saveToDirectory(target, artifacts, weightsFile);
  }
  return artifacts;
}

// ---- Node: a directory ------------------------------------------------------------------------

/** Where model.json lives for a path: `dir` → dir/model.json; a path ending in .json is the file itself. */
/** @internal */
export function jsonPathOf(target: string | URL, path: typeof import('node:path')): { dir: string; json: string } {
  const p = target instanceof URL ? decodeURIComponent(target.pathname) : target.startsWith('file://') ? decodeURIComponent(new URL(target).pathname) : target;
  if (p.endsWith('.json')) return { dir: path.dirname(p), json: p };
  return { dir: p, json: path.join(p, 'model.json') };
}

async function saveToDirectory(target: string | URL, artifacts: ModelArtifacts, weightsFile: string): Promise<void> {
  const fs = await nodeFs();
  const path = await nodePath();
  const { dir, json } = jsonPathOf(target, path);
  await fs.mkdir(dir, { recursive: true });
  const previous = await referencedWeights(fs, json);
  await writeAtomic(fs, path.join(dir, weightsFile), artifacts.weights);
  await writeAtomic(fs, json, new TextEncoder().encode(artifacts.json)); // the commit point
  await fsyncDir(fs, dir);
  // The previous generation stays for readers that read the old model.json a moment ago; older
  // binaries and temp files of interrupted writers go.
  const keep = new Set([weightsFile, previous]);
  for (const f of await fs.readdir(dir)) {
    const stale = (/^weights-[0-9a-f]{8}\.bin$/.test(f) && !keep.has(f)) || (f.startsWith('.tmp-lepton-') && !f.includes(`-${process.pid}-`));
    if (stale) await fs.rm(path.join(dir, f), { force: true });
  }
}

async function referencedWeights(fs: typeof import('node:fs/promises'), json: string): Promise<string | undefined> {
  try {
    const doc = JSON.parse(await fs.readFile(json, 'utf8')) as { weights?: { file?: unknown } };
    return typeof doc.weights?.file === 'string' ? doc.weights.file : undefined;
  } catch {
    return undefined; // none yet, or unreadable: nothing to keep
  }
}

let tmpCounter = 0;

/** temp file in the same directory → write → fsync → close → rename over `file`. */
/** @internal */
export async function writeAtomic(fs: typeof import('node:fs/promises'), file: string, bytes: Uint8Array): Promise<void> {
  const path = await nodePath();
  const tmp = path.join(path.dirname(file), `.tmp-lepton-${process.pid}-${tmpCounter++}-${path.basename(file)}`);
  const h = await fs.open(tmp, 'wx');
  try {
    await h.writeFile(bytes);
    await h.sync();
  } catch (e) {
    await h.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await h.close();
  await fs.rename(tmp, file);
}

async function fsyncDir(fs: typeof import('node:fs/promises'), dir: string): Promise<void> {
  try {
    const h = await fs.open(dir, 'r');
    try {
      await h.sync();
    } finally {
      await h.close();
    }
  } catch {
    // Windows cannot open a directory for fsync; its rename is durable enough there.
  }
}

// ---- browsers -----------------------------------------------------------------------------------

const IDB = { db: 'lepton', store: 'models' };

function idbOpen(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') throw new Error('indexeddb:// targets need a browser with IndexedDB');
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(IDB.db, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(IDB.store);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** One record per model, written in one transaction: IndexedDB commits it whole or not at all. */
async function idbPut(key: string, a: ModelArtifacts): Promise<void> {
  const db = await idbOpen();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(IDB.store, 'readwrite');
      tx.objectStore(IDB.store).put({ json: a.json, weights: a.weights.slice().buffer }, key);
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function idbGet(key: string): Promise<ModelArtifacts> {
  const db = await idbOpen();
  try {
    const rec = await new Promise<unknown>((resolve, reject) => {
      const req = db.transaction(IDB.store, 'readonly').objectStore(IDB.store).get(key);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const r = rec as { json?: unknown; weights?: unknown } | undefined;
    if (!r || typeof r.json !== 'string' || !(r.weights instanceof ArrayBuffer)) throw new ModelFormatError(`indexeddb://${key}: no lepton model stored under that name`);
    return { json: r.json, weights: new Uint8Array(r.weights) };
  } finally {
    db.close();
  }
}

function download(name: string, bytes: Uint8Array, type: string): void {
  if (typeof document === 'undefined') throw new Error('downloads:// targets need a browser page (document)');
  const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

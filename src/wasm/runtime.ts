// Loading the kernels: one init() for Node, browsers, bundlers and workerd.
// No loader library: the kernels take and return numbers only, so `instance.exports` with our own
// typed-array views (the arena's) is the whole interface.

import { nodeModule } from '../node-builtins.js';
import { Arena } from './arena.js';
import type { Kernels } from './kernels.js';
import type { Pool } from './pool.js';
import { threadSupport, withSharedMemory, type ThreadSupport } from './threads.js';

/** What `init` accepts: nothing (find the .wasm beside the bundle), bytes, a URL, a Response, or a compiled module. */
export type WasmSource =
  | WebAssembly.Module
  | BufferSource
  | URL
  | string
  | Response
  | PromiseLike<Response>;

export interface InitOptions {
  /** Opt in to the relaxed-SIMD build (fused multiply-add): faster, not bit-identical across engines. */
  fast?: boolean;
  /** Where the relaxed build is, when `fast` is set and the default location does not apply. */
  fastSource?: WasmSource;
  /** Upper bound of the linear memory in 64 KiB pages (default 65536 = 4 GiB). */
  maximumPages?: number;
  /**
   * Threads kernels may use, the calling one included. Default: every core in Node (and Deno,
   * Bun); in a browser, navigator.hardwareConcurrency when the page is cross-origin isolated and 1
   * otherwise. Results do not depend on it. Calling init again with another count changes it.
   */
  threads?: number;
}

export type BuildName = 'simd' | 'relaxed-simd';

export interface Runtime {
  readonly kernels: Kernels;
  readonly memory: WebAssembly.Memory;
  readonly arena: Arena;
  /** Which build runs. */
  readonly build: BuildName;
  /** Why the fast build was not used, when it was asked for and is not running. */
  readonly fallbackReason?: string;
  /** Threads kernels may use, the calling one included. */
  readonly threads: number;
  /** Why threads are not available, when they are not. */
  readonly threadsReason?: string;
  /**
   * Kernel calls split across threads so far (0 on one thread). Introspection, not a metric to
   * tune by: tests and benchmarks check with it that threads really ran, e.g. in a browser.
   */
  readonly parallelJobs: number;
}

export interface RuntimeState extends Runtime {
  threads: number;
  threadsReason?: string;
  pool?: Pool;
}

let current: RuntimeState | undefined;
let pending: Promise<RuntimeState> | undefined;
let noticeGiven = false;

/** The initialized runtime; throws a clear error before `init()` has resolved. */
export function runtime(): Runtime {
  if (!current) throw new Error('lepton is not initialized: call `await init()` before building or running a model');
  return current;
}

/** Which build runs, or undefined before `init()`. */
export function build(): BuildName | undefined {
  return current?.build;
}

/**
 * Compiles and instantiates the kernels. With no source it finds `lepton.wasm` (or
 * `lepton-relaxed.wasm` with `fast`) beside this module: from the file system in Node, by fetch
 * elsewhere. Calling it again returns the runtime that is already there; asking then for another
 * build is an error, since models hold pointers into the first one's memory.
 */
export async function init(source?: WasmSource | InitOptions, options: InitOptions = {}): Promise<Runtime> {
  if (isOptions(source)) {
    options = source;
    source = undefined;
  }
  if (current || pending) {
    const rt = current ?? (await pending!);
    const wantFast = options.fast === true;
    if (wantFast !== (rt.build === 'relaxed-simd') && !(wantFast && rt.fallbackReason)) {
      throw new Error(
        `lepton is already initialized with the ${rt.build} build; init({ fast: ${wantFast} }) cannot switch builds in a running program`,
      );
    }
    if (options.threads !== undefined) setThreads(rt, options.threads);
    return rt;
  }
  pending = instantiate(source as WasmSource | undefined, options);
  try {
    current = await pending;
    return current;
  } finally {
    pending = undefined;
  }
}

function isOptions(s: unknown): s is InitOptions {
  return (
    typeof s === 'object' && s !== null && !(s instanceof WebAssembly.Module) && !(s instanceof URL) &&
    !ArrayBuffer.isView(s) && !(s instanceof ArrayBuffer) && !isResponse(s) && typeof (s as any).then !== 'function'
  );
}

function isResponse(s: unknown): s is Response {
  return typeof Response !== 'undefined' && s instanceof Response;
}

async function instantiate(source: WasmSource | undefined, options: InitOptions): Promise<RuntimeState> {
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new RangeError(`init: threads must be a whole number ≥ 1, got ${options.threads}`);
  }
  let support = await threadSupport();
  const maximum = options.maximumPages ?? 65536;
  // A shared memory reserves its maximum up front; where that fails (a 32-bit device), run unshared.
  let sharedMemory: WebAssembly.Memory | undefined;
  if (support.spawner) {
    try {
      sharedMemory = new WebAssembly.Memory({ initial: 16, maximum, shared: true });
    } catch (e) {
      support = { ...support, spawner: undefined, reason: `a shared memory of up to ${maximum} pages cannot be reserved here (${(e as Error).message})` };
    }
  }
  let fallbackReason: string | undefined;
  let loaded: Loaded | undefined;
  if (options.fast) {
    const fastSource = options.fastSource ?? source ?? (await findDefault('lepton-relaxed.wasm'));
    try {
      loaded = await load(fastSource, support, true);
    } catch (e) {
      fallbackReason = (e as Error).message;
    }
    if (!loaded && options.fastSource === undefined && source !== undefined) {
      // The user passed one source for the fast build and it did not work: say so, run it plain.
      fallbackReason ??= 'the given source is not a relaxed-SIMD build';
    }
  }
  if (!loaded) loaded = await load(source ?? (await findDefault('lepton.wasm')), support, false);

  const { module } = loaded;
  let memory!: WebAssembly.Memory;
  let instance: WebAssembly.Instance | undefined;
  // Shared when threads can run at all, so that the count can change later; a module given
  // compiled (not as bytes) may import either kind of memory: try the one it was built for.
  for (const shared of loaded.shared === undefined ? [false, true] : [loaded.shared]) {
    if (shared && !support.spawner) continue;
    try {
      memory = shared && sharedMemory ? sharedMemory : new WebAssembly.Memory({ initial: 16, maximum, shared });
      instance = await WebAssembly.instantiate(module, { env: { memory } });
      break;
    } catch (e) {
      if (!(e instanceof WebAssembly.LinkError) && !shared) throw e;
    }
  }
  if (!instance) throw new Error('init: the WebAssembly module given imports a memory lepton cannot provide');
  const raw = instance.exports as unknown as Kernels;
  if (typeof raw.lepton_heap_base !== 'function') {
    throw new Error('init: the WebAssembly module given is not a lepton kernel build (no lepton_heap_base export)');
  }
  const build: BuildName = raw.lepton_build() === 1 ? 'relaxed-simd' : 'simd';
  if (options.fast && build !== 'relaxed-simd') fallbackReason ??= 'the module given is the plain SIMD build';
  const arena = new Arena(memory, raw.lepton_heap_base());
  const isShared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
  let pool: Pool | undefined;
  let kernels = raw;
  let threadsReason = support.reason;
  if (isShared && support.spawner) {
    const workers = await workersChunk();
    if (typeof workers === 'string') threadsReason = workers;
    else {
      pool = new workers.Pool(module, memory, build === 'relaxed-simd', 1, support.spawner(workers.WORKER_SOURCE), support.canBlock);
      kernels = workers.parallelKernels(raw, pool, arena);
    }
  } else threadsReason ??= 'the kernel module given imports an unshared memory';
  const rt: RuntimeState = {
    kernels,
    memory, arena, build, fallbackReason, threads: 1, threadsReason, pool,
    get parallelJobs() {
      return this.pool?.jobs ?? 0;
    },
  };
  if (support.notIsolated && options.threads !== 1 && !noticeGiven && typeof console !== 'undefined') {
    noticeGiven = true;
    console.info(`lepton runs on one thread: ${support.reason}.`);
  }
  setThreads(rt, options.threads ?? (pool ? support.cores : 1));
  return rt;
}

/**
 * The pool's chunk (workers.ts, dist/lepton-workers.js), imported where threads can run; when it
 * cannot be imported, lepton runs on one thread and says why (the reason names the file).
 */
async function workersChunk(): Promise<typeof import('./workers.js') | string> {
  try {
    return await import('./workers.js');
  } catch (e) {
    const reason = `the worker pool's chunk lepton-workers.js, served beside lepton.js, did not load (${(e as Error)?.message ?? e})`;
    if (typeof console !== 'undefined') console.warn(`lepton runs on one thread: ${reason}.`);
    return reason;
  }
}

/** Asks for `n` threads; stays on fewer (with threadsReason saying why) when workers cannot start. */
function setThreads(rt: RuntimeState, n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`init: threads must be a whole number ≥ 1, got ${n}`);
  if (!rt.pool) return;
  try {
    rt.pool.resize(n);
  } catch (e) {
    // workerd: node:worker_threads imports, but its Worker throws.
    rt.pool.close();
    rt.pool = undefined;
    rt.threadsReason = `worker threads cannot start here (${(e as Error).message})`;
  }
  rt.threads = rt.pool ? rt.pool.threads : 1;
}

interface Loaded {
  module: WebAssembly.Module;
  /** Whether it imports a shared memory; unknown for a module given already compiled. */
  shared?: boolean;
}

/** Compiles a source; from bytes, the shared-memory form when threads can run here. */
async function load(source: WasmSource, support: ThreadSupport, relaxed: boolean): Promise<Loaded> {
  if (source instanceof WebAssembly.Module) return { module: source };
  const raw = await bytesOf(source as Bytesish);
  const bytes = ArrayBuffer.isView(raw) ? new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength) : new Uint8Array(raw);
  const shared = support.spawner ? withSharedMemory(bytes) : undefined;
  const chosen = (shared ?? bytes) as Uint8Array<ArrayBuffer>;
  const module = relaxed ? await compileRelaxed(chosen) : await compile(chosen);
  return { module, shared: shared !== undefined };
}

// Resolved here, at call time, never at module load: workerd has no usable import.meta.url.
// Each file is named by a literal `new URL('./file', import.meta.url)`, the one form that Vite,
// webpack 5 and Parcel recognize and copy the asset for.
function defaultUrl(file: 'lepton.wasm' | 'lepton-relaxed.wasm'): URL {
  let url: URL | undefined;
  try {
    url = file === 'lepton.wasm' ? new URL('./lepton.wasm', import.meta.url) : new URL('./lepton-relaxed.wasm', import.meta.url);
  } catch {
    url = undefined; // no import.meta.url (workerd), or not a URL a base can be taken from
  }
  if (!url) {
    throw new Error(
      `init: cannot locate ${file} beside the bundle in this runtime (no import.meta.url); ` +
        'pass the module explicitly: init(wasmModule), or bytes, a URL or a Response',
    );
  }
  return url;
}


// Every source but a compiled module. (Exclude<> cannot express it: WebAssembly.Module is an
// empty interface, so every object type is assignable to it.)
type Bytesish = BufferSource | URL | string | Response | PromiseLike<Response>;

/**
 * Beside the bundle (dist/lepton.js next to dist/lepton.wasm); when running from the source tree
 * in Node (src/wasm/runtime.ts), the build output in build/ is the fallback.
 */
async function findDefault(file: 'lepton.wasm' | 'lepton-relaxed.wasm'): Promise<URL> {
  const beside = defaultUrl(file);
  if (beside.protocol !== 'file:') return beside;
  const { access } = (await nodeModule('node:fs/promises')) as typeof import('node:fs/promises');
  for (const url of [beside, new URL(`../../build/${file}`, beside)]) {
    try {
      await access(url);
      return url;
    } catch {
      // not there: try the next place
    }
  }
  return beside; // reading it fails with ENOENT naming where it looked
}

async function bytesOf(source: Bytesish): Promise<BufferSource> {
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return source as BufferSource;
  if (typeof source === 'string' || source instanceof URL) {
    const url = typeof source === 'string' ? toUrl(source) : source;
    if (url.protocol === 'file:') {
      const { readFile } = (await nodeModule('node:fs/promises')) as typeof import('node:fs/promises');
      return readFile(url);
    }
    return responseBytes(await fetch(url), url.href);
  }
  const response = await (source as Response | PromiseLike<Response>);
  return responseBytes(response, response.url || 'the Response given');
}

function toUrl(s: string): URL {
  try {
    return new URL(s);
  } catch {
    // A plain path: relative to the working directory in Node.
    const cwd = typeof process !== 'undefined' && process.cwd ? process.cwd() : '/';
    return new URL(s, `file://${cwd.replace(/\\/g, '/').replace(/\/?$/, '/')}`);
  }
}

async function responseBytes(r: Response, where: string): Promise<ArrayBuffer> {
  if (!r.ok) throw new Error(`init: fetching ${where} failed with HTTP ${r.status}`);
  return r.arrayBuffer();
}

async function compile(bytes: BufferSource): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes);
  } catch (e) {
    throw new Error(`init: the bytes given are not a WebAssembly module this engine can compile (${(e as Error).message})`);
  }
}

async function compileRelaxed(bytes: BufferSource): Promise<WebAssembly.Module> {
  if (!WebAssembly.validate(bytes)) {
    await enableRelaxedSimdFlag();
    if (!WebAssembly.validate(bytes)) throw new Error('this engine does not accept relaxed SIMD');
  }
  return WebAssembly.compile(bytes);
}

// Node 20's V8 ships relaxed SIMD behind a flag that can still be set before compiling. Detect the
// capability (a `node:v8` with setFlagsFromString), not the runtime: workerd imports node modules too.
async function enableRelaxedSimdFlag(): Promise<void> {
  try {
    const v8 = (await nodeModule('node:v8')) as typeof import('node:v8');
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // No such module here: the engine's own answer stands.
  }
}

/**
 * Resolves with the threads that can take part (the caller included) once every requested thread
 * has started, or after `timeoutMs`. Workers start in the background and take work once ready, so
 * the first steps after init() may run on fewer threads (with the same bits); benchmarks and
 * tests wait here to measure all of them.
 */
export async function threadsReady(timeoutMs = 5000): Promise<number> {
  const rt = runtime() as RuntimeState;
  const end = Date.now() + timeoutMs;
  while (rt.pool && rt.pool.available() < rt.pool.threads && Date.now() < end) await new Promise((r) => setTimeout(r, 2));
  return rt.pool ? rt.pool.available() : 1;
}

/** Forgets the runtime (tests only: models built before keep pointers into the old memory). */
export function resetForTests(): void {
  current?.pool?.close();
  current = undefined;
}

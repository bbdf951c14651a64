// Loading the kernels: one init() for Node, browsers, bundlers and workerd.
// No loader library: the kernels take and return numbers only, so `instance.exports` with our own
// typed-array views (the arena's) is the whole interface.

import { nodeModule } from '../node-builtins.js';
import { Arena } from './arena.js';
import type { Kernels } from './kernels.js';

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
}

let current: Runtime | undefined;
let pending: Promise<Runtime> | undefined;

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

async function instantiate(source: WasmSource | undefined, options: InitOptions): Promise<Runtime> {
  let fallbackReason: string | undefined;
  let module: WebAssembly.Module | undefined;
  if (options.fast) {
    const fastSource = options.fastSource ?? source ?? (await findDefault('lepton-relaxed.wasm'));
    try {
      module = await compileRelaxed(fastSource);
    } catch (e) {
      fallbackReason = (e as Error).message;
    }
    if (!module && options.fastSource === undefined && source !== undefined) {
      // The user passed one source for the fast build and it did not work: say so, run it plain.
      fallbackReason ??= 'the given source is not a relaxed-SIMD build';
    }
  }
  if (!module) module = await compile(source ?? (await findDefault('lepton.wasm')));

  const memory = new WebAssembly.Memory({ initial: 16, maximum: options.maximumPages ?? 65536 });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  if (typeof kernels.lepton_heap_base !== 'function') {
    throw new Error('init: the WebAssembly module given is not a lepton kernel build (no lepton_heap_base export)');
  }
  const build: BuildName = kernels.lepton_build() === 1 ? 'relaxed-simd' : 'simd';
  if (options.fast && build !== 'relaxed-simd') fallbackReason ??= 'the module given is the plain SIMD build';
  const arena = new Arena(memory, kernels.lepton_heap_base());
  return { kernels, memory, arena, build, fallbackReason };
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

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  const bytes = await bytesOf(source as Bytesish);
  try {
    return await WebAssembly.compile(bytes);
  } catch (e) {
    throw new Error(`init: the bytes given are not a WebAssembly module this engine can compile (${(e as Error).message})`);
  }
}

async function compileRelaxed(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  const bytes = await bytesOf(source as Bytesish);
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

/** Forgets the runtime (tests only: models built before keep pointers into the old memory). */
export function resetForTests(): void {
  current = undefined;
}

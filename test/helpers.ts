// Shared by the kernel and layer tests: a fresh kernel instance over its own memory, arrays in
// and out of the arena, and a comparison that prints where it failed.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import * as assert from 'uvu/assert';
import { Arena } from '../src/wasm/arena.js';
import type { Kernels } from '../src/wasm/kernels.js';

export interface Bench {
  k: Kernels;
  arena: Arena;
  memory: WebAssembly.Memory;
  /** Copies `data` into a fresh 16-byte-aligned block; returns its byte offset. */
  put(data: ArrayLike<number>): number;
  /** Copies int32 `data` into a fresh block. */
  putI32(data: ArrayLike<number>): number;
  /** A zeroed block of n floats. */
  zeros(n: number): number;
  /** A copy of n floats at ptr, as float64. */
  get(ptr: number, n: number): Float64Array;
}

const modules = new Map<string, WebAssembly.Module>();

/**
 * Node 20 accepts the relaxed build only behind this flag, set before it compiles. Every test that
 * compiles the relaxed build itself comes through here; init() sets the flag on its own.
 */
export function allowRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** A fresh instance of the plain (default) or relaxed build, over its own memory. */
export function kernels(build: 'simd' | 'relaxed' = 'simd'): Bench {
  const file = build === 'simd' ? 'build/lepton.wasm' : 'build/lepton-relaxed.wasm';
  let module = modules.get(file);
  if (!module) {
    if (build === 'relaxed') allowRelaxedSimd();
    module = new WebAssembly.Module(readFileSync(new URL(`../${file}`, import.meta.url)));
    modules.set(file, module);
  }
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels;
  const arena = new Arena(memory, k.lepton_heap_base());
  const put = (data: ArrayLike<number>): number => {
    const p = arena.alloc(data.length * 4);
    arena.f32(p, data.length).set(data);
    return p;
  };
  const putI32 = (data: ArrayLike<number>): number => {
    const p = arena.alloc(data.length * 4);
    arena.i32(p, data.length).set(data);
    return p;
  };
  return {
    k, arena, memory, put, putI32,
    zeros: (n) => arena.alloc(n * 4),
    get: (ptr, n) => Float64Array.from(arena.f32(ptr, n)),
  };
}

/** Deterministic uniform numbers in [lo, hi) (mulberry32), for test inputs. */
export function rand(n: number, seed = 1, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/**
 * Asserts |got − ref| ≤ atol + rtol·|ref| elementwise (NaN matches NaN only). On failure lists the
 * first few bad indices with reference, value and the context (shape, tile) given.
 */
export function close(got: ArrayLike<number>, ref: ArrayLike<number>, atol: number, rtol: number, context = ''): void {
  assert.is(got.length, ref.length, `length (${context})`);
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i], g = got[i];
    const ok = Number.isNaN(r) ? Number.isNaN(g) : Math.abs(g - r) <= atol + rtol * Math.abs(r) || g === r;
    if (!ok) {
      count++;
      if (bad.length < 5) bad.push(`[${i}] ref ${r} got ${g} (diff ${Math.abs(g - r).toExponential(2)})`);
    }
  }
  if (count) assert.unreachable(`${count} of ${ref.length} elements off (${context}; atol ${atol}, rtol ${rtol}):\n  ${bad.join('\n  ')}`);
}

const tempDirs: string[] = [];
/** A fresh directory under the system's temp dir, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  if (tempDirs.push(dir) === 1) process.on('exit', () => { for (const d of tempDirs) rmSync(d, { recursive: true, force: true }); });
  return dir;
}

/** Awaits `p` and checks that it rejects with an Error whose message matches `re`. */
export async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  if (error === undefined) assert.unreachable(`expected a rejection matching ${re}, got a result`);
  assert.match((error as Error).message, re);
}

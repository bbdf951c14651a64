// GFLOP/s of the gemm kernels (assembly/f32-gemm.ts), plain and relaxed builds, beside
// @tensorflow/tfjs-backend-wasm (one thread) in the same run. Square sizes, and the three forms
// of a dense layer 784 → 256 at batch 128 (the MNIST-sized layer of the examples).
// Each result is first checked against test/ref/gemm.ts on a small shape.
//   npx tsx bench/gemm.bench.ts [--quick]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { Arena } from '../src/wasm/arena.js';
import type { Kernels } from '../src/wasm/kernels.js';
import { gemmRef, type Form } from '../test/ref/gemm.js';

// Node 20 accepts relaxed SIMD only behind this flag, set before anything compiles.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

export interface GemmRow {
  shape: string;
  form: Form;
  m: number;
  n: number;
  k: number;
  plain: number; // GFLOP/s
  relaxed: number;
  tfjs: number;
}

export interface GemmBenchOptions {
  quick?: boolean;
  log?: (line: string) => void;
}

interface Case { shape: string; form: Form; m: number; n: number; k: number }

const CASES: Case[] = [
  { shape: 'square 256', form: 'nn', m: 256, n: 256, k: 256 },
  { shape: 'square 512', form: 'nn', m: 512, n: 512, k: 512 },
  { shape: 'square 1024', form: 'nn', m: 1024, n: 1024, k: 1024 },
  { shape: 'dense Y = X·W', form: 'nn', m: 128, n: 256, k: 784 },
  { shape: 'dense dX = dY·Wᵀ', form: 'nt', m: 128, n: 784, k: 256 },
  { shape: 'dense dW = Xᵀ·dY', form: 'tn', m: 784, n: 256, k: 128 },
];

/** A timed gemm: run() does the work once (results complete when it returns). */
interface Prepared { run(): void; result(): Float32Array }

/** Operands of a case, laid out as the form takes them: A (m×k | k×m), B (k×n | n×k). */
function operands(c: Case): { a: Float32Array; b: Float32Array; lda: number; ldb: number } {
  const a = random(c.m * c.k, 1), b = random(c.k * c.n, 2);
  return { a, b, lda: c.form === 'tn' ? c.m : c.k, ldb: c.form === 'nt' ? c.k : c.n };
}

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

function leptonModule(file: string): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(new URL(`../build/${file}`, import.meta.url)));
}

function prepareLepton(module: WebAssembly.Module, c: Case): Prepared {
  const memory = new WebAssembly.Memory({ initial: 16, maximum: 65536 });
  const k = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels;
  const arena = new Arena(memory, k.lepton_heap_base());
  const { a, b, lda, ldb } = operands(c);
  const pa = arena.alloc(a.length * 4), pb = arena.alloc(b.length * 4), pc = arena.alloc(c.m * c.n * 4);
  const ws = arena.alloc(k.f32_gemm_workspace(c.m, c.n, c.k));
  arena.f32(pa, a.length).set(a);
  arena.f32(pb, b.length).set(b);
  const fn = c.form === 'nn' ? k.f32_gemm_nn : c.form === 'nt' ? k.f32_gemm_nt : k.f32_gemm_tn;
  return {
    run: () => fn(c.m, c.n, c.k, pa, lda, pb, ldb, pc, c.n, 0, ws),
    result: () => arena.f32(pc, c.m * c.n).slice(),
  };
}

async function loadTfjs(): Promise<any> {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(dist + path.sep);
  if (typeof wasm.setThreadsCount === 'function') wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  return tf;
}

function prepareTfjs(tf: any, c: Case): Prepared {
  const { a, b } = operands(c);
  const ta = tf.tensor2d(a, c.form === 'tn' ? [c.k, c.m] : [c.m, c.k]);
  const tb = tf.tensor2d(b, c.form === 'nt' ? [c.n, c.k] : [c.k, c.n]);
  let last: Float32Array = new Float32Array(0);
  return {
    run: () => {
      const y = tf.matMul(ta, tb, c.form === 'tn', c.form === 'nt');
      last = y.dataSync() as Float32Array; // includes completion
      y.dispose();
    },
    result: () => last,
  };
}

/** Checks an implementation on a small shape of the same form against the f64 reference. */
function validate(name: string, prepare: (c: Case) => Prepared, form: Form): void {
  const c: Case = { shape: 'check', form, m: 37, n: 29, k: 300 };
  const p = prepare(c);
  p.run();
  const got = p.result();
  const { a, b, lda, ldb } = operands(c);
  const ref = new Float64Array(c.m * c.n);
  gemmRef(form, c.m, c.n, c.k, a, lda, b, ldb, ref, c.n, false);
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(got[i] - ref[i]) <= 1e-4 * c.k)) {
      throw new Error(`${name} ${form}: element ${i} is ${got[i]}, reference ${ref[i]}`);
    }
  }
}

/** Median GFLOP/s over `runs` timed runs of at least ~minMs each, after a warm-up. */
function time(p: Prepared, c: Case, runs: number, minMs: number): number {
  const flops = 2 * c.m * c.n * c.k;
  let reps = 1;
  const t0 = performance.now();
  p.run();
  const once = Math.max(performance.now() - t0, 1e-3);
  reps = Math.max(1, Math.ceil(minMs / once));
  for (let i = 0; i < reps; i++) p.run(); // warm-up
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const s = performance.now();
    for (let i = 0; i < reps; i++) p.run();
    const ms = (performance.now() - s) / reps;
    rates.push(flops / (ms * 1e6));
  }
  rates.sort((x, y) => x - y);
  return rates[rates.length >> 1];
}

export async function run(opts: GemmBenchOptions = {}): Promise<GemmRow[]> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const runs = opts.quick ? 3 : 7;
  const minMs = opts.quick ? 20 : 100;
  const cases = opts.quick ? CASES.filter((c) => c.m * c.n * c.k <= 512 ** 3) : CASES;
  const plain = leptonModule('lepton.wasm');
  const relaxed = leptonModule('lepton-relaxed.wasm');
  const tf = await loadTfjs();
  for (const form of ['nn', 'nt', 'tn'] as Form[]) {
    validate('lepton plain', (c) => prepareLepton(plain, c), form);
    validate('lepton relaxed', (c) => prepareLepton(relaxed, c), form);
    validate('tfjs-wasm', (c) => prepareTfjs(tf, c), form);
  }
  const rows: GemmRow[] = [];
  const fmt = (x: number, w: number) => x.toFixed(1).padStart(w);
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD';
  log(`gemm GFLOP/s, 1 thread, median of ${runs} (tfjs-backend-wasm ${simd}, Node ${process.version})`);
  log('shape               form      m     n     k  lepton  relaxed  tfjs-wasm  lepton/tfjs  relaxed/tfjs');
  for (const c of cases) {
    const row: GemmRow = {
      ...c,
      plain: time(prepareLepton(plain, c), c, runs, minMs),
      relaxed: time(prepareLepton(relaxed, c), c, runs, minMs),
      tfjs: time(prepareTfjs(tf, c), c, runs, minMs),
    };
    rows.push(row);
    log(`${c.shape.padEnd(19)} ${c.form}  ${String(c.m).padStart(5)} ${String(c.n).padStart(5)} ${String(c.k).padStart(5)}` +
      `  ${fmt(row.plain, 6)}  ${fmt(row.relaxed, 7)}  ${fmt(row.tfjs, 9)}  ${fmt(row.plain / row.tfjs, 11)}  ${fmt(row.relaxed / row.tfjs, 12)}`);
  }
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run({ quick: process.argv.includes('--quick') });
}

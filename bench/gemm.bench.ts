// GFLOP/s of the gemm kernels (assembly/f32-gemm.ts) in the three forms of a dense layer
// 784 → 256 at batch 128 (the Fashion-MNIST MLP's first layer) and square 1024, through the
// runtime's kernels (split across threads as the model's calls are), beside
// @tensorflow/tfjs-backend-wasm's matMul. Each side is first checked against test/ref/gemm.ts.
//   npx tsx bench/gemm.bench.ts [--threads 2] [--fast] [--quick]     lepton
//   npx tsx bench/gemm.bench.ts --threshold                         1 vs 2 threads by size
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { init, runtime, threadsReady } from '../src/wasm/runtime.js';
import { tuning } from '../src/wasm/parallel.js';
import { gemmRef, type Form } from '../test/ref/gemm.js';
import { median, type Row } from './rows.js';

interface Case { shape: string; form: Form; m: number; n: number; k: number }

export const CASES: Case[] = [
  { shape: 'Y = X·W 128×256×784', form: 'nn', m: 128, n: 256, k: 784 },
  { shape: 'dX = dY·Wᵀ 128×784×256', form: 'nt', m: 128, n: 784, k: 256 },
  { shape: 'dW = Xᵀ·dY 784×256×128', form: 'tn', m: 784, n: 256, k: 128 },
  { shape: 'square 1024', form: 'nn', m: 1024, n: 1024, k: 1024 },
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

function prepareLepton(c: Case): Prepared {
  const { kernels: k, arena } = runtime();
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

async function loadTfjs(threads: number): Promise<any> {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const require = createRequire(import.meta.url);
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  wasm.setThreadsCount(threads);
  tf.env().set('PROD', true);
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

/** Checks an implementation on a shape of each form, big enough to split, against the f64 reference. */
function validate(name: string, prepare: (c: Case) => Prepared): void {
  for (const form of ['nn', 'nt', 'tn'] as Form[]) {
    const c: Case = { shape: 'check', form, m: 67, n: 129, k: 300 };
    const p = prepare(c);
    p.run();
    const got = p.result();
    const { a, b, lda, ldb } = operands(c);
    const ref = new Float64Array(c.m * c.n);
    gemmRef(form, c.m, c.n, c.k, a, lda, b, ldb, ref, c.n, false);
    for (let i = 0; i < ref.length; i++) {
      if (!(Math.abs(got[i] - ref[i]) <= 1e-4 * c.k)) throw new Error(`${name} ${form}: element ${i} is ${got[i]}, reference ${ref[i]}`);
    }
  }
}

/** GFLOP/s of each run (median of `runs`), each run at least ~minMs, after a warm-up. */
function time(p: Prepared, c: Case, runs: number, minMs: number): number[] {
  const flops = 2 * c.m * c.n * c.k;
  const t0 = performance.now();
  p.run();
  const reps = Math.max(1, Math.ceil(minMs / Math.max(performance.now() - t0, 1e-3)));
  for (let i = 0; i < reps; i++) p.run(); // warm-up
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const s = performance.now();
    for (let i = 0; i < reps; i++) p.run();
    rates.push(flops / (((performance.now() - s) / reps) * 1e6));
  }
  return rates;
}

export interface GemmOptions { impl: 'lepton' | 'tfjs wasm'; threads: number; fast?: boolean; quick?: boolean }

export async function run(o: GemmOptions): Promise<Row[]> {
  const runs = o.quick ? 3 : 7;
  const minMs = o.quick ? 20 : 100;
  let prepare: (c: Case) => Prepared;
  let impl: string;
  if (o.impl === 'lepton') {
    const rt = await init({ threads: o.threads, fast: o.fast });
    await threadsReady();
    impl = rt.build === 'relaxed-simd' ? 'lepton fast' : 'lepton plain';
    prepare = prepareLepton;
  } else {
    const tf = await loadTfjs(o.threads);
    impl = 'tfjs wasm';
    prepare = (c) => prepareTfjs(tf, c);
  }
  validate(impl, prepare);
  return CASES.map((c) => {
    const rates = time(prepare(c), c, runs, minMs);
    return { section: 'gemm', case: `${c.form} ${c.shape}`, impl, threads: o.threads, value: median(rates), unit: 'GFLOP/s', higherIsBetter: true, runs: rates };
  });
}

/** 1 vs 2 threads over growing gemms, interleaved so both see the same machine load. */
async function threshold(): Promise<void> {
  await init({ threads: 2 });
  await threadsReady();
  const saved = tuning.minShare;
  tuning.minShare = 1; // split everything, to see where splitting starts to pay
  console.log('m×n×k          MACs      1 thread µs  2 threads µs  speedup');
  for (const [m, n, k] of [[32, 64, 64], [64, 64, 64], [32, 128, 128], [128, 128, 64], [128, 128, 128], [128, 256, 128], [128, 128, 256], [128, 256, 256], [128, 256, 784]]) {
    const p = prepareLepton({ shape: '', form: 'nn', m, n, k });
    const us: number[][] = [[], []];
    for (let r = 0; r < 9; r++) {
      for (const t of [1, 2]) {
        await init({ threads: t });
        const s = performance.now();
        let reps = 0;
        while (performance.now() - s < 20) { p.run(); reps++; }
        us[t - 1].push(((performance.now() - s) / reps) * 1000);
      }
    }
    const [a, b] = [median(us[0]), median(us[1])];
    console.log(`${`${m}×${n}×${k}`.padEnd(14)} ${String(m * n * k).padStart(9)}  ${a.toFixed(1).padStart(11)}  ${b.toFixed(1).padStart(12)}  ${(a / b).toFixed(2).padStart(7)}`);
  }
  tuning.minShare = saved;
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith('gemm.bench.ts')) {
  if (process.argv.includes('--threshold')) await threshold();
  else {
    const i = process.argv.indexOf('--threads');
    const rows = await run({ impl: 'lepton', threads: i > 0 ? Number(process.argv[i + 1]) : 1, fast: process.argv.includes('--fast'), quick: process.argv.includes('--quick') });
    for (const r of rows) console.log(`${r.impl} ${r.threads}t ${r.case}: ${r.value!.toFixed(1)} GFLOP/s`);
  }
}

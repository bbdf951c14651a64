// The pool's hand-off cost: a split gemm called after a stretch of host work (as a training step
// calls its split kernels between smaller ones), on 1 and 2 threads. Workers that fell asleep
// during the gap pay a wake-up on every call; src/wasm/pool.ts spins 2 ms before sleeping.
//   npx tsx bench/pool.bench.ts [--gap 300] [--shape 128,128,256]
import { init, threadsReady } from '../src/index.js';
import { median } from './rows.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const gapUs = Number(arg('--gap', '300'));
const [m, n, k] = arg('--shape', '128,128,256').split(',').map(Number);
const threads = Number(arg('--threads', '0'));

if (threads === 0) {
  // One process per thread count (a runtime is initialized once per process).
  const { spawnSync } = await import('node:child_process');
  for (const t of [1, 2]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, ...process.argv.slice(2), '--threads', String(t)], { encoding: 'utf8' });
    process.stdout.write(r.stdout || r.stderr);
  }
} else {
  const rt = await init(new URL('../build/lepton.wasm', import.meta.url), { threads });
  await threadsReady();
  const kk = rt.kernels, a = rt.arena;
  const A = a.alloc(m * k * 4), B = a.alloc(k * n * 4), C = a.alloc(m * n * 4), ws = a.alloc(kk.f32_gemm_workspace(m, n, k));
  a.f32(A, m * k).fill(0.5);
  a.f32(B, k * n).fill(0.25);
  const busy = (us: number) => {
    const t = performance.now();
    while (performance.now() - t < us / 1000);
  };
  const times: number[] = [];
  for (let r = 0; r < 2000; r++) {
    busy(gapUs);
    const t = performance.now();
    kk.f32_gemm_nn(m, n, k, A, k, B, n, C, n, 0, ws);
    times.push((performance.now() - t) * 1000);
  }
  console.log(`${threads} thread(s): gemm ${m}×${n}×${k} after ${gapUs} µs of host work: median ${median(times).toFixed(1)} µs (${rt.parallelJobs} split calls)`);
  process.exit(0);
}

// Where a training step's time goes, kernel by kernel: every export of the runtime's kernels is
// wrapped in a timer, the benchmark models train for a while, and the table gives µs per step for
// each kernel (gemms by form and shape) and for the host code between them (the rest of `fit`).
//   npx tsx bench/profile-step.bench.ts [--threads 2] [--fast] [--quick]
import { init, layers, optimizers, sequential } from '../src/index.js';
import { runtime, threadsReady } from '../src/wasm/runtime.js';
import { MODELS, trainingData, type BenchModel } from './peers/tfjs-train.js';

export interface ProfileRow { model: BenchModel; kernel: string; calls: number; usPerStep: number; share: number }

export async function profile(model: BenchModel, seconds: number): Promise<{ rows: ProfileRow[]; usPerStep: number; samplesPerSec: number }> {
  const k = runtime().kernels as unknown as Record<string, (...a: number[]) => number>;
  const spec = MODELS[model];
  const u = spec.units;
  const net = sequential([
    layers.dense(u[1], { activation: spec.activation, inputShape: [u[0]] }),
    ...u.slice(2, -1).map((n) => layers.dense(n, { activation: spec.activation })),
    layers.dense(u[u.length - 1], model === 'fashion' ? { activation: 'softmax' } : {}),
  ], { seed: 1 });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: spec.loss });
  const d = await trainingData(model);
  const n = Math.min(d.n - (d.n % spec.batchSize), spec.batchSize * 64);
  const x = { data: d.x.subarray(0, n * d.inputs), shape: [n, d.inputs] };
  const y = model === 'fashion' ? { data: d.y.subarray(0, n), shape: [n] } : { data: d.y.subarray(0, n * d.outputs), shape: [n, d.outputs] };
  await net.fit(x, y, { epochs: 1, batchSize: spec.batchSize, verbose: 0 }); // warm-up

  const time = new Map<string, { calls: number; ms: number }>();
  const originals = new Map<string, (...a: number[]) => number>();
  for (const name of Object.keys(k)) {
    const fn = k[name];
    if (typeof fn !== 'function' || name.startsWith('lepton_') || name === 'f32_gemm_workspace') continue;
    originals.set(name, fn);
    k[name] = function (...args: number[]) {
      const key = name.startsWith('f32_gemm') ? `${name} ${args[0]}×${args[1]}×${args[2]}` : name;
      const t0 = performance.now();
      const r = fn(...args);
      const dt = performance.now() - t0;
      const e = time.get(key) ?? { calls: 0, ms: 0 };
      e.calls++;
      e.ms += dt;
      time.set(key, e);
      return r;
    };
  }
  let steps = 0, total = 0;
  try {
    while (total < seconds * 1000) {
      const t0 = performance.now();
      await net.fit(x, y, { epochs: 1, batchSize: spec.batchSize, verbose: 0 });
      total += performance.now() - t0;
      steps += n / spec.batchSize;
    }
  } finally {
    for (const [name, fn] of originals) k[name] = fn;
  }
  const rows: ProfileRow[] = [...time].map(([kernel, e]) => ({ model, kernel, calls: e.calls / steps, usPerStep: (e.ms * 1000) / steps, share: e.ms / total }));
  const kernelsMs = [...time.values()].reduce((s, e) => s + e.ms, 0);
  rows.sort((a, b) => b.usPerStep - a.usPerStep);
  rows.push({ model, kernel: 'host (fit loop, gather, wrappers, timers)', calls: 1, usPerStep: ((total - kernelsMs) * 1000) / steps, share: (total - kernelsMs) / total });
  return { rows, usPerStep: (total * 1000) / steps, samplesPerSec: (steps * spec.batchSize) / (total / 1000) };
}

export function profileTable(model: BenchModel, r: Awaited<ReturnType<typeof profile>>): string {
  const lines = [`${model}: ${r.usPerStep.toFixed(1)} µs/step (timed, ${Math.round(r.samplesPerSec)} samples/s with timers)`,
    `${'kernel'.padEnd(44)} ${'calls'.padStart(5)} ${'µs/step'.padStart(9)} ${'share'.padStart(6)}`];
  for (const row of r.rows) {
    lines.push(`${row.kernel.padEnd(44)} ${row.calls.toFixed(0).padStart(5)} ${row.usPerStep.toFixed(1).padStart(9)} ${(row.share * 100).toFixed(1).padStart(5)}%`);
  }
  return lines.join('\n');
}

if (process.argv[1]?.endsWith('profile-step.bench.ts')) {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i >= 0 ? process.argv[i + 1] : undefined; };
  const threads = Number(arg('--threads') ?? 1);
  await init({ threads, fast: process.argv.includes('--fast') });
  await threadsReady();
  const seconds = process.argv.includes('--quick') ? 0.5 : 2;
  for (const model of ['fashion', 'earthquake'] as BenchModel[]) console.log(profileTable(model, await profile(model, seconds)) + '\n');
}

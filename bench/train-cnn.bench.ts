// Training throughput, samples/s, of the two convolutional benchmark models on Fashion-MNIST
// (issue 14), batch 128, Adam 1e-3, lepton beside PyTorch (bench/peers/torch_cnn.py, the same images):
//   lenet  conv 5×5 32 'same' relu, maxpool 2, conv 5×5 64 'same' relu, maxpool 2, dense 1024 relu,
//          dense 10 softmax; sparse categorical cross-entropy (≈ 82 MFLOP a sample for a step)
//   cae    seed 000's baseline autoencoder (its table 1): conv 3×3 32 s2, conv 3×3 64 s2, dense 16
//          sigmoid, dense 392, reshape 7×7×8, conv2dTranspose 3×3 64 s2, 32 s2, 1 s1; MSE x → x
// TensorFlow.js cannot train these here: its wasm backend has no Conv2DBackpropFilter kernel, and
// tfjs-core's Node build registers no gradients (the cpu backend trains the CAE at ≈ 1 sample/s
// per the issue); its rows say so. Warm-up (the loss must fall), then three timed runs of at
// least `seconds`, median. `--profile` prints where a step's time goes, kernel by kernel.
//   npx tsx bench/train-cnn.bench.ts [--threads 2] [--fast] [--quick] [--profile] [--model lenet|cae]
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init, layers, optimizers, sequential, type Sequential } from '../src/index.js';
import { runtime, threadsReady } from '../src/wasm/runtime.js';
import { trainingData } from './peers/tfjs-train.js';
import { TORCH_MISSING } from './peers/torch.js';
import { median, type Row } from './rows.js';

export type CnnModel = 'lenet' | 'cae';
export interface CnnOptions {
  impl: 'lepton' | 'torch' | 'tfjs wasm' | 'tfjs cpu';
  model: CnnModel;
  threads: number;
  fast?: boolean;
  quick?: boolean;
}

const CASE: Record<CnnModel, string> = { lenet: 'LeNet 32c5-64c5-1024-10 Fashion-MNIST b128', cae: 'seed 000 CAE (table 1) Fashion-MNIST b128' };
const BATCH = 128;

/** The model, built for [28, 28, 1] images. */
export function build(model: CnnModel): Sequential {
  if (model === 'lenet') {
    return sequential([
      layers.conv2d(32, { kernelSize: 5, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2d(64, { kernelSize: 5, padding: 'same', activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense(1024, { activation: 'relu' }),
      layers.dense(10, { activation: 'softmax' }),
    ], { seed: 1 });
  }
  return sequential([
    layers.conv2d(32, { kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
    layers.conv2d(64, { kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    layers.flatten(),
    layers.dense(16, { activation: 'sigmoid' }),
    layers.dense(392, { activation: 'relu' }),
    layers.reshape([7, 7, 8]),
    layers.conv2dTranspose(64, { kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    layers.conv2dTranspose(32, { kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }),
    layers.conv2dTranspose(1, { kernelSize: 3, strides: 1, padding: 'same' }),
  ], { seed: 1 });
}

/** Fashion-MNIST as images [n, 28, 28, 1] and labels; `rows` of them at most. */
async function images(rows: number) {
  const d = await trainingData('fashion');
  const n = Math.min(rows, d.n - (d.n % BATCH));
  return { x: { data: d.x.subarray(0, n * 784), shape: [n, 28, 28, 1] }, y: { data: d.y.subarray(0, n), shape: [n] }, n };
}

export async function compiled(model: CnnModel): Promise<Sequential> {
  const net = build(model);
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: model === 'lenet' ? 'sparseCategoricalCrossentropy' : 'mse' });
  return net;
}

async function leptonRuns(o: CnnOptions, seconds: number): Promise<{ impl: string; runs: number[] }> {
  const rt = await init({ threads: o.threads, fast: o.fast });
  await threadsReady();
  const net = await compiled(o.model);
  const { x, y, n } = await images(BATCH * 64);
  const fit = async (rows: number, epochs: number) => {
    const xs = { data: x.data.subarray(0, rows * 784), shape: [rows, 28, 28, 1] };
    const ts = o.model === 'lenet' ? { data: y.data.subarray(0, rows), shape: [rows] } : xs;
    const t0 = performance.now();
    const h = await net.fit(xs, ts, { epochs, batchSize: BATCH, shuffle: true, verbose: 0 });
    return { s: (performance.now() - t0) / 1000, loss: h.history.loss };
  };
  const warm = BATCH * 4;
  const w = await fit(warm, 3);
  if (!(w.loss[2] < w.loss[0])) throw new Error(`lepton did not learn in the warm-up: losses ${w.loss.join(', ')}`);
  const rate = (3 * warm) / w.s;
  const rows = Math.min(n, Math.max(warm, Math.ceil((rate * seconds) / BATCH) * BATCH));
  const epochs = Math.max(1, Math.ceil((rate * seconds) / rows));
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) runs.push((rows * epochs) / (await fit(rows, epochs)).s);
  return { impl: rt.build === 'relaxed-simd' ? 'lepton fast' : 'lepton plain', runs };
}

/** PyTorch on the same images (bench/peers/torch_cnn.py), handed over in a temporary file. */
async function torchRuns(o: CnnOptions): Promise<{ runs: number[]; median: number; torch: string } | { missing: string }> {
  const { x, y, n } = await images(BATCH * 64);
  const dir = mkdtempSync(join(tmpdir(), 'lepton-torch-cnn-'));
  try {
    const file = join(dir, 'arrays.bin');
    const fd = openSync(file, 'w');
    try {
      for (const a of [x.data, y.data]) {
        const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
        for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      }
    } finally {
      closeSync(fd);
    }
    const script = fileURLToPath(new URL('./peers/torch_cnn.py', import.meta.url));
    const python = process.env.LEPTON_BENCH_PYTHON || '/usr/bin/python3';
    const r = spawnSync(python, [script, JSON.stringify({ model: o.model, threads: o.threads, quick: o.quick, file, n })], { encoding: 'utf8' });
    if (r.error) return { missing: `${python}: ${r.error.message}` };
    const line = r.stdout.split('\n').filter((l) => l.startsWith('{')).pop();
    if (r.status !== 0 || !line) throw new Error(`pytorch: ${r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`}`);
    return JSON.parse(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(o: CnnOptions): Promise<Row> {
  const seconds = o.quick ? 0.5 : 2;
  const row = { section: 'train-cnn', case: CASE[o.model], threads: o.threads, unit: 'samples/s', higherIsBetter: true };
  if (o.impl === 'lepton') {
    const { impl, runs } = await leptonRuns(o, seconds);
    return { ...row, impl, value: median(runs), runs };
  }
  if (o.impl === 'torch') {
    const r = await torchRuns(o);
    if ('missing' in r) return { ...row, impl: 'pytorch', note: TORCH_MISSING };
    return { ...row, impl: 'pytorch', value: r.median, runs: r.runs };
  }
  const why = o.impl === 'tfjs wasm' ? "cannot train: Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'" : 'not measured: tfjs-core\'s Node build registers no gradients (the issue measured ≈ 1 sample/s on the CAE)';
  return { ...row, impl: o.impl, note: why };
}

/**
 * Where a step's time goes: every kernel export wrapped in a timer while the model trains for
 * `seconds`; µs per step by kernel (convolutions by form and geometry) and the host code between.
 */
export async function profile(model: CnnModel, seconds: number): Promise<string> {
  const net = await compiled(model);
  const { x, y } = await images(BATCH * 8);
  const t = model === 'lenet' ? y : x;
  await net.fit(x, t, { epochs: 1, batchSize: BATCH, verbose: 0 });
  const k = runtime().kernels as unknown as Record<string, (...a: number[]) => number>;
  const i32 = () => runtime().arena.i32All();
  const time = new Map<string, { calls: number; ms: number; macs: number }>();
  const originals = new Map<string, (...a: number[]) => number>();
  for (const name of Object.keys(k)) {
    const fn = k[name];
    if (typeof fn !== 'function' || name.startsWith('lepton_') || name.endsWith('_workspace')) continue;
    originals.set(name, fn);
    k[name] = (...args: number[]) => {
      let key = name, macs = 0;
      if (name.startsWith('f32_gemm')) {
        key = `${name} ${args[0]}×${args[1]}×${args[2]}`;
        macs = args[0] * args[1] * args[2];
      } else if (/conv2d|pool2d/.test(name)) {
        const g = i32().subarray(args[0] >> 2, (args[0] >> 2) + 9);
        key = `${name} ${g[1]}×${g[2]}×${g[3]}→${g[4]}×${g[5]}×${g[6]} k${g[7]}×${g[8]}`;
        // Every form of a convolution is the same multiply-adds: each output pixel, filter and tap.
        if (name.startsWith('f32_conv2d')) macs = g[0] * g[4] * g[5] * g[6] * g[7] * g[8] * g[3];
      }
      const t0 = performance.now();
      const r = fn(...args);
      const e = time.get(key) ?? { calls: 0, ms: 0, macs: 0 };
      e.calls++;
      e.ms += performance.now() - t0;
      e.macs += macs;
      time.set(key, e);
      return r;
    };
  }
  let steps = 0, total = 0;
  try {
    while (total < seconds * 1000) {
      const t0 = performance.now();
      await net.fit(x, t, { epochs: 1, batchSize: BATCH, verbose: 0 });
      total += performance.now() - t0;
      steps += x.shape[0] / BATCH;
    }
  } finally {
    for (const [name, fn] of originals) k[name] = fn;
  }
  const rows = [...time].map(([kernel, e]) => ({ kernel, calls: e.calls / steps, us: (e.ms * 1000) / steps, gflops: e.macs ? (2 * e.macs) / (e.ms * 1e6) : 0 })).sort((a, b) => b.us - a.us);
  const step = (total * 1000) / steps, inKernels = rows.reduce((s, r) => s + r.us, 0);
  const lines = rows.filter((r) => r.us >= step * 0.002).map((r) => `${r.us.toFixed(0).padStart(8)} µs ${((100 * r.us) / step).toFixed(1).padStart(5)} %  ${r.gflops ? `${r.gflops.toFixed(1).padStart(5)} GFLOP/s` : ' '.repeat(13)}  ${r.kernel} (×${r.calls})`);
  lines.push(`${(step - inKernels).toFixed(0).padStart(8)} µs ${((100 * (step - inKernels)) / step).toFixed(1).padStart(5)} %  host (fit, between the kernels)`);
  return `${model}: ${step.toFixed(0)} µs a step of ${BATCH} (${((BATCH * 1e6) / step).toFixed(0)} samples/s with the timers)\n${lines.join('\n')}`;
}

if (process.argv[1]?.endsWith('train-cnn.bench.ts')) {
  const arg = (k: string) => { const i = process.argv.indexOf(k); return i > 0 ? process.argv[i + 1] : undefined; };
  const threads = Number(arg('--threads') ?? 1);
  const models = (arg('--model') ? [arg('--model')] : ['lenet', 'cae']) as CnnModel[];
  const quick = process.argv.includes('--quick'), fast = process.argv.includes('--fast');
  if (process.argv.includes('--profile')) {
    await init({ threads, fast });
    await threadsReady();
    for (const m of models) console.log(await profile(m, quick ? 2 : 6));
  } else {
    for (const model of models) {
      for (const impl of ['lepton', 'torch'] as const) {
        const r = await run({ impl, model, threads, fast, quick });
        console.log(`${r.impl} ${threads}t ${r.case}: ${r.value === undefined ? r.note : `${Math.round(r.value)} samples/s (${r.runs!.map(Math.round).join(' ')})`}`);
      }
    }
  }
}

// The data pipeline's figures (issue 5 "Speed" and "Verified"):
//   1. a CSV of 1,000,000 rows × 20 columns (100,000 with --quick) streamed into fit: peak RSS
//      against the file size (memory must not grow with the file);
//   2. CSV parsing MB/s: lepton's parser and csv-parse (Node stream API, fields to Number) on the
//      same file;
//   3. gathering a batch of 128 rows × 784 floats into the arena: the JS element loop fit used to
//      have, the row-view copy it uses now, and the f32_gather_rows kernel (which needs the data
//      inside wasm memory), against one training step of the 784-256-128-10 MLP.
//   npx tsx bench/data.bench.ts [--quick]

import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { data, init, layers, optimizers, sequential } from '../src/index.js';
import { gatherRows } from '../src/data/gather.js';
import { Random } from '../src/random.js';

const quick = process.argv.includes('--quick');
const ROWS = quick ? 100_000 : 1_000_000;
const COLS = 20;
const mb = (b: number) => (b / 1e6).toFixed(1);
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const peakRss = () => process.resourceUsage().maxRSS * 1024;

async function writeCsv(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  const rng = new Random(1);
  out.write(Array.from({ length: COLS }, (_, j) => (j === COLS - 1 ? 'y' : `f${j}`)).join(',') + '\n');
  for (let start = 0; start < rows; start += 10_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      const r: string[] = [];
      let s = 0;
      for (let j = 0; j < COLS - 1; j++) {
        const v = Math.round((rng.uniform() * 2 - 1) * 1e5) / 1e4; // e.g. -3.1416
        s += v * ((j % 3) - 1);
        r.push(String(v));
      }
      r.push(String(Math.round(s * 1e3) / 1e3));
      lines.push(r.join(','));
    }
    if (!out.write(lines.join('\n') + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return statSync(file).size;
}

async function leptonMBps(file: string, size: number): Promise<number> {
  const runs: number[] = [];
  for (let r = 0; r < (quick ? 3 : 5); r++) {
    const t0 = performance.now();
    let n = 0;
    for await (const b of data.csv(file, { label: 'y' }).blocks()) n += b.x.shape[0];
    if (n !== ROWS) throw new Error(`read ${n} rows, expected ${ROWS}`);
    runs.push(size / 1e6 / ((performance.now() - t0) / 1000));
  }
  return median(runs);
}

async function csvParseMBps(file: string, size: number): Promise<number | string> {
  let parse: (opts: object) => NodeJS.ReadWriteStream;
  try {
    ({ parse } = (await import('csv-parse' as string)) as { parse: typeof parse });
  } catch {
    return 'csv-parse not installed';
  }
  const runs: number[] = [];
  // Strings out, converted in the loop: csv-parse's own `cast` callback is ~10× slower still.
  for (let r = 0; r < (quick ? 3 : 1); r++) {
    const t0 = performance.now();
    let n = 0, sum = 0;
    const parser = createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parse({ from_line: 2 }));
    for await (const rec of parser as AsyncIterable<string[]>) {
      n++;
      for (let j = 0; j < rec.length; j++) sum += Number(rec[j]);
    }
    if (n !== ROWS || Number.isNaN(sum)) throw new Error(`csv-parse read ${n} rows`);
    runs.push(size / 1e6 / ((performance.now() - t0) / 1000));
  }
  return median(runs);
}

async function streamTraining(file: string): Promise<{ seconds: number; loss: number }> {
  const net = sequential([layers.dense(32, { activation: 'relu', inputShape: [COLS - 1] }), layers.dense(1)], { seed: 1 });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'mse' });
  const t0 = performance.now();
  const h = await net.fit(data.csv(file, { label: 'y' }).shuffle(1, { bufferSize: 10_000 }).batch(256), { epochs: 1, verbose: 0 });
  return { seconds: (performance.now() - t0) / 1000, loss: h.history.loss[0] };
}

function timeUs(f: (s: number) => void, steps: number): number {
  for (let w = 0; w < 100; w++) f(w % steps);
  const runs: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let s = 0; s < steps; s++) f(s);
    runs.push(((performance.now() - t0) / steps) * 1000);
  }
  return median(runs);
}

async function gatherVsStep(): Promise<void> {
  const rt = await init();
  const a = rt.arena, k = rt.kernels;
  const N = 60_000, C = 784, B = 128, steps = Math.floor(N / B);
  const host = new Float32Array(N * C);
  for (let i = 0; i < host.length; i++) host[i] = (i % 977) / 977;
  const idx = new Int32Array(N);
  for (let i = 0; i < N; i++) idx[i] = i;
  new Random(1).shuffle(idx);
  const dst = a.alloc(B * C * 4);
  const loop = timeUs((s) => {
    const xd = a.f32(dst, B * C);
    for (let r = 0; r < B; r++) {
      const o = idx[s * B + r] * C, p = r * C;
      for (let j = 0; j < C; j++) xd[p + j] = host[o + j];
    }
  }, steps);
  const views = timeUs((s) => gatherRows(host, idx, s * B, B, C, a.f32(dst, B * C)), steps);
  const src = a.alloc(N * C * 4), idxp = a.alloc(N * 4);
  a.f32(src, N * C).set(host);
  a.i32(idxp, N).set(idx);
  const kernel = timeUs((s) => k.f32_gather_rows(src, idxp + s * B * 4, B, C, dst), steps);
  a.release(src);
  a.release(idxp);
  a.release(dst);

  // One training step of bench/train-mlp's fashion model, timed through fit on host data.
  const net = sequential([layers.dense(256, { activation: 'relu', inputShape: [C] }), layers.dense(128, { activation: 'relu' }), layers.dense(10, { activation: 'softmax' })], { seed: 1 });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
  const n = B * (quick ? 40 : 120);
  const x = { data: host.subarray(0, n * C), shape: [n, C] };
  const y = { data: Float32Array.from({ length: n }, (_, i) => i % 10), shape: [n] }; // labels
  await net.fit(x, y, { epochs: 1, batchSize: B, verbose: 0 });
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    await net.fit(x, y, { epochs: 1, batchSize: B, verbose: 0 });
    runs.push(((performance.now() - t0) / (n / B)) * 1000);
  }
  const step = median(runs);
  const pct = (t: number) => `${((100 * t) / step).toFixed(1)}% of a step`;
  console.log(`gather 128×784 into the arena (median µs per batch; training step of 784-256-128-10, batch 128: ${step.toFixed(0)} µs):`);
  console.log(`  JS element loop (fit before)       ${loop.toFixed(1).padStart(7)} µs  ${pct(loop)}`);
  console.log(`  row views + set (fit now)          ${views.toFixed(1).padStart(7)} µs  ${pct(views)}`);
  console.log(`  f32_gather_rows (data in arena)    ${kernel.toFixed(1).padStart(7)} µs  ${pct(kernel)}`);
}

const dir = await mkdtemp(join(tmpdir(), 'lepton-data-bench-'));
try {
  const file = join(dir, 'big.csv');
  await init();
  const size = await writeCsv(file, ROWS);
  const before = peakRss();
  const train = await streamTraining(file);
  const after = peakRss();
  console.log(`data bench${quick ? ' (--quick)' : ''}; node ${process.version}`);
  console.log(`CSV ${ROWS} × ${COLS}: ${mb(size)} MB. One epoch of fit streamed from it (batch 256, shuffle buffer 10000): ${train.seconds.toFixed(1)} s, loss ${train.loss.toFixed(4)}`);
  console.log(`  process peak RSS ${mb(after)} MB after training, ${mb(before)} MB before it: training from a ${mb(size)} MB file grew the peak by ${mb(after - before)} MB`);
  const ours = await leptonMBps(file, size);
  const theirs = await csvParseMBps(file, size);
  console.log(`CSV parsing: lepton ${ours.toFixed(0)} MB/s; csv-parse ${typeof theirs === 'number' ? `${theirs.toFixed(0)} MB/s (lepton ${(ours / theirs).toFixed(1)}×)` : theirs}`);
  await gatherVsStep();
} finally {
  await rm(dir, { recursive: true, force: true });
}

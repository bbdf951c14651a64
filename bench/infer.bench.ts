// Inference of the Fashion-MNIST MLP (784-256-128-10, ReLU, softmax): the latency of one
// prediction at batch 1 (host array in, probabilities out, as an app calls it) and the
// throughput at batch 1024, for lepton, TensorFlow.js (wasm, cpu), ONNX Runtime (native
// onnxruntime-node; onnxruntime-web's wasm build) and PyTorch (native, in python: where
// python3-torch is installed; bench/peers/torch_bench.py times the same way). Every side runs the
// same weights and is first checked against a float64 forward pass on 1024 Fashion-MNIST images.
//   npx tsx bench/infer.bench.ts [--impl lepton|tfjs wasm|tfjs cpu|ort node|ort web|torch] [--threads n] [--fast] [--quick]
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { init, layers, sequential } from '../src/index.js';
import { threadsReady } from '../src/wasm/runtime.js';
import { onnxMlp } from './peers/onnx-mlp.js';
import { trainingData, uniform } from './peers/tfjs-train.js';
import { runTorch, TORCH_MISSING, type TorchArray } from './peers/torch.js';
import { median, type Row } from './rows.js';

export type InferImpl = 'lepton' | 'tfjs wasm' | 'tfjs cpu' | 'ort node' | 'ort web' | 'torch';
export interface InferOptions { impl: InferImpl; threads: number; fast?: boolean; quick?: boolean }

const UNITS = [784, 256, 128, 10];
const BATCH = 1024;
const LATENCY = 'batch 1 latency 784-256-128-10';
const THROUGHPUT = 'batch 1024 throughput 784-256-128-10';

/** Glorot-uniform kernels and small biases, the same for every side. */
export function mlpWeights(): Float32Array[] {
  const w: Float32Array[] = [];
  for (let l = 0; l + 1 < UNITS.length; l++) {
    const limit = Math.sqrt(6 / (UNITS[l] + UNITS[l + 1]));
    w.push(uniform(UNITS[l] * UNITS[l + 1], 11 + l).map((v) => v * limit));
    w.push(uniform(UNITS[l + 1], 21 + l).map((v) => v * 0.1));
  }
  return w;
}

/** Float64 forward pass: ReLU hidden layers, softmax output. */
function reference(w: Float32Array[], x: Float32Array, rows: number): Float64Array {
  let h: Float64Array = Float64Array.from(x);
  for (let l = 0; l + 1 < UNITS.length; l++) {
    const [n, m] = [UNITS[l], UNITS[l + 1]];
    const out = new Float64Array(rows * m);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < m; j++) {
        let s = w[2 * l + 1][j];
        for (let p = 0; p < n; p++) s += h[r * n + p] * w[2 * l][p * m + j];
        out[r * m + j] = l + 2 < UNITS.length ? Math.max(0, s) : s;
      }
    }
    h = out;
  }
  for (let r = 0; r < rows; r++) {
    const row = h.subarray(r * 10, r * 10 + 10);
    const mx = Math.max(...row);
    let sum = 0;
    for (let j = 0; j < 10; j++) sum += (row[j] = Math.exp(row[j] - mx));
    for (let j = 0; j < 10; j++) row[j] /= sum;
  }
  return h;
}

/** predict(x, rows) → probabilities; async for ONNX Runtime, whose run() is. */
type Predict = (x: Float32Array, rows: number) => Float32Array | Promise<Float32Array>;

async function setup(o: InferOptions, w: Float32Array[]): Promise<{ impl: string; predict: Predict }> {
  if (o.impl === 'lepton') {
    const rt = await init({ threads: o.threads, fast: o.fast });
    await threadsReady();
    const net = sequential([
      layers.dense(256, { activation: 'relu', inputShape: [784] }), layers.dense(128, { activation: 'relu' }), layers.dense(10, { activation: 'softmax' }),
    ]);
    net.setWeights(w.map((data, i) => ({ data, shape: i % 2 ? [UNITS[(i + 1) / 2]] : [UNITS[i / 2], UNITS[i / 2 + 1]] })));
    return { impl: rt.build === 'relaxed-simd' ? 'lepton fast' : 'lepton plain', predict: (x, rows) => net.predict({ data: x, shape: [rows, 784] }, { batchSize: BATCH }).data };
  }
  if (o.impl === 'tfjs wasm' || o.impl === 'tfjs cpu') {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-cpu');
    tf.env().set('PROD', true);
    if (o.impl === 'tfjs wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasm.setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
      wasm.setThreadsCount(o.threads);
    }
    if (!(await tf.setBackend(o.impl === 'tfjs wasm' ? 'wasm' : 'cpu'))) throw new Error(`tfjs ${o.impl} did not initialize`);
    await tf.ready();
    const vars = w.map((data, i) => (i % 2 ? tf.tensor1d(data) : tf.tensor2d(data, [UNITS[i / 2], UNITS[i / 2 + 1]])));
    return {
      impl: o.impl,
      predict: (x, rows) => tf.tidy(() => {
        let h: any = tf.tensor2d(x, [rows, 784]);
        for (let l = 0; l < 3; l++) {
          h = tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]);
          h = l < 2 ? tf.relu(h) : tf.softmax(h);
        }
        return h.dataSync() as Float32Array;
      }),
    };
  }
  const model = onnxMlp({ units: UNITS, hidden: 'relu', output: 'softmax', weights: w });
  const ort: any = o.impl === 'ort node' ? await import('onnxruntime-node') : await import('onnxruntime-web');
  if (o.impl === 'ort web') {
    ort.env.wasm.numThreads = o.threads;
    ort.env.wasm.simd = true;
  }
  const session = await ort.InferenceSession.create(model, {
    executionProviders: [o.impl === 'ort node' ? 'cpu' : 'wasm'], intraOpNumThreads: o.threads, interOpNumThreads: 1,
  });
  return {
    impl: o.impl,
    predict: async (x, rows) => (await session.run({ x: new ort.Tensor('float32', x, [rows, 784]) })).y.data as Float32Array,
  };
}

export async function run(o: InferOptions): Promise<Row[]> {
  const w = mlpWeights();
  const d = await trainingData('fashion');
  const x = d.x.slice(0, BATCH * 784);
  if (o.impl === 'torch') return torchRows(o, w, x);
  const { impl, predict } = await setup(o, w);
  const ref = reference(w, x, BATCH);
  const got = await predict(x, BATCH);
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(got[i] - ref[i]) <= 1e-4)) throw new Error(`${impl}: probability ${i} is ${got[i]}, reference ${ref[i]}`);
  }
  const rows1 = Array.from({ length: 64 }, (_, r) => x.slice(r * 784, (r + 1) * 784));
  const one = await predict(rows1[3], 1);
  for (let j = 0; j < 10; j++) if (!(Math.abs(one[j] - ref[30 + j]) <= 1e-4)) throw new Error(`${impl}: batch-1 probability ${j} is ${one[j]}, reference ${ref[30 + j]}`);

  const groups = o.quick ? 5 : 15;
  // Batch 1: groups of calls long enough to time (≥ 20 ms), median of the groups' mean µs per call.
  let calls = 50;
  for (let i = 0; i < 2000; i++) await predict(rows1[i & 63], 1); // warm-up
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await predict(rows1[i & 63], 1);
    if (performance.now() - t0 > 20) break;
    calls *= 2;
  }
  const lat: number[] = [];
  for (let g = 0; g < groups; g++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await predict(rows1[i & 63], 1);
    lat.push(((performance.now() - t0) * 1000) / calls);
  }
  const thr: number[] = [];
  for (let i = 0; i < 3; i++) await predict(x, BATCH);
  for (let g = 0; g < (o.quick ? 5 : 9); g++) {
    const t0 = performance.now();
    await predict(x, BATCH);
    thr.push(BATCH / ((performance.now() - t0) / 1000));
  }
  const base = { section: 'predict', impl, threads: o.threads };
  return [
    { ...base, case: LATENCY, value: median(lat), unit: 'µs', higherIsBetter: false, runs: lat },
    { ...base, case: THROUGHPUT, value: median(thr), unit: 'samples/s', higherIsBetter: true, runs: thr },
  ];
}

/** PyTorch in python on the same weights, inputs and float64 reference; it validates and times there. */
function torchRows(o: InferOptions, w: Float32Array[], x: Float32Array): Row[] {
  const arrays: TorchArray[] = w.map((data, i) => ({ name: `${i % 2 ? 'b' : 'w'}${i >> 1}`, shape: i % 2 ? [UNITS[(i + 1) / 2]] : [UNITS[i / 2], UNITS[i / 2 + 1]], data }));
  arrays.push({ name: 'x', shape: [BATCH, 784], data: x }, { name: 'ref', shape: [BATCH, 10], data: reference(w, x, BATCH) });
  const r = runTorch({ section: 'predict', model: 'fashion', threads: o.threads, quick: o.quick }, arrays);
  const base = { section: 'predict', impl: 'pytorch', threads: o.threads };
  const lat = { ...base, case: LATENCY, unit: 'µs', higherIsBetter: false };
  const thr = { ...base, case: THROUGHPUT, unit: 'samples/s', higherIsBetter: true };
  if ('missing' in r) return [{ ...lat, note: TORCH_MISSING }, { ...thr, note: TORCH_MISSING }];
  return [{ ...lat, value: r.latency.median, runs: r.latency.runs }, { ...thr, value: r.throughput.median, runs: r.throughput.runs }];
}

if (process.argv[1]?.endsWith('infer.bench.ts')) {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  const rows = await run({ impl: (arg('--impl') ?? 'lepton') as InferImpl, threads: Number(arg('--threads') ?? 1), fast: process.argv.includes('--fast'), quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.impl} ${r.threads}t ${r.case}: ${r.value!.toFixed(1)} ${r.unit}`);
}

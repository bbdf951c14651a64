// Inference of seed 002's LeNet-style CNN (issue 14's targets table: "predict the LeNet, batch 1
// and batch 256"): conv2d 32 5×5 'same' relu → maxPooling2d 2 → conv2d 64 5×5 'same' relu →
// maxPooling2d 2 → flatten → dense 1024 relu → dense 10 softmax on [28, 28, 1] Fashion-MNIST
// images (≈ 27.8 MFLOP a sample forward). The latency of one prediction at batch 1 (host array in,
// probabilities out, median µs per call) and the throughput at batch 256 (samples/s), for lepton,
// TF.js's wasm backend (a tfjs-layers model given lepton's weights) and ONNX Runtime Web
// (onnxruntime-web's wasm build, in Node) running lepton's own toOnnx() export. Before timing,
// every side's probabilities on 256 images (and one at batch 1) are checked against lepton's to
// 1e-4 and the largest difference printed.
//   npx tsx bench/infer-cnn.bench.ts [--impl lepton|tfjs wasm|ort web] [--threads n] [--fast] [--quick]
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { init } from '../src/index.js';
import { threadsReady } from '../src/wasm/runtime.js';
import { trainingData, useBackend } from './peers/tfjs-train.js';
import { median, type Row } from './rows.js';
import { build } from './train-cnn.bench.js';

export type InferCnnImpl = 'lepton' | 'tfjs wasm' | 'ort web';
export interface InferCnnOptions { impl: InferCnnImpl; threads: number; fast?: boolean; quick?: boolean }

const BATCH = 256;
const PIXELS = 28 * 28;
export const CNN_LATENCY = 'batch 1 latency LeNet 32c5-64c5-1024-10';
export const CNN_THROUGHPUT = 'batch 256 throughput LeNet 32c5-64c5-1024-10';

/** predict(x, rows) → probabilities [rows, 10]; async for ONNX Runtime, whose run() is. */
type Predict = (x: Float32Array, rows: number) => Float32Array | Promise<Float32Array>;

/** The same network in tfjs-layers (Keras's layout: kernels [kh, kw, c, f], flatten in NHWC order). */
function tfjsLenet(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 64, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 1024, activation: 'relu' }),
      tfl.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/**
 * lepton's LeNet (seed 1) and the side `o` asks for, on lepton's weights. lepton always runs so
 * that the other sides can be checked against it; it is built plain on 1 thread for them.
 */
async function setup(o: InferCnnOptions): Promise<{ impl: string; predict: Predict; lepton: Predict }> {
  const rt = await init(o.impl === 'lepton' ? { threads: o.threads, fast: o.fast } : { threads: 1 });
  await threadsReady();
  const net = build('lenet');
  // Glorot-initialized, the LeNet's probabilities all lie near 0.1, and agreeing on them to 1e-4
  // would say little; the output kernel ×40 spreads them over (0, 1) so the check bites (the
  // figures do not depend on the weights' values).
  const w = net.getWeights().map((t) => ({ data: Float32Array.from(t.data), shape: t.shape }));
  w[w.length - 2].data.forEach((v, i, a) => (a[i] = v * 40));
  net.setWeights(w);
  const lepton: Predict = (x, rows) => net.predict({ data: x, shape: [rows, 28, 28, 1] }, { batchSize: BATCH }).data;
  if (o.impl === 'lepton') return { impl: rt.build === 'relaxed-simd' ? 'lepton fast' : 'lepton plain', predict: lepton, lepton };
  if (o.impl === 'tfjs wasm') {
    await useBackend('wasm', o.threads);
    const m = tfjsLenet();
    m.setWeights(net.getWeights().map((w) => tf.tensor(w.data, w.shape)));
    const predict: Predict = (x, rows) => tf.tidy(() => (m.predict(tf.tensor4d(x, [rows, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array);
    return { impl: 'tfjs wasm', predict, lepton };
  }
  const ort: any = await import('onnxruntime-web');
  ort.env.wasm.numThreads = o.threads;
  ort.env.wasm.simd = true;
  const session = await ort.InferenceSession.create(await net.toOnnx(), { executionProviders: ['wasm'], intraOpNumThreads: o.threads, interOpNumThreads: 1 });
  const [input, output] = [session.inputNames[0], session.outputNames[0]];
  const predict: Predict = async (x, rows) => (await session.run({ [input]: new ort.Tensor('float32', x, [rows, 28, 28, 1]) }))[output].data as Float32Array;
  return { impl: 'ort web', predict, lepton };
}

/** Throws unless `got` is within 1e-4 of `want` everywhere; returns the largest difference. */
function agree(impl: string, what: string, got: Float32Array, want: Float32Array): number {
  if (got.length !== want.length) throw new Error(`${impl}: ${what} has ${got.length} values, lepton ${want.length}`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    if (!(d <= 1e-4)) throw new Error(`${impl}: ${what} probability ${i} is ${got[i]}, lepton ${want[i]}`);
    worst = Math.max(worst, d);
  }
  return worst;
}

/** Batch 1: groups of calls long enough to time (≥ 20 ms), the groups' mean µs per call. */
async function latency(predict: Predict, one: Float32Array[], groups: number): Promise<number[]> {
  let calls = 4;
  for (let i = 0; i < 50; i++) await predict(one[i & 63], 1); // warm-up
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await predict(one[i & 63], 1);
    if (performance.now() - t0 > 20) break;
    calls *= 2;
  }
  const runs: number[] = [];
  for (let g = 0; g < groups; g++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) await predict(one[i & 63], 1);
    runs.push(((performance.now() - t0) * 1000) / calls);
  }
  return runs;
}

export async function run(o: InferCnnOptions): Promise<Row[]> {
  const d = await trainingData('fashion');
  const x = d.x.slice(0, BATCH * PIXELS);
  const one = Array.from({ length: 64 }, (_, r) => x.slice(r * PIXELS, (r + 1) * PIXELS));
  const { impl, predict, lepton } = await setup(o);
  // The agreement check, once, before any timing.
  const want = Float32Array.from(await lepton(x, BATCH));
  const worst = agree(impl, `batch ${BATCH}`, Float32Array.from(await predict(x, BATCH)), want);
  const worst1 = agree(impl, 'batch 1', Float32Array.from(await predict(one[3], 1)), want.slice(30, 40));
  console.log(`${impl} ${o.threads}t agrees with lepton: max |Δp| ${worst.toExponential(2)} (batch ${BATCH}), ${worst1.toExponential(2)} (batch 1); tolerance 1e-4 (lepton's probabilities span ${Math.min(...want).toFixed(4)}–${Math.max(...want).toFixed(4)})`);

  const base = { section: 'predict-cnn', impl, threads: o.threads };
  const rows: Row[] = [];
  // Batch 1 on one thread only: a batch-1 LeNet is too small a job to split.
  if (o.threads === 1) {
    const lat = await latency(predict, one, o.quick ? 5 : 15);
    rows.push({ ...base, case: CNN_LATENCY, value: median(lat), unit: 'µs', higherIsBetter: false, runs: lat });
  }
  const thr: number[] = [];
  for (let i = 0; i < 2; i++) await predict(x, BATCH);
  for (let g = 0; g < (o.quick ? 5 : 9); g++) {
    const t0 = performance.now();
    await predict(x, BATCH);
    thr.push(BATCH / ((performance.now() - t0) / 1000));
  }
  rows.push({ ...base, case: CNN_THROUGHPUT, value: median(thr), unit: 'samples/s', higherIsBetter: true, runs: thr });
  return rows;
}

if (process.argv[1]?.endsWith('infer-cnn.bench.ts')) {
  const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
  const rows = await run({ impl: (arg('--impl') ?? 'lepton') as InferCnnImpl, threads: Number(arg('--threads') ?? 1), fast: process.argv.includes('--fast'), quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.impl} ${r.threads}t ${r.case}: ${r.value!.toFixed(1)} ${r.unit} (${r.runs!.map((v) => v.toFixed(0)).join(' ')})`);
}

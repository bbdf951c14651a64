// Recurrent layers (issue 17): training throughput, samples/s, of an LSTM(64) and a GRU(64) over
// 30 timesteps of 8 features → dense 3 (softmax, sparse cross-entropy), batch 128, Adam 1e-3, one
// thread, for lepton, TF.js wasm and PyTorch (bench/peers/torch_rnn.py, where python3-torch is
// installed); and the LSTM tagger's batch-1 prediction latency, µs, for lepton, TF.js wasm and
// ONNX Runtime (node; the model lepton's toOnnx() writes). Each side trains on random sequences of
// the same shapes, warm-up first, then three timed runs, median; a side whose loss does not fall
// over its warm-up is not measured. The activations a training step keeps for backward are
// stated per sample (recurrent.ts's header).
//   npx tsx bench/recurrent.bench.ts [--fast] [--quick] [--only lstm,gru,predict]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as ort from 'onnxruntime-node';
import { init, layers, optimizers, sequential, type Model } from '../src/index.js';
import { useBackend } from './peers/tfjs-train.js';
import { TORCH_MISSING } from './peers/torch.js';
import { median, type Row } from './rows.js';

const T = 30, F = 8, UNITS = 64, CLASSES = 3, BATCH = 128;
export type Cell = 'lstm' | 'gru';

function data(n: number, seed = 1): { x: Float32Array; y: Float32Array } {
  let s = seed;
  const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const x = Float32Array.from({ length: n * T * F }, r);
  // A learnable label: the sign pattern of two features' sums over time.
  const y = Float32Array.from({ length: n }, (_, i) => {
    let a = 0, b = 0;
    for (let t = 0; t < T; t++) { a += x[(i * T + t) * F]; b += x[(i * T + t) * F + 1]; }
    return a > 0 ? (b > 0 ? 2 : 1) : 0;
  });
  return { x, y };
}

/** Floats per sample a training step keeps for the backward pass (recurrent.ts). */
export const savedFloats = (cell: Cell): number => T * F + T * (cell === 'lstm' ? 4 : 3) * UNITS + (T + 1) * UNITS + (cell === 'lstm' ? (T + 1) * UNITS : T * 3 * UNITS);

function leptonNet(cell: Cell): Model {
  const rnn = cell === 'lstm' ? layers.lstm(UNITS, { inputShape: [T, F] }) : layers.gru(UNITS, { inputShape: [T, F] });
  return sequential([rnn, layers.dense(CLASSES, { activation: 'softmax' })], { seed: 1 });
}

async function timeRuns(fit: (epochs: number) => Promise<number[]>, n: number, seconds: number): Promise<number[]> {
  const t0 = performance.now();
  const loss = await fit(2);
  if (!(loss[1] < loss[0])) throw new Error(`did not learn in the warm-up: losses ${loss.join(', ')}`);
  const rate = (2 * n) / ((performance.now() - t0) / 1000);
  const epochs = Math.max(1, Math.round((rate * seconds) / n));
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await fit(epochs);
    runs.push((epochs * n) / ((performance.now() - t) / 1000));
  }
  return runs;
}

export async function leptonTrain(cell: Cell, fast: boolean, seconds: number): Promise<Row> {
  const rt = await init({ threads: 1, fast });
  const n = BATCH * 8, { x, y } = data(n);
  const net = leptonNet(cell);
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
  const fit = async (epochs: number) => (await net.fit({ data: x, shape: [n, T, F] }, { data: y, shape: [n] }, { epochs, batchSize: BATCH, verbose: 0 })).history.loss;
  const runs = await timeRuns(fit, n, seconds);
  return { section: 'recurrent', case: caseOf(cell), impl: rt.build === 'relaxed-simd' ? 'lepton fast' : 'lepton plain', threads: 1, value: median(runs), runs, unit: 'samples/s', higherIsBetter: true, note: `${(savedFloats(cell) * 4 / 1024).toFixed(1)} KB of activations per sample` };
}

const caseOf = (cell: Cell) => `train ${cell.toUpperCase()}(64) T30×8 → dense 3, b128, Adam`;

function tfjsNet(cell: Cell): tfl.LayersModel {
  // Keras 3's gates (sigmoid), as lepton's default; the GRU is TF.js's (resetAfter false).
  const opts = { units: UNITS, inputShape: [T, F], recurrentActivation: 'sigmoid' as const, recurrentInitializer: 'glorotUniform' as const };
  const m = tfl.sequential({ layers: [cell === 'lstm' ? tfl.layers.lstm(opts) : tfl.layers.gru(opts), tfl.layers.dense({ units: CLASSES, activation: 'softmax' })] });
  m.compile({ optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-7), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

export async function tfjsTrain(cell: Cell, seconds: number): Promise<Row> {
  await useBackend('wasm', 1);
  const n = BATCH * 2, { x, y } = data(n);
  const m = tfjsNet(cell);
  const tx = tf.tensor3d(x, [n, T, F]), ty = tf.tensor2d(y, [n, 1]);
  const fit = async (epochs: number) => (await m.fit(tx, ty, { epochs, batchSize: BATCH, verbose: 0, shuffle: true })).history.loss as number[];
  const runs = await timeRuns(fit, n, seconds);
  return { section: 'recurrent', case: caseOf(cell), impl: 'tfjs wasm', threads: 1, value: median(runs), runs, unit: 'samples/s', higherIsBetter: true };
}

export function torchTrain(cell: Cell, quick: boolean): Row {
  const row: Row = { section: 'recurrent', case: caseOf(cell), impl: 'pytorch', threads: 1, unit: 'samples/s', higherIsBetter: true };
  const script = fileURLToPath(new URL('./peers/torch_rnn.py', import.meta.url));
  const r = spawnSync(process.env.LEPTON_BENCH_PYTHON || '/usr/bin/python3', [script, cell, quick ? '1' : '0'], { encoding: 'utf8' });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (!line) return { ...row, note: r.stderr?.includes('No module named') ? TORCH_MISSING : `failed: ${r.stderr?.slice(-200)}` };
  const o = JSON.parse(line) as { runs: number[]; torch: string };
  return { ...row, value: median(o.runs), runs: o.runs, note: `torch ${o.torch}` };
}

/** Batch-1 latency of the LSTM tagger: µs per predict call, median of runs of `calls`. */
async function latency(call: () => Promise<unknown> | unknown, calls: number): Promise<number[]> {
  for (let i = 0; i < calls; i++) await call();
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < calls; i++) await call();
    runs.push(((performance.now() - t) * 1000) / calls);
  }
  return runs;
}

export async function predictRows(fast: boolean, quick: boolean): Promise<Row[]> {
  await init({ threads: 1, fast });
  const calls = quick ? 50 : 300;
  const net = leptonNet('lstm');
  const { x } = data(1, 7);
  const one = { data: x, shape: [1, T, F] };
  const row = (impl: string, runs: number[]): Row => ({ section: 'recurrent', case: 'predict LSTM(64) tagger, batch 1', impl, threads: 1, value: median(runs), runs, unit: 'µs', higherIsBetter: false });
  const want = Float32Array.from(net.predict(one).data);
  const rows = [row(fast ? 'lepton fast' : 'lepton plain', await latency(() => net.predict(one), calls))];
  // ONNX Runtime on lepton's own export, checked against lepton's prediction first.
  const session = await ort.InferenceSession.create(await net.toOnnx(), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', x, [1, T, F]) };
  const got = (await session.run(feeds))[session.outputNames[0]].data as Float32Array;
  if (!got.every((v, i) => Math.abs(v - want[i]) < 1e-5)) throw new Error('onnxruntime disagrees with lepton');
  rows.push(row('ort node', await latency(() => session.run(feeds), calls)));
  // ONNX Runtime Web (its wasm build, in Node, one thread) on the same export: the browser peer.
  const web: any = await import('onnxruntime-web');
  web.env.wasm.numThreads = 1;
  web.env.wasm.simd = true;
  const ws = await web.InferenceSession.create(await net.toOnnx(), { executionProviders: ['wasm'], intraOpNumThreads: 1, interOpNumThreads: 1 });
  const webFeeds = { [ws.inputNames[0]]: new web.Tensor('float32', x, [1, T, F]) };
  const wgot = (await ws.run(webFeeds))[ws.outputNames[0]].data as Float32Array;
  if (!wgot.every((v, i) => Math.abs(v - want[i]) < 1e-5)) throw new Error('onnxruntime-web disagrees with lepton');
  rows.push(row('ort web', await latency(() => ws.run(webFeeds), calls)));
  // TF.js wasm with the same weights.
  await useBackend('wasm', 1);
  const m = tfjsNet('lstm');
  m.setWeights(net.getWeights().map((w) => tf.tensor(w.data, w.shape)));
  const tx = tf.tensor3d(x, [1, T, F]);
  const tw = (m.predict(tx) as tf.Tensor).dataSync();
  if (!tw.every((v, i) => Math.abs(v - want[i]) < 1e-5)) throw new Error('tfjs disagrees with lepton');
  rows.push(row('tfjs wasm', await latency(() => tf.tidy(() => (m.predict(tx) as tf.Tensor).dataSync()), calls)));
  return rows;
}

if (process.argv[1]?.endsWith('recurrent.bench.ts')) {
  const fast = process.argv.includes('--fast'), quick = process.argv.includes('--quick');
  const at = process.argv.indexOf('--only');
  const only = at > 0 ? process.argv[at + 1].split(',') : ['lstm', 'gru', 'predict'];
  const seconds = quick ? 0.5 : 2;
  const print = (r: Row) => console.log(`${r.case} | ${r.impl} | ${r.value === undefined ? r.note : `${Math.round(r.value)} ${r.unit} (${r.runs!.map(Math.round).join(' ')})${r.note ? ` ${r.note}` : ''}`}`);
  for (const cell of ['lstm', 'gru'] as Cell[]) {
    if (!only.includes(cell)) continue;
    print(await leptonTrain(cell, fast, seconds));
    print(torchTrain(cell, quick));
    if (!process.argv.includes('--no-tfjs')) print(await tfjsTrain(cell, seconds));
  }
  if (only.includes('predict')) for (const r of await predictRows(fast, quick)) print(r);
}

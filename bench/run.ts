// One bench task in its own process (the lepton build and TF.js's wasm thread count are fixed per
// process): `tsx bench/run.ts '<task json>'` prints `RESULT <rows json>` as its last line.
import { run as conv, type ConvImpl } from './conv.bench.js';
import { run as gemm } from './gemm.bench.js';
import { run as infer, type InferImpl } from './infer.bench.js';
import { run as inferCnn, type InferCnnImpl } from './infer-cnn.bench.js';
import type { BenchModel } from './peers/tfjs-train.js';
import type { Row } from './rows.js';
import { run as train } from './train-mlp.bench.js';
import { run as trainCnn, type CnnModel } from './train-cnn.bench.js';
import { leptonTrain, predictRows, tfjsTrain, torchTrain, type Cell } from './recurrent.bench.js';

export interface Task {
  section: 'gemm' | 'conv' | 'train' | 'predict' | 'train-cnn' | 'recurrent' | 'predict-cnn';
  impl: string;
  threads: number;
  fast?: boolean;
  /** train: the MLP; recurrent: the cell. */
  model?: BenchModel | 'lstm' | 'gru';
  quick?: boolean;
  /** train, lepton: a batch-norm layer after each hidden dense layer. */
  batchNorm?: boolean;
  /** train-cnn: which convolutional model (issue 14). */
  cnn?: CnnModel;
}

const task = JSON.parse(process.argv[2]) as Task;
let rows: Row[];
if (task.section === 'gemm') rows = await gemm({ impl: task.impl as 'lepton' | 'tfjs wasm', threads: task.threads, fast: task.fast, quick: task.quick });
else if (task.section === 'conv') rows = await conv({ impl: task.impl as ConvImpl, threads: task.threads, fast: task.fast, quick: task.quick });
else if (task.section === 'predict-cnn') rows = await inferCnn({ impl: task.impl as InferCnnImpl, threads: task.threads, fast: task.fast, quick: task.quick });
else if (task.section === 'train-cnn') rows = [await trainCnn({ impl: task.impl as 'lepton' | 'torch' | 'tfjs wasm' | 'tfjs cpu', model: task.cnn!, threads: task.threads, fast: task.fast, quick: task.quick })];
else if (task.section === 'recurrent') {
  const cell = task.model as Cell, seconds = task.quick ? 0.5 : 2;
  if (task.impl === 'predict') rows = await predictRows(task.fast ?? false, task.quick ?? false);
  else if (task.impl === 'lepton') rows = [await leptonTrain(cell, task.fast ?? false, seconds)];
  else if (task.impl === 'torch') rows = [torchTrain(cell, task.quick ?? false)];
  else rows = [await tfjsTrain(cell, seconds)];
} else if (task.section === 'train') rows = [await train({ impl: task.impl as 'lepton' | 'tfjs wasm' | 'tfjs cpu' | 'torch', model: task.model as BenchModel, threads: task.threads, fast: task.fast, quick: task.quick, batchNorm: task.batchNorm })];
else rows = await infer({ impl: task.impl as InferImpl, threads: task.threads, fast: task.fast, quick: task.quick });
if (task.impl === 'tfjs wasm' && task.threads > 1) {
  // tfjs-backend-wasm falls back to its single-threaded build where it finds no multithread
  // support (Node: WASM_HAS_MULTITHREAD_SUPPORT is false); say so beside its figures.
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const actual = getThreadsCount();
  if (actual < task.threads) for (const r of rows) r.note = `tfjs-backend-wasm ran ${actual} thread (no multithread support here)`;
}
console.log(`RESULT ${JSON.stringify(rows)}`);

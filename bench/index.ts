// The benchmark suite: `npm run bench` (or `npm run bench -- --quick` for a smoke run; add
// `--only gemm,conv,train,train-cnn,predict,predict-cnn,cold,size` to pick sections). Every figure of lepton stands beside the
// peers' measured in the same run: TensorFlow.js (wasm with SIMD on 1 and 2 threads; cpu) and ONNX
// Runtime (native onnxruntime-node, and onnxruntime-web's wasm) for inference; PyTorch (native,
// CPU, in /usr/bin/python3: bench/peers/torch_bench.py) for training and inference where
// python3-torch is installed, else its rows say "not installed". Each side validates its outputs
// against a reference before it is timed. One table with ratios goes to stdout, every figure to
// bench/results.json (bench/results-partial.json for a --quick or --only run). Tasks run one at a
// time, each in its own process, in 3 passes (`--reps N`; 1 with --quick).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { run as coldStart } from './cold-start.bench.js';
import type { Task } from './run.js';
import { median, table, type Row } from './rows.js';
import { run as size } from './size.bench.js';

const quick = process.argv.includes('--quick');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1].split(',') : ['gemm', 'conv', 'train', 'train-cnn', 'predict', 'recurrent', 'predict-cnn', 'cold', 'size'];

const lepton = (section: Task['section'], extra: Partial<Task> = {}): Task[] =>
  [[false, 1], [false, 2], [true, 1], [true, 2]].map(([fast, threads]) => ({ section, impl: 'lepton', fast: fast as boolean, threads: threads as number, ...extra }));

const tasks: Task[] = [];
if (only.includes('gemm')) tasks.push(...lepton('gemm'), { section: 'gemm', impl: 'tfjs wasm', threads: 1 }, { section: 'gemm', impl: 'tfjs wasm', threads: 2 });
if (only.includes('conv')) {
  // The convolution kernels beside the dense gemm of the same m·n·k (lepton's rows) and the peers' kernels.
  tasks.push(...lepton('conv'), { section: 'conv', impl: 'tfjs wasm', threads: 1 }, { section: 'conv', impl: 'ort node', threads: 1 }, { section: 'conv', impl: 'ort node', threads: 2 });
}
if (only.includes('train')) {
  for (const model of ['fashion', 'earthquake'] as const) {
    tasks.push(...lepton('train', { model }));
    if (model === 'fashion') tasks.push({ section: 'train', impl: 'lepton', threads: 1, model, batchNorm: true });
    tasks.push({ section: 'train', impl: 'tfjs wasm', threads: 1, model }, { section: 'train', impl: 'tfjs wasm', threads: 2, model }, { section: 'train', impl: 'tfjs cpu', threads: 1, model });
    tasks.push({ section: 'train', impl: 'torch', threads: 1, model }, { section: 'train', impl: 'torch', threads: 2, model });
  }
}
if (only.includes('train-cnn')) {
  // The convolutional models of issue 14: LeNet and seed 000's CAE, lepton 1 and 2 threads beside PyTorch and TF.js.
  for (const cnn of ['lenet', 'cae'] as const) {
    tasks.push(...lepton('train-cnn', { cnn }));
    tasks.push({ section: 'train-cnn', impl: 'torch', threads: 1, cnn }, { section: 'train-cnn', impl: 'torch', threads: 2, cnn });
    tasks.push({ section: 'train-cnn', impl: 'tfjs wasm', threads: 1, cnn }, { section: 'train-cnn', impl: 'tfjs cpu', threads: 1, cnn });
  }
}
if (only.includes('predict')) {
  tasks.push(...lepton('predict'));
  for (const impl of ['tfjs wasm', 'ort node', 'ort web', 'torch']) for (const threads of [1, 2]) tasks.push({ section: 'predict', impl, threads });
  tasks.push({ section: 'predict', impl: 'tfjs cpu', threads: 1 });
}
// Recurrent layers (issue 17, bench/recurrent.bench.ts): LSTM(64) and GRU(64) training, 1 thread,
// beside PyTorch and TF.js wasm; the LSTM tagger's batch-1 latency beside TF.js wasm and ONNX Runtime.
if (only.includes('recurrent')) {
  for (const model of ['lstm', 'gru'] as const) {
    for (const fast of [false, true]) tasks.push({ section: 'recurrent', impl: 'lepton', fast, threads: 1, model });
    tasks.push({ section: 'recurrent', impl: 'torch', threads: 1, model }, { section: 'recurrent', impl: 'tfjs wasm', threads: 1, model });
  }
  tasks.push({ section: 'recurrent', impl: 'predict', threads: 1 }, { section: 'recurrent', impl: 'predict', fast: true, threads: 1 });
}
// Prediction of the LeNet (issue 14, bench/infer-cnn.bench.ts): batch 1 latency on 1 thread, batch
// 256 throughput on 1 and 2, beside TF.js wasm and ONNX Runtime Web running lepton's toOnnx() export.
if (only.includes('predict-cnn')) {
  tasks.push(...lepton('predict-cnn'));
  for (const impl of ['tfjs wasm', 'ort web']) for (const threads of [1, 2]) tasks.push({ section: 'predict-cnn', impl, threads });
}

// Every task runs in `reps` processes, one pass over all tasks after another, and a figure is the
// median of the runs of all its processes: on this VM a whole process sometimes runs 30–40 %
// slower than the next one (both threads busy, more CPU ticks for the same work), and one slow
// process must not decide a figure.
const repsAt = process.argv.indexOf('--reps');
const reps = repsAt > 0 ? Math.max(1, Number(process.argv[repsAt + 1])) : quick ? 1 : 3;
const rows: Row[] = [];
const runner = fileURLToPath(new URL('./run.ts', import.meta.url));
for (let pass = 1; pass <= reps; pass++) {
  for (const task of tasks) {
    const label = `${task.section} ${task.impl}${task.fast ? ' fast' : ''}${task.batchNorm ? ' + batch norm' : ''} ${task.threads}t${task.model ?? task.cnn ? ' ' + (task.model ?? task.cnn) : ''}`;
    process.stderr.write(`${reps > 1 ? `[${pass}/${reps}] ` : ''}${label} ...`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', runner, JSON.stringify({ ...task, quick })], { encoding: 'utf8', maxBuffer: 1 << 24 });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    if (line) merge(JSON.parse(line.slice(7)) as Row[]);
    else {
      const why = (r.stderr.split('\n').find((l) => /Error|error:/.test(l)) ?? `exit ${r.status}`).trim().slice(0, 160);
      const impl = task.impl === 'lepton' ? (task.fast ? 'lepton fast' : 'lepton plain') : task.impl === 'torch' ? 'pytorch' : task.impl;
      merge([{ section: task.section, case: task.model ?? task.cnn ?? '(all)', impl, threads: task.threads, unit: '', higherIsBetter: true, note: `failed: ${why}` }]);
    }
    process.stderr.write(' done\n');
  }
}

/** Adds a process's rows: the runs of the same figure pool, and its median is taken over all of them. */
function merge(got: Row[]): void {
  for (const g of got) {
    const same = rows.find((r) => r.section === g.section && r.case === g.case && r.impl === g.impl && r.threads === g.threads);
    if (!same) rows.push(g);
    else if (same.value === undefined) Object.assign(same, g); // an earlier process failed; this one ran
    else if (g.runs && same.runs) {
      same.runs.push(...g.runs);
      same.value = median(same.runs);
    }
  }
}
if (only.includes('cold')) rows.push(...(await coldStart({ quick })));
if (only.includes('size')) rows.push(...(await size()));

// Rows grouped by section and case, lepton first.
const order = (r: Row) => (r.impl.startsWith('lepton') ? 0 : 1);
const sections = [...new Set(rows.map((r) => r.section))];
rows.sort((a, b) => sections.indexOf(a.section) - sections.indexOf(b.section) || a.case.localeCompare(b.case) || order(a) - order(b));
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`;
console.log(`\nlepton bench — medians${quick ? ' (--quick: short runs, a smoke test)' : ''}; node ${process.version}; ${machine}`);
console.log('"lepton ×": lepton plain on the same thread count (1 for the cpu backend and ONNX Runtime 1 thread) against that row; above 1 lepton is better.\n');
console.log(table(rows));
// Only a full run replaces the committed bench/results.json; a --quick or --only run goes beside it.
const file = quick || onlyAt > 0 ? 'results-partial.json' : 'results.json';
writeFileSync(new URL(`./${file}`, import.meta.url), JSON.stringify({ date: new Date().toISOString(), node: process.version, machine, quick, only, rows }, null, 2) + '\n');
console.log(`\nwrote bench/${file}`);

// PyTorch (native, CPU) as a peer of the training and inference benchmarks: the arrays every side
// uses (training data; the inference weights, inputs and float64 reference) go to a temporary
// binary file, and `python3 bench/peers/torch_bench.py '<task json>'` runs the task and prints one
// JSON line. Where python3 or torch is missing, `missing` says so and the suite goes on.
// Debian: apt-get install python3-torch libopenblas0-openmp (torch 1.13, OpenBLAS with OpenMP).
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TORCH_MISSING = 'not installed (apt-get install python3-torch libopenblas0-openmp)';

/** The interpreter: /usr/bin/python3 (Debian's python3-torch), or $LEPTON_BENCH_PYTHON. */
const PYTHON = process.env.LEPTON_BENCH_PYTHON || '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./torch_bench.py', import.meta.url));

export interface TorchArray {
  name: string;
  shape: number[];
  data: Float32Array | Float64Array;
}

export interface TorchTask {
  section: 'train' | 'predict';
  model: 'fashion' | 'earthquake';
  threads: number;
  quick?: boolean;
}

export interface TorchRuns { runs: number[]; median: number }
/** What torch_bench.py printed: its torch version and thread count, and the figures. */
export interface TorchTrain extends TorchRuns { torch: string; threads: number; stepsPerRun: number; batchSize: number; loss: { start: number; end: number } }
export interface TorchPredict { torch: string; threads: number; latency: TorchRuns & { calls: number }; throughput: TorchRuns }
/** Instead of figures when python3 or torch (or numpy) is not there. */
export interface TorchMissing { missing: string }

/** Runs one task in python on `arrays`, written back to back to a temporary file. */
export function runTorch(task: TorchTask & { section: 'train' }, arrays: TorchArray[]): TorchTrain | TorchMissing;
export function runTorch(task: TorchTask & { section: 'predict' }, arrays: TorchArray[]): TorchPredict | TorchMissing;
export function runTorch(task: TorchTask, arrays: TorchArray[]): TorchTrain | TorchPredict | TorchMissing {
  const dir = mkdtempSync(join(tmpdir(), 'lepton-torch-'));
  try {
    const file = join(dir, 'arrays.bin');
    const fd = openSync(file, 'w');
    try {
      for (const a of arrays) {
        const n = a.shape.reduce((p, q) => p * q, 1);
        if (a.data.length !== n) throw new Error(`torch peer: ${a.name} has ${a.data.length} values, shape ${a.shape} needs ${n}`);
        const bytes = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
        for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      }
    } finally {
      closeSync(fd);
    }
    const meta = arrays.map((a) => ({ name: a.name, shape: a.shape, dtype: a.data instanceof Float64Array ? 'float64' : 'float32' }));
    const r = spawnSync(PYTHON, [SCRIPT, JSON.stringify({ ...task, file, arrays: meta })], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (r.error) {
      if ((r.error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: `${PYTHON} not found` };
      throw r.error;
    }
    const line = r.stdout.split('\n').filter((l) => l.startsWith('{')).pop();
    if (r.status !== 0 || !line) {
      const why = r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`;
      throw new Error(`pytorch: ${why}`);
    }
    return JSON.parse(line) as TorchTrain | TorchPredict | TorchMissing;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

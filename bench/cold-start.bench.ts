// Cold start: from spawning `node` to the first prediction printed, for lepton (the dist bundle,
// default init) and the peers, beside an empty `node -e 0`. Median of several spawns, taken in
// turn so that every side sees the same machine load. Needs `npm run build` (dist/).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mlpWeights } from './infer.bench.js';
import { onnxMlp } from './peers/onnx-mlp.js';
import { median, type Row } from './rows.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** ms from spawn until stdout shows `ready` (or the process exits, for `node -e 0`). */
function once(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', done = false;
    const finish = () => {
      if (!done) {
        done = true;
        resolve(performance.now() - t0);
      }
    };
    p.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready')) finish();
    });
    p.stderr.on('data', (d) => (err += d));
    p.on('exit', (code) => {
      if (args[0] === '-e') finish();
      else if (!done) reject(new Error(`${args.join(' ')} exited ${code} without a prediction: ${err.slice(0, 300)}`));
    });
  });
}

export async function run({ quick = false } = {}): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), 'lepton-cold-'));
  const model = join(dir, 'mlp.onnx');
  writeFileSync(model, onnxMlp({ units: [784, 256, 128, 10], hidden: 'relu', output: 'softmax', weights: mlpWeights() }));
  const sides: [string, string[]][] = [
    ['node -e 0 (empty)', ['-e', '0']],
    ['lepton plain', [here('./cold/lepton.mjs')]],
    ['tfjs wasm', [here('./cold/tfjs-wasm.mjs')]],
    ['ort node', [here('./cold/ort.mjs'), 'node', model]],
    ['ort web', [here('./cold/ort.mjs'), 'web', model]],
  ];
  const times = new Map<string, number[]>(sides.map(([n]) => [n, []]));
  const notes = new Map<string, string>();
  for (const [name, args] of sides) await once(args).catch((e) => notes.set(name, (e as Error).message)); // warm the file cache
  for (let r = 0; r < (quick ? 3 : 9); r++) {
    for (const [name, args] of sides) {
      if (notes.has(name)) continue;
      try {
        times.get(name)!.push(await once(args));
      } catch (e) {
        notes.set(name, (e as Error).message);
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return sides.map(([impl]) => {
    const runs = times.get(impl)!;
    return {
      section: 'cold start', case: 'spawn → first prediction (Node)', impl, threads: 1,
      value: runs.length ? median(runs) : undefined, unit: 'ms', higherIsBetter: false, runs, note: notes.get(impl),
    };
  });
}

if (process.argv[1]?.endsWith('cold-start.bench.ts')) {
  for (const r of await run({ quick: process.argv.includes('--quick') })) console.log(`${r.impl}: ${r.value?.toFixed(0)} ms ${r.note ?? ''}`);
}

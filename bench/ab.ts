// A/B of two checkouts on the same machine in the same minutes: `npx tsx bench/ab.ts <before> <after>
// [--reps N] [--only train,predict]`. Each checkout must be built (`npm run build`) and have its
// node_modules. The tasks of bench/run.ts run alternately, before then after, one process each,
// N times (5 by default), and the table gives both medians and after/before. On a shared machine a
// figure drifts by tens of percent from minute to minute; a ratio of interleaved runs does not
// drift with it, which is what a refactor's "within noise" needs.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { median, type Row } from './rows.js';
import type { Task } from './run.js';

const [before, after] = process.argv.slice(2, 4).map((p) => resolve(p));
if (!before || !after) throw new Error('usage: npx tsx bench/ab.ts <before checkout> <after checkout> [--reps N] [--only train,predict]');
const option = (name: string) => { const at = process.argv.indexOf(name); return at > 0 ? process.argv[at + 1] : undefined; };
const reps = Number(option('--reps') ?? 5);
const only = (option('--only') ?? 'train,predict').split(',');

const tasks: Task[] = [];
if (only.includes('train')) {
  tasks.push({ section: 'train', impl: 'lepton', threads: 1, model: 'earthquake' });
  for (const threads of [1, 2]) tasks.push({ section: 'train', impl: 'lepton', threads, model: 'fashion' });
  tasks.push({ section: 'train', impl: 'lepton', threads: 1, model: 'fashion', batchNorm: true });
}
if (only.includes('predict')) tasks.push({ section: 'predict', impl: 'lepton', threads: 1 });

const figures = new Map<string, { unit: string; higher: boolean; runs: [number[], number[]] }>();
for (let rep = 0; rep < reps; rep++) {
  for (const task of tasks) {
    [before, after].forEach((tree, side) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', JSON.stringify({ fast: false, ...task, quick: true })], { cwd: tree, encoding: 'utf8' });
      const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) throw new Error(`${tree}: ${JSON.stringify(task)} printed no RESULT line\n${r.stderr}`);
      for (const row of JSON.parse(line.slice(7)) as Row[]) {
        const key = `${row.case} ${row.impl} ${row.threads}t`;
        if (!figures.has(key)) figures.set(key, { unit: row.unit, higher: row.higherIsBetter, runs: [[], []] });
        figures.get(key)!.runs[side].push(row.value!);
      }
    });
  }
  process.stderr.write(`pass ${rep + 1}/${reps}\n`);
}
console.log(`${'figure'.padEnd(62)} ${'before'.padStart(10)} ${'after'.padStart(10)}  after/before`);
for (const [key, f] of figures) {
  const [a, b] = f.runs.map(median);
  console.log(`${key.padEnd(62)} ${a.toPrecision(5).padStart(10)} ${b.toPrecision(5).padStart(10)}  ${(b / a).toFixed(3)} (${f.unit}, ${f.higher ? 'higher' : 'lower'} is better)`);
}

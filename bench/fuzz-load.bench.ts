// The load fuzzer at scale (test/io/fuzz.ts; CI runs 400 cases): mutated lepton and TF.js files
// by kind of mutation, with the outcome of each, the load rate and the slowest case.
//   npx tsx bench/fuzz-load.bench.ts [--cases 10000] [--seed 1]
import { init } from '../src/index.js';
import { fuzz, type FuzzReport } from '../test/io/fuzz.js';

export async function run({ cases = 10_000, seed = 1 } = {}): Promise<FuzzReport & { seconds: number }> {
  await init(new URL('../build/lepton.wasm', import.meta.url));
  const t0 = performance.now();
  const r = await fuzz(cases, seed);
  return { ...r, seconds: (performance.now() - t0) / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (k: string, d: number) => {
    const i = process.argv.indexOf(k);
    return i >= 0 ? Number(process.argv[i + 1]) : d;
  };
  const r = await run({ cases: arg('--cases', 10_000), seed: arg('--seed', 1) });
  const rows = Object.entries(r.byMutation).sort(([a], [b]) => a.localeCompare(b));
  const cols = ['identical', 'loadedDifferent', 'rejected', 'failure'] as const;
  console.log(`fuzz-load: ${r.cases} cases in ${r.seconds.toFixed(2)} s (${(r.cases / r.seconds).toFixed(0)} loads/s), slowest ${r.slowestMs.toFixed(1)} ms`);
  console.log(['mutation'.padEnd(24), ...cols.map((c) => c.padStart(16))].join(''));
  for (const [k, v] of rows) console.log([k.padEnd(24), ...cols.map((c) => String(v[c]).padStart(16))].join(''));
  console.log(['total'.padEnd(24), ...cols.map((c) => String(r.byOutcome[c]).padStart(16))].join(''));
  if (r.failures.length) {
    console.log('failures:\n' + r.failures.join('\n'));
    process.exitCode = 1;
  }
}

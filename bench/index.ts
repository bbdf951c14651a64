// The benchmark suite: `npm run bench` (or `npm run bench -- --quick` for a smoke run). Each bench
// validates its results against a reference before timing, prints its table, and the figures of
// the whole run go to bench/results.json.
import { writeFileSync } from 'node:fs';
import { run as gemm } from './gemm.bench.js';
import { run as trainMlp, table as trainTable } from './train-mlp.bench.js';

const quick = process.argv.includes('--quick');
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, quick };

results.gemm = await gemm({ quick });
console.log();
const train = await trainMlp({ quick });
console.log(`train-mlp: samples/s, median of 3 runs${quick ? ' (--quick)' : ''}`);
console.log(trainTable(train));
results.trainMlp = train;

writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n');
console.log('\nwrote bench/results.json');

// What the NaN guard's undo costs: each training step copies the trained weights aside before its
// update (ModelMemory.snapshot), so that a non-finite loss at the next step can return to them.
// The benchmark models train one epoch at a time with the copy on and off, in alternating rounds
// of the same process, and the table gives the median µs per step of each and their ratio.
//   npx tsx bench/rollback.bench.ts [--rounds 15]
import { init, layers, optimizers, sequential } from '../src/index.js';
import { MODELS, median, trainingData, type BenchModel } from './peers/tfjs-train.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

async function measure(model: BenchModel, rounds: number): Promise<{ on: number; off: number; params: number }> {
  const spec = MODELS[model];
  const u = spec.units;
  const net = sequential([
    layers.dense(u[1], { activation: spec.activation, inputShape: [u[0]] }),
    ...u.slice(2, -1).map((n) => layers.dense(n, { activation: spec.activation })),
    layers.dense(u[u.length - 1], model === 'fashion' ? { activation: 'softmax' } : {}),
  ], { seed: 1 });
  net.compile({ optimizer: optimizers.adam(1e-3), loss: spec.loss });
  const d = await trainingData(model);
  const steps = model === 'fashion' ? 48 : 256;
  const n = spec.batchSize * steps;
  const x = { data: d.x.subarray(0, n * d.inputs), shape: [n, d.inputs] };
  const y = model === 'fashion' ? { data: d.y.subarray(0, n), shape: [n] } : { data: d.y.subarray(0, n * d.outputs), shape: [n, d.outputs] };
  const epoch = async (rollback: boolean): Promise<number> => {
    net.runner.rollback = rollback;
    const t0 = performance.now();
    await net.fit(x, y, { epochs: 1, batchSize: spec.batchSize, verbose: 0, shuffle: false });
    return ((performance.now() - t0) * 1000) / steps;
  };
  await epoch(true);
  await epoch(false);
  const on: number[] = [], off: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so drift in the machine's speed falls on both.
    if (r % 2) { on.push(await epoch(true)); off.push(await epoch(false)); }
    else { off.push(await epoch(false)); on.push(await epoch(true)); }
  }
  net.runner.rollback = true;
  return { on: median(on), off: median(off), params: net.countParams() };
}

await init({ threads: 1 });
const rounds = arg('rounds', 15);
console.log('model                     params   µs/step without copy   with copy   ratio');
for (const model of ['earthquake', 'fashion'] as const) {
  const r = await measure(model, rounds);
  console.log(`${MODELS[model].units.join('-').padEnd(22)} ${String(r.params).padStart(9)}   ${r.off.toFixed(1).padStart(20)}   ${r.on.toFixed(1).padStart(9)}   ${(r.on / r.off).toFixed(3)}`);
}

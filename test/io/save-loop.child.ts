// Child process of atomic.test.ts: saves a model to one directory over and over, every save with
// all weights equal to its number i and preprocessing { i }, announcing each one before and after.
import { init, layers, optimizers, sequential } from '../../src/index.js';

const [dir, startArg] = process.argv.slice(2);
await init(new URL('../../build/lepton.wasm', import.meta.url));
const m = sequential([layers.dense(512, { inputShape: [256] }), layers.dense(512)], { seed: 1 }); // ~400k weights, 3 slabs with Adam
m.compile({ optimizer: optimizers.adam(), loss: 'mse' });
for (let i = Number(startArg); ; i++) {
  m.setWeights(m.getWeights().map((w) => ({ data: w.data.fill(i), shape: w.shape })));
  m.preprocessing = { i };
  process.stdout.write(`begin ${i}\n`);
  await m.save(dir);
  process.stdout.write(`saved ${i}\n`);
}

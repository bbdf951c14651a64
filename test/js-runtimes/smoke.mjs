// lepton from the dist bundle in a JavaScript runtime other than Node (Deno, Bun; Node runs it too):
// init() finds lepton.wasm beside the bundle, the fast build where the engine has relaxed SIMD,
// the thread pool on node:worker_threads, training, save() to a directory and loadModel() from it
// (the io chunk, the file system), a CSV read from disk, and the ONNX writer. Prints one JSON line.
//   deno run --allow-read --allow-write --allow-sys test/js-runtimes/smoke.mjs <tmpdir> [fast]
//   bun test/js-runtimes/smoke.mjs <tmpdir> [fast]
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as lepton from '../../dist/lepton.js';

const [dir, mode] = process.argv.slice(2);
const rt = await lepton.init({ threads: 2, fast: mode === 'fast' });
const ready = await lepton.threadsReady();
const n = 256;
const lines = ['x,y'];
for (let i = 0; i < n; i++) {
  const x = (i / (n - 1)) * 2 - 1;
  lines.push(`${x},${x * x}`);
}
await writeFile(join(dir, 'square.csv'), lines.join('\n') + '\n');
const { x, y } = await (await lepton.data.csv(join(dir, 'square.csv'), { label: ['y'] }).load()).toArrays();
const net = lepton.sequential([
  lepton.layers.dense(16, { activation: 'tanh', inputShape: [1] }),
  lepton.layers.dense(16, { activation: 'tanh' }),
  lepton.layers.dense(1),
], { seed: 1 });
net.compile({ optimizer: lepton.optimizers.adam(0.02), loss: 'mse' });
const history = await net.fit(x, y, { epochs: 60, batchSize: 32, verbose: 0 });
await net.save(join(dir, 'model'));
const again = await lepton.loadModel(join(dir, 'model'));
const probe = { data: x.data.subarray(0, 8), shape: [8, 1] };
const reloaded = net.predict(probe).data.every((v, i) => v === again.predict(probe).data[i]);
const onnx = await net.toOnnx();
console.log(JSON.stringify({
  build: lepton.build(), threads: rt.threads, ready, fallbackReason: rt.fallbackReason ?? null,
  rows: x.shape[0], loss: history.history.loss.at(-1), reloaded, onnxBytes: onnx.length,
}));

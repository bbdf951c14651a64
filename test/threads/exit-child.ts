// Run by threads.test.ts as a child process: trains with two threads and then simply ends. The
// parent fails the test if this process does not exit on its own.
import { init, layers, optimizers, sequential } from '../../src/index.js';
import { threadsReady } from '../../src/wasm/runtime.js';

await init({ threads: 2 });
await threadsReady();
const net = sequential([layers.dense(256, { activation: 'relu', inputShape: [64] }), layers.dense(10, { activation: 'softmax' })], { seed: 1 });
net.compile({ optimizer: optimizers.adam(), loss: 'sparseCategoricalCrossentropy' });
const n = 512;
const x = new Float32Array(n * 64).map((_, i) => Math.sin(i));
const y = new Float32Array(n).map((_, i) => i % 10);
await net.fit({ data: x, shape: [n, 64] }, { data: y, shape: [n] }, { epochs: 2, batchSize: 128, verbose: 0 });
console.log('trained');

// Cold start, lepton: the published bundle (dist/), default init(), the Fashion-MNIST MLP, one
// prediction; prints its argmax. bench/cold-start.bench.ts times spawn → this line.
import { init, layers, sequential } from '../../dist/lepton.js';

await init();
const net = sequential([
  layers.dense(256, { activation: 'relu', inputShape: [784] }), layers.dense(128, { activation: 'relu' }), layers.dense(10, { activation: 'softmax' }),
], { seed: 1 });
const p = net.predict({ data: new Float32Array(784).fill(0.5), shape: [1, 784] }).data;
process.stdout.write(`ready ${p.indexOf(Math.max(...p))}\n`);

// Cold start, TensorFlow.js on its wasm backend: the same model (random weights), one prediction.
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

setWasmPaths(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + sep);
tf.env().set('PROD', true);
await tf.setBackend('wasm');
await tf.ready();
const u = [784, 256, 128, 10];
let h = tf.fill([1, 784], 0.5);
for (let l = 0; l < 3; l++) {
  h = tf.add(tf.matMul(h, tf.randomUniform([u[l], u[l + 1]], -0.1, 0.1, 'float32', l)), tf.zeros([u[l + 1]]));
  h = l < 2 ? tf.relu(h) : tf.softmax(h);
}
const p = h.dataSync();
process.stdout.write(`ready ${p.indexOf(Math.max(...p))}\n`);

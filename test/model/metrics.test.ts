// precision, recall, f1 and r2 as compile metrics: against counts worked by hand and the closed
// form of R², against TF.js's tf.metrics.precision / recall on the same predictions, with sample weights, and as
// 'auto'-mode monitors that improve upward.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, sequential } from '../../src/index.js';
import { getMetric, type Metric } from '../../src/metrics.js';
import { higherIsBetter } from '../../src/callbacks/checkpoint.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  await tf.setBackend('cpu');
});

const run = (m: Metric, pred: number[], target: number[], cols: number, weights?: number[]) => {
  m.reset();
  m.update({ pred: Float32Array.from(pred), target: Float32Array.from(target), labels: false, rows: pred.length / cols, cols, weights: weights ? Float32Array.from(weights) : null });
  return m.result();
};

test('precision, recall, f1 at threshold 0.5: worked by hand, weighted, and 0 with no positives', () => {
  // p:      0.9  0.6  0.4  0.2  0.7  0.5   (0.5 is not > 0.5)
  // target: 1    0    1    0    1    1     → TP 2 (0.9, 0.7), FP 1 (0.6), FN 2 (0.4, 0.5)
  const p = [0.9, 0.6, 0.4, 0.2, 0.7, 0.5], t = [1, 0, 1, 0, 1, 1];
  close([run(getMetric('precision', 'binaryCrossentropy', 1), p, t, 1)], [2 / 3], 1e-12, 0);
  close([run(getMetric('recall', 'binaryCrossentropy', 1), p, t, 1)], [2 / 4], 1e-12, 0);
  close([run(getMetric('f1', 'binaryCrossentropy', 1), p, t, 1)], [(2 * 2) / (2 * 2 + 1 + 2)], 1e-12, 0);
  // weights: the false positive counts 3 → precision 2/(2 + 3)
  close([run(getMetric('precision', 'binaryCrossentropy', 1), p, t, 1, [1, 3, 1, 1, 1, 1])], [2 / 5], 1e-12, 0);
  assert.is(run(getMetric('precision', 'binaryCrossentropy', 1), [0.1, 0.2], [1, 0], 1), 0, 'nothing predicted positive');
  // two softmax columns: the second is P(positive)
  close([run(getMetric('recall', 'categoricalCrossentropy', 2), [0.2, 0.8, 0.7, 0.3], [0, 1, 0, 1], 2)], [1 / 2], 1e-12, 0);
});

// (tfl.metrics.r2Score needs tfjs-core's chained ops, which do not load as ES modules here: R² is checked in closed form below.)
test('precision and recall equal TF.js\'s tf.metrics.precision / recall', () => {
  const n = 200;
  const p = Array.from(rand(n, 3, 0, 1)), t = Array.from(rand(n, 4, 0, 1), (v) => (v > 0.6 ? 1 : 0));
  const yt = tf.tensor2d(t, [n, 1]), yp = tf.tensor2d(p.map((v) => (v > 0.5 ? 1 : 0)), [n, 1]); // TF.js counts predictions equal to 1
  close([run(getMetric('precision', 'binaryCrossentropy', 1), p, t, 1)], tfl.metrics.precision(yt, yp).dataSync(), 1e-6, 1e-6, 'precision');
  close([run(getMetric('recall', 'binaryCrossentropy', 1), p, t, 1)], tfl.metrics.recall(yt, yp).dataSync(), 1e-6, 1e-6, 'recall');
});

test('r2: closed form per column, averaged; weighted; 1 for perfect predictions', () => {
  const y = [1, 10, 2, 20, 3, 30, 4, 40]; // two columns
  const p = [1.5, 10, 2, 22, 2.5, 30, 4, 38];
  const r2col = (yc: number[], pc: number[]) => {
    const mean = yc.reduce((a, b) => a + b) / yc.length;
    return 1 - yc.reduce((s, v, i) => s + (v - pc[i]) ** 2, 0) / yc.reduce((s, v) => s + (v - mean) ** 2, 0);
  };
  const col = (a: number[], j: number) => a.filter((_, i) => i % 2 === j);
  close([run(getMetric('r2', 'mse', 2), p, y, 2)], [(r2col(col(y, 0), col(p, 0)) + r2col(col(y, 1), col(p, 1))) / 2], 1e-9, 1e-9);
  assert.is(run(getMetric('r2Score', 'mse', 2), y, y, 2), 1);
  // weight 2 on a row is that row twice
  close([run(getMetric('r2', 'mse', 1), [1, 2, 2.5], [1, 2, 3], 1, [1, 2, 1])], [run(getMetric('r2', 'mse', 1), [1, 2, 2, 2.5], [1, 2, 2, 3], 1)], 1e-9, 1e-9);
});

test('in compile and fit: the keys as typed; auto-mode monitors improve upward', async () => {
  const net = sequential([layers.dense(1, { inputShape: [2], activation: 'sigmoid' })], { seed: 1 });
  net.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['precision', 'recall', 'f1'] });
  const x = { data: rand(64, 1), shape: [32, 2] }, y = { data: Float32Array.from({ length: 32 }, (_, i) => (x.data[2 * i] > 0 ? 1 : 0)), shape: [32, 1] };
  const h = await net.fit(x, y, { epochs: 2, verbose: 0, validationSplit: 0.25 });
  assert.equal(Object.keys(h.history).sort(), ['f1', 'loss', 'precision', 'recall', 'val_f1', 'val_loss', 'val_precision', 'val_recall']);
  for (const m of ['val_precision', 'recall', 'val_f1', 'r2', 'val_r2', 'val_r2Score']) assert.ok(higherIsBetter(m), m);
  for (const m of ['val_loss', 'layer2_loss', 'mse']) assert.not.ok(higherIsBetter(m), m);
});

test.run();

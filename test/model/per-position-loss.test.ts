// The cross-entropies over classes on an output [n, t, classes] (a class per timestep or pixel):
// Keras sums over the last axis only and takes the mean over the n·t positions, each weighted by
// its sample's weight. Checked against a float64 reference of the same model, its gradients by
// central differences of that reference, with the fused (softmax output) and the unfused path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, optimizers, sequential, type Tensor } from '../../src/index.js';
import { close, rand } from '../helpers.js';

await init();

const n = 5, f = 4, t = 3, c = 4; // x [n, f] → dense(t·c) → [t, c] → softmax per position
const x: Tensor = { data: rand(n * f, 7), shape: [n, f] };
const labels = Int32Array.from({ length: n * t }, (_, i) => (i * 7 + 3) % c);
const oneHot: Tensor = { data: Float32Array.from({ length: n * t * c }, (_, i) => (labels[Math.floor(i / c)] === i % c ? 1 : 0)), shape: [n, t, c] };
const sampleWeight: Tensor = { data: Float32Array.from([1, 0.5, 2, 0, 1.5]), shape: [n] };

/** Float64 loss of dense(W, b) → softmax over each row of c → mean of the weighted −log p over n·t. */
function reference(W: Float64Array, b: Float64Array, w: ArrayLike<number> | null): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < t; p++) {
      const z = Array.from({ length: c }, (_, k) => {
        let s = b[p * c + k];
        for (let j = 0; j < f; j++) s += x.data[i * f + j] * W[j * t * c + p * c + k];
        return s;
      });
      const m = Math.max(...z), lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
      sum += (w ? w[i] : 1) * (lse - z[labels[i * t + p]]);
    }
  }
  return sum / (n * t);
}

function net(fused: boolean, loss: string) {
  const m = sequential([
    layers.dense(t * c, { inputShape: [f], biasInitializer: 'glorotUniform' }),
    layers.reshape([t, c]),
    layers.activation('softmax'),
    // a reshape to the same shape after the softmax: the loss then reads probabilities, not logits
    ...(fused ? [] : [layers.reshape([t, c])]),
  ], { seed: 3 });
  m.compile({ optimizer: 'sgd', loss, metrics: ['accuracy'] });
  return m;
}

for (const fused of [true, false]) {
  for (const loss of ['categoricalCrossentropy', 'sparseCategoricalCrossentropy']) {
    const y: Tensor = loss.startsWith('sparse') ? { data: Float32Array.from(labels), shape: [n, t] } : oneHot;
    for (const weighted of [false, true]) {
      test(`${loss}, ${fused ? 'fused with the softmax' : 'on probabilities'}${weighted ? ', sample weights' : ''}: loss and gradients per position`, () => {
        const m = net(fused, loss);
        const [W32, b32] = m.getWeights();
        const W = Float64Array.from(W32.data), b = Float64Array.from(b32.data);
        const w = weighted ? sampleWeight.data : null;
        const { loss: got, grads } = m.computeGradients(x, y, weighted ? { sampleWeight } : {});
        close([got], [reference(W, b, w)], 1e-5, 1e-5, 'loss');
        for (const [g, theta] of [[grads[0], W], [grads[1], b]] as const) {
          const fd = Array.from(theta, (v, i) => {
            const h = 1e-6;
            theta[i] = v + h; const up = reference(W, b, w);
            theta[i] = v - h; const down = reference(W, b, w);
            theta[i] = v;
            return (up - down) / (2 * h);
          });
          close(g.data, fd, 1e-5, 1e-3, 'gradient');
        }
      });
    }
  }
}

test('accuracy counts every position, weighted by its sample', () => {
  const m = net(true, 'sparseCategoricalCrossentropy');
  const p = m.predict(x);
  let hits = 0, total = 0;
  for (let r = 0; r < n * t; r++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (p.data[r * c + k] > p.data[r * c + best]) best = k;
    const wr = sampleWeight.data[Math.floor(r / t)];
    hits += wr * (best === labels[r] ? 1 : 0);
    total += wr;
  }
  const scores = m.evaluate(x, { data: Float32Array.from(labels), shape: [n, t] }, { sampleWeight }) as Record<string, number>;
  close([scores.accuracy], [hits / total], 1e-6, 0, 'accuracy');
});

test('training on per-position labels lowers the loss', async () => {
  const m = net(true, 'sparseCategoricalCrossentropy');
  m.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'sparseCategoricalCrossentropy' });
  const y: Tensor = { data: Float32Array.from(labels), shape: [n, t] };
  const before = (m.evaluate(x, y) as Record<string, number>).loss;
  await m.fit(x, y, { epochs: 50, batchSize: 5, verbose: 0 });
  const after = (m.evaluate(x, y) as Record<string, number>).loss;
  assert.ok(after < 0.5 * before, `loss ${before} → ${after}`);
});

test('labels of the wrong shape say one label per position, and classWeight asks for sampleWeight', () => {
  const m = net(true, 'sparseCategoricalCrossentropy');
  assert.throws(() => m.evaluate(x, { data: new Float32Array(n), shape: [n] }), /one integer label per position of the output \[\*, 3, 4\] \(\[5, 3\]\), got \[5\]/);
  assert.throws(() => m.evaluate(x, { data: Float32Array.from(labels, (l) => l + c), shape: [n, t] }), /expects integer labels in \[0, 4\) for 4 classes/);
  return m.fit(x, { data: Float32Array.from(labels), shape: [n, t] }, { epochs: 1, classWeight: { 0: 2 }, verbose: 0 }).then(
    () => assert.unreachable('classWeight on a per-position output'),
    (e: Error) => assert.match(e.message, /classWeight needs one class per sample, but the output is \[\*, 3, 4\]; use sampleWeight/));
});

test.run();

// Input gradients in one call (computeGradients(x, y, { inputs: true })) against finite
// differences and TF.js's tf.grad, and `trainable` taking effect at compile (Keras): the GAN recipe
// (compile D, freeze it, compile the combined G→D) trains D only through its own model and G only
// through the combined one, whichever way D is frozen.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-layers'; // registers the gradients tf.grad needs
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, model, optimizers, sequential, type Model, type Tensor } from '../../src/index.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url), { threads: 1 });
  await tf.setBackend('cpu');
});

const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.9);
const t = (data: Float32Array, shape: number[]): Tensor => ({ data, shape });

function classifier(): Model {
  const net = sequential([layers.dense(6, { activation: 'tanh', inputShape: [4] }), layers.dense(3, { activation: 'softmax' })], { seed: 5 });
  net.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'sparseCategoricalCrossentropy' });
  return net;
}

test('computeGradients with inputs: the loss gradient for every input, against central differences in float64 of the loss', () => {
  const net = classifier();
  const x = t(rand(5 * 4, 1), [5, 4]), y = t(Float32Array.from([0, 2, 1, 1, 0]), [5]);
  const w = t(Float32Array.from([1, 0.5, 2, 1, 0]), [5]);
  const before = net.getWeights();
  const { loss, grads, inputGrads } = net.computeGradients(x, y, { sampleWeight: w, inputs: true });
  assert.is(inputGrads.length, 1);
  assert.equal(inputGrads[0].shape, [5, 4]);
  assert.is(grads.length, 4);
  assert.equal(net.getWeights(), before, 'nothing updated');
  const h = 1e-2;
  const lossAt = (d: Float32Array) => net.evaluate(t(d, [5, 4]), y, { sampleWeight: w }).loss;
  for (let i = 0; i < x.data.length; i++) {
    const p = Float32Array.from(x.data), m = Float32Array.from(x.data);
    p[i] += h;
    m[i] -= h;
    const fd = (lossAt(p) - lossAt(m)) / (2 * h);
    assert.ok(Math.abs(fd - inputGrads[0].data[i]) < 2e-3 + 2e-2 * Math.abs(fd), `x[${i}]: finite difference ${fd}, computeGradients ${inputGrads[0].data[i]}`);
  }
  assert.ok(Math.abs(loss - net.evaluate(x, y, { sampleWeight: w }).loss) < 1e-6);
  // A zero-weight sample has no gradient.
  assert.ok(inputGrads[0].data.subarray(16, 20).every((v) => v === 0));
});

test('computeGradients with inputs equals tf.grad of the same loss in TF.js', () => {
  const net = classifier();
  const x = t(rand(6 * 4, 2), [6, 4]), labels = [2, 0, 1, 2, 1, 0];
  const { inputGrads } = net.computeGradients(x, t(Float32Array.from(labels), [6]), { inputs: true });
  const [k1, b1, k2, b2] = net.getWeights().map((w) => tf.tensor(w.data, w.shape));
  const loss = (xt: tf.Tensor) => {
    const p = tf.softmax(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(xt as tf.Tensor2D, k1 as tf.Tensor2D), b1)), k2 as tf.Tensor2D), b2));
    return tf.mean(tf.neg(tf.log(tf.sum(tf.mul(p, tf.oneHot(labels, 3)), 1))));
  };
  const g = tf.grad(loss)(tf.tensor(x.data, x.shape)).dataSync();
  for (let i = 0; i < g.length; i++) assert.ok(Math.abs(g[i] - inputGrads[0].data[i]) < 1e-6 + 1e-4 * Math.abs(g[i]), `x[${i}]: tf.grad ${g[i]}, lepton ${inputGrads[0].data[i]}`);
});

test('computeGradients with inputs on a two-input graph: one gradient per input; batch-norm statistics stay', () => {
  const a = input({ shape: [3] }), b = input({ shape: [2] });
  const h = layers.concatenate().apply([layers.dense(4).apply(a), b]);
  const out = layers.dense(1).apply(layers.batchNormalization().apply(h));
  const net = model({ inputs: [a, b], outputs: out, seed: 2 });
  net.compile({ optimizer: 'adam', loss: 'mse' });
  const before = net.getWeights();
  const r = net.computeGradients([t(rand(12, 3), [4, 3]), t(rand(8, 4), [4, 2])], t(rand(4, 5), [4, 1]), { inputs: true });
  assert.equal(r.inputGrads.map((g) => g.shape), [[4, 3], [4, 2]]);
  assert.ok(r.inputGrads.every((g) => g.data.some((v) => v !== 0)));
  assert.equal(net.getWeights(), before, 'moving mean and variance did not move');
});

/** G: 2 → 3, D: 3 → 1 (two dense layers each). */
function gan(freeze: 'model' | 'layers') {
  const g = sequential([layers.dense(5, { activation: 'relu', inputShape: [2] }), layers.dense(3)], { name: 'g', seed: 1 });
  const d = sequential([layers.dense(5, { activation: 'tanh', inputShape: [3] }), layers.dense(1, { activation: 'sigmoid' })], { name: 'd', seed: 2 });
  d.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
  if (freeze === 'model') d.trainable = false;
  else for (const l of d.layers) l.trainable = false;
  const z = input({ shape: [2] });
  const combined = model({ inputs: z, outputs: d.apply(g.apply(z)), name: 'gan', seed: 3 });
  combined.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
  return { g, d, combined };
}

for (const freeze of ['model', 'layers'] as const) {
  test(`the GAN recipe (D frozen by its ${freeze === 'model' ? 'model flag' : 'layers\' flags'} after its compile): D trains through its own model, G through the combined`, () => {
    const { g, d, combined } = gan(freeze);
    // A twin of D that was never frozen: D's own steps must match its steps exactly.
    const twin = sequential([layers.dense(5, { activation: 'tanh', inputShape: [3] }), layers.dense(1, { activation: 'sigmoid' })], { seed: 2 });
    twin.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
    const real = t(rand(8 * 3, 4), [8, 3]), ones = t(new Float32Array(8).fill(1), [8, 1]), zeros = t(new Float32Array(8), [8, 1]);
    const z = t(rand(8 * 2, 5), [8, 2]);
    for (let step = 0; step < 3; step++) {
      const g0 = g.getWeights(), d0 = d.getWeights();
      combined.trainOnBatch(z, ones);
      assert.equal(d.getWeights(), d0, `step ${step}: the combined step left D alone`);
      assert.not.equal(g.getWeights(), g0, `step ${step}: the combined step moved G`);
      const g1 = g.getWeights();
      d.trainOnBatch(real, zeros);
      twin.trainOnBatch(real, zeros);
      assert.equal(g.getWeights(), g1, `step ${step}: D's step left G alone`);
      assert.equal(d.getWeights(), twin.getWeights(), `step ${step}: D trained exactly as an unfrozen twin`);
    }
    assert.match(combined.summary({ print: false }), /Trainable params: 33\n/); // G's 2·5+5 + 5·3+3
    assert.match(d.summary({ print: false }), /Trainable params: 26\n/); // as D compiled: 3·5+5 + 5+1
  });
}

test.run();

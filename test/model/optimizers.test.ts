// Adagrad, Adamax and Nadam in a model, step for step: lepton's trainOnBatch against the float64
// references (test/ref/optimizers.ts, Keras's formulas) fed the same gradients, and Adagrad and
// Adamax against TF.js's own optimizers (tfjs-core's CPU backend; TF.js has no Nadam). Keras defaults.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, loadModel, optimizers, sequential, type Tensor } from '../../src/index.js';
import { close, rand } from '../helpers.js';
import * as ref from '../ref/optimizers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  await tf.setBackend('cpu');
});

const STEPS = 30;
const x = { data: rand(8 * 3, 1), shape: [8, 3] }, y = { data: rand(8 * 2, 2), shape: [8, 2] };
const net = (opt: ReturnType<typeof optimizers.adam>) => {
  const m = sequential([layers.dense(2, { inputShape: [3], activation: 'tanh' })], { seed: 4 });
  m.compile({ optimizer: opt, loss: 'mse' });
  return m;
};

/** Trains STEPS batches; hands every step's gradients (as trainOnBatch sees them) to `also`. */
function train(m: ReturnType<typeof net>, also: (grads: Tensor[], t: number) => void): void {
  for (let t = 1; t <= STEPS; t++) {
    const { grads } = m.computeGradients(x, y);
    m.trainOnBatch(x, y);
    also(grads, t);
  }
}

const cases = {
  adagrad: () => optimizers.adagrad(0.05),
  adamax: () => optimizers.adamax(0.01),
  nadam: () => optimizers.nadam(0.01),
};

for (const [name, make] of Object.entries(cases)) {
  test(`${name}: ${STEPS} trainOnBatch steps match the float64 reference fed the same gradients`, () => {
    const m = net(make());
    const ps = m.getWeights().map((w) => Float64Array.from(w.data));
    const s1 = ps.map((p) => new Float64Array(p.length).fill(name === 'adagrad' ? 0.1 : 0));
    const s2 = ps.map((p) => new Float64Array(p.length));
    const prod = ps.map(() => 1);
    train(m, (grads, t) => grads.forEach((g, i) => {
      if (name === 'adagrad') ref.adagrad(ps[i], g.data, s1[i], 0.05, 1e-7);
      else if (name === 'adamax') ref.adamax(ps[i], g.data, s1[i], s2[i], t, 0.01, 0.9, 0.999, 1e-7);
      else prod[i] = ref.nadam(ps[i], g.data, s1[i], s2[i], t, prod[i], 0.01, 0.9, 0.999, 1e-7);
    }));
    m.getWeights().forEach((w, i) => close(w.data, ps[i], 1e-5, 1e-4, `${name} weight ${i}`));
    assert.ok(m.evaluate(x, y).loss < net(make()).evaluate(x, y).loss, 'the loss fell');
  });
}

for (const name of ['adagrad', 'adamax'] as const) {
  test(`${name}: the same steps as TF.js's tf.train.${name} (Keras defaults)`, () => {
    const m = net(cases[name]());
    const vars = m.getWeights().map((w, i) => tf.variable(tf.tensor(w.data, w.shape), true, `${name}_w${i}`));
    const opt = name === 'adagrad' ? tf.train.adagrad(0.05, 0.1) : tf.train.adamax(0.01, 0.9, 0.999, 1e-7);
    train(m, (grads) => opt.applyGradients(Object.fromEntries(grads.map((g, i) => [`${name}_w${i}`, tf.tensor(g.data, g.shape)]))));
    m.getWeights().forEach((w, i) => close(w.data, vars[i].dataSync(), 1e-5, 1e-4, `${name} vs tfjs weight ${i}`));
  });
}

test('adagrad, adamax and nadam save and resume bit for bit', async () => {
  for (const make of Object.values(cases)) {
    const a = net(make()), b = net(make());
    for (let i = 0; i < 10; i++) { a.trainOnBatch(x, y); b.trainOnBatch(x, y); }
    const resumed = await loadModel(await a.save());
    assert.is(resumed.optimizer!.name, a.optimizer!.name);
    for (let i = 0; i < 10; i++) { resumed.trainOnBatch(x, y); b.trainOnBatch(x, y); }
    assert.equal(resumed.getWeights(), b.getWeights(), a.optimizer!.name);
  }
});

test.run();

// Parity with PyTorch (test/fixtures/make_mlp_fixtures.py, float64 with float32-exact inputs):
// forward output, loss, gradients, and the weights after 1 and after 20 optimizer steps.
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import { init, layers, optimizers, regularizers, sequential } from '../../src/index.js';
import { close } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

interface Fixture {
  name: string;
  inputDim: number;
  layers: { units: number; activation: string }[];
  loss: string;
  l2: number;
  optimizer: { name: string; learningRate: number; momentum?: number; nesterov?: boolean; beta1?: number; beta2?: number; epsilon?: number };
  weightShapes: number[][];
  weights: number[][];
  batches: { x: number[]; y: number[]; sampleWeight?: number[] }[];
  expected: { output: number[]; loss: number; grads: number[][]; weightsAfter1: number[][]; weightsAfter20: number[][] };
}

const dir = new URL('../fixtures/mlp/', import.meta.url);
const fixtures: Fixture[] = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')));

/** Relative comparison scaled by the array's magnitude, so entries near zero do not dominate. */
function near(got: ArrayLike<number>, ref: number[], rtol: number, what: string): void {
  const scale = Math.max(...ref.map(Math.abs), 1e-12);
  close(Array.from(got), ref, rtol * scale * 0.1, rtol, what);
}

for (const fx of fixtures) {
  const build = () => {
    const net = sequential(fx.layers.map((l, i) => layers.dense(l.units, {
      activation: l.activation, inputShape: i === 0 ? [fx.inputDim] : undefined,
      kernelRegularizer: fx.l2 ? regularizers.l2(fx.l2) : undefined,
    })), { seed: 0 });
    const o = fx.optimizer;
    const opt = o.name === 'adam'
      ? optimizers.adam({ learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon })
      : optimizers.sgd({ learningRate: o.learningRate, momentum: o.momentum, nesterov: o.nesterov });
    net.compile({ optimizer: opt, loss: fx.loss });
    net.setWeights(fx.weights.map((w, i) => ({ data: Float32Array.from(w), shape: fx.weightShapes[i] })));
    return net;
  };
  const sparse = fx.loss === 'sparseCategoricalCrossentropy';
  const outDim = fx.layers[fx.layers.length - 1].units;
  const batch = (b: Fixture['batches'][number]) => {
    const rows = b.x.length / fx.inputDim;
    return {
      x: { data: Float32Array.from(b.x), shape: [rows, fx.inputDim] },
      y: { data: Float32Array.from(b.y), shape: sparse ? [rows] : [rows, outDim] },
      w: b.sampleWeight ? { data: Float32Array.from(b.sampleWeight), shape: [rows] } : undefined,
    };
  };

  test(`${fx.name}: forward output and loss agree with PyTorch to 1e-5`, () => {
    const net = build();
    const b = batch(fx.batches[0]);
    near(net.predict(b.x).data, fx.expected.output, 1e-5, `${fx.name} output`);
    const { loss } = net.computeGradients(b.x, b.y, { sampleWeight: b.w });
    close([loss], [fx.expected.loss], 0, 1e-5, `${fx.name} loss`);
  });

  test(`${fx.name}: gradients agree with PyTorch`, () => {
    const net = build();
    const b = batch(fx.batches[0]);
    const { grads } = net.computeGradients(b.x, b.y, { sampleWeight: b.w });
    grads.forEach((g, i) => near(g.data, fx.expected.grads[i], 1e-4, `${fx.name} grad ${i}`));
  });

  test(`${fx.name}: weights after 1 and 20 ${fx.optimizer.name} steps agree with PyTorch to 1e-4`, () => {
    const net = build();
    for (let s = 0; s < 20; s++) {
      const b = batch(fx.batches[s]);
      net.trainOnBatch(b.x, b.y, { sampleWeight: b.w });
      if (s === 0) net.getWeights().forEach((w, i) => near(w.data, fx.expected.weightsAfter1[i], 1e-5, `${fx.name} weight ${i} after 1 step`));
    }
    net.getWeights().forEach((w, i) => near(w.data, fx.expected.weightsAfter20[i], 1e-4, `${fx.name} weight ${i} after 20 steps`));
  });
}

test.run();

// Parity with PyTorch for a graph with batch normalization and a residual block
// (test/fixtures/make_graph_fixtures.py; the dense layer before batch norm has no bias): training- and inference-mode outputs, loss, gradients,
// and the weights (moving statistics included, Keras convention) after 1 and 20 Adam steps.
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'uvu';
import { init, input, layers, model, optimizers, type Tensor } from '../../src/index.js';
import { close } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

interface Fixture {
  name: string;
  inputDim: number;
  width: number;
  outputs: number;
  loss: string;
  learningRate: number;
  momentum: number;
  epsilon: number;
  weightShapes: number[][];
  weights: number[][];
  batches: { x: number[]; y: number[] }[];
  expected: { outputTrain: number[]; loss: number; grads: number[][]; weightsAfter1: number[][]; weightsAfter20: number[][]; outputEvalAfter20: number[] };
}

const dir = new URL('../fixtures/graph/', import.meta.url);
const fixtures: Fixture[] = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')));

function near(got: ArrayLike<number>, want: number[], rtol: number, what: string): void {
  const scale = Math.max(...want.map(Math.abs), 1e-12);
  close(Array.from(got), want, rtol * scale * 0.1, rtol, what);
}

const MOVING = [3, 4]; // moving mean and variance in the Keras weight order

for (const fx of fixtures) {
  const sparse = fx.loss !== 'mse';
  const build = () => {
    const x = input({ shape: [fx.inputDim] });
    const h = layers.activation('relu').apply(layers.batchNormalization({ momentum: fx.momentum, epsilon: fx.epsilon }).apply(layers.dense(fx.width, { useBias: false }).apply(x)));
    const r = layers.dense(fx.width).apply(layers.dense(fx.width, { activation: 'relu' }).apply(h));
    const z = layers.activation('relu').apply(layers.add().apply([r, h]));
    const out = layers.dense(fx.outputs, sparse ? { activation: 'softmax' } : {}).apply(z);
    const net = model({ inputs: x, outputs: out, seed: 0 });
    net.compile({ optimizer: optimizers.adam({ learningRate: fx.learningRate, epsilon: 1e-7 }), loss: sparse ? 'sparseCategoricalCrossentropy' : 'mse' });
    net.setWeights(fx.weights.map((w, i) => ({ data: Float32Array.from(w), shape: fx.weightShapes[i] })));
    return { net, logits: sparse };
  };
  const batch = (b: Fixture['batches'][number]) => {
    const rows = b.x.length / fx.inputDim;
    return { x: { data: Float32Array.from(b.x), shape: [rows, fx.inputDim] }, y: { data: Float32Array.from(b.y), shape: sparse ? [rows] : [rows, fx.outputs] } };
  };
  const logSoftmax = (p: Float32Array) => Float64Array.from(p, (v) => Math.log(v));

  test(`${fx.name}: training-mode output and loss agree with PyTorch`, () => {
    const { net } = build();
    const b = batch(fx.batches[0]);
    const out = (net.predict(b.x, { training: true }) as Tensor).data;
    if (sparse) {
      // The fixture holds logits; compare log-probabilities, which the softmax output determines.
      const rows = out.length / fx.outputs;
      const lse = Array.from({ length: rows }, (_, i) => Math.log(fx.expected.outputTrain.slice(i * fx.outputs, (i + 1) * fx.outputs).reduce((s, v) => s + Math.exp(v), 0)));
      near(logSoftmax(out), fx.expected.outputTrain.map((v, k) => v - lse[Math.floor(k / fx.outputs)]), 1e-5, 'log softmax (train)');
    } else near(out, fx.expected.outputTrain, 1e-5, 'output (train)');
    const { loss } = net.computeGradients(b.x, b.y);
    close([loss], [fx.expected.loss], 0, 1e-5, 'loss');
  });

  test(`${fx.name}: gradients through batch norm and the residual block agree with PyTorch`, () => {
    const { net } = build();
    const b = batch(fx.batches[0]);
    const { grads } = net.computeGradients(b.x, b.y);
    const trainable = grads.filter((_, i) => !MOVING.includes(i));
    trainable.forEach((g, i) => near(g.data, fx.expected.grads[i], 1e-4, `grad ${i}`));
  });

  test(`${fx.name}: weights and moving statistics after 1 and 20 Adam steps, and the inference output, agree with PyTorch`, () => {
    const { net } = build();
    for (let s = 0; s < 20; s++) {
      const b = batch(fx.batches[s]);
      net.trainOnBatch(b.x, b.y);
      if (s === 0) net.getWeights().forEach((w, i) => near(w.data, fx.expected.weightsAfter1[i], 1e-5, `weight ${i} after 1 step`));
    }
    net.getWeights().forEach((w, i) => near(w.data, fx.expected.weightsAfter20[i], 1e-4, `weight ${i} after 20 steps`));
    const out = (net.predict(batch(fx.batches[0]).x) as Tensor).data;
    if (!sparse) near(out, fx.expected.outputEvalAfter20, 1e-4, 'output (inference) after 20 steps');
    else {
      const rows = out.length / fx.outputs, e = fx.expected.outputEvalAfter20;
      const lse = Array.from({ length: rows }, (_, i) => Math.log(e.slice(i * fx.outputs, (i + 1) * fx.outputs).reduce((s, v) => s + Math.exp(v), 0)));
      near(logSoftmax(out), e.map((v, k) => v - lse[Math.floor(k / fx.outputs)]), 1e-4, 'log softmax (inference) after 20 steps');
    }
  });
}

test.run();

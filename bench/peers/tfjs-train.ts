// TensorFlow.js as the peer of the training benchmark: the same MLPs, loss, optimizer and batch size
// as lepton's side, on the wasm (XNNPACK) and plain-JS cpu backends.
// Written with tfjs-core ops, tf.variableGrads (through optimizer.minimize) and tf.train.adam, so no
// tfjs-layers is needed. This is the peer's lean path: a tfjs-layers `fit` would add its own
// per-batch bookkeeping on top, so these figures are if anything generous to the peer. What a
// user's fit does is kept: each step gathers a shuffled batch on the host and uploads it, and the
// loss is read back every step.
//
// tfjs-core's Node build ships no gradients (the @tensorflow/tfjs union package registers them from
// an ES-module tree Node cannot load as is), so the four this model uses are registered below with
// the formulas of tfjs-core's own src/gradients/*_grad.ts, and the two losses are custom gradients.

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { fashionMnist } from '../../src/data/idx.js';

export type PeerBackend = 'wasm' | 'cpu';
export type BenchModel = 'fashion' | 'earthquake';

export interface TrainRateOptions {
  backend: PeerBackend;
  /** Threads of the wasm backend (default 1). Fixed by the first wasm use in a process. */
  threads?: number;
  model: BenchModel;
  /** Least time each of the three timed runs lasts (default 2). */
  seconds?: number;
}

export interface TrainRate {
  /** Median over three runs. */
  samplesPerSec: number;
  /** Each run's samples/s. */
  runs: number[];
  stepsPerRun: number;
  batchSize: number;
  backend: PeerBackend;
  threads?: number;
}

/** The two benchmark models: layer widths, hidden activation, loss and batch size. */
export const MODELS = {
  // Fashion-MNIST classifier: 784-256-128-10, ReLU, softmax cross-entropy.
  fashion: { units: [784, 256, 128, 10], activation: 'relu', loss: 'sparseCategoricalCrossentropy', batchSize: 128 },
  // The earthquake example's regressor: 8-64-64-64-2, tanh, MSE, on random data.
  earthquake: { units: [8, 64, 64, 64, 2], activation: 'tanh', loss: 'mse', batchSize: 32 },
} as const;

export interface TrainingData {
  x: Float32Array;
  /** Class indices (fashion) or targets (earthquake), as float32 for lepton's fit. */
  y: Float32Array;
  n: number;
  inputs: number;
  outputs: number;
}

const EARTHQUAKE_SAMPLES = 32768;
const cache = new Map<BenchModel, Promise<TrainingData>>();

/** The data both sides train on: Fashion-MNIST's 60000 training images, or fixed random numbers. */
export function trainingData(model: BenchModel): Promise<TrainingData> {
  let d = cache.get(model);
  if (!d) {
    d = model === 'fashion'
      ? fashionMnist().then(({ xTrain, yTrain }) => ({
          x: xTrain.data, y: Float32Array.from(yTrain), n: xTrain.shape[0], inputs: 784, outputs: 10,
        }))
      : Promise.resolve({
          x: uniform(EARTHQUAKE_SAMPLES * 8, 1), y: uniform(EARTHQUAKE_SAMPLES * 2, 2),
          n: EARTHQUAKE_SAMPLES, inputs: 8, outputs: 2,
        });
    cache.set(model, d);
  }
  return d;
}

/** Deterministic uniform numbers in [-1, 1) (mulberry32). */
export function uniform(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = 2 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 1;
  }
  return out;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function registerGradients(): void {
  const configs: tf.GradConfig[] = [
    {
      kernelName: tf.BatchMatMul,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b], attrs) => {
        if (attrs.transposeA || attrs.transposeB) throw new Error('bench gradient: transposed matMul not used');
        const g = dy as tf.Tensor2D;
        return { a: () => tf.matMul(g, b as tf.Tensor2D, false, true), b: () => tf.matMul(a as tf.Tensor2D, g, true, false) };
      },
    },
    {
      // Only h [batch, units] + bias [units] occurs here: the bias gradient sums over the batch.
      kernelName: tf.Add,
      inputsToSave: ['a', 'b'],
      gradFunc: (dy, [a, b]) => {
        const g = dy as tf.Tensor;
        return { a: () => (a.rank === g.rank ? g : tf.sum(g, 0)), b: () => (b.rank === g.rank ? g : tf.sum(g, 0)) };
      },
    },
    { kernelName: tf.Relu, inputsToSave: ['x'], gradFunc: (dy, [x]) => ({ x: () => tf.mul(dy as tf.Tensor, tf.step(x)) }) },
    { kernelName: tf.Tanh, outputsToSave: [true], gradFunc: (dy, [y]) => ({ x: () => tf.mul(tf.sub(1, tf.square(y)), dy as tf.Tensor) }) },
  ];
  for (const c of configs) if (!tf.getGradient(c.kernelName)) tf.registerGradient(c);
}
registerGradients();

/** Mean over the batch of −log softmax(logits)[label]; gradient (softmax − onehot)/batch. */
const softmaxXent = tf.customGrad(((logits: tf.Tensor2D, onehot: tf.Tensor2D, save: tf.GradSaveFunc) => {
  const logp = tf.logSoftmax(logits);
  save([logp, onehot]);
  return {
    value: tf.neg(tf.div(tf.sum(tf.mul(onehot, logp)), logits.shape[0])),
    gradFunc: (dy: tf.Scalar, [lp, oh]: tf.Tensor[]) => [tf.mul(dy, tf.div(tf.sub(tf.exp(lp), oh), lp.shape[0])), tf.zerosLike(oh)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (logits: tf.Tensor, onehot: tf.Tensor) => tf.Scalar;

/** Mean over the batch and the outputs of (ŷ − y)²; gradient 2(ŷ − y)/size. */
const mse = tf.customGrad(((yHat: tf.Tensor, y: tf.Tensor, save: tf.GradSaveFunc) => {
  const diff = tf.sub(yHat, y);
  save([diff]);
  return {
    value: tf.mean(tf.square(diff)),
    gradFunc: (dy: tf.Scalar, [d]: tf.Tensor[]) => [tf.mul(dy, tf.mul(d, 2 / d.size)), tf.zerosLike(d)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (yHat: tf.Tensor, y: tf.Tensor) => tf.Scalar;

let wasmThreads: number | undefined;

/** Selects the backend; the wasm one is set up once per process, with its thread count. */
export async function useBackend(backend: PeerBackend, threads = 1): Promise<void> {
  // Production mode, as a deployed app runs: no debug checks, and no console banner in the table.
  tf.env().set('PROD', true);
  if (backend === 'wasm') {
    if (wasmThreads === undefined) {
      const main = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
      setWasmPaths(join(dirname(main), '/'));
      setThreadsCount(threads);
      wasmThreads = threads;
    } else if (wasmThreads !== threads) {
      throw new Error(`tfjs wasm backend already runs with ${wasmThreads} thread(s); cannot switch to ${threads} in one process`);
    }
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs backend ${backend} failed to initialize`);
  await tf.ready();
}

/** A Keras-like MLP in tfjs-core: Glorot-uniform kernels, zero biases, Adam (ε = 1e-7 as Keras). */
class Mlp {
  readonly weights: tf.Variable[] = [];
  readonly optimizer = tf.train.adam(1e-3, 0.9, 0.999, 1e-7);
  private readonly spec: (typeof MODELS)[BenchModel];
  private readonly xb: Float32Array;
  private readonly yb: Float32Array;
  private order: Int32Array;
  private at = 0;

  constructor(readonly model: BenchModel, readonly data: TrainingData, seed = 1) {
    this.spec = MODELS[model];
    const u = this.spec.units;
    for (let i = 0; i + 1 < u.length; i++) {
      const limit = Math.sqrt(6 / (u[i] + u[i + 1]));
      this.weights.push(tf.variable(tf.randomUniform([u[i], u[i + 1]], -limit, limit, 'float32', seed + i)));
      this.weights.push(tf.variable(tf.zeros([u[i + 1]])));
    }
    const b = this.spec.batchSize;
    this.xb = new Float32Array(b * data.inputs);
    this.yb = new Float32Array(b * (model === 'fashion' ? 1 : data.outputs));
    this.order = shuffled(data.n, seed);
  }

  /** Logits (fashion) or outputs (earthquake): the last layer is linear; softmax sits in the loss. */
  forward(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (let i = 0; i < this.weights.length; i += 2) {
      h = tf.add(tf.matMul(h, this.weights[i] as tf.Tensor2D), this.weights[i + 1]);
      if (i + 2 < this.weights.length) h = this.spec.activation === 'relu' ? tf.relu(h) : tf.tanh(h);
    }
    return h;
  }

  /** One training step on the next shuffled batch (reshuffled each epoch); returns the loss. */
  step(): number {
    const { batchSize: b } = this.spec;
    const { x, y, n, inputs, outputs } = this.data;
    if (this.at + b > n) {
      this.order = shuffled(n, this.order[0] + 1);
      this.at = 0;
    }
    const yWidth = this.model === 'fashion' ? 1 : outputs;
    for (let r = 0; r < b; r++) {
      const i = this.order[this.at + r];
      this.xb.set(x.subarray(i * inputs, (i + 1) * inputs), r * inputs);
      this.yb.set(y.subarray(i * yWidth, (i + 1) * yWidth), r * yWidth);
    }
    this.at += b;
    const loss = tf.tidy(() => {
      const xt = tf.tensor2d(this.xb, [b, inputs]);
      const yt = this.model === 'fashion'
        ? tf.oneHot(tf.tensor1d(this.yb, 'int32'), outputs)
        : tf.tensor2d(this.yb, [b, outputs]);
      const lossFn = (): tf.Scalar => (this.model === 'fashion' ? softmaxXent : mse)(this.forward(xt), yt);
      return this.optimizer.minimize(lossFn, true, this.weights)!;
    });
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  }

  dispose(): void {
    for (const w of this.weights) w.dispose();
    this.optimizer.dispose();
  }
}

/** A permutation of 0..n-1 (Fisher–Yates over mulberry32). */
function shuffled(n: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  const r = uniform(n, seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(((r[i] + 1) / 2) * (i + 1)));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

/**
 * Training throughput of TensorFlow.js: warm-up steps, then three timed runs of a fixed number of
 * steps sized to last at least `seconds` each; the median run's samples/s.
 */
export async function tfjsTrainRate(opts: TrainRateOptions): Promise<TrainRate> {
  const { backend, model } = opts;
  const threads = backend === 'wasm' ? (opts.threads ?? 1) : undefined;
  const seconds = opts.seconds ?? 2;
  await useBackend(backend, threads);
  const data = await trainingData(model);
  const net = new Mlp(model, data);
  try {
    const b = MODELS[model].batchSize;
    // Warm-up: at least 20 steps and half a run (the first timed run came out slow with only 5).
    let t0 = performance.now();
    for (let i = 0; i < 20 || performance.now() - t0 < 500 * Math.min(1, seconds); i++) net.step();
    t0 = performance.now();
    const probe = 5;
    for (let i = 0; i < probe; i++) net.step();
    const perStep = (performance.now() - t0) / 1000 / probe;
    const stepsPerRun = Math.max(10, Math.ceil(seconds / perStep));
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) {
      t0 = performance.now();
      for (let i = 0; i < stepsPerRun; i++) net.step();
      runs.push((stepsPerRun * b) / ((performance.now() - t0) / 1000));
    }
    return { samplesPerSec: median(runs), runs, stepsPerRun, batchSize: b, backend, threads };
  } finally {
    net.dispose();
  }
}

/** Test-set accuracy of the tfjs 'fashion' model after `epochs` epochs over the 60000 training images. */
export async function tfjsTestAccuracy(opts: { backend: PeerBackend; threads?: number; epochs: number }): Promise<number> {
  await useBackend(opts.backend, opts.threads ?? 1);
  const data = await trainingData('fashion');
  const net = new Mlp('fashion', data);
  try {
    const steps = Math.floor(data.n / MODELS.fashion.batchSize);
    for (let e = 0; e < opts.epochs; e++) for (let i = 0; i < steps; i++) net.step();
    const { xTest, yTest } = await fashionMnist();
    const predicted = tf.tidy(() => tf.argMax(net.forward(tf.tensor2d(xTest.data, xTest.shape)), 1).dataSync());
    let right = 0;
    for (let i = 0; i < yTest.length; i++) if (predicted[i] === yTest[i]) right++;
    return right / yTest.length;
  } finally {
    net.dispose();
  }
}

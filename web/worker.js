// @ts-check
// The playground's trainer: a module Worker, so the page never waits on training. It loads the
// same dist/ bundle as any user (init() finds lepton.wasm beside it), trains with fit() and posts
// progress (losses, samples/s, predictions over a grid) at most every PROGRESS_MS.
//
// Messages in:  { type: 'train', run, example, config }  { type: 'stop' }  { type: 'export' }
// Messages out: { type: 'ready', build, threads, threadsReason, crossOriginIsolated }
//               { type: 'data', run, ... }  { type: 'progress', run, parallelJobs, ... }  { type: 'done', run, reason }
// (`run` numbers the page's Train presses, so it can drop what a stopped run still posts)
//               { type: 'weights', json }  { type: 'error', message }
import * as lepton from '../dist/lepton.js';
import { examples } from './data.js';

const { init, build, threadsReady, layers, optimizers, sequential } = lepton;
const PROGRESS_MS = 100;
const GRID_1D = 200; // points of the fitted curve
const GRID_2D = 48; // cells per side of the decision-boundary map
const MAX_EPOCHS = 100_000;

/** @type {any} */ let net;
/** @type {any} */ let current; // the latest run: { example, config, epoch, loss, running, finished }
let stopRequested = false;

const post = (/** @type {any} */ m, /** @type {Transferable[]} */ t = []) => self.postMessage(m, t);

// worker.js?fast opts in to the relaxed-SIMD build (faster, not bit-identical across engines).
// Threads: every core when the page is cross-origin isolated (web/serve.mjs sends COOP/COEP), else
// one (no SharedArrayBuffer). The thread pool's own workers start from here; this worker is the
// pool's caller and, unlike the page's main thread, may Atomics.wait for them. Small gemms (the
// default 16-16 nets) stay on one thread anyway: the pool splits only work that pays.
const fast = new URL(self.location.href).searchParams.has('fast');
/** @type {any} */ let rt;
const ready = init({ fast, threads: self.crossOriginIsolated ? Math.max(1, navigator.hardwareConcurrency || 1) : 1 }).then(async (r) => {
  rt = r;
  await threadsReady(); // report the threads that really run, not only the ones asked for
  post({
    type: 'ready',
    build: build(),
    fallbackReason: rt.fallbackReason,
    threads: rt.threads,
    threadsReason: rt.threadsReason,
    crossOriginIsolated: self.crossOriginIsolated === true,
  });
});

self.onmessage = async (e) => {
  const m = e.data;
  try {
    await ready;
    if (m.type === 'stop') stopRequested = true;
    else if (m.type === 'export') exportWeights();
    else if (m.type === 'train') {
      if (current?.running) {
        stopRequested = true; // the running fit stops at its next epoch; this run waits for it
        await current.finished;
      }
      await train(m.run, m.example, m.config);
    }
  } catch (err) {
    post({ type: 'error', message: String(/** @type {Error} */ (err)?.message ?? err) });
  }
};

function model(/** @type {any} */ ex, /** @type {any} */ config) {
  const units = String(config.hidden).split(/[\s,]+/).filter(Boolean).map(Number);
  if (units.some((u) => !Number.isInteger(u) || u < 1 || u > 512)) throw new Error(`hidden layers: whole numbers from 1 to 512 separated by commas, got "${config.hidden}"`);
  const stack = [];
  units.forEach((u, i) => {
    stack.push(layers.dense(u, { activation: config.activation, ...(i === 0 ? { inputShape: [ex.inputs] } : {}) }));
    // Batch norm after every hidden layer's activation (on x² it trains faster there than between
    // the dense layer and its activation); the loss plotted is fit()'s, with batch statistics.
    // Momentum 0.9, not Keras's 0.99: these toys take 8 steps an epoch while Adam keeps moving the
    // weights, and with 0.99 the moving averages lag so far behind that the curve drawn (predict,
    // in inference mode) misses the data: on x², MSE 0.03 in inference for 0.009 in training,
    // against 0.002 with 0.9.
    if (config.batchNorm) stack.push(layers.batchNormalization({ momentum: 0.9 }));
  });
  const binary = ex.kind === 'binary';
  stack.push(layers.dense(ex.outputs, { activation: binary ? 'sigmoid' : 'linear', ...(units.length === 0 ? { inputShape: [ex.inputs] } : {}) }));
  const net = sequential(stack, { seed: config.seed ?? 1 });
  const lr = Number(config.learningRate);
  if (!(lr > 0 && lr < 10)) throw new Error(`learning rate must be in (0, 10), got ${config.learningRate}`);
  const optimizer = config.optimizer === 'sgdMomentum' ? optimizers.sgd({ learningRate: lr, momentum: 0.9 }) : optimizers[config.optimizer]({ learningRate: lr });
  net.compile({ optimizer, loss: binary ? 'binaryCrossentropy' : 'mse', metrics: binary ? ['accuracy'] : [] });
  return net;
}

/** Inputs where the model is drawn: a line over [−1.2, 1.2] or a square grid over [−1.2, 1.2]². */
function grid(/** @type {number} */ inputs) {
  if (inputs === 1) {
    const g = new Float32Array(GRID_1D);
    for (let i = 0; i < GRID_1D; i++) g[i] = -1.2 + (2.4 * i) / (GRID_1D - 1);
    return { data: g, shape: [GRID_1D, 1] };
  }
  const g = new Float32Array(GRID_2D * GRID_2D * 2);
  for (let r = 0; r < GRID_2D; r++) {
    for (let c = 0; c < GRID_2D; c++) {
      const k = 2 * (r * GRID_2D + c);
      g[k] = -1.2 + (2.4 * (c + 0.5)) / GRID_2D; // x₀ left to right
      g[k + 1] = 1.2 - (2.4 * (r + 0.5)) / GRID_2D; // x₁ top to bottom
    }
  }
  return { data: g, shape: [GRID_2D * GRID_2D, 2] };
}

async function train(/** @type {number} */ run, /** @type {string} */ name, /** @type {any} */ config) {
  const ex = examples[/** @type {keyof typeof examples} */ (name)];
  if (!ex) throw new Error(`unknown example ${name}`);
  const data = ex.make();
  const n = data.y.length / data.outputs;
  post({ type: 'data', run, example: name, kind: data.kind, inputs: data.inputs, x: data.x, y: data.y });
  net = model(data, config);
  const g = grid(data.inputs);
  stopRequested = false;
  let done = () => {};
  current = { example: name, config, epoch: 0, loss: NaN, running: true, finished: new Promise((r) => (done = () => r(undefined))) };

  const t0 = performance.now();
  let lastPost = 0, pending = /** @type {number[]} */ ([]), samples = 0;
  const progress = (/** @type {number} */ epoch, /** @type {any} */ logs) => {
    const now = performance.now();
    const yHat = net.predict(g, { batchSize: 1024 }).data;
    post({
      type: 'progress', run, epoch: epoch + 1, losses: pending, loss: logs.loss, accuracy: logs.acc ?? logs.accuracy,
      samplesPerSecond: samples / ((now - t0) / 1000), seconds: (now - t0) / 1000, parallelJobs: rt.parallelJobs,
      grid: { inputs: data.inputs, side: data.inputs === 1 ? GRID_1D : GRID_2D, x: g.data, y: yHat },
    });
    pending = [];
    lastPost = now;
  };
  let reason = 'stopped';
  try {
    await net.fit({ data: data.x, shape: [n, data.inputs] }, { data: data.y, shape: [n, data.outputs] }, {
      epochs: MAX_EPOCHS, batchSize: Number(config.batchSize) || 32, shuffle: true, verbose: 0,
      callbacks: [{
        async onEpochEnd(/** @type {number} */ epoch, /** @type {any} */ logs) {
          samples += n;
          pending.push(logs.loss);
          current.epoch = epoch + 1;
          current.loss = logs.loss;
          if (performance.now() - lastPost >= PROGRESS_MS) {
            progress(epoch, logs);
            await new Promise((r) => setTimeout(r, 0)); // lets 'stop' and 'export' in
          }
          if (stopRequested) net.stopTraining = true;
        },
      }],
    });
    if (!stopRequested) reason = `reached ${MAX_EPOCHS} epochs`;
  } catch (err) {
    reason = String(/** @type {Error} */ (err)?.message ?? err); // e.g. a TrainingError when the loss diverges
  }
  if (pending.length) progress(current.epoch - 1, { loss: current.loss });
  post({ type: 'done', run, reason, epoch: current.epoch });
  current.running = false;
  done();
}

/** The trained weights as JSON, in getWeights() (Keras) order: Dense kernel [in, units], then bias. */
function exportWeights() {
  if (!net) throw new Error('nothing trained yet');
  const weights = net.getWeights().map((/** @type {any} */ w) => ({ shape: w.shape, data: Array.from(w.data) }));
  const json = JSON.stringify({
    format: 'lepton-weights', version: 1, build: build(), layers: net.layers.map((/** @type {any} */ l) => l.name),
    example: current?.example, config: current?.config, epoch: current?.epoch, loss: current?.loss, weights,
  });
  post({ type: 'weights', json });
}

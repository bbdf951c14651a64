// @ts-check
// The playground's trainer: a module Worker, so the page never waits on training. It loads the
// same dist/ bundle as any user (init() finds lepton.wasm beside it), trains with fit() and posts
// progress (losses, samples/s, predictions over a grid) at most every PROGRESS_MS.
//
// Messages in:  { type: 'train', run, example, config }  { type: 'stop' }  { type: 'export' }
// Messages out: { type: 'ready', build, threads, crossOriginIsolated, features }
//               { type: 'data', run, ... }  { type: 'progress', run, ... }  { type: 'done', run, reason }
// (`run` numbers the page's Train presses, so it can drop what a stopped run still posts)
//               { type: 'weights', json }  { type: 'error', message }
import * as lepton from '../dist/lepton.js';
import { examples } from './data.js';

const { init, build, layers, optimizers, sequential } = lepton;
const PROGRESS_MS = 100;
const GRID_1D = 200; // points of the fitted curve
const GRID_2D = 48; // cells per side of the decision-boundary map
const MAX_EPOCHS = 100_000;

/** @type {any} */ let net;
/** @type {any} */ let current; // the latest run: { example, config, epoch, loss, running, finished }
let stopRequested = false;

const post = (/** @type {any} */ m, /** @type {Transferable[]} */ t = []) => self.postMessage(m, t);

// worker.js?fast opts in to the relaxed-SIMD build (faster, not bit-identical across engines).
const fast = new URL(self.location.href).searchParams.has('fast');
const ready = init({ fast }).then((rt) => {
  post({
    type: 'ready',
    build: build(),
    fallbackReason: rt.fallbackReason,
    // One thread until lepton's thread pool lands; crossOriginIsolated says whether it could run here.
    threads: 1,
    crossOriginIsolated: self.crossOriginIsolated === true,
    features: { batchNorm: typeof (/** @type {any} */ (layers).batchNormalization) === 'function' },
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
    // BATCH NORM: layers.batchNormalization arrives with another engineer's work. The checkbox is
    // enabled once the bundle has it (features.batchNorm); it goes after every hidden dense layer.
    if (config.batchNorm && typeof (/** @type {any} */ (layers).batchNormalization) === 'function') {
      stack.push(/** @type {any} */ (layers).batchNormalization());
    }
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
      samplesPerSecond: samples / ((now - t0) / 1000), seconds: (now - t0) / 1000,
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

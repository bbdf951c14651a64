// The trainer: fit, evaluate and predict over one loop each, whatever the data (arrays, in-memory
// Datasets, streaming Datasets: a BatchSource each), with the same metrics, callbacks, History
// keys, params, validation, class weights and NaN handling for all of them (seed 004's training
// loop: gather a mini-batch -> step -> metrics and callbacks on the host).

import { progressBar } from '../callbacks/index.js';
import type { Callback, CallbackModel, Logs, TrainingParams } from '../callbacks/types.js';
import { concatRows } from '../data/blocks.js';
import { Dataset, type Batch } from '../data/dataset.js';
import type { Layer, Weight } from '../layers/layer.js';
import type { Metric } from '../metrics.js';
import type { ModelMemory } from '../model/memory.js';
import { checkBatchRows, checkWeights, checkY, combineClassWeight, list, type Arrays, type Signature } from '../model/inputs.js';
import type { Data, DatasetFitArgs, EvaluateArgs, PredictArgs } from '../model/types.js';
import type { Random } from '../random.js';
import { assertFinite, ShapeError, sizeOf, toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { History, TrainingError } from './history.js';
import { ArraySource, StreamSource, identity, type BatchSource } from './sources.js';
import type { StepRunner } from './step.js';

/** What the trainer needs of a model (Model implements it). */
export interface TrainerHost extends Signature, CallbackModel {
  readonly built: boolean;
  readonly layers: Layer[];
  readonly weights: Weight[];
  readonly runner: StepRunner;
  readonly shuffleRng: Random;
  readonly mem: ModelMemory;
  /** x checked against the inputs, building a model whose input shape comes from the data. */
  standardX(x: Data, what: string): Tensor[];
  readonly trainedWeights: () => Weight[];
  /** Grows the optimizer state and lays out the trained weights. */
  prepareTraining(): void;
}

const positiveInt = (v: number, what: string, who: string): number => {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${who}: ${what} must be a whole number > 0, got ${v}`);
  return v;
};

/** x, y and weights as checked arrays (y and the weights when given). */
function checkArrays(host: TrainerHost, x: Data, y: Data | undefined, w: TensorLike | undefined, what = ''): Arrays {
  const xt = host.standardX(x, `${what}x`);
  const n = xt[0].shape[0];
  return { x: xt, y: y === undefined ? null : checkY(host, host.runner.compiled!.losses, y, n, `${what}y`), w: checkWeights(w, n, `${what}sampleWeight`) };
}

/** A streaming Dataset's batch as checked arrays; class weights folded into the sample weights. */
function batchChecker(host: TrainerHost, targets: 'train' | 'test' | 'none', classWeight?: Record<number, number>): (b: Batch) => Arrays {
  return (b) => {
    if (targets !== 'none' && !b.y) throw new Error(`${targets === 'train' ? 'fit' : 'evaluate'}: the Dataset has no targets y (for a CSV, name the label column(s) with \`label\`)`);
    const a = checkArrays(host, b.x, targets === 'none' ? undefined : b.y, b.sampleWeight && { data: b.sampleWeight, shape: [b.sampleWeight.length] });
    const n = a.x[0].shape[0];
    if (targets === 'train') {
      checkBatchRows(host.layers, n, n, 'the Dataset');
      a.w = combineClassWeight(host, a.y!, n, a.w, classWeight);
    }
    return a;
  };
}

/** A model whose input shape comes from the data is built from a stream's first batch (read once more in the first epoch). */
async function buildFromStream(host: TrainerHost, ds: Dataset): Promise<void> {
  if (host.built) return;
  for await (const b of ds) {
    host.standardX(b.x, 'x');
    return;
  }
}

/** An in-memory Dataset's arrays and row order, checked (no copy). */
function datasetArrays(host: TrainerHost, ds: Dataset, targets: boolean, who: string): { arrays: Arrays; rows: Int32Array | null } {
  const { x, y, sampleWeight, rows } = ds.arrays();
  if (targets && !y) throw new Error(`${who}: the Dataset has no targets y; build it with data.fromArrays(x, y)`);
  const w = sampleWeight && { data: sampleWeight, shape: [sampleWeight.length] };
  return { arrays: checkArrays(host, x, targets ? y : undefined, w), rows };
}

/** A source over validation or test data: arrays, or a Dataset of either kind. */
function testSource(host: TrainerHost, data: Dataset | [Data, Data] | [Data, Data, TensorLike], batchSize: number, who: string): BatchSource {
  if (!(data instanceof Dataset)) return new ArraySource(host, checkArrays(host, data[0], data[1], data[2], who === 'fit' ? 'validationData ' : ''), batchSize);
  const size = data.batchSize ?? batchSize;
  if (!data.inMemory) return new StreamSource(host, data.batchSize ? data : data.batch(size), batchChecker(host, 'test'));
  const { arrays, rows } = datasetArrays(host, data, true, who);
  return new ArraySource(host, arrays, size, rows);
}

interface Plan {
  train: BatchSource;
  validation?: BatchSource;
  batchSize: number;
}

/** The training and validation sources of a fit, every argument checked before training starts. */
function planFit(host: TrainerHost, x: Data | Dataset, y: Data | undefined, args: DatasetFitArgs, batchSize: number): Plan {
  const split = args.validationSplit ?? 0;
  if (!(split >= 0 && split < 1)) throw new RangeError(`fit: validationSplit must be in [0, 1), got ${split}`);
  const validation = args.validationData && testSource(host, args.validationData, batchSize, 'fit');
  if (x instanceof Dataset) {
    if (args.sampleWeight !== undefined) throw new Error('fit: pass per-sample weights to data.fromArrays(x, y, { sampleWeight }) when fitting a Dataset');
    const size = x.batchSize ?? batchSize;
    if (!x.inMemory) {
      if (split) throw new Error('fit: validationSplit needs an in-memory dataset; for a stream pass validationData (e.g. ds.take(n) and ds.skip(n))');
      return { train: new StreamSource(host, x.batchSize ? x : x.batch(size), batchChecker(host, 'train', args.classWeight)), validation, batchSize: size };
    }
    const { arrays, rows } = datasetArrays(host, x, true, 'fit');
    // A dataset's order is its own (tf.data); shuffle: true still asks the model to shuffle.
    const rng = x.epochRng() ?? (args.shuffle === true ? host.shuffleRng : null);
    return arrayPlan(host, arrays, rows, rng, size, split, validation, args.classWeight);
  }
  if (y === undefined) throw new Error('fit: pass targets y (fit(x, y, args)) or a Dataset of (x, y)');
  const arrays = checkArrays(host, x, y, args.sampleWeight);
  return arrayPlan(host, arrays, null, args.shuffle === false ? null : host.shuffleRng, batchSize, split, validation, args.classWeight);
}

function arrayPlan(host: TrainerHost, arrays: Arrays, rows: Int32Array | null, rng: Random | null, batchSize: number, split: number,
  validation: BatchSource | undefined, classWeight: Record<number, number> | undefined): Plan {
  const n = arrays.x[0].shape[0];
  // Class weights re-weight training samples only (Keras): validation keeps the sample weights.
  // Training reads through an index even in storage order: gathering by index allocates nothing
  // per step (a run copied with one set() would make a subarray view per batch).
  const train = new ArraySource(host, { ...arrays, w: combineClassWeight(host, arrays.y!, n, arrays.w, classWeight) }, batchSize, rows ?? identity(n), rng);
  if (split > 0 && !validation) {
    const s = train.split(split, arrays.w);
    return { train: s.train, validation: s.validation, batchSize };
  }
  return { train, validation, batchSize };
}

/** The callbacks fit runs: the user's, and the progress output verbose asks for. */
function callbacksOf(args: DatasetFitArgs): Callback[] {
  const cbs: Callback[] = [...(args.callbacks ?? [])];
  const verbose = args.verbose ?? 1;
  const tty = typeof process !== 'undefined' && !!process.stdout?.isTTY;
  if (verbose === 2 || (verbose === 1 && tty)) cbs.push(progressBar({ mode: verbose === 2 ? 'epoch' : 'bar' }));
  return cbs;
}

/** Trains for `epochs` epochs of mini-batches; resolves to a Keras-like History. */
export async function fit(host: TrainerHost, x: Data | Dataset, y: Data | undefined, args: DatasetFitArgs = {}): Promise<History> {
  const { epochs = 1, verbose = 1, initialEpoch = 0 } = args;
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`fit: epochs must be a whole number ≥ 0, got ${epochs}`);
  if (x instanceof Dataset && !x.inMemory) await buildFromStream(host, x);
  const plan = planFit(host, x, y, args, positiveInt(args.batchSize ?? 32, 'batchSize', 'fit'));
  const { train, batchSize } = plan;
  if (train.samples === 0) throw new RangeError('fit: x holds no samples');
  if (train.samples !== undefined) checkBatchRows(host.layers, batchSize, train.samples, 'fit');
  host.prepareTraining();
  const history = new History();
  // A stream's steps and samples are counted in its first epoch (callbacks see them from the second).
  const params: TrainingParams = { epochs, steps: train.samples === undefined ? 0 : Math.ceil(train.samples / batchSize), samples: train.samples ?? 0, verbose };
  history.params = params as unknown as Record<string, number>;
  const cbs = callbacksOf(args);
  for (const cb of cbs) {
    cb.setModel?.(host);
    cb.setParams?.(params);
  }
  host.stopTraining = false;
  // When the event loop last had a turn: kept across epochs, so that short epochs still yield.
  const clock = { lastYield: now() };
  for (const cb of cbs) await cb.onTrainBegin?.({});
  try {
    for (let epoch = initialEpoch; epoch < epochs && !host.stopTraining; epoch++) {
      for (const cb of cbs) await cb.onEpochBegin?.(epoch, {});
      const logs = await runEpoch(host, train, cbs, epoch, history, clock);
      if (!params.steps) {
        params.steps = logs.steps;
        params.samples = logs.seen;
      }
      if (plan.validation) {
        const v = await evaluateSource(host, plan.validation);
        for (const [key, value] of Object.entries(v)) logs.logs[`val_${key}`] = value;
      }
      history.push(epoch, logs.logs);
      for (const cb of cbs) await cb.onEpochEnd?.(epoch, logs.logs);
    }
  } finally {
    host.runner.done();
  }
  for (const cb of cbs) await cb.onTrainEnd?.({});
  return history;
}

/**
 * One pass over the source: a step per batch, the running loss and metrics in the batch logs,
 * the event loop given a turn every ~100 ms (a Ctrl-C handler or a page's stop button can then set
 * stopTraining, which takes effect after the batch). Allocates nothing per batch for arrays.
 */
async function runEpoch(host: TrainerHost, src: BatchSource, cbs: Callback[], epoch: number, history: History, clock: { lastYield: number }): Promise<{ logs: Logs; steps: number; seen: number }> {
  const r = host.runner;
  const metrics = r.makeMetrics();
  const lossKeys = r.outputLossKeys();
  const outSums = lossKeys.map(() => 0);
  const batchLogs: Logs = { batch: 0, size: 0, loss: 0 };
  let lossSum = 0, seen = 0, b = 0;
  src.begin();
  for (;;) {
    let rows = src.next();
    if (typeof rows !== 'number') rows = await rows;
    if (rows === 0) break;
    let loss: number;
    if (cbs.length) {
      batchLogs.batch = b;
      batchLogs.size = rows;
      for (const cb of cbs) cb.onBatchBegin?.(b, batchLogs);
    }
    try {
      loss = r.step(rows, src.weighted, metrics);
    } catch (e) {
      if (e instanceof TrainingError) {
        e.message = `${host.name}: training stopped at epoch ${epoch + 1}, batch ${b + 1}: ${e.message}. ` +
          'Lower the learning rate, scale the inputs, or add clipNorm.';
        e.history = history;
      }
      throw e;
    }
    lossSum += loss * rows;
    for (let o = 0; o < outSums.length; o++) outSums[o] += r.outLoss[o] * rows;
    seen += rows;
    if (cbs.length) {
      batchLogs.batch = b;
      batchLogs.size = rows;
      batchLogs.loss = lossSum / seen;
      for (const ms of metrics) for (const m of ms) batchLogs[m.name] = m.result();
      for (const cb of cbs) cb.onBatchEnd?.(b, batchLogs);
    }
    b++;
    if (now() - clock.lastYield > 100) {
      await yieldToEventLoop();
      clock.lastYield = now();
    }
    if (host.stopTraining) break;
  }
  if (seen === 0) throw new Error('fit: the Dataset yielded no samples');
  return { logs: epochLogs(lossSum / seen, lossKeys, outSums.map((s) => s / seen), metrics), steps: b, seen };
}

function epochLogs(loss: number, lossKeys: string[], outLosses: number[], metrics: Metric[][]): Logs {
  const logs: Logs = { loss };
  lossKeys.forEach((key, o) => { logs[key] = outLosses[o]; });
  for (const ms of metrics) for (const m of ms) logs[m.name] = m.result();
  return logs;
}

/**
 * Runs `each` on every batch of one pass over the source and returns `end()`: synchronously while
 * the source is synchronous (arrays), as a promise from the first batch that is not (a stream).
 * The step's scratch is given back either way.
 */
function pass<R>(host: TrainerHost, src: BatchSource, each: (rows: number) => void, end: () => R): R | Promise<R> {
  let sync = true;
  const rest = async (pending: Promise<number>): Promise<R> => {
    try {
      for (let rows = await pending; rows > 0; rows = await src.next()) each(rows);
      return end();
    } finally {
      host.runner?.done();
    }
  };
  try {
    src.begin();
    for (;;) {
      const rows = src.next();
      if (typeof rows !== 'number') {
        sync = false;
        return rest(rows);
      }
      if (rows === 0) return end();
      each(rows);
    }
  } finally {
    if (sync) host.runner?.done();
  }
}

/** Loss (penalties included) and metrics over a source in inference mode, every batch weighted by its rows. */
function evaluateSource(host: TrainerHost, src: BatchSource): Record<string, number> | Promise<Record<string, number>> {
  const r = host.runner;
  const metrics = r.makeMetrics(), lossKeys = r.outputLossKeys(), outSums = lossKeys.map(() => 0);
  let lossSum = 0, seen = 0;
  return pass(host, src, (rows) => {
    lossSum += r.test(rows, src.weighted, metrics) * rows;
    for (let o = 0; o < outSums.length; o++) outSums[o] += r.outLoss[o] * rows;
    seen += rows;
  }, () => {
    if (seen === 0) throw new Error('evaluate: the data holds no samples');
    let penalty = 0;
    for (const w of host.weights) if (w.regularizer) penalty += w.regularizer.value(r.kernels, w.ptr, w.size);
    return epochLogs(lossSum / seen + penalty, lossKeys, outSums.map((v) => v / seen), metrics);
  });
}

/** Loss and metrics over the data, with the model in inference mode. */
export function evaluate(host: TrainerHost, x: Data | Dataset, y: Data | undefined, args: EvaluateArgs = {}): Record<string, number> | Promise<Record<string, number>> {
  const batchSize = positiveInt(args.batchSize ?? 32, 'batchSize', 'evaluate');
  if (x instanceof Dataset) {
    if (!x.inMemory && !host.built) return buildFromStream(host, x).then(() => evaluate(host, x, y, args));
    return evaluateSource(host, testSource(host, x, batchSize, 'evaluate'));
  }
  if (y === undefined) throw new Error('evaluate: pass targets y (evaluate(x, y)) or a Dataset of (x, y)');
  return evaluateSource(host, new ArraySource(host, checkArrays(host, x, y, args.sampleWeight), batchSize));
}

/** Outputs for every sample, in batches; one tensor per output. Sync for arrays, a promise for a Dataset. */
export function predict(host: TrainerHost, x: Data | Dataset, { batchSize = 256, training = false }: PredictArgs = {}): Tensor[] | Promise<Tensor[]> {
  positiveInt(batchSize, 'batchSize', 'predict');
  let src: BatchSource;
  if (!(x instanceof Dataset)) src = new ArraySource(host, checkArrays(host, x, undefined, undefined), batchSize);
  else if (!x.inMemory) {
    if (!host.built) return buildFromStream(host, x).then(() => predict(host, x, { batchSize, training }));
    src = new StreamSource(host, x.batchSize ? x : x.batch(batchSize), batchChecker(host, 'none'));
  } else {
    const { arrays, rows } = datasetArrays(host, x, false, 'predict');
    src = new ArraySource(host, arrays, x.batchSize ?? batchSize, rows);
  }
  // Batches of the outputs, copied out of the arena, joined at the end.
  const parts: Tensor[][] = host.outputs.map(() => []);
  let n = 0;
  return pass(host, src, (rows) => {
    host.runner.predict(rows, training).forEach((y, o) => parts[o].push({ data: Float32Array.from(host.runner.arena.f32(y.ptr, y.rows * y.cols)), shape: [rows, ...host.outputs[o].shape] }));
    n += rows;
  }, () => {
    if (n === 0 && src.samples === undefined) throw new Error('predict: the Dataset yielded no samples');
    return parts.map((ps, o) => (ps.length === 0 ? { data: new Float32Array(0), shape: [0, ...host.outputs[o].shape] } : ps.length === 1 ? ps[0] : concatRows(ps)));
  });
}

/**
 * One batch from the user into the batch region, for a call that trains or differentiates on it
 * whole: checked (y, weights and class weights when given), the batch-size rule of the layers held
 * when `training`. Returns the rows and whether they carry weights.
 */
function placeBatch(host: TrainerHost, x: Data, y: Data | null, sampleWeight: TensorLike | undefined, classWeight: Record<number, number> | undefined, training: boolean, who: string): { n: number; weighted: boolean } {
  const a = checkArrays(host, x, y ?? undefined, sampleWeight);
  const n = a.x[0].shape[0];
  if (n === 0) throw new RangeError(`${who}: x holds no samples`);
  const w = a.y ? combineClassWeight(host, a.y, n, a.w, classWeight) : null;
  if (training) checkBatchRows(host.layers, n, n, 'x');
  host.runner.gather(a.x, a.y, w, null, 0, n);
  return { n, weighted: w !== null };
}

/** One optimizer step on one batch; returns its loss. */
export function trainOnBatch(host: TrainerHost, x: Data, y: Data, { sampleWeight, classWeight }: { sampleWeight?: TensorLike; classWeight?: Record<number, number> } = {}): number {
  const { n, weighted } = placeBatch(host, x, y, sampleWeight, classWeight, true, 'trainOnBatch');
  host.prepareTraining();
  try {
    return host.runner.step(n, weighted, host.outputs.map(() => []));
  } catch (e) {
    if (e instanceof TrainingError) e.message = `${host.name}.trainOnBatch: ${e.message}`;
    throw e;
  } finally {
    host.runner.done();
  }
}

/**
 * The loss on one batch and its gradient with respect to every weight (Keras order) and, with
 * `inputs`, to every input; nothing updated (weights, optimizer state, batch-norm statistics).
 */
export function computeGradients(host: TrainerHost, x: Data, y: Data, sampleWeight?: TensorLike, inputs = false): { loss: number; grads: Tensor[]; inputGrads?: Tensor[] } {
  const { n, weighted } = placeBatch(host, x, y, sampleWeight, undefined, true, 'computeGradients');
  const r = host.runner;
  host.mem.updateSegments(host.weights, host.trainedWeights());
  host.mem.zeroGrads();
  try {
    const loss = r.backprop(n, weighted, inputs);
    const grads = host.weights.map((w) => ({ data: Float32Array.from(r.arena.f32(w.gradPtr, w.size)), shape: [...w.shape] }));
    return inputs ? { loss, grads, inputGrads: inputTensors(host, r.lastDxs, n) } : { loss, grads };
  } finally {
    r.done();
  }
}

/** The gradient of each input given upstream gradients `dy` on the outputs (Model.backward). */
export function inputGradients(host: TrainerHost, x: Data, dy: Data, training: boolean): Tensor[] {
  const { n } = placeBatch(host, x, null, undefined, undefined, training, 'backward');
  const dys = list(host, dy, host.outputs.length, 'dy').map((v, o) => {
    const t = toTensor(v, `dy[${o}]`);
    const want = [n, ...host.outputs[o].shape];
    if (sizeOf(t.shape) !== sizeOf(want)) throw new ShapeError(`${host.name}.backward: dy for output ${host.outputs[o].name} must be [${want.join(', ')}], got [${t.shape.join(', ')}]`);
    assertFinite(t, 'dy');
    return t;
  });
  const r = host.runner;
  try {
    return inputTensors(host, r.inputGradients(n, dys, training, host.inputs.map(() => true)), n);
  } finally {
    r.done();
  }
}

/** Copies of the inputs' gradients (zeros for an input the outputs do not depend on). */
function inputTensors(host: TrainerHost, dxs: ({ ptr: number; rows: number; cols: number } | null)[], n: number): Tensor[] {
  return dxs.map((d, i) => ({
    data: d ? Float32Array.from(host.runner.arena.f32(d.ptr, d.rows * d.cols)) : new Float32Array(n * sizeOf(host.inputs[i].shape)),
    shape: [n, ...host.inputs[i].shape],
  }));
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** A macrotask turn (setImmediate where there is one; a MessageChannel or setTimeout elsewhere). */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (g.setImmediate) return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((r) => {
      const c = new MessageChannel();
      c.port1.onmessage = () => { c.port1.close(); r(); };
      c.port2.postMessage(0);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}

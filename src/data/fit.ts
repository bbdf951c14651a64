// fit, evaluate and predict on a Dataset, through the model's tensor API only: an in-memory
// dataset hands fit its arrays in place plus a row view (no copy); a streaming one is read batch by
// batch (trainOnBatch per batch), with memory bounded by the batch, not the file.

import { progressBar, type Callback, type Logs } from '../callbacks/index.js';
import { History, TrainingError, type EvaluateArgs, type FitArgs, type Sequential } from '../model.js';
import type { Tensor } from '../tensor.js';
import { Dataset, gatherView } from './dataset.js';

/** fit's arguments when x is a Dataset: validationData may be a Dataset too. */
export type DatasetFitArgs = Omit<FitArgs, 'validationData' | 'rows' | 'shuffleRng'> & {
  validationData?: Dataset | FitArgs['validationData'];
};

export async function fitDataset(model: Sequential, ds: Dataset, args: DatasetFitArgs = {}): Promise<History> {
  if (args.sampleWeight !== undefined) throw new Error('fit: pass per-sample weights to data.fromArrays(x, y, { sampleWeight }) when fitting a Dataset');
  if (!ds.inMemory) return fitStream(model, ds, args);
  const { x, y, sampleWeight, rows } = ds.arrays();
  if (!y) throw new Error('fit: the Dataset has no targets y; build it with data.fromArrays(x, y)');
  let train = rows;
  let validationData = await validationOf(args.validationData);
  const split = args.validationSplit ?? 0;
  if (split > 0 && !validationData) {
    // Keras: the last fraction of the samples, before any shuffling.
    const ids = rows ?? Int32Array.from({ length: x.shape[0] }, (_, i) => i);
    const at = Math.floor(ids.length * (1 - split));
    if (at === 0 || at === ids.length) throw new RangeError(`fit: validationSplit ${split} of ${ids.length} samples leaves an empty split`);
    const v = gatherView(x, y, sampleWeight, ids.subarray(at));
    validationData = v.sampleWeight ? [v.x, v.y!, { data: v.sampleWeight, shape: [v.sampleWeight.length] }] : [v.x, v.y!];
    train = ids.subarray(0, at);
  }
  const rng = ds.epochRng();
  return model.fit(x, y, {
    ...args,
    batchSize: ds.batchSize ?? args.batchSize,
    sampleWeight,
    validationSplit: 0,
    validationData,
    rows: train ?? undefined,
    // A dataset's order is its own (tf.data); shuffle: true still asks the model to shuffle.
    shuffle: rng !== undefined || args.shuffle === true,
    shuffleRng: rng,
  });
}

async function validationOf(v: DatasetFitArgs['validationData']): Promise<FitArgs['validationData']> {
  if (!(v instanceof Dataset)) return v;
  const b = await v.toArrays();
  if (!b.y) throw new Error('fit: the validation Dataset has no targets y');
  return b.sampleWeight ? [b.x, b.y, { data: b.sampleWeight, shape: [b.sampleWeight.length] }] : [b.x, b.y];
}

/** The training loop over a stream: one trainOnBatch per batch, Keras's callbacks and History. */
async function fitStream(model: Sequential, ds: Dataset, args: DatasetFitArgs): Promise<History> {
  const { epochs = 1, verbose = 1, initialEpoch = 0, classWeight } = args;
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError(`fit: epochs must be a whole number ≥ 0, got ${epochs}`);
  if (args.validationSplit) throw new Error('fit: validationSplit needs an in-memory dataset; for a stream pass validationData (e.g. ds.take(n) and ds.skip(n))');
  if (ds.batchSize === undefined && args.batchSize !== undefined) ds = ds.batch(args.batchSize);
  const val = args.validationData;
  const cbs: Callback[] = [...(args.callbacks ?? [])];
  if (verbose === 2) cbs.push(progressBar({ mode: 'epoch' }));
  const history = new History();
  history.params = { epochs, verbose };
  for (const cb of cbs) {
    cb.setModel?.(model);
    cb.setParams?.({ epochs, steps: 0, samples: 0, verbose });
  }
  model.stopTraining = false;
  const batchLogs: Logs = { batch: 0, size: 0, loss: 0 };
  for (const cb of cbs) await cb.onTrainBegin?.({});
  for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
    for (const cb of cbs) await cb.onEpochBegin?.(epoch, {});
    let lossSum = 0, seen = 0, b = 0;
    for await (const batch of ds) {
      if (!batch.y) throw new Error('fit: the Dataset has no targets y (for a CSV, name the label column(s) with `label`)');
      let loss: number;
      try {
        loss = model.trainOnBatch(batch.x, batch.y, { sampleWeight: batch.sampleWeight, classWeight });
      } catch (e) {
        if (e instanceof TrainingError) {
          e.message = `training stopped at epoch ${epoch + 1}, batch ${b + 1}: ${e.message}`;
          e.history = history;
        }
        throw e;
      }
      const rows = batch.x.shape[0];
      lossSum += loss * rows;
      seen += rows;
      if (cbs.length) {
        batchLogs.batch = b;
        batchLogs.size = rows;
        batchLogs.loss = lossSum / seen;
        for (const cb of cbs) cb.onBatchEnd?.(b, batchLogs);
      }
      b++;
      if (model.stopTraining) break;
    }
    if (seen === 0) throw new Error('fit: the Dataset yielded no samples');
    const logs: Logs = { loss: lossSum / seen };
    if (val) {
      const v = val instanceof Dataset ? await evaluateDataset(model, val, { batchSize: args.batchSize }) : model.evaluate(val[0], val[1], { sampleWeight: val[2] });
      for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
    }
    history.push(epoch, logs);
    for (const cb of cbs) await cb.onEpochEnd?.(epoch, logs);
  }
  for (const cb of cbs) await cb.onTrainEnd?.({});
  return history;
}

/**
 * evaluate on a Dataset. In memory: one evaluate over the samples (a view that is not one run of
 * rows is gathered). Streaming: batch by batch, each result weighted by its rows: exact for the
 * loss and for metrics that are means over samples; for ranking metrics (AUC) it averages batches.
 */
export async function evaluateDataset(model: Sequential, ds: Dataset, args: EvaluateArgs = {}): Promise<Record<string, number>> {
  const batchSize = ds.batchSize ?? args.batchSize ?? 32;
  if (ds.inMemory) {
    const b = await ds.toArrays();
    if (!b.y) throw new Error('evaluate: the Dataset has no targets y');
    return model.evaluate(b.x, b.y, { batchSize, sampleWeight: b.sampleWeight });
  }
  const sums: Record<string, number> = {};
  let seen = 0;
  for await (const b of ds.batchSize ? ds : ds.batch(batchSize)) {
    if (!b.y) throw new Error('evaluate: the Dataset has no targets y');
    const r = model.evaluate(b.x, b.y, { batchSize, sampleWeight: b.sampleWeight });
    const n = b.x.shape[0];
    for (const [k, v] of Object.entries(r)) sums[k] = (sums[k] ?? 0) + v * n;
    seen += n;
  }
  if (seen === 0) throw new Error('evaluate: the Dataset yielded no samples');
  for (const k of Object.keys(sums)) sums[k] /= seen;
  return sums;
}

/** predict on a Dataset's x, in its order (targets, if any, are ignored). */
export async function predictDataset(model: Sequential, ds: Dataset, { batchSize = 256 }: { batchSize?: number } = {}): Promise<Tensor> {
  if (ds.inMemory) return model.predict((await ds.toArrays()).x, { batchSize });
  const parts: Tensor[] = [];
  for await (const b of ds.batchSize ? ds : ds.batch(batchSize)) parts.push(model.predict(b.x, { batchSize }));
  if (parts.length === 0) throw new Error('predict: the Dataset yielded no samples');
  const n = parts.reduce((s, p) => s + p.shape[0], 0);
  const out = new Float32Array(parts.reduce((s, p) => s + p.data.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p.data, at);
    at += p.data.length;
  }
  return { data: out, shape: [n, ...parts[0].shape.slice(1)] };
}

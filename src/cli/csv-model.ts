// What `lepton train data.csv`, `evaluate`, `predict` and `export` do with a CSV and a saved model:
// the feature and target columns, the fitted input standardization and the task travel in the
// model's `preprocessing` field, so that evaluate and predict read new files the same way.

import { writeFile } from 'node:fs/promises';
import { callbacks, data, init, layers, loadModel, report, sequential, type Model, type Tensor } from '../index.js';
import { optimizerNames } from '../optimizers/index.js';
import type { Transform, TransformJSON } from '../data/preprocessing.js';
import type { Layer } from '../layers/layer.js';
import { UsageError } from './args.js';

type Task = 'regression' | 'binary' | 'multiclass';

/** What a CLI-trained model remembers about its data. */
export interface CsvPreprocessing {
  cli: 1;
  features: string[];
  targets: string[];
  task: Task;
  classes?: number;
  x: TransformJSON;
  /** Regression: targets are trained standardized, y' = (y − mean)/std; predictions are mapped back. */
  yMean?: number[];
  yStd?: number[];
}

/** Per-column mean and standard deviation of the first `rows` rows. */
function columnStats(d: Float32Array, rows: number, cols: number): { mean: number[]; std: number[] } {
  const mean = new Array(cols).fill(0), std = new Array(cols).fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += d[i * cols + j] / rows;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) std[j] += (d[i * cols + j] - mean[j]) ** 2 / rows;
  return { mean, std: std.map((v) => Math.sqrt(v) || 1) };
}

const scaleY = (d: Float32Array, cols: number, mean: number[], std: number[], inverse: boolean): Float32Array =>
  d.map((v, k) => (inverse ? v * std[k % cols] + mean[k % cols] : (v - mean[k % cols]) / std[k % cols]));

export interface TrainCsvOptions {
  target: string[];
  layers: number[];
  activation: string;
  batchNorm: boolean;
  loss?: string;
  optimizer: string;
  lr: number;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  seed: number;
  out: string;
  quiet: boolean;
}

const fail = (message: string): never => {
  throw new UsageError(message);
};

/** The CSV read whole into memory, with its feature column names (one-line error for a missing file). */
async function readCsv(path: string, label: string[] | undefined, columns?: string[]) {
  try {
    const ds = await data.csv(path, { label, columns }).load();
    return { ...(await ds.toArrays()), columns: ds.columns };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') fail(`lepton: no such file: ${path}`);
    throw e;
  }
}

function taskOf(loss: string | undefined, y: Float32Array, cols: number): { task: Task; loss: string; classes?: number } {
  const integers = y.every((v) => Number.isInteger(v) && v >= 0);
  const chosen = loss ?? 'mse';
  if (chosen === 'binaryCrossentropy') {
    if (!y.every((v) => v === 0 || v === 1)) fail('lepton train: --loss binaryCrossentropy needs 0/1 targets');
    return { task: 'binary', loss: chosen };
  }
  if (chosen === 'sparseCategoricalCrossentropy' || chosen === 'categoricalCrossentropy') {
    if (cols !== 1 || !integers) fail(`lepton train: --loss ${chosen} needs one target column of class numbers 0, 1, 2, ...`);
    const classes = y.reduce((m, v) => Math.max(m, v), 0) + 1;
    return { task: 'multiclass', loss: 'sparseCategoricalCrossentropy', classes };
  }
  return { task: 'regression', loss: chosen };
}

export async function trainCsv(path: string, o: TrainCsvOptions): Promise<void> {
  if (o.target.length === 0) fail('lepton train: a CSV needs --target <column,...> naming what to predict');
  if (!(o.validationSplit >= 0 && o.validationSplit < 1)) fail(`lepton train: --validation-split must be in [0, 1), got ${o.validationSplit}`);
  await init();
  const set = await readCsv(path, o.target);
  const n = set.x.shape[0], features = set.x.shape[1];
  const y = set.y!;
  const { task, loss, classes } = taskOf(o.loss, y.data, y.shape[1] ?? 1);
  // Standardize the inputs on the training rows only (validationSplit takes the last rows).
  const trainRows = n - Math.floor(n * o.validationSplit);
  const norm: Transform = data.preprocessing.standardize().fit({ data: set.x.data.subarray(0, trainRows * features), shape: [trainRows, features] });
  const x = norm.transform(set.x);
  const hidden: Layer[] = o.layers.flatMap((units, i) => [
    layers.dense(units, { activation: o.activation, inputShape: i === 0 ? [features] : undefined }),
    ...(o.batchNorm ? [layers.batchNormalization()] : []),
  ]);
  const outUnits = task === 'multiclass' ? classes! : y.shape[1] ?? 1;
  const head = layers.dense(outUnits, { activation: task === 'multiclass' ? 'softmax' : task === 'binary' ? 'sigmoid' : 'linear', inputShape: hidden.length ? undefined : [features] });
  const net = sequential([...hidden, head], { seed: o.seed });
  const make = optimizerNames.get(o.optimizer);
  if (!make) fail(`lepton train: --optimizer must be one of ${[...optimizerNames.keys()].join(', ')}, got '${o.optimizer}'`);
  net.compile({ optimizer: make!({ learningRate: o.lr }), loss, metrics: task === 'regression' ? ['mae'] : ['accuracy'] });
  const names = set.columns ?? Array.from({ length: features }, (_, i) => String(i));
  const prep: CsvPreprocessing = { cli: 1, features: names, targets: o.target, task, classes, x: norm.toJSON() };
  const yCols = y.shape[1] ?? 1;
  let yFit = task === 'multiclass' ? { data: y.data, shape: [n] } : y;
  if (task === 'regression') {
    const { mean, std } = columnStats(y.data, trainRows, yCols);
    prep.yMean = mean;
    prep.yStd = std;
    yFit = { data: scaleY(y.data, yCols, mean, std, false), shape: y.shape };
  }
  net.preprocessing = prep;
  if (!o.quiet) net.summary();

  // Ctrl-C: stop after the current batch and save what was trained; a second one exits at once.
  let interrupted = false;
  const onInt = () => {
    interrupted = true;
    net.stopTraining = true;
    process.stderr.write('\nlepton: stopping after this batch and saving the model (Ctrl-C again to quit now)\n');
    process.once('SIGINT', () => process.exit(130));
  };
  process.once('SIGINT', onInt);
  let history;
  try {
    history = await net.fit(x, yFit, {
      epochs: o.epochs, batchSize: o.batchSize, validationSplit: o.validationSplit, shuffle: true,
      verbose: o.quiet ? 0 : process.stdout.isTTY ? 1 : 2,
      callbacks: [callbacks.lambda({ onBatchEnd: () => { if (interrupted) net.stopTraining = true; } })],
    });
  } finally {
    process.removeListener('SIGINT', onInt);
  }
  const dir = `${o.out}/model`;
  await net.save(dir);
  const last = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[v.length - 1]]));
  for (const [k, v] of Object.entries(last)) console.log(`${k}: ${Number(v.toPrecision(5))}`);
  const files = await writeReportFor(o.out, `lepton train ${path}`, last, history.history, net);
  console.log(`model: ${dir}${interrupted ? ' (training interrupted; saved after the last completed batch)' : ''}`);
  console.log(`report: ${files[0]} (+${files.length - 1} files)`);
}

async function writeReportFor(out: string, title: string, results: Record<string, number>, history: Record<string, number[]>, net: Model) {
  return report.writeReport(out, {
    title, results, history,
    figures: report.historyPlots(history).map((f) => ({ name: `history-${f.name}`, svg: f.svg })),
    summary: net.summary({ print: false }),
  });
}

/** A saved model (a one-line error when the directory holds none). */
async function loadSaved(dir: string): Promise<Model> {
  await init();
  try {
    return await loadModel<Model>(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') fail(`lepton: no saved model at ${dir}`);
    throw e;
  }
}

async function loadCliModel(dir: string): Promise<{ net: Model; prep: CsvPreprocessing }> {
  const net = await loadSaved(dir);
  const prep = net.preprocessing as CsvPreprocessing | null;
  if (!prep || prep.cli !== 1) fail(`lepton: ${dir} was not trained by \`lepton train <file.csv>\`; its columns are unknown`);
  return { net, prep: prep! };
}

/** Loss and metrics of a saved model on a CSV with the same columns. */
export async function evaluateCsv(modelDir: string, path: string): Promise<void> {
  const { net, prep } = await loadCliModel(modelDir);
  const set = await readCsv(path, prep.targets, prep.features);
  if (set.x.shape[1] !== prep.features.length) fail(`lepton evaluate: the model takes ${prep.features.length} feature columns, ${path} has ${set.x.shape[1]}`);
  const x = data.preprocessing.fromJSON(prep.x).transform(set.x);
  const t = set.y!;
  const y = prep.task === 'multiclass' ? { data: t.data, shape: [t.shape[0]] }
    : prep.yMean ? { data: scaleY(t.data, t.shape[1], prep.yMean, prep.yStd!, false), shape: t.shape } : t;
  const scores = net.evaluate(x, y);
  if (prep.yMean) {
    // Also in the targets' own units: the model sees standardized targets.
    const p = net.predict(x) as Tensor;
    const back = scaleY(p.data, t.shape[1], prep.yMean, prep.yStd!, true);
    let se = 0, ae = 0;
    for (let k = 0; k < back.length; k++) { se += (back[k] - t.data[k]) ** 2; ae += Math.abs(back[k] - t.data[k]); }
    scores['mse (target units)'] = se / back.length;
    scores['mae (target units)'] = ae / back.length;
  }
  for (const [k, v] of Object.entries(scores)) console.log(`${k}: ${Number(v.toPrecision(5))}`);
}

/** Predictions of a saved model for a CSV's rows, printed or written as CSV. */
export async function predictCsv(modelDir: string, path: string, out?: string): Promise<void> {
  const { net, prep } = await loadCliModel(modelDir);
  // Only the model's feature columns are read: target columns in the file (a test set) are ignored.
  const set = await readCsv(path, undefined, prep.features);
  if (set.x.shape[1] !== prep.features.length) fail(`lepton predict: the model takes ${prep.features.length} feature columns, ${path} has ${set.x.shape[1]}`);
  const x = data.preprocessing.fromJSON(prep.x).transform(set.x);
  const p = net.predict(x) as Tensor;
  const cols = p.shape[1];
  if (prep.yMean) p.data = scaleY(p.data, cols, prep.yMean, prep.yStd!, true);
  const head = prep.task === 'multiclass' ? Array.from({ length: cols }, (_, j) => `p_${j}`) : prep.targets;
  const lines = [head.join(',')];
  for (let i = 0; i < p.shape[0]; i++) lines.push(Array.from(p.data.subarray(i * cols, (i + 1) * cols), (v) => String(v)).join(','));
  const text = lines.join('\n') + '\n';
  if (out) {
    await writeFile(out, text);
    console.log(`predictions: ${out} (${p.shape[0]} rows)`);
  } else process.stdout.write(text);
}

/** A saved model as an ONNX file. */
export async function exportOnnx(modelDir: string, out: string): Promise<void> {
  const bytes = (await loadSaved(modelDir)).toOnnx();
  await writeFile(out, bytes);
  console.log(`onnx: ${out} (${bytes.length} bytes)`);
}

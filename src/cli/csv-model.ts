// What `lepton train data.csv`, `evaluate`, `predict` and `export` do with a CSV and a saved model:
// the feature and target columns, the fitted input standardization, the task and the class names
// travel in the model's `preprocessing` field, so that evaluate and predict read new files the
// same way. Which task a CSV gets is decided in task.ts.

import { writeFile } from 'node:fs/promises';
import { CsvError, data, init, layers, loadModel, sequential, type Model, type Tensor } from '../index.js';
import { optimizerNames } from '../optimizers/index.js';
import type { Callback } from '../callbacks/types.js';
import type { Transform, TransformJSON } from '../data/preprocessing.js';
import type { Layer } from '../layers/layer.js';
import { closest, UsageError } from './args.js';
import { reportRun, scaleY } from './csv-report.js';
import { interruptOnSigint, progress } from './progress.js';
import { columnText, csvField, header, readText } from './table.js';
import { chooseTask, classIds, type Targets, type Task, type TaskChoice } from './task.js';

/** What a CLI-trained model remembers about its data. */
export interface CsvPreprocessing {
  cli: 1;
  features: string[];
  targets: string[];
  task: Task;
  /** Classification: the number of classes and their names in id order (models saved before names were kept lack them). */
  classes?: number;
  classNames?: string[];
  x: TransformJSON;
  /** Regression: targets are trained standardized, y' = (y − mean)/std; predictions are mapped back. */
  yMean?: number[];
  yStd?: number[];
}

/** Per-column mean and standard deviation of a row-major block. */
function columnStats(d: Float32Array, cols: number): { mean: number[]; std: number[] } {
  const rows = d.length / cols;
  const mean = new Array(cols).fill(0), std = new Array(cols).fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += d[i * cols + j] / rows;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) std[j] += (d[i * cols + j] - mean[j]) ** 2 / rows;
  return { mean, std: std.map((v) => Math.sqrt(v) || 1) };
}

/** A prediction as written: float32 carries about seven significant digits. */
const num = (v: number): string => String(Number(v.toPrecision(7)));


export interface TrainCsvOptions {
  target: string[];
  layers: number[];
  activation: string;
  batchNorm: boolean;
  loss?: string;
  task?: 'classification' | 'regression';
  optimizer: string;
  lr: number;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  seed: number;
  out: string;
  quiet: boolean;
  delimiter?: string;
}

const fail = (message: string): never => {
  throw new UsageError(message);
};

/** A file's header, with every named column checked to be there (did-you-mean when not). */
async function openTable(cmd: string, path: string, delimiter: string | undefined, wanted: { names: string[]; role: string }[]) {
  const text = await readText(path);
  const h = header(text, path, delimiter);
  for (const { names, role } of wanted) {
    for (const c of names) {
      if (h.names.includes(c)) continue;
      const near = closest(c, h.names);
      const sep = h.delimiter === '\t' ? 'tab' : `'${h.delimiter}'`;
      fail(`lepton ${cmd}: ${path} has no ${role} column '${c}'${near ? `; did you mean '${near}'?` : ''} (its columns, split at ${sep}: ${h.names.join(', ')})`);
    }
  }
  return { text, ...h };
}

/**
 * The feature columns as numbers, and the target columns: numbers when they are, else (one
 * column) its text. data.csv reads numbers only; a target column with text in it is read again
 * as text by table.ts.
 */
async function readColumns(path: string, t: { text: string; names: string[]; delimiter: string }, features: string[], targets: string[]): Promise<{ x: Tensor; y?: Targets }> {
  const read = async (label?: string[]) => (await data.csv(path, { columns: features, label, delimiter: t.delimiter }).load()).toArrays();
  if (targets.length === 0) return { x: (await read()).x };
  try {
    const b = await read(targets);
    return { x: b.x, y: { kind: 'numbers', data: b.y!.data, cols: targets.length } };
  } catch (e) {
    const col = e instanceof CsvError && e.column !== undefined ? t.names[e.column - 1] : undefined;
    if (col === undefined || !targets.includes(col) || !/is not a number/.test((e as Error).message)) throw e;
    if (targets.length > 1) fail(`lepton: ${path}: column '${col}' holds text; class labels go in a single --target column`);
    const x = (await read()).x;
    const values = columnText(t.text, t.delimiter, t.names.indexOf(col), path);
    if (values.length !== x.shape[0]) throw new Error(`${path}: read ${values.length} labels for ${x.shape[0]} rows`);
    return { x, y: { kind: 'text', values } };
  }
}

/** The network the CLI builds: hidden dense layers (batch norm after each when asked) and a head for the task. */
function buildNet(o: TrainCsvOptions, features: number, task: Task, outputs: number): { net: Model; shape: string } {
  const hidden: Layer[] = o.layers.flatMap((units, i) => [
    layers.dense(units, { activation: o.activation, inputShape: i === 0 ? [features] : undefined }),
    ...(o.batchNorm ? [layers.batchNormalization()] : []),
  ]);
  const activation = task === 'multiclass' ? 'softmax' : task === 'binary' ? 'sigmoid' : 'linear';
  const head = layers.dense(outputs, { activation, inputShape: hidden.length ? undefined : [features] });
  const shape = [String(features), ...o.layers.map((u) => `${u} ${o.activation}${o.batchNorm ? ' + batch norm' : ''}`), `${outputs} ${activation}`].join(' → ');
  return { net: sequential([...hidden, head], { seed: o.seed }), shape };
}

/** A CSV read for training: the task, the seeded split, the fitted scalings, and y as fit sees it. */
export interface TrainingData {
  features: string[];
  rows: number;
  choice: TaskChoice;
  train: { x: Tensor; y: Tensor };
  val?: { x: Tensor; y: Tensor };
  norm: Transform;
  prep: CsvPreprocessing;
}

async function trainingData(path: string, o: TrainCsvOptions): Promise<TrainingData> {
  const table = await openTable('train', path, o.delimiter, [{ names: o.target, role: 'target' }]);
  const features = table.names.filter((c) => !o.target.includes(c));
  if (features.length === 0) fail(`lepton train: ${path} has no columns left for inputs besides the target(s) ${o.target.join(', ')}`);
  await init();
  const read = await readColumns(path, table, features, o.target);
  const n = read.x.shape[0], yCols = o.target.length;
  const choice = chooseTask(o.target, read.y!, o.task, o.loss);
  // y: class ids, or the numbers (standardized for fit, on the training rows)
  const y: Tensor = choice.ids ? { data: choice.ids, shape: [n, 1] } : { data: (read.y as Targets & { kind: 'numbers' }).data, shape: [n, yCols] };
  // A seeded random split (stratified by class for a single label column): a CSV sorted by class,
  // as iris is, would otherwise validate on its last class alone (Keras takes the last rows).
  let train = { x: read.x, y }, val: typeof train | undefined;
  if (o.validationSplit > 0) {
    const [a, b] = data.fromArrays(read.x, y).split([1 - o.validationSplit, o.validationSplit], { seed: o.seed, stratify: choice.ids ?? undefined });
    if (a.size === 0 || b.size === 0) fail(`lepton train: --validation-split ${o.validationSplit} of ${n} rows leaves ${a.size === 0 ? 'no training' : 'no validation'} rows; use --validation-split 0 to train on all rows`);
    const ta = await a.toArrays(), tb = await b.toArrays();
    train = { x: ta.x, y: ta.y! };
    val = { x: tb.x, y: tb.y! };
  }
  const norm: Transform = data.preprocessing.standardize().fit(train.x);
  const { task, classNames } = choice;
  const prep: CsvPreprocessing = { cli: 1, features, targets: o.target, task, classes: classNames?.length, classNames, x: norm.toJSON() };
  if (task === 'regression') ({ mean: prep.yMean, std: prep.yStd } = columnStats(train.y.data, yCols));
  return { features, rows: n, choice, train, val, norm, prep };
}

/** Targets as the model trains on them: standardized numbers, class ids (one per row for softmax), or 0/1. */
const fitTargets = (prep: CsvPreprocessing, t: Tensor): Tensor =>
  prep.task === 'regression' ? { data: scaleY(t.data, prep.targets.length, prep.yMean!, prep.yStd!, false), shape: t.shape }
    : prep.task === 'multiclass' ? { data: t.data, shape: [t.shape[0]] } : t;

export async function trainCsv(path: string, o: TrainCsvOptions): Promise<number> {
  if (o.target.length === 0) fail('lepton train: a CSV needs --target <column,...> naming what to predict');
  const make = optimizerNames.get(o.optimizer);
  if (!make) fail(`lepton train: --optimizer must be one of ${[...optimizerNames.keys()].join(', ')}, got '${o.optimizer}'`);
  const d = await trainingData(path, o);
  const { task, loss, classNames } = d.choice;
  const outputs = task === 'multiclass' ? classNames!.length : o.target.length;
  const { net, shape } = buildNet(o, d.features.length, task, outputs);
  net.compile({ optimizer: make!(o.lr), loss, metrics: task === 'regression' ? ['mae'] : ['accuracy'] });
  net.preprocessing = d.prep;
  if (!o.quiet) net.summary();

  const stop = interruptOnSigint('stopping after this batch; the model and the report will be saved');
  const cbs: Callback[] = [stop.callback, ...(o.quiet ? [] : [progress({ tty: !!process.stdout.isTTY, columns: process.stdout.columns })])];
  let history;
  try {
    history = await net.fit(d.norm.transform(d.train.x), fitTargets(d.prep, d.train.y), {
      epochs: o.epochs, batchSize: o.batchSize, shuffle: true, verbose: 0, callbacks: cbs,
      validationData: d.val && [d.norm.transform(d.val.x), fitTargets(d.prep, d.val.y)],
    });
  } finally {
    stop.dispose();
  }
  const dir = `${o.out}/model`;
  await net.save(dir);
  for (const [key, v] of Object.entries(history.history)) console.log(`${key}: ${Number(v[v.length - 1].toPrecision(5))}`);
  const files = await reportRun({ path, o, d, net, shape, history: history.history, interrupted: stop.interrupted });
  console.log(`model: ${dir}${stop.interrupted ? ' (training interrupted; saved after the last completed batch)' : ''}`);
  console.log(`report: ${files[0]} (+${files.length - 1} files)`);
  return stop.interrupted ? 130 : 0;
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

/** Class names of a model, also of one saved before they were kept (class ids 0, 1, …). */
const namesOf = (prep: CsvPreprocessing): string[] | undefined =>
  prep.classNames ?? (prep.task === 'multiclass' ? Array.from({ length: prep.classes! }, (_, i) => String(i)) : prep.task === 'binary' && prep.targets.length === 1 ? ['0', '1'] : undefined);

/** Loss and metrics of a saved model on a CSV with the same columns. */
export async function evaluateCsv(modelDir: string, path: string, delimiter?: string): Promise<void> {
  const { net, prep } = await loadCliModel(modelDir);
  const table = await openTable('evaluate', path, delimiter, [{ names: prep.features, role: 'feature' }, { names: prep.targets, role: 'target' }]);
  const read = await readColumns(path, table, prep.features, prep.targets);
  const x = data.preprocessing.fromJSON(prep.x).transform(read.x);
  const n = x.shape[0], cols = prep.targets.length;
  const names = namesOf(prep);
  let y: Tensor;
  if (names) {
    const labels = read.y!.kind === 'text' ? read.y!.values : Array.from(read.y!.data, String);
    const ids = classIds(labels, names, path);
    y = prep.task === 'multiclass' ? { data: ids, shape: [n] } : { data: ids, shape: [n, 1] };
  } else {
    if (read.y!.kind === 'text') fail(`lepton evaluate: ${path}: the target column ${prep.targets[0]} holds text, but the model predicts numbers`);
    const t = (read.y as Targets & { kind: 'numbers' }).data;
    y = prep.yMean ? { data: scaleY(t, cols, prep.yMean, prep.yStd!, false), shape: [n, cols] } : { data: t, shape: [n, cols] };
  }
  const scores = net.evaluate(x, y);
  if (prep.yMean && read.y!.kind === 'numbers') {
    // Also in the targets' own units: the model sees standardized targets.
    const t = read.y!.data;
    const back = scaleY((net.predict(x) as Tensor).data, cols, prep.yMean, prep.yStd!, true);
    let se = 0, ae = 0;
    for (let k = 0; k < back.length; k++) { se += (back[k] - t[k]) ** 2; ae += Math.abs(back[k] - t[k]); }
    scores['mse (target units)'] = se / back.length;
    scores['mae (target units)'] = ae / back.length;
  }
  for (const [k, v] of Object.entries(scores)) console.log(`${k}: ${Number(v.toPrecision(5))}`);
}

/**
 * Predictions of a saved model for a CSV's rows, printed or written as CSV: the targets in their
 * units for a regression; for a classifier one probability per class (p_<class>) and the most
 * probable class's name under the target's name.
 */
export async function predictCsv(modelDir: string, path: string, out?: string, delimiter?: string): Promise<void> {
  const { net, prep } = await loadCliModel(modelDir);
  // Only the model's feature columns are read: target columns in the file (a test set) are ignored.
  const table = await openTable('predict', path, delimiter, [{ names: prep.features, role: 'feature' }]);
  const { x: raw } = await readColumns(path, table, prep.features, []);
  const p = net.predict(data.preprocessing.fromJSON(prep.x).transform(raw)) as Tensor;
  const n = p.shape[0], cols = p.shape[1];
  const names = namesOf(prep);
  const lines: string[] = [];
  if (prep.task === 'regression') {
    const back = prep.yMean ? scaleY(p.data, cols, prep.yMean, prep.yStd!, true) : p.data;
    lines.push(prep.targets.map((t) => csvField(t)).join(','));
    for (let i = 0; i < n; i++) lines.push(Array.from(back.subarray(i * cols, (i + 1) * cols), num).join(','));
  } else if (names && (prep.task === 'multiclass' || prep.targets.length === 1)) {
    const k = names.length;
    const probs = (i: number): number[] => (prep.task === 'binary' ? [1 - p.data[i], p.data[i]] : Array.from(p.data.subarray(i * k, (i + 1) * k)));
    lines.push([...names.map((c) => csvField(`p_${c}`)), csvField(prep.targets[0])].join(','));
    for (let i = 0; i < n; i++) {
      const q = probs(i);
      const best = q.reduce((b, v, c) => (v > q[b] ? c : b), 0);
      lines.push([...q.map(num), csvField(names[best])].join(','));
    }
  } else {
    // several 0/1 targets (multi-label): each one's probability and its 0/1 call
    lines.push([...prep.targets.map((t) => csvField(`p_${t}`)), ...prep.targets.map((t) => csvField(t))].join(','));
    for (let i = 0; i < n; i++) {
      const q = Array.from(p.data.subarray(i * cols, (i + 1) * cols));
      lines.push([...q.map(num), ...q.map((v) => (v >= 0.5 ? '1' : '0'))].join(','));
    }
  }
  const text = lines.join('\n') + '\n';
  if (out) {
    await writeFile(out, text);
    console.log(`predictions: ${out} (${n} rows)`);
  } else process.stdout.write(text);
}

/**
 * A saved model as an ONNX file. A CLI-trained model's file reads the raw columns and gives what
 * `lepton predict` gives: the input standardization and a regression's target scaling are nodes
 * of the graph; a classifier gives the probabilities, its class names in metadata_props.
 */
export async function exportOnnx(modelDir: string, out: string): Promise<void> {
  const net = await loadSaved(modelDir);
  const bytes = await net.toOnnx();
  await writeFile(out, bytes);
  const prep = net.preprocessing as CsvPreprocessing | null;
  const what = prep?.cli === 1
    ? `; reads the raw columns ${prep.features.join(', ')}${prep.yMean ? ', gives the targets in their units' : prep.classNames ? `, gives the probabilities of ${prep.classNames.join(', ')}` : ''}`
    : prep ? '; with the model\'s preprocessing' : '';
  console.log(`onnx: ${out} (${bytes.length} bytes${what})`);
}

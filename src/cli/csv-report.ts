// The report of `lepton train data.csv`: the model judged on the validation rows (the training
// rows when there are none) in the targets' own units, predicted against true values and
// residuals for a regression, the confusion matrix and ROC curves for a classifier; the history
// (in target units where that is exact); the settings; and a mark when Ctrl-C stopped the run.

import type { Model, Tensor } from '../index.js';
import * as report from '../report/index.js';
import type { CsvPreprocessing, TrainCsvOptions, TrainingData } from './csv-model.js';

/** Targets standardized per column, y' = (y − mean)/std, or (inverse) mapped back. */
export const scaleY = (d: Float32Array, cols: number, mean: number[], std: number[], inverse: boolean): Float32Array =>
  d.map((v, k) => (inverse ? v * std[k % cols] + mean[k % cols] : (v - mean[k % cols]) / std[k % cols]));

export interface Run {
  path: string;
  o: TrainCsvOptions;
  d: TrainingData;
  net: Model;
  /** The layers as one line (4 → 64 tanh → … → 3 softmax). */
  shape: string;
  history: Record<string, number[]>;
  interrupted: boolean;
}

/** Writes the report into o.out, prints the judged figures; returns the files written. */
export async function reportRun({ path, o, d, net, shape, history: h, interrupted }: Run): Promise<string[]> {
  const { task, loss, classNames } = d.choice;
  const yCols = o.target.length, k = classNames?.length ?? 0;
  const judged = d.val ?? d.train, rows = d.val ? 'validation rows' : 'training rows';
  const p = (net.predict(d.norm.transform(judged.x)) as Tensor).data;
  const evaluation = task === 'regression'
    ? report.regressionFigures(o.target, judged.y.data, scaleY(p, yCols, d.prep.yMean!, d.prep.yStd!, true), rows)
    : classNames && (task === 'multiclass' || yCols === 1)
      // a sigmoid's p is the second class's probability
      ? report.classificationFigures(classNames, judged.y.data, task === 'binary' ? Float32Array.from({ length: 2 * p.length }, (_, i) => (i & 1 ? p[i >> 1] : 1 - p[i >> 1])) : p, rows)
      : { figures: [], results: {} };
  for (const [key, v] of Object.entries(evaluation.results)) console.log(`${key}: ${Number(v.toPrecision(5))}`);

  const epochsRun = (h.loss ?? []).length, nTrain = d.train.x.shape[0];
  const settings: Record<string, string | number> = {
    data: `${path}: ${d.rows} rows, ${d.features.length} input columns (${d.features.join(', ')})`,
    split: d.val ? `${nTrain} training rows, ${d.rows - nTrain} validation rows (${o.validationSplit}, seeded random${d.choice.ids ? ', stratified by class' : ''})` : `${d.rows} training rows, no validation`,
    task: task === 'regression' ? `regression of ${o.target.join(', ')}` : `classification of ${o.target.join(', ')}${classNames ? ` into ${k} classes (${classNames.slice(0, 12).join(', ')}${k > 12 ? ', …' : ''})` : ''}`,
    layers: shape,
    parameters: net.countParams(),
    loss,
    optimizer: o.optimizer,
    'learning rate': o.lr,
    epochs: epochsRun === o.epochs ? o.epochs : `${epochsRun} of ${o.epochs} (interrupted)`,
    'batch size': o.batchSize,
    seed: o.seed,
    'input scaling': 'standardized with the training rows\' mean and deviation',
    ...(task === 'regression' ? { 'target scaling': 'standardized for training; errors and figures here are in the targets\' own units' } : {}),
  };
  const shown = historyInTargetUnits(h, d.prep, loss);
  return report.writeReport(o.out, {
    title: `lepton train ${path}${interrupted ? ' (interrupted)' : ''}`,
    status: interrupted ? `Interrupted (Ctrl-C) during epoch ${epochsRun} of ${o.epochs}: the model, the figures and the numbers here are those after the last completed batch.` : undefined,
    results: {
      ...evaluation.results,
      ...Object.fromEntries(Object.entries(shown.history).map(([key, v]) => [`${shown.yLabels[key] ?? key}, last epoch`, v[v.length - 1]])),
    },
    settings,
    history: h,
    figures: [
      ...report.historyPlots(shown.history, { yLabels: shown.yLabels }).map((f) => ({ name: `history-${f.name}`, svg: f.svg })),
      ...evaluation.figures,
    ],
    summary: net.summary({ print: false }),
  });
}

/**
 * The history for the plots, in the target's units where that is exact: with one target, MSE
 * scales by σ² and MAE by σ of the target. Huber losses and several targets stay standardized,
 * and their axis says so. Classifiers' histories are unitless and pass through.
 */
function historyInTargetUnits(h: Record<string, number[]>, prep: CsvPreprocessing, loss: string): { history: Record<string, number[]>; yLabels: Record<string, string> } {
  if (prep.task !== 'regression') return { history: h, yLabels: {} };
  const yLabels: Record<string, string> = {};
  if (prep.targets.length > 1) {
    for (const key of Object.keys(h)) yLabels[key] = `${key} (on standardized targets)`;
    return { history: h, yLabels };
  }
  const name = prep.targets[0], sd = prep.yStd![0];
  const squared = loss === 'mse' || loss === 'meanSquaredError', absolute = loss === 'mae' || loss === 'meanAbsoluteError';
  const history: Record<string, number[]> = {};
  for (const [key, v] of Object.entries(h)) {
    const base = key.replace(/^val_/, '');
    const f = base === 'loss' ? (squared ? sd * sd : absolute ? sd : undefined) : base === 'mae' ? sd : undefined;
    history[key] = f === undefined ? v : v.map((e) => e * f);
    const what = (key.startsWith('val_') ? 'validation ' : '') + (base === 'loss' ? (squared ? 'MSE' : absolute ? 'MAE' : loss) : base);
    yLabels[key] = f === undefined ? `${what} (on standardized ${name})` : `${what} (${name}'s units${base === 'loss' && squared ? ', squared' : ''})`;
  }
  return { history, yLabels };
}

// Which kind of model `lepton train data.csv` fits, from --task, --loss and the target values:
//
//   - text in the target column ("virginica")                  -> classification
//   - --task classification | regression                       -> as said
//   - --loss binaryCrossentropy | (sparse)categoricalCrossentropy -> classification; mse, mae, huber -> regression
//   - numbers, none of the above: whole numbers with at most 10 distinct values in a column
//     (0/1, 1..5, class ids) are refused with a request for --task, since they may be class ids or
//     a count; other numbers -> regression.
//
// sklearn's type_of_target calls every integer column "multiclass", but there the user has chosen
// a classifier or a regressor; Keras makes the user choose the loss. Here nothing else says which,
// so lepton asks rather than train a regression on class ids (or a classifier on a count).
// Classes are the distinct values in sorted order (numerically for numbers), as sklearn's
// LabelEncoder orders them; two classes give a sigmoid output whose probability is the second's.

import { UsageError } from './args.js';

export type Task = 'regression' | 'binary' | 'multiclass';

export const REGRESSION_LOSSES = ['mse', 'mae', 'huber', 'meanSquaredError', 'meanAbsoluteError'] as const;
export const CLASSIFICATION_LOSSES = ['binaryCrossentropy', 'sparseCategoricalCrossentropy', 'categoricalCrossentropy'] as const;
export const LOSSES = [...REGRESSION_LOSSES, ...CLASSIFICATION_LOSSES] as const;

/** Most distinct whole numbers a target column may hold before lepton takes it for a quantity. */
export const AMBIGUOUS_CLASSES = 10;

/** The target columns: numbers (rows × columns, row-major), or one column of text. */
export type Targets = { kind: 'numbers'; data: Float32Array; cols: number } | { kind: 'text'; values: string[] };

export interface TaskChoice {
  task: Task;
  loss: string;
  /** Classification: the class names in id order; `ids` holds each row's class id. */
  classNames?: string[];
  ids?: Float32Array;
}

const fail = (message: string): never => {
  throw new UsageError(`lepton train: ${message}`);
};

const show = (values: string[]) => values.slice(0, 6).map((v) => JSON.stringify(v)).join(', ') + (values.length > 6 ? ', …' : '');

/** Class names (sorted) and each row's id. */
function encode(values: string[], numeric: boolean): { classNames: string[]; ids: Float32Array } {
  const distinct = [...new Set(values)];
  distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const id = new Map(distinct.map((c, i) => [c, i]));
  return { classNames: distinct, ids: Float32Array.from(values, (v) => id.get(v)!) };
}

function column(t: Targets & { kind: 'numbers' }, j: number): number[] {
  const n = t.data.length / t.cols;
  return Array.from({ length: n }, (_, i) => t.data[i * t.cols + j]);
}

export function chooseTask(targetNames: string[], t: Targets, task?: 'classification' | 'regression', loss?: string): TaskChoice {
  const lossSays = loss === undefined ? undefined : (REGRESSION_LOSSES as readonly string[]).includes(loss) ? 'regression' : 'classification';
  if (task && lossSays && task !== lossSays) fail(`--task ${task} does not go with --loss ${loss} (a ${lossSays} loss)`);
  if (t.kind === 'text') {
    const name = targetNames[0];
    if ((task ?? lossSays) === 'regression') {
      fail(`regression needs numbers, but column '${name}' holds ${JSON.stringify(t.values.find((v) => !(v !== '' && Number.isFinite(Number(v)))))}`);
    }
    return classes(name, t.values, false, loss);
  }
  const want = task ?? lossSays;
  if (want === 'regression') return { task: 'regression', loss: loss ?? 'mse' };
  if (want === 'classification') {
    if (t.cols > 1) {
      // several 0/1 columns: independent yes/no labels (multi-label), one sigmoid each
      if (!t.data.every((v) => v === 0 || v === 1)) fail(`classification with several target columns needs 0/1 values in each (multi-label); give one column of class labels instead`);
      if (loss && loss !== 'binaryCrossentropy') fail(`--loss ${loss} needs one target column of class labels`);
      return { task: 'binary', loss: 'binaryCrossentropy', classNames: ['0', '1'] };
    }
    const values = column(t, 0);
    const odd = values.find((v) => !Number.isInteger(v));
    if (odd !== undefined) fail(`classification needs class labels, but column '${targetNames[0]}' holds ${odd}; say --task regression to fit it as a number`);
    return classes(targetNames[0], values.map(String), true, loss);
  }
  for (let j = 0; j < t.cols; j++) {
    const values = column(t, j);
    if (!values.every(Number.isInteger)) continue;
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    if (distinct.length <= AMBIGUOUS_CLASSES) {
      fail(`column '${targetNames[j]}' holds ${distinct.length} distinct whole numbers (${show(distinct.map(String))}): class labels or a quantity? ` +
        'say --task classification or --task regression');
    }
  }
  return { task: 'regression', loss: 'mse' };
}

function classes(name: string, values: string[], numeric: boolean, loss?: string): TaskChoice {
  const empty = values.indexOf('');
  if (empty >= 0) fail(`column '${name}' has an empty label on data row ${empty + 1}`);
  const { classNames, ids } = encode(values, numeric);
  if (classNames.length < 2) fail(`column '${name}' holds one class only (${show(classNames)}); classification needs two or more`);
  if (classNames.length > 1000) fail(`column '${name}' holds ${classNames.length} distinct labels; that many classes is more likely a quantity (--task regression)`);
  if (loss === 'binaryCrossentropy' && classNames.length > 2) fail(`--loss binaryCrossentropy needs two classes; column '${name}' holds ${classNames.length} (${show(classNames)})`);
  const multi = classNames.length > 2 || loss === 'sparseCategoricalCrossentropy' || loss === 'categoricalCrossentropy';
  return multi
    ? { task: 'multiclass', loss: 'sparseCategoricalCrossentropy', classNames, ids }
    : { task: 'binary', loss: 'binaryCrossentropy', classNames, ids };
}

/** Class ids of a new file's labels (evaluate): every label must be one the model was trained on. */
export function classIds(values: string[], classNames: string[], path: string): Float32Array {
  const id = new Map(classNames.map((c, i) => [c, i]));
  return Float32Array.from(values, (v, i) => {
    const k = id.get(v);
    if (k === undefined) throw new UsageError(`lepton evaluate: ${path}: data row ${i + 1} has the label ${JSON.stringify(v)}, which the model was not trained on (its classes: ${show(classNames)})`);
    return k;
  });
}

// Metrics, accumulated on the host over an epoch (or an evaluation) from the predictions and
// targets already in the arena. Weighted by the per-sample weights when there are any.

import { looseLookup } from './options.js';

export interface MetricUpdate {
  /** (rows × cols) predictions: probabilities after softmax/sigmoid. */
  pred: Float32Array;
  /** (rows × cols) targets, or rows integer labels when `labels` is set. */
  target: Float32Array | Int32Array;
  labels: boolean;
  rows: number;
  cols: number;
  weights: Float32Array | null;
}

export interface Metric {
  /** The key in logs and history ('accuracy', 'mae', 'auc', ...): what the user typed. */
  readonly name: string;
  reset(): void;
  update(u: MetricUpdate): void;
  result(): number;
}

const argmax = (a: Float32Array | Int32Array, off: number, n: number): number => {
  let best = 0;
  for (let j = 1; j < n; j++) if (a[off + j] > a[off + best]) best = j;
  return best;
};

abstract class Mean implements Metric {
  private sum = 0;
  private count = 0;
  constructor(readonly name: string) {}
  reset(): void { this.sum = 0; this.count = 0; }
  result(): number { return this.count ? this.sum / this.count : NaN; }
  protected add(value: number, weight: number): void { this.sum += value * weight; this.count += weight; }
  abstract update(u: MetricUpdate): void;
}

class BinaryAccuracy extends Mean {
  constructor(name: string, private readonly threshold = 0.5) { super(name); }
  update({ pred, target, rows, cols, weights }: MetricUpdate): void {
    for (let i = 0; i < rows; i++) {
      let hit = 0;
      for (let j = 0; j < cols; j++) hit += (pred[i * cols + j] > this.threshold ? 1 : 0) === (target[i * cols + j] > 0.5 ? 1 : 0) ? 1 : 0;
      this.add(hit / cols, weights ? weights[i] : 1);
    }
  }
}

class CategoricalAccuracy extends Mean {
  update({ pred, target, labels, rows, cols, weights }: MetricUpdate): void {
    for (let i = 0; i < rows; i++) {
      const want = labels ? target[i] : argmax(target, i * cols, cols);
      this.add(argmax(pred, i * cols, cols) === want ? 1 : 0, weights ? weights[i] : 1);
    }
  }
}

class ElementwiseMean extends Mean {
  constructor(name: string, private readonly f: (d: number) => number) { super(name); }
  update({ pred, target, rows, cols, weights }: MetricUpdate): void {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += this.f(pred[i * cols + j] - target[i * cols + j]);
      this.add(s / cols, weights ? weights[i] : 1);
    }
  }
}

/**
 * Area under the ROC curve, exact: every score of the epoch is kept and sorted at the end (ties
 * counted as half, the trapezoid rule). One output column is P(positive); with two columns the
 * second is; with more, every (sample, class) pair counts as one binary decision.
 */
class AUC implements Metric {
  private scores: number[] = [];
  private positives: number[] = [];
  private weights: number[] = [];
  constructor(readonly name: string) {}
  reset(): void { this.scores = []; this.positives = []; this.weights = []; }
  update({ pred, target, labels, rows, cols, weights }: MetricUpdate): void {
    for (let i = 0; i < rows; i++) {
      const w = weights ? weights[i] : 1;
      if (cols === 2) {
        this.push(pred[i * 2 + 1], labels ? target[i] === 1 : target[i * 2 + 1] > 0.5, w);
      } else {
        for (let j = 0; j < cols; j++) this.push(pred[i * cols + j], labels ? target[i] === j : target[i * cols + j] > 0.5, w);
      }
    }
  }
  private push(score: number, positive: boolean, w: number): void {
    this.scores.push(score);
    this.positives.push(positive ? 1 : 0);
    this.weights.push(w);
  }
  result(): number {
    return rocAuc(this.scores, this.positives, this.weights);
  }
}

/**
 * Precision, recall or F1 of binary decisions at threshold 0.5 (Keras: predicted positive when
 * p > 0.5), weighted counts over the epoch. The decisions are read as AUC reads them: one column is
 * P(positive), with two the second, with more every (sample, class) pair is one decision.
 */
class Counts implements Metric {
  private tp = 0;
  private fp = 0;
  private fn = 0;
  constructor(readonly name: string, private readonly kind: 'precision' | 'recall' | 'f1') {}
  reset(): void { this.tp = 0; this.fp = 0; this.fn = 0; }
  update({ pred, target, labels, rows, cols, weights }: MetricUpdate): void {
    for (let i = 0; i < rows; i++) {
      const w = weights ? weights[i] : 1;
      if (cols === 2) this.count(pred[i * 2 + 1] > 0.5, labels ? target[i] === 1 : target[i * 2 + 1] > 0.5, w);
      else for (let j = 0; j < cols; j++) this.count(pred[i * cols + j] > 0.5, labels ? target[i] === j : target[i * cols + j] > 0.5, w);
    }
  }
  private count(said: boolean, is: boolean, w: number): void {
    if (said && is) this.tp += w;
    else if (said) this.fp += w;
    else if (is) this.fn += w;
  }
  /** 0 where nothing was predicted (or is) positive, as Keras (its divide_no_nan). */
  result(): number {
    const { tp, fp, fn } = this;
    const div = (a: number, b: number) => (b > 0 ? a / b : 0);
    if (this.kind === 'precision') return div(tp, tp + fp);
    if (this.kind === 'recall') return div(tp, tp + fn);
    return div(2 * tp, 2 * tp + fp + fn); // F1 = 2PR/(P + R)
  }
}

/**
 * R² = 1 − Σw(y − ŷ)²/Σw(y − ȳ)² per output column over the epoch (ȳ the weighted mean), then
 * the mean over columns (Keras's R2Score with 'uniform_average'). NaN when a column's targets are constant.
 */
class R2 implements Metric {
  private sums: Float64Array = new Float64Array(0); // per column: Σw, Σw·y, Σw·y², Σw·(y − ŷ)²
  constructor(readonly name: string) {}
  reset(): void { this.sums.fill(0); }
  update({ pred, target, labels, rows, cols, weights }: MetricUpdate): void {
    if (labels) throw new Error(`${this.name}: R² needs target values, not class labels`);
    if (this.sums.length !== 4 * cols) this.sums = new Float64Array(4 * cols);
    const s = this.sums;
    for (let i = 0; i < rows; i++) {
      const w = weights ? weights[i] : 1;
      for (let j = 0; j < cols; j++) {
        const t = target[i * cols + j], d = t - pred[i * cols + j];
        s[4 * j] += w;
        s[4 * j + 1] += w * t;
        s[4 * j + 2] += w * t * t;
        s[4 * j + 3] += w * d * d;
      }
    }
  }
  result(): number {
    const s = this.sums, cols = s.length / 4;
    if (cols === 0) return NaN;
    let r = 0;
    for (let j = 0; j < cols; j++) {
      const [n, sy, syy, res] = [s[4 * j], s[4 * j + 1], s[4 * j + 2], s[4 * j + 3]];
      const tot = syy - (sy * sy) / n;
      r += 1 - res / tot;
    }
    return r / cols;
  }
}

/** Exact ROC AUC with sample weights; NaN when one class is absent. */
export function rocAuc(scores: ArrayLike<number>, positives: ArrayLike<number>, weights?: ArrayLike<number>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let tp = 0, fp = 0, area = 0, P = 0, N = 0;
  for (let i = 0; i < n; i++) (positives[i] ? (P += weights ? weights[i] : 1) : (N += weights ? weights[i] : 1));
  if (P === 0 || N === 0) return NaN;
  for (let i = 0; i < n; ) {
    let dtp = 0, dfp = 0;
    const s = scores[order[i]];
    for (; i < n && scores[order[i]] === s; i++) {
      const w = weights ? weights[order[i]] : 1;
      if (positives[order[i]]) dtp += w;
      else dfp += w;
    }
    area += dfp * (tp + dtp / 2);
    tp += dtp;
    fp += dfp;
  }
  return area / (P * N);
}

type MakeMetric = (name: string, lossName: string, outputUnits: number) => Metric;

/** 'accuracy' picks binary, sparse categorical or categorical accuracy from the loss and the output width, as Keras does. */
const accuracy: MakeMetric = (name, lossName, outputUnits) =>
  lossName === 'binaryCrossentropy' || (outputUnits === 1 && lossName !== 'sparseCategoricalCrossentropy') ? new BinaryAccuracy(name) : new CategoricalAccuracy(name);
const squared: MakeMetric = (name) => new ElementwiseMean(name, (d) => d * d);
const absolute: MakeMetric = (name) => new ElementwiseMean(name, Math.abs);
const auc: MakeMetric = (name) => new AUC(name);

// A Map, so that 'toString' or '__proto__' is an unknown name like any other.
const metricTable = new Map<string, MakeMetric>([
  ['accuracy', accuracy], ['acc', accuracy],
  ['binaryAccuracy', (name) => new BinaryAccuracy(name)],
  ['categoricalAccuracy', (name) => new CategoricalAccuracy(name)], ['sparseCategoricalAccuracy', (name) => new CategoricalAccuracy(name)],
  ['mse', squared], ['meanSquaredError', squared],
  ['mae', absolute], ['meanAbsoluteError', absolute],
  ['auc', auc], ['AUC', auc],
  ['precision', (name) => new Counts(name, 'precision')], ['recall', (name) => new Counts(name, 'recall')],
  ['f1', (name) => new Counts(name, 'f1')], ['f1Score', (name) => new Counts(name, 'f1')],
  ['r2', (name) => new R2(name)], ['r2Score', (name) => new R2(name)],
]);

/** Resolves a metric name; the metric keeps the name as typed (the key in logs and history). */
export function getMetric(spec: string, lossName: string, outputUnits: number): Metric {
  const make = typeof spec === 'string' ? looseLookup(metricTable, spec) : undefined;
  if (!make) throw new Error(`compile: unknown metric '${spec}'; expected one of ${[...metricTable.keys()].join(', ')}`);
  return make(spec, lossName, outputUnits);
}

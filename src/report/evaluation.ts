// Figures that judge a trained model on rows it did not train on: predicted against true values
// and the residuals for a regression, the confusion matrix and ROC curves (with their AUC) for a
// classifier. Values are in the units the caller passes: the CLI passes the targets' own units.

import type { Figure } from './html.js';
import { confusionPlot, plot, rocPlot } from './svg.js';

export interface RocCurve {
  fpr: number[];
  tpr: number[];
  auc: number;
}

/**
 * The ROC curve of scores against 0/1 labels: one point per distinct score, from (0, 0) to (1, 1)
 * (tied scores move both rates at once, a diagonal step), and the area under it by the trapezoid
 * rule over all those points, which is the Mann–Whitney statistic with ties counted one half (what
 * rocAuc computes). At most `maxPoints` points are kept for drawing; the AUC uses all of them.
 */
export function rocCurve(scores: ArrayLike<number>, positives: ArrayLike<number>, maxPoints = 400): RocCurve {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  let P = 0;
  for (let i = 0; i < n; i++) if (positives[i]) P++;
  const N = n - P;
  if (P === 0 || N === 0) return { fpr: [0, 1], tpr: [0, 1], auc: NaN };
  const fpr = [0], tpr = [0];
  let tp = 0, fp = 0, area = 0;
  for (let i = 0; i < n;) {
    const s = scores[order[i]];
    let dtp = 0, dfp = 0;
    for (; i < n && scores[order[i]] === s; i++) (positives[order[i]] ? dtp++ : dfp++);
    area += dfp * (tp + dtp / 2);
    tp += dtp;
    fp += dfp;
    fpr.push(fp / N);
    tpr.push(tp / P);
  }
  const step = Math.ceil(fpr.length / maxPoints);
  const keep = (_: number, i: number) => i % step === 0 || i === fpr.length - 1;
  return { fpr: fpr.filter(keep), tpr: tpr.filter(keep), auc: area / (P * N) };
}

/** counts[t][p]: rows of true class t predicted as p. */
export function confusionMatrix(trueIds: ArrayLike<number>, predIds: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < trueIds.length; i++) m[trueIds[i]][predIds[i]]++;
  return m;
}

/** Every k-th index so that at most `max` remain (a scatter of 100k points would be a 5 MB SVG). */
const thin = (n: number, max: number): number[] => {
  const k = Math.ceil(n / max);
  return Array.from({ length: Math.ceil(n / k) }, (_, i) => i * k);
};

/**
 * Predicted against true values (with the diagonal y = x) and residuals (predicted − true)
 * against predicted values, for each of the first four target columns. `yTrue` and `yPred` are
 * row-major (rows × targets.length). `rows` says which rows they are (for captions).
 */
export function regressionFigures(targets: string[], yTrue: ArrayLike<number>, yPred: ArrayLike<number>, rows: string): { figures: Figure[]; results: Record<string, number> } {
  const cols = targets.length, n = yTrue.length / cols;
  const figures: Figure[] = [];
  const results: Record<string, number> = {};
  const shown = thin(n, 2000);
  targets.forEach((name, j) => {
    const t = Array.from({ length: n }, (_, i) => yTrue[i * cols + j]);
    const p = Array.from({ length: n }, (_, i) => yPred[i * cols + j]);
    let se = 0, ae = 0, sst = 0;
    const mean = t.reduce((a, b) => a + b, 0) / n;
    for (let i = 0; i < n; i++) { se += (p[i] - t[i]) ** 2; ae += Math.abs(p[i] - t[i]); sst += (t[i] - mean) ** 2; }
    const rmse = Math.sqrt(se / n), mae = ae / n;
    results[`${name}: RMSE (${rows})`] = rmse;
    results[`${name}: MAE (${rows})`] = mae;
    if (sst > 0) results[`${name}: R² (${rows})`] = 1 - se / sst;
    if (j >= 4) return;
    const note = `${n} ${rows}${shown.length < n ? ` (${shown.length} drawn)` : ''}, in ${name}'s own units; RMSE ${rmse.toPrecision(4)}, MAE ${mae.toPrecision(4)}.`;
    figures.push({
      name: `predicted-vs-true-${j + 1}`,
      svg: plot({ title: `Predicted against true ${name}`, xLabel: `true ${name}`, yLabel: `predicted ${name}`, square: true, diagonal: true,
        series: [{ name: rows, x: shown.map((i) => t[i]), y: shown.map((i) => p[i]), kind: 'points' }] }),
      caption: `${note} On the dashed line the prediction is exact.`,
    });
    const lo = p.reduce((a, b) => Math.min(a, b), Infinity), hi = p.reduce((a, b) => Math.max(a, b), -Infinity);
    figures.push({
      name: `residuals-${j + 1}`,
      svg: plot({ title: `Residuals of ${name}`, xLabel: `predicted ${name}`, yLabel: `predicted − true ${name}`,
        series: [
          { name: rows, x: shown.map((i) => p[i]), y: shown.map((i) => p[i] - t[i]), kind: 'points' },
          { name: 'zero', x: [lo, hi], y: [0, 0], color: '#999', dashed: true },
        ] }),
      caption: `${note} A trend or a funnel shape here is structure the model has missed.`,
    });
  });
  return { figures, results };
}

/**
 * The confusion matrix and ROC curves of a classifier: `probs` holds one probability per class and
 * row (rows × classNames.length); the predicted class is the most probable. Two classes give one
 * ROC curve (the second class as positive); more give one curve per class against the rest (the
 * first eight) and their mean AUC (macro).
 */
export function classificationFigures(classNames: string[], trueIds: ArrayLike<number>, probs: ArrayLike<number>, rows: string): { figures: Figure[]; results: Record<string, number> } {
  const k = classNames.length, n = trueIds.length;
  const pred = new Int32Array(n);
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    pred[i] = best;
    if (best === trueIds[i]) right++;
  }
  const results: Record<string, number> = { [`accuracy (${rows})`]: right / n };
  const figures: Figure[] = [{
    name: 'confusion-matrix',
    svg: confusionPlot(confusionMatrix(trueIds, pred, k), classNames, `Confusion matrix (${rows})`),
    caption: `Rows: true class; columns: predicted class (the most probable); ${n} ${rows}, accuracy ${(right / n).toFixed(3)}.`,
  }];
  const score = (c: number) => Array.from({ length: n }, (_, i) => probs[i * k + c]);
  const is = (c: number) => Array.from({ length: n }, (_, i) => (trueIds[i] === c ? 1 : 0));
  if (k === 2) {
    const r = rocCurve(score(1), is(1));
    results[`AUC (${rows})`] = r.auc;
    figures.push({ name: 'roc', svg: rocPlot([{ name: `${classNames[1]} vs ${classNames[0]}`, ...r }]), caption: `Positive class: ${classNames[1]}; ${n} ${rows}.` });
  } else {
    const curves = classNames.map((c, i) => ({ name: `${c} vs rest`, ...rocCurve(score(i), is(i)) }));
    const aucs = curves.map((c) => c.auc).filter(Number.isFinite);
    results[`AUC, mean of one-vs-rest (${rows})`] = aucs.reduce((a, b) => a + b, 0) / aucs.length;
    figures.push({ name: 'roc', svg: rocPlot(curves.slice(0, 8)), caption: `Each class against all others${k > 8 ? ' (the first eight classes)' : ''}; ${n} ${rows}.` });
  }
  return { figures, results };
}

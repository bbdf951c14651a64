// The figures that judge a model: ROC curve and AUC against hand-computed values, the confusion
// matrix, and the regression figures in the units given.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { rocAuc } from '../../src/metrics.js';
import { classificationFigures, confusionMatrix, regressionFigures, rocCurve } from '../../src/report/evaluation.js';
import { Random } from '../../src/random.js';
import { covered, dataPoints, legendOf, wellFormed } from './svg-check.js';

test('AUC by hand: 13 of 16 positive-negative pairs ranked right; a tie counts one half', () => {
  // positives 0.9, 0.8, 0.6, 0.5 against negatives 0.7, 0.55, 0.4, 0.3: 4 + 4 + 3 + 2 = 13 of 16 pairs
  const r = rocCurve([0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3], [1, 1, 0, 1, 0, 1, 0, 0]);
  assert.is(r.auc, 13 / 16);
  assert.equal(r.fpr, [0, 0, 0, 0.25, 0.25, 0.5, 0.5, 0.75, 1]);
  assert.equal(r.tpr, [0, 0.25, 0.5, 0.5, 0.75, 0.75, 1, 1, 1]);
  // 0.8 beats both negatives; the positive 0.5 ties the negative 0.5 (½) and beats 0.2: 3.5 of 4
  const tie = rocCurve([0.8, 0.5, 0.5, 0.2], [1, 1, 0, 0]);
  assert.is(tie.auc, 0.875);
  assert.equal(tie.fpr, [0, 0, 0.5, 1]);
  assert.equal(tie.tpr, [0, 0.5, 1, 1]);
  assert.ok(Number.isNaN(rocCurve([0.1, 0.2], [1, 1]).auc), 'one class only: NaN');
  // the same as the metric over random scores with many ties, and the curve is thinned for drawing
  const rng = new Random(3);
  const scores = Array.from({ length: 5000 }, () => Math.round(rng.uniform() * 50) / 50);
  const labels = scores.map((s) => (rng.uniform() < s ? 1 : 0));
  const big = rocCurve(scores, labels, 20);
  assert.ok(Math.abs(big.auc - rocAuc(scores, labels)) < 1e-12, `${big.auc} vs ${rocAuc(scores, labels)}`);
  assert.ok(big.fpr.length <= 21 && big.fpr[big.fpr.length - 1] === 1 && big.tpr[big.tpr.length - 1] === 1);
});

test('confusion matrix: rows true, columns predicted', () => {
  assert.equal(confusionMatrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], 3), [[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
});

test('classification figures: accuracy, AUC, a confusion matrix and ROC curves whose legend covers no curve', () => {
  // two classes: probabilities [p0, p1] per row
  const p1 = [0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3];
  const probs = p1.flatMap((p) => [1 - p, p]);
  const truth = [1, 1, 0, 1, 0, 1, 0, 0];
  const two = classificationFigures(['no', 'yes'], truth, probs, 'test rows');
  assert.is(two.results['AUC (test rows)'], 13 / 16);
  assert.is(two.results['accuracy (test rows)'], 5 / 8); // argmax: yes above 0.5 (the 0.5/0.5 tie goes to the first class)
  assert.equal(two.figures.map((f) => f.name), ['confusion-matrix', 'roc']);
  for (const f of two.figures) wellFormed(f.svg, f.name);
  assert.match(two.figures[1].svg, /yes vs no \(AUC 0\.813\)/);
  const roc = two.figures[1].svg;
  assert.equal(covered(legendOf(roc), dataPoints(roc)), []);
  // three classes: one curve per class against the rest, and their mean
  const k3 = classificationFigures(['a', 'b', 'c'], [0, 1, 2, 2], [0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.2, 0.7, 0.3, 0.3, 0.4], 'rows');
  assert.is(k3.results['AUC, mean of one-vs-rest (rows)'], 1);
  assert.match(k3.figures[1].svg, /c vs rest/);
});

test('regression figures: predicted against true and residuals per target, errors in the units given', () => {
  const t = [1, 10, 2, 20, 3, 30, 4, 40], p = [1.5, 10, 2, 22, 3, 30, 4.5, 36];
  const r = regressionFigures(['a', 'b'], t, p, 'validation rows');
  assert.equal(r.figures.map((f) => f.name), ['predicted-vs-true-1', 'residuals-1', 'predicted-vs-true-2', 'residuals-2']);
  assert.ok(Math.abs(r.results['a: MAE (validation rows)'] - 0.25) < 1e-12);
  assert.ok(Math.abs(r.results['b: RMSE (validation rows)'] - Math.sqrt((4 + 16) / 4)) < 1e-12);
  for (const f of r.figures) {
    wellFormed(f.svg, f.name);
    assert.equal(covered(legendOf(f.svg), dataPoints(f.svg)), [], `${f.name}: the legend covers data`);
  }
  assert.match(r.figures[1].svg, /predicted − true a/);
});

test.run();

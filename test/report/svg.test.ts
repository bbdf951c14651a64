// The plots: round ticks on log axes, legends that cover no data, titles that fit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { confusionPlot, historyPlots, logTicks, plot, rocPlot, textWidth, ticks } from '../../src/report/svg.js';
import { Random } from '../../src/random.js';
import { covered, dataPoints, legendOf, wellFormed } from './svg-check.js';

/** A tick is round when it is 1, 2 or 5 times a power of ten, or for linear ticks also 2.5 (or a multiple of the step). */
const roundLog = (v: number) => {
  const m = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  return [1, 2, 3, 4, 5, 6, 7, 8, 9].some((d) => Math.abs(m - d) < 1e-9);
};

test('log ticks are round numbers (1-2-5 or powers of ten), never 10^-0.5 = 0.3162', () => {
  const cases: [number, number, number[]][] = [
    [-2, 0, [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]], // two decades: 1-2-5
    [-6, 0, [1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1]], // six decades: powers of ten
    [Math.log10(0.012), Math.log10(0.034), [0.015, 0.02, 0.025, 0.03]], // less than one: round linear ticks
  ];
  for (const [lo, hi, want] of cases) assert.equal(logTicks(lo, hi), want, `${lo}..${hi}`);
  assert.equal(logTicks(-12, 0), [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 0.01, 1], 'twelve decades: every other power');
  for (let k = 0; k < 200; k++) {
    const lo = -8 + k * 0.037, hi = lo + 0.15 + (k % 17) * 0.4;
    const t = logTicks(lo, hi);
    assert.ok(t.length >= 2, `${lo}..${hi}: ${t}`);
    for (const v of t) {
      assert.ok(Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9, `${v} within ${lo}..${hi}`);
      const step = t.length > 1 ? t[1] - t[0] : v;
      assert.ok(roundLog(v) || Math.abs(v / step - Math.round(v / step)) < 1e-6, `${v} is round (${t})`);
    }
  }
  // and in a plot: the labels a reader sees
  const svg = plot({ title: 'loss', series: [{ name: 'loss', x: [1, 2, 3], y: [0.9, 0.3, 0.1] }], logY: true });
  assert.not.match(svg, /0\.316|0\.562|0\.178/);
  assert.match(svg, />0\.2</);
  assert.match(svg, />0\.5</);
  assert.equal(ticks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
});

test('legends cover no data: a free corner when there is one, outside the plot area when not', () => {
  const rng = new Random(5);
  const u = () => rng.uniform();
  const cases = {
    // loss curves fall from the top left: the legend goes top right
    falling: plot({ title: 't', series: [{ name: 'loss', x: [1, 2, 3, 4, 5], y: [1, 0.5, 0.3, 0.2, 0.15] }, { name: 'val_loss', x: [1, 2, 3, 4, 5], y: [1.1, 0.6, 0.4, 0.35, 0.3], dashed: true }] }),
    // a rising curve fills the top right and bottom left
    rising: plot({ title: 't', series: [{ name: 'accuracy', x: [1, 2, 3, 4, 5, 6], y: [0.5, 0.8, 0.9, 0.95, 0.97, 0.98] }] }),
    // a ROC curve hugging the top left, the diagonal through the middle
    roc: rocPlot([{ name: 'signal vs background (AUC 0.961)', fpr: [0, 0.01, 0.05, 0.2, 1], tpr: [0, 0.6, 0.85, 0.97, 1], auc: 0.961 }]),
    // a scatter over the whole area: no corner is free
    dense: plot({ title: 't', series: [{ name: 'points', x: Array.from({ length: 3000 }, u), y: Array.from({ length: 3000 }, u), kind: 'points' }] }),
  };
  for (const [name, svg] of Object.entries(cases)) {
    wellFormed(svg, name);
    const legend = legendOf(svg);
    const pts = dataPoints(svg);
    assert.ok(pts.length > 5, `${name}: data points found`);
    assert.equal(covered(legend, pts).slice(0, 3), [], `${name}: the legend at ${JSON.stringify(legend)} covers data`);
    if (name === 'dense') {
      assert.ok(legend.outside, 'dense: outside');
      const width = Number(/width="([\d.]+)"/.exec(svg)![1]);
      assert.ok(legend.x + legend.w <= width, 'dense: the svg widened to hold the legend');
    } else assert.not.ok(legend.outside, `${name}: a free corner inside`);
  }
});

test('titles fit: the confusion matrix grows to its title and its class names', () => {
  const two = confusionPlot([[487, 0], [3, 510]], ['right', 'left'], 'Confusion matrix (rows: true, columns: predicted)');
  wellFormed(two, 'confusion');
  const width = Number(/^<svg [^>]*width="(\d+)"/.exec(two)![1]);
  assert.ok(width >= textWidth('Confusion matrix (rows: true, columns: predicted)', 14, true) + 20, `width ${width}`);
  const long = ['a class with a long name', 'b'];
  const svg = confusionPlot([[1, 2], [3, 4]], long);
  const w = Number(/^<svg [^>]*width="(\d+)"/.exec(svg)![1]);
  // row labels end at the grid's left edge: they start inside the svg
  const gridLeft = Number(/<rect x="([\d.]+)" y="[\d.]+" width="\d+" height="\d+" fill="rgb/.exec(svg)![1]);
  assert.ok(gridLeft - 6 - textWidth(long[0], 11) >= 0, 'row label inside');
  assert.ok(w >= gridLeft, 'grid inside');
  // a plot's title shrinks, then widens the figure, rather than run past the edges
  for (const title of ['A title a little too long for a small plot', 'A very long title that would run past both edges of a small plot, cut off at each side']) {
    const wide = plot({ title, width: 300, series: [{ name: 's', x: [0, 1], y: [0, 1] }] });
    const size = Number(/<text [^>]*font-size="(\d+)" font-weight="bold">/.exec(wide)![1]);
    const w = Number(/^<svg [^>]*width="([\d.]+)"/.exec(wide)![1]);
    assert.ok(size >= 11 && textWidth(title, size, true) <= w - 16, `font ${size}, width ${w}`);
  }
});

test('history plots: whole-number epoch ticks, units in the axis label', () => {
  const [loss] = historyPlots({ loss: [0.5, 0.2], val_loss: [0.6, 0.3] }, { yLabels: { loss: 'MSE (y\'s units, squared)' } });
  wellFormed(loss.svg, 'history');
  assert.not.match(loss.svg, />1\.25</);
  assert.match(loss.svg, /MSE \(y&apos;s units, squared\)/);
});

test.run();

// Issue 17's jet-flavour example (seed 002's committee of experts) at its CI budget, with the target
// directions; the Hanley–McNeil error against a value worked by hand; the simulation's determinism.
// Kept apart from examples.test.ts so that this file can run alone.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { examples } from '../examples/index.js';
import { writeReport } from '../src/report/html.js';
import { tempDir } from './helpers.js';
import { browserFor, launchChromium } from './runtimes.js';
import { BUDGETS, hanleyMcNeil, pairedBootstrap, type JetOptions } from '../examples/jet-flavour.js';
import { jetProb, MAX_TRACKS, simulateJets, twoSidedP } from '../examples/jet-sim.js';

test('hanleyMcNeil: A = 0.9, 100 + 100 → 0.02263 (by hand: Q1 = 0.9/1.1, Q2 = 1.62/1.9)', () => {
  // (0.09 + 99·(0.818182 − 0.81) + 99·(0.852632 − 0.81)) / 10⁴ = 5.120526e-4, √ = 0.022629
  assert.ok(Math.abs(hanleyMcNeil(0.9, 100, 100) - 0.022629) < 1e-6, String(hanleyMcNeil(0.9, 100, 100)));
  // A = 0.5 with one of each: (0.25 + 0 + 0) / 1 → 0.5
  assert.ok(Math.abs(hanleyMcNeil(0.5, 1, 1) - 0.5) < 1e-12);
});

test('pairedBootstrap: the same scores differ by 0 ± 0; a perfect against a random ranking by ≈ 0.5 with a small spread', () => {
  const isB = Array.from({ length: 400 }, (_, i) => i % 2), perfect = isB.map((b, i) => b + i / 1e4), noise = isB.map((_, i) => Math.sin(i * 12.9898) % 1);
  assert.equal(pairedBootstrap(perfect, perfect, isB, 20, 1), { diff: 0, err: 0 });
  const d = pairedBootstrap(perfect, noise, isB, 50, 1);
  assert.ok(d.diff > 0.4 && d.diff < 0.6 && d.err > 0.005 && d.err < 0.06, JSON.stringify(d));
});

test('jet-sim: the same seed gives the same jets, another seed others; padding rows are zero', () => {
  const a = simulateJets(300, 5), b = simulateJets(300, 5), c = simulateJets(300, 6);
  assert.equal(a.label, b.label);
  assert.equal(a.tracks, b.tracks);
  assert.equal(a.vertices, b.vertices);
  assert.equal(a.trackSummary, b.trackSummary);
  assert.not.equal(a.tracks, c.tracks);
  for (let j = 0; j < a.n; j++) {
    for (let i = a.nTracks[j]; i < MAX_TRACKS; i++) assert.ok(a.tracks.subarray((j * MAX_TRACKS + i) * 4, (j * MAX_TRACKS + i + 1) * 4).every((v) => v === 0));
  }
  const mean = (f: number) => { const s = [0, 0, 0], n = [0, 0, 0]; for (let j = 0; j < a.n; j++) { s[a.label[j]] += a.trackSummary[j * 8 + f]; n[a.label[j]]++; } return s.map((x, k) => x / n[k]); };
  const [b0, c0, l0] = mean(0); // 2nd d0 significance: b > c > light
  assert.ok(b0 > c0 && c0 > l0, `${b0} ${c0} ${l0}`);
});

test('jetProb: one track at S = 1.96 → 0.05; no positive track → 1', () => {
  assert.ok(Math.abs(twoSidedP(1.96) - 0.05) < 1e-4);
  assert.ok(Math.abs(jetProb([1.96, -3]) - 0.05) < 1e-4);
  // two tracks: Π(1 − ln Π) with Π = 0.05²
  const pi = 0.05 * 0.05;
  assert.ok(Math.abs(jetProb([1.96, 1.96]) - pi * (1 - Math.log(pi))) < 1e-4);
  assert.is(jetProb([-1, -2]), 1);
});

let ciReport: import('../src/report/html.js').Report | undefined;

test(`jet-flavour (CI budget ${JSON.stringify(BUDGETS.ci)}): LSTM on tracks > FF on summaries; the committee > every expert`, async () => {
  const run = (await examples.find((e) => e.name === 'jet-flavour')!.load()).run as (o: JetOptions) => ReturnType<typeof import('../examples/jet-flavour.js').run>;
  const r = await run({ ...BUDGETS.ci });
  ciReport = r.report;
  const auc = (k: string) => r.results[`${k}: AUC`] as number;
  const experts = ['tracks_ff', 'tracks_lstm', 'vertices_ff', 'vertices_lstm', 'both_ff', 'both_lstm'];
  for (const k of [...experts, 'committee_4', 'committee_6']) {
    assert.ok(auc(k) > 0.7 && auc(k) < 0.995, `${k}: ${auc(k)}`);
    const err = r.results[`${k}: AUC error`] as number;
    assert.ok(err > 0.001 && err < 0.02, `${k} error ${err}`);
  }
  assert.ok(auc('tracks_lstm') > auc('tracks_ff'), r.results.table as string);
  for (const k of experts) assert.ok(auc('committee_6') > auc(k), `committee ${auc('committee_6')} vs ${k} ${auc(k)}\n${r.results.table}`);
  assert.ok(r.target.pass);
  assert.match(String(r.results['committee of 6 − best expert: AUC']), /^-?0\.\d{4} ± 0\.\d{4} \(paired bootstrap/);
  assert.match(r.report.figures.find((f) => f.name === 'auc-table')!.svg, /tracks, LSTM/);
  assert.match(r.report.figures[0].svg, /committee of all 6/);
  assert.match(String(r.results.table), /\| tracks \| 0\.\d{4} ± 0\.\d{4} \| 0\.\d{4} ± 0\.\d{4} \|/);
});

const browser = browserFor('examples-jet');
if (browser.path) {
  test('jet-flavour: the CI run\'s report opens offline in Chromium, the table, ROC and rejection figures drawn, no text outside its figure', async () => {
    assert.ok(ciReport, 'the CI run above wrote no report');
    const dir = tempDir('lepton-jet-report-');
    await writeReport(dir, ciReport!);
    const chromium = await launchChromium(browser.path!);
    try {
      const page = await chromium.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      const seen = await page.evaluate(() => {
        const bad: string[] = [];
        for (const svg of document.querySelectorAll('figure svg')) {
          const f = svg.getBoundingClientRect();
          for (const t of svg.querySelectorAll('text')) {
            const b = t.getBoundingClientRect();
            if (b.left < f.left - 0.5 || b.right > f.right + 0.5 || b.top < f.top - 0.5 || b.bottom > f.bottom + 0.5) bad.push(`${svg.parentElement!.id}: "${t.textContent}"`);
          }
        }
        return { bad, ids: [...document.querySelectorAll('figure')].map((f) => f.id), paths: [...document.querySelectorAll('figure svg')].map((s) => s.querySelectorAll('path').length) };
      });
      assert.equal(seen.ids, ['auc-table', 'roc', 'rejection']);
      assert.ok(seen.paths[1] >= 3 && seen.paths[2] >= 3, JSON.stringify(seen.paths));
      assert.equal(seen.bad, []);
      assert.equal(errors, []);
    } finally {
      await chromium.close();
    }
  });
}
if (browser.missing) test('chromium is installed', () => assert.unreachable(browser.missing));

test.run();

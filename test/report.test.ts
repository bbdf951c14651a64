// The report as a person sees it: a report written by an example, opened from disk in headless
// Chromium (no server, no network), its figures rendered, and a screenshot kept in out/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { examples } from '../examples/index.js';
import { classificationFigures, regressionFigures } from '../src/report/evaluation.js';
import { writeReport } from '../src/report/html.js';
import { confusionPlot } from '../src/report/svg.js';
import { tempDir } from './helpers.js';
import { browserFor, launchChromium, repo } from './runtimes.js';

const browser = browserFor('report');
if (browser.missing) test('chromium is installed', () => assert.unreachable(browser.missing));

if (browser.path) {
  test('an example report opens offline in Chromium with every figure drawn', async () => {
    const run = (await examples.find((e) => e.name === 'signal-vs-background')!.load()).run;
    const r = await run({ epochs: 3 });
    const dir = tempDir('lepton-report-');
    await writeReport(dir, r.report);
    const chromium = await launchChromium(browser.path!);
    try {
      const page = await chromium.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('requestfailed', (q) => errors.push(`request failed: ${q.url()}`));
      await page.goto(pathToFileURL(join(dir, 'report.html')).href);
      const seen = await page.evaluate(() => ({
        title: document.querySelector('h1')?.textContent,
        rows: document.querySelectorAll('table.results tr').length,
        svgs: [...document.querySelectorAll('figure svg')].map((s) => {
          const b = (s as SVGSVGElement).getBBox();
          return { w: b.width, h: b.height, paths: s.querySelectorAll('path').length };
        }),
      }));
      assert.match(seen.title ?? '', /dominant background/);
      assert.ok(seen.rows >= 8, `results rows: ${seen.rows}`);
      assert.is(seen.svgs.length, 1);
      assert.ok(seen.svgs[0].w > 300 && seen.svgs[0].h > 300 && seen.svgs[0].paths >= 2, JSON.stringify(seen.svgs));
      assert.equal(errors, []);
      const shots = join(repo, 'out');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'report-signal-vs-background.png'), fullPage: true });
    } finally {
      await chromium.close();
    }
  });

  test('reports open with no text cut off: every title, label and legend entry inside its figure (galaxy confusion matrix, a CSV classifier)', async () => {
    const galaxy = (await examples.find((e) => e.name === 'galaxy-spin')!.load()).run;
    const dir = tempDir('lepton-report-');
    await writeReport(join(dir, 'galaxy'), (await galaxy({ epochs: 1 })).report);
    // a classifier's report as the CLI writes it, with long class names
    const names = ['a rather long class name', 'short', 'another long-winded class'];
    const k = names.length, n = 60;
    const truth = Array.from({ length: n }, (_, i) => i % k);
    const probs = truth.flatMap((t, i) => names.map((_, c) => (c === t ? 0.6 : 0.2) + (i % 7) * 0.01 * (c === 0 ? 1 : 0)));
    const cls = classificationFigures(names, truth, probs, 'validation rows');
    const reg = regressionFigures(['energy / GeV'], truth.map((t) => t * 10), truth.map((t, i) => t * 10 + (i % 5) - 2), 'validation rows');
    // two one-letter classes under a long title: the figure the title sizes
    const narrow = { name: 'narrow', svg: confusionPlot([[5, 1], [0, 6]], ['0', '1'], 'Confusion matrix (rows: true class, columns: predicted class)') };
    await writeReport(join(dir, 'csv'), { title: 'lepton train data.csv', results: cls.results, figures: [...cls.figures, ...reg.figures, narrow] });
    const chromium = await launchChromium(browser.path!);
    try {
      const page = await chromium.newPage({ viewport: { width: 1200, height: 900 } });
      for (const which of ['galaxy', 'csv']) {
        await page.goto(pathToFileURL(join(dir, which, 'report.html')).href);
        const outside = await page.evaluate(() => {
          const bad: string[] = [];
          for (const svg of document.querySelectorAll('figure svg')) {
            const frame = svg.getBoundingClientRect();
            for (const t of svg.querySelectorAll('text')) {
              const b = t.getBoundingClientRect();
              if (b.left < frame.left - 0.5 || b.right > frame.right + 0.5 || b.top < frame.top - 0.5 || b.bottom > frame.bottom + 0.5) {
                bad.push(`${svg.parentElement!.id}: "${t.textContent}" at [${b.left.toFixed(0)}, ${b.right.toFixed(0)}] × [${b.top.toFixed(0)}, ${b.bottom.toFixed(0)}] outside [${frame.left.toFixed(0)}, ${frame.right.toFixed(0)}] × [${frame.top.toFixed(0)}, ${frame.bottom.toFixed(0)}]`);
              }
            }
          }
          return { bad, figures: document.querySelectorAll('figure svg').length };
        });
        assert.ok(outside.figures >= 3, `${which}: ${outside.figures} figures`);
        assert.equal(outside.bad, [], which);
      }
    } finally {
      await chromium.close();
    }
  });
}

test.run();

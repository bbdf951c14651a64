// The report as a person sees it: a report written by an example, opened from disk in headless
// Chromium (no server, no network), its figures rendered, and a screenshot kept in out/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { examples } from '../examples/index.js';
import { writeReport } from '../src/report/html.js';
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
}

test.run();

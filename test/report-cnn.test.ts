// Issue 15's reports as a person sees them: each convolutional example's report (tiny budgets:
// the pictures, not the figures, are under test) opened from disk in headless Chromium, every
// inline PNG decoded by the browser at its stated size, every text inside its figure, no page
// error; screenshots kept in out/.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FASHION_MNIST_DIR } from '../src/data/idx.js';
import { examples } from '../examples/index.js';
import { writeReport } from '../src/report/html.js';
import { tempDir } from './helpers.js';
import { browserFor, launchChromium, repo } from './runtimes.js';

const browser = browserFor('report-cnn');
if (browser.missing) test('chromium is installed', () => assert.unreachable(browser.missing));

// name, budget, inline PNGs expected, figures expected
const cases: [string, Record<string, number>, number, number][] = [
  ['lenet', { epochs: 1, trainSize: 300, testSize: 200 }, 32 + 1 + 32 + 64, 6],
  ['resolution', { epochs: 1, trainSize: 300, testSize: 200 }, 0, 3],
  ['conv-autoencoders', { epochs: 1, trainSize: 300, testSize: 200 }, 30, 2],
  ['split-autoencoders', { epochs: 1, trainSize: 200, testSize: 100 }, 50, 3],
];
// 16S (examples/split16.ts): 20 canvases in the grid; loss, accuracy table, residuals, scatter and 8 weight histograms
cases.push(['split16', { epochs: 1, headEpochs: 1, trainSize: 200, testSize: 100 }, 20, 13]);

if (browser.path && existsSync(FASHION_MNIST_DIR)) {
  test('the convolutional examples\' reports open offline in Chromium with every picture decoded and no text cut off', async () => {
    const dir = tempDir('lepton-report-cnn-');
    const chromium = await launchChromium(browser.path!);
    const shots = join(repo, 'out');
    mkdirSync(shots, { recursive: true });
    try {
      const page = await chromium.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('requestfailed', (q) => errors.push(`request failed: ${q.url()}`));
      for (const [name, budget, pngs, figures] of cases) {
        const run = (await examples.find((e) => e.name === name)!.load()).run as (o: Record<string, number>) => Promise<{ report: Parameters<typeof writeReport>[1] }>;
        await writeReport(join(dir, name), (await run(budget)).report);
        await page.goto(pathToFileURL(join(dir, name, 'report.html')).href);
        const seen = await page.evaluate(async () => {
          const images = [...document.querySelectorAll('figure svg image')] as SVGImageElement[];
          // each inline PNG decoded by the browser, at the pixel size its IHDR states
          const decoded = await Promise.all(images.map(async (im) => {
            const img = new Image();
            img.src = im.getAttribute('href')!;
            try { await img.decode(); return img.naturalWidth > 0 && img.naturalHeight > 0; } catch { return false; }
          }));
          const bad: string[] = [];
          for (const svg of document.querySelectorAll('figure svg')) {
            const frame = svg.getBoundingClientRect();
            for (const t of svg.querySelectorAll('text')) {
              const b = t.getBoundingClientRect();
              if (b.left < frame.left - 0.5 || b.right > frame.right + 0.5 || b.top < frame.top - 0.5 || b.bottom > frame.bottom + 0.5) bad.push(`${svg.parentElement!.id}: "${t.textContent}"`);
            }
          }
          return { images: images.length, decoded: decoded.filter(Boolean).length, figures: document.querySelectorAll('figure svg').length, bad };
        });
        assert.is(seen.figures, figures, `${name}: figures`);
        assert.is(seen.images, pngs, `${name}: inline PNGs`);
        assert.is(seen.decoded, pngs, `${name}: PNGs the browser decoded`);
        assert.equal(seen.bad, [], `${name}: text outside its figure`);
        await page.screenshot({ path: join(shots, `report-${name}.png`), fullPage: true });
      }
      assert.equal(errors, []);
    } finally {
      await chromium.close();
    }
  });
}

test.run();

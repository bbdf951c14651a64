// Every example is a test with its target. Where the full budget is long, CI runs a reduced one
// against a reduced target (stated here); the full figures are in the examples' own defaults.
import { existsSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FASHION_MNIST_DIR } from '../src/data/idx.js';
import { examples } from '../examples/index.js';

const load = async (name: string) => (await examples.find((e) => e.name === name)!.load()).run;

test('earthquake: within 2× the least-squares inversion after 60 epochs (full run: 200 epochs, 1.5×)', async () => {
  const r = await (await load('earthquake'))({ epochs: 60 });
  const ratio = r.results['network / inversion'] as number;
  assert.ok(ratio < 2, `network/inversion ${ratio}`);
  assert.ok((r.results['least-squares inversion: mean distance (m)'] as number) < 100);
});

test('x-squared: 1:50:50:1 fits better than 1:50:1 at the same budget (20 epochs in CI)', async () => {
  const r = await (await load('x-squared'))({ epochs: 20 });
  assert.ok(r.target.pass, JSON.stringify(r.results));
});

test('autoencoder-pca: principal angles below 5°, reconstruction errors close to PCA', async () => {
  const r = await (await load('autoencoder-pca'))({});
  assert.ok(r.target.pass, JSON.stringify(r.results));
  const pca = r.results['PCA reconstruction MSE'] as number, ae = r.results['autoencoder reconstruction MSE'] as number;
  assert.ok(ae >= pca * 0.999 && ae < pca * 2, `autoencoder ${ae} vs PCA ${pca}: PCA is the optimum of linear reconstruction`);
});

test('deep-sigmoid-vs-selu: gradients vanish through 16 sigmoid layers; SELU trains', async () => {
  const r = await (await load('deep-sigmoid-vs-selu'))({});
  assert.ok(r.target.pass, JSON.stringify(r.results));
  assert.ok((r.results['sigmoid: gradient norm, layer 1 / layer 17'] as number) < 1e-4);
  assert.ok((r.results['selu: gradient norm, layer 1 / layer 17'] as number) > 1e-2);
});

test('fashion-mnist: test accuracy ≥ 0.85 after 2 epochs in CI (full run: 12 epochs, ≥ 0.88)', async () => {
  if (!existsSync(FASHION_MNIST_DIR)) {
    if (process.env.CI) assert.unreachable(`${FASHION_MNIST_DIR} is missing: .ci/run must apt-get install dataset-fashion-mnist`);
    console.log(`  (skipped: ${FASHION_MNIST_DIR} absent; apt-get install dataset-fashion-mnist)`);
    return;
  }
  const r = await (await load('fashion-mnist'))({ epochs: 2 });
  assert.ok((r.results['test accuracy'] as number) >= 0.85, JSON.stringify(r.results));
  assert.match(r.report.figures.map((f) => f.svg).join(''), /Confusion matrix/);
});

test.run();

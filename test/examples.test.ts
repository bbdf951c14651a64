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

test('x-squared: 1:50:50:1 fits better than 1:50:1 at the same budget (100 epochs in CI, 300 in full)', async () => {
  const r = await (await load('x-squared'))({ epochs: 100 });
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

test('galaxy-spin: test accuracy ≥ 0.95 (8 epochs in CI, 20 in full)', async () => {
  const r = await (await load('galaxy-spin'))({ epochs: 8 });
  assert.ok(r.target.pass, JSON.stringify(r.results));
});

test('signal-vs-background: class weights double the signal efficiency at 0.5; AUC > 0.85', async () => {
  const r = await (await load('signal-vs-background'))({});
  assert.ok(r.target.pass, JSON.stringify(r.results));
  assert.match(String(r.results['unweighted: signal efficiency at threshold 0.5']), /^0\.\d{3} ± 0\.\d{3}$/);
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

// issue 16: seed 002's perceptron, adversarial examples and GANs

test('perceptron: converges on a separable set within Novikoff\'s bound, never on XOR; the 2-8-1 MLP classifies XOR exactly', async () => {
  const r = await (await load('perceptron'))({});
  assert.ok(r.target.pass, JSON.stringify(r.results));
  assert.is(r.results['XOR: perceptron converged within 1000 passes'], 'no');
  assert.ok((r.results['XOR: fewest mistakes in a pass (of 4)'] as number) >= 1, 'no line gets all four XOR corners right');
  assert.is(r.results['XOR: MLP 2-8-1 accuracy'], 1);
  assert.is(r.report.figures.filter((f) => /^(perceptron|mlp)-(separable|xor)$/.test(f.name)).length, 3, 'the three decision-boundary pictures');
});

// The CNN adversarially trained for 1 epoch beside the standard one (measured at this budget: 0.652
// against 0.570 at ε = 0.05, clean 0.792 against 0.806).
const CNN_GAIN = 0.05, CNN_CLEAN_DROP = 0.04;

test('adversarial: after 2 epochs in CI, adversarial training raises the accuracy at the training ε by ≥ 0.2 and costs ≤ 0.025 of clean accuracy (full run: 10 epochs, ≤ 0.02)', async () => {
  if (!existsSync(FASHION_MNIST_DIR)) {
    if (process.env.CI) assert.unreachable(`${FASHION_MNIST_DIR} is missing: .ci/run must apt-get install dataset-fashion-mnist`);
    console.log(`  (skipped: ${FASHION_MNIST_DIR} absent; apt-get install dataset-fashion-mnist)`);
    return;
  }
  const { run, TRAIN_EPSILON } = await import('../examples/adversarial.js');
  const r = await run({ epochs: 2, cnnEpochs: 1 });
  const clean = (m: string) => r.results[`${m}: clean test accuracy`] as number;
  const attacked = (m: string) => r.results[`${m}: test accuracy at ε = ${TRAIN_EPSILON}`] as number;
  assert.ok(clean('standard') >= 0.85, JSON.stringify(r.results));
  assert.ok(clean('standard') - clean('adversarially trained') <= 0.025, JSON.stringify(r.results));
  assert.ok(attacked('adversarially trained') - attacked('standard') >= 0.2, JSON.stringify(r.results));
  assert.ok(attacked('standard') < 0.6 * clean('standard'), 'FGSM at the training ε fools the standard model');
  const figure = r.report.figures.find((f) => f.name === 'adversarial-example')!.svg;
  assert.is((figure.match(/%<\/text>/g) ?? []).length, 3, 'a predicted class and confidence under each of the three images');
  assert.ok(r.report.figures.some((f) => f.name === 'accuracy-vs-epsilon'));
  // The CNN beside the MLP (1 epoch in CI, 10 in full): it learns, and FGSM fools it too.
  const { EPSILONS } = await import('../examples/adversarial.js');
  const cnn = EPSILONS.map((eps) => r.results[`CNN: test accuracy at ε = ${eps.toFixed(2)}`] as number);
  assert.ok(clean('CNN') >= 0.75 && cnn[0] === clean('CNN'), JSON.stringify(r.results));
  assert.ok(cnn.every((a, i) => i === 0 || a <= cnn[i - 1]), `CNN accuracy falls as ε grows: ${cnn.join(' ')}`);
  assert.ok(cnn[EPSILONS.indexOf(0.1)] < 0.6 * clean('CNN'), `FGSM at ε = 0.1 fools the CNN: ${cnn.join(' ')}`);
  // The CNN adversarially trained with the same J̃ (1 epoch in CI): FGSM at the training ε hurts it less.
  assert.ok(attacked('CNN adversarially trained') - attacked('CNN') >= CNN_GAIN, JSON.stringify(r.results));
  assert.ok(clean('CNN') - clean('CNN adversarially trained') <= CNN_CLEAN_DROP, JSON.stringify(r.results));
  assert.match(String(r.results['test accuracy against ε (FGSM, each model with its own gradient)']), /\| CNN adversarially trained( \| \d\.\d{3}){7} \|$/);
  assert.ok(r.report.figures.some((f) => f.name === 'accuracy-table'));
});

test('gan-ring: after 30 epochs in CI ≥ 6 of 8 modes and ≥ 80 % of samples within 3σ of a mode (full run: 60 epochs, ≥ 7 of 8)', async () => {
  const r = await (await load('gan-ring'))({ epochs: 30 });
  const modes = r.results['modes covered (≥ 2 % of samples within 3σ)'] as number;
  const near = r.results['fraction of samples within 3σ of a mode'] as number;
  assert.ok(modes >= 6 && near >= 0.8, JSON.stringify(r.results));
  assert.ok(r.report.figures.filter((f) => f.name.startsWith('samples-epoch-')).length >= 3, 'samples over the data at several epochs');
  // The saturating loss on the same seed: G's gradient is smaller while D rejects its samples
  // (epochs 2–4: measured a third or less of the non-saturating norm on seeds 1, 2 and 3).
  const h = r.report.history!, early = (xs: number[]) => (xs[1] + xs[2] + xs[3]) / 3;
  assert.ok(h['saturating: G gradient norm'].length === 30 && h['G gradient norm'].every((x) => Number.isFinite(x) && x > 0), JSON.stringify(h));
  assert.ok(early(h['saturating: G gradient norm']) < 0.5 * early(h['G gradient norm']), `|∇G| epochs 2–4: ${h['G gradient norm'].slice(1, 4)} against saturating ${h['saturating: G gradient norm'].slice(1, 4)}`);
  assert.ok(Number.isInteger(r.results['saturating loss: modes covered']), JSON.stringify(r.results));
  assert.ok(r.report.figures.some((f) => f.name === 'loss-comparison-gradient-norm') && r.report.figures.some((f) => f.name === 'loss-comparison-modes'));
});

test('gan-ring: the saturating loss\'s Adam written out is lepton\'s Adam (one G step on the non-saturating gradient lands where trainOnBatch does)', async () => {
  const { HandAdam } = await import('../examples/gan-ring.js');
  const { init, input, layers, model, optimizers, sequential } = await import('../src/index.js');
  await init();
  const make = () => {
    const g = sequential([layers.dense(4, { activation: 'relu', inputShape: [3] }), layers.dense(2)], { seed: 5 });
    const d = sequential([layers.dense(4, { activation: 'relu', inputShape: [2] }), layers.dense(1, { activation: 'sigmoid' })], { seed: 6 });
    d.compile({ optimizer: optimizers.adam({ learningRate: 1e-3, beta1: 0.5 }), loss: 'binaryCrossentropy' });
    d.trainable = false;
    const z = input({ shape: [3] });
    const gan = model({ inputs: z, outputs: d.apply(g.apply(z)), seed: 7 });
    gan.compile({ optimizer: optimizers.adam({ learningRate: 1e-3, beta1: 0.5 }), loss: 'binaryCrossentropy' });
    return gan;
  };
  const z = { data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i + 1)), shape: [8, 3] }, ones = { data: new Float32Array(8).fill(1), shape: [8, 1] };
  const a = make(), b = make(), adam = new HandAdam();
  for (let step = 0; step < 3; step++) {
    a.trainOnBatch(z, ones);
    b.setWeights(adam.step(b.getWeights(), b.computeGradients(z, ones).grads));
  }
  const wa = a.getWeights(), wb = b.getWeights(), w0 = make().getWeights();
  let moved = 0;
  wa.forEach((w, k) => w.data.forEach((x, i) => {
    assert.ok(Math.abs(x - wb[k].data[i]) < 1e-6, `weight ${k}[${i}]: ${x} against ${wb[k].data[i]}`);
    moved = Math.max(moved, Math.abs(x - w0[k].data[i]));
  }));
  assert.ok(moved > 1e-4, 'the steps moved the weights');
});

test('dcgan: after 2 epochs of 3,200 images in CI (the CNN scorer 2 epochs of 10,000), finite D and G losses, samples moved from the initial noise, trained G scores above the untrained G (full run: 8 epochs of 20,000, scorer 4 epochs of 60,000)', async () => {
  if (!existsSync(FASHION_MNIST_DIR)) {
    if (process.env.CI) assert.unreachable(`${FASHION_MNIST_DIR} is missing: .ci/run must apt-get install dataset-fashion-mnist`);
    console.log(`  (skipped: ${FASHION_MNIST_DIR} absent; apt-get install dataset-fashion-mnist)`);
    return;
  }
  const { run } = await import('../examples/dcgan.js');
  const r = await run({ epochs: 2, subset: 3200, classifierEpochs: 2, classifierSubset: 10000 });
  const h = r.report.history!;
  assert.ok(h['D loss'].length === 2 && [...h['D loss'], ...h['G loss']].every(Number.isFinite), JSON.stringify(h));
  assert.ok((r.results['mean |pixel change| of the fixed-noise samples since epoch 0'] as number) > 0.05, JSON.stringify(r.results));
  const is = h['Inception score'], entropy = h['class-histogram entropy (nats)'];
  assert.ok(is[2] > is[0] + 0.5, `Inception score ${is.join(' → ')}`);
  assert.ok(entropy[2] > entropy[0] + 0.5, `class-histogram entropy ${entropy.join(' → ')}`);
  const confident = h['fraction confident (≥ 0.9)'];
  assert.ok(confident[2] > confident[0], `fraction confident ${confident.join(' → ')}`);
  assert.ok((r.results['scorer: test accuracy (all 10,000 test images)'] as number) >= 0.75, JSON.stringify(r.results)); // measured 0.791 on 10,000 images × 2 epochs
  assert.ok(/^real test images/.test(Object.keys(r.results).find((k) => k.startsWith('real')) ?? ''));
  const grids = r.report.figures.filter((f) => f.name.startsWith('samples-epoch-'));
  assert.is(grids.length, 3, 'a grid before training and after each epoch');
  assert.is((grids[2].svg.match(/%<\/text>/g) ?? []).length, 16, "the scorer's class and confidence under each item");
});

test.run();

// Seed 002's adversarial examples (Szegedy et al.; Goodfellow et al.'s fast gradient sign method):
// x̃ = x + ε·sign(∇ₓJ(θ, x, y)), clipped to the pixel range [0, 1], fools a dense Fashion-MNIST
// classifier with a perturbation too small to change what a person sees. The input gradient comes
// from computeGradients(x, y, { inputs: true }). Test accuracy against ε (a table and a plot), one
// item as original, perturbation and adversarial image (the seed's panda → gibbon figure), and
// adversarial training with Goodfellow's objective J̃ = α·J(x) + (1 − α)·J(x + ε·sign(∇ₓJ)),
// α = 0.5, against the same network trained on J alone; the same for a small CNN (standard and
// adversarially trained, the same objective and ε), with a table of the four models against ε.
//   npx tsx examples/adversarial.ts [--epochs N]
import { init, layers, optimizers, schedules, sequential, type Sequential, type Tensor } from '../src/index.js';
import * as report from '../src/report/index.js';
import { fashionMnist, type FashionMnist } from '../src/data/idx.js';
import { Random } from '../src/random.js';
import { CLASSES } from './fashion-mnist.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';
import type { Callback } from '../src/callbacks/types.js';
import { Loop } from './loop.js';
import { tableSvg } from './cnn-common.js';

/** The ε of the accuracy table; the training ε and the one shown in the figure. */
export const EPSILONS = [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25];
export const TRAIN_EPSILON = 0.05;
export const ALPHA = 0.5;
const BATCH = 128, PIXELS = 784;

function classifier(seed: number, steps: number): Sequential {
  const net = sequential([
    layers.dense(256, { activation: 'relu', inputShape: [PIXELS] }),
    layers.dense(128, { activation: 'relu' }),
    layers.dense(10, { activation: 'softmax' }),
  ], { seed });
  return compiled(net, steps);
}

function compiled(net: Sequential, steps: number): Sequential {
  const learningRate = schedules.cosineDecay({ initialLearningRate: 1e-3, decaySteps: steps });
  net.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return net;
}

/** The small CNN beside the MLP; it reads the same 784-pixel rows, reshaped to 28×28×1. */
function cnn(seed: number, steps: number): Sequential {
  return compiled(sequential([
    layers.reshape([28, 28, 1], { inputShape: [PIXELS] }),
    layers.conv2d(16, { kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.conv2d(32, { kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense(10, { activation: 'softmax' }),
  ], { seed, name: 'cnn' }), steps);
}

export interface AdversarialOptions extends ExampleOptions {
  /** Epochs of the CNN (default: the MLPs' epochs). */
  cnnEpochs?: number;
}

/** sign(∇ₓJ) for every row, in batches of 1000: the direction FGSM moves each pixel. */
export function gradientSigns(net: Sequential, x: Tensor, y: Tensor): Float32Array {
  const n = x.shape[0], out = new Float32Array(n * PIXELS);
  for (let s = 0; s < n; s += 1000) {
    const e = Math.min(n, s + 1000);
    const { inputGrads } = net.computeGradients(
      { data: x.data.subarray(s * PIXELS, e * PIXELS), shape: [e - s, PIXELS] }, { data: y.data.subarray(s, e), shape: [e - s] }, { inputs: true });
    const g = inputGrads[0].data;
    for (let i = 0; i < g.length; i++) out[s * PIXELS + i] = Math.sign(g[i]);
  }
  return out;
}

/** x + ε·sign, clipped to [0, 1]. */
export function perturb(x: Float32Array, signs: Float32Array, eps: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.min(1, Math.max(0, x[i] + eps * signs[i]));
  return out;
}

const argmax = (p: ArrayLike<number>, row: number) => {
  let best = 0;
  for (let j = 1; j < 10; j++) if (p[row * 10 + j] > p[row * 10 + best]) best = j;
  return best;
};

function accuracy(net: Sequential, x: Float32Array, labels: Int32Array): number {
  const p = (net.predict({ data: x, shape: [labels.length, PIXELS] }, { batchSize: 1000 }) as Tensor).data;
  let right = 0;
  for (let i = 0; i < labels.length; i++) right += argmax(p, i) === labels[i] ? 1 : 0;
  return right / labels.length;
}

/**
 * Goodfellow's adversarial training: each step computes sign(∇ₓJ) on the clean batch with the
 * weights as they are, and trains on the clean rows weighted α and their FGSM images weighted
 * 1 − α (a batch of 2·BATCH rows whose weighted mean loss is J̃).
 */
async function fitAdversarial(net: Sequential, d: FashionMnist, epochs: number, seed: number, verbose: number, callbacks: Callback[]): Promise<number[]> {
  const n = d.yTrain.length, order = Int32Array.from({ length: n }, (_, i) => i), rng = new Random(seed);
  const w = Float32Array.from({ length: 2 * BATCH }, (_, i) => (i < BATCH ? 2 * ALPHA : 2 * (1 - ALPHA)));
  const losses: number[] = [];
  const loop = new Loop(callbacks, net, { epochs, steps: Math.ceil(n / BATCH), samples: n, verbose });
  await loop.begin();
  for (let epoch = 0; epoch < epochs && !loop.stopped; epoch++) {
    await loop.epochBegin(epoch);
    rng.shuffle(order);
    let sum = 0, steps = 0;
    for (let s = 0; s < n; s += BATCH) {
      const rows = Math.min(BATCH, n - s);
      const x = new Float32Array(2 * rows * PIXELS), y = new Float32Array(2 * rows);
      for (let r = 0; r < rows; r++) {
        const i = order[s + r];
        x.set(d.xTrain.data.subarray(i * PIXELS, (i + 1) * PIXELS), r * PIXELS);
        y[r] = y[rows + r] = d.yTrain[i];
      }
      const clean = x.subarray(0, rows * PIXELS);
      const { inputGrads } = net.computeGradients({ data: clean, shape: [rows, PIXELS] }, { data: y.subarray(0, rows), shape: [rows] }, { inputs: true });
      const g = inputGrads[0].data;
      for (let k = 0; k < g.length; k++) x[rows * PIXELS + k] = Math.min(1, Math.max(0, clean[k] + TRAIN_EPSILON * Math.sign(g[k])));
      const weight = rows === BATCH ? w : Float32Array.from({ length: 2 * rows }, (_, i) => (i < rows ? 2 * ALPHA : 2 * (1 - ALPHA)));
      sum += net.trainOnBatch({ data: x, shape: [2 * rows, PIXELS] }, { data: y, shape: [2 * rows] }, { sampleWeight: { data: weight, shape: [2 * rows] } });
      steps++;
      loop.batchEnd(steps - 1, { size: rows, 'J̃': sum / steps });
    }
    losses.push(sum / steps);
    await loop.epochEnd(epoch, { 'J̃': sum / steps });
    if (verbose) console.log(`adversarial training, epoch ${epoch + 1}/${epochs}: J̃ ${(sum / steps).toFixed(4)}`);
  }
  await loop.end();
  return losses;
}

export async function run({ epochs = 10, seed = 1, verbose = 0, callbacks, cnnEpochs = epochs }: AdversarialOptions = {}): Promise<ExampleResult> {
  await init();
  const d = await fashionMnist(); // a clear error naming the apt package when it is missing
  const steps = Math.ceil(d.yTrain.length / BATCH) * epochs;
  const yTrain = { data: Float32Array.from(d.yTrain), shape: [d.yTrain.length] };
  const yTest = { data: Float32Array.from(d.yTest), shape: [d.yTest.length] };
  const standard = classifier(seed, steps);
  const h = await standard.fit(d.xTrain, yTrain, { epochs, batchSize: BATCH, verbose, callbacks });
  const robust = classifier(seed, steps);
  const adversarialLoss = await fitAdversarial(robust, d, epochs, seed, verbose, callbacks ?? []);
  const conv = cnn(seed, Math.ceil(d.yTrain.length / BATCH) * cnnEpochs);
  const hc = await conv.fit(d.xTrain, yTrain, { epochs: cnnEpochs, batchSize: BATCH, verbose, callbacks });
  const robustConv = cnn(seed, Math.ceil(d.yTrain.length / BATCH) * cnnEpochs);
  const cnnAdversarialLoss = await fitAdversarial(robustConv, d, cnnEpochs, seed, verbose, callbacks ?? []);

  const table: Record<string, number | string> = {};
  const curves: report.Series[] = [];
  const acc: Record<string, number[]> = {};
  const models = [['standard', standard], ['adversarially trained', robust], ['CNN', conv], ['CNN adversarially trained', robustConv]] as const;
  for (const [name, net] of models) {
    const signs = gradientSigns(net, d.xTest, yTest); // sign(∇ₓJ) does not depend on ε: once per model
    acc[name] = EPSILONS.map((eps) => accuracy(net, eps === 0 ? d.xTest.data : perturb(d.xTest.data, signs, eps), d.yTest));
    curves.push({ name, x: EPSILONS, y: acc[name] });
  }
  EPSILONS.forEach((eps, i) => {
    table[`test accuracy at ε = ${eps.toFixed(2)}: standard / adversarially trained`] = `${acc.standard[i].toFixed(4)} / ${acc['adversarially trained'][i].toFixed(4)}`;
    table[`CNN: test accuracy at ε = ${eps.toFixed(2)}`] = acc.CNN[i];
    table[`CNN adversarially trained: test accuracy at ε = ${eps.toFixed(2)}`] = acc['CNN adversarially trained'][i];
  });
  // The four models against ε, as a markdown table (rows: models; columns: ε).
  const markdown = [`| model | ${EPSILONS.map((e) => `ε = ${e.toFixed(2)}`).join(' | ')} |`, `|---|${EPSILONS.map(() => '---').join('|')}|`,
    ...models.map(([name]) => `| ${name === 'standard' ? 'MLP standard' : name === 'adversarially trained' ? 'MLP adversarially trained' : name === 'CNN' ? 'CNN standard' : name} | ${acc[name].map((a) => a.toFixed(3)).join(' | ')} |`)].join('\n');
  const at = EPSILONS.indexOf(TRAIN_EPSILON);
  const results: Record<string, number | string> = {
    'standard: clean test accuracy': acc.standard[0],
    'adversarially trained: clean test accuracy': acc['adversarially trained'][0],
    'CNN: clean test accuracy': acc.CNN[0],
    'CNN adversarially trained: clean test accuracy': acc['CNN adversarially trained'][0],
    [`CNN: test accuracy at ε = ${TRAIN_EPSILON}`]: acc.CNN[at],
    [`CNN adversarially trained: test accuracy at ε = ${TRAIN_EPSILON}`]: acc['CNN adversarially trained'][at],
    [`standard: test accuracy at ε = ${TRAIN_EPSILON}`]: acc.standard[at],
    [`adversarially trained: test accuracy at ε = ${TRAIN_EPSILON}`]: acc['adversarially trained'][at],
    ...table,
    'test accuracy against ε (FGSM, each model with its own gradient)': markdown,
  };
  const cleanDrop = acc.standard[0] - acc['adversarially trained'][0];
  const gain = acc['adversarially trained'][at] - acc.standard[at];
  const cnnCleanDrop = acc.CNN[0] - acc['CNN adversarially trained'][0];
  const cnnGain = acc['CNN adversarially trained'][at] - acc.CNN[at];
  const example = pandaFigure(standard, robust, d, TRAIN_EPSILON);
  return {
    results,
    target: {
      description: `adversarial training raises the accuracy at ε = ${TRAIN_EPSILON} and keeps clean accuracy within 0.02, for the MLP and for the CNN`,
      value: Math.min(gain, cnnGain), pass: gain > 0 && cleanDrop <= 0.02 && cnnGain > 0 && cnnCleanDrop <= 0.02,
    },
    report: {
      title: 'Adversarial examples (FGSM) on a Fashion-MNIST MLP and CNN, and adversarial training (seed 002)',
      results: { ...results, epochs },
      settings: {
        network: '784-256-128-10, ReLU, softmax, sparse cross-entropy; Adam 1e-3 with cosine decay; batch 128',
        CNN: `28×28×1 → conv2d 16 3×3 relu → max pool 2 → conv2d 32 3×3 relu → max pool 2 → flatten → dense 10 softmax; the same loss and optimizer; ${cnnEpochs} epochs, standard and adversarially trained (the same J̃)`,
        attack: 'x + ε·sign(∇ₓJ(θ, x, y)), clipped to [0, 1] (pixels are in [0, 1]); the gradient from computeGradients(x, y, { inputs: true })',
        'adversarial training': `J̃ = ${ALPHA}·J(x) + ${1 - ALPHA}·J(x + ${TRAIN_EPSILON}·sign(∇ₓJ)), the sign taken with the weights of each step`,
      },
      figures: [
        { name: 'accuracy-vs-epsilon', svg: report.plot({ title: 'Test accuracy under FGSM against ε', xLabel: 'ε (pixel range 0..1)', yLabel: 'test accuracy', yRange: [0, 1], series: curves }), caption: 'Each model attacked with its own gradient (white box), all 10,000 test images.' },
        { name: 'accuracy-table', svg: tableSvg('Test accuracy under FGSM (all 10,000 test images)', ['model', ...EPSILONS.map((e) => `ε = ${e.toFixed(2)}`)],
          markdown.split('\n').slice(2).map((line) => line.split(' | ').map((c) => c.replace(/^\| | \|$/g, ''))), `adversarial training: J̃ = ${ALPHA}·J(x) + ${1 - ALPHA}·J(x + ${TRAIN_EPSILON}·sign(∇ₓJ))`) },
        { name: 'adversarial-example', svg: example.svg, caption: example.caption },
        { name: 'loss', svg: report.plot({ title: 'Training loss per epoch', xLabel: 'epoch', yLabel: 'loss', integerX: true,
          series: [{ name: 'standard: J', x: h.history.loss.map((_, i) => i + 1), y: h.history.loss }, { name: 'adversarially trained: J̃', x: adversarialLoss.map((_, i) => i + 1), y: adversarialLoss }, { name: 'CNN: J', x: hc.history.loss.map((_, i) => i + 1), y: hc.history.loss }, { name: 'CNN adversarially trained: J̃', x: cnnAdversarialLoss.map((_, i) => i + 1), y: cnnAdversarialLoss }] }) },
      ],
      history: { 'standard loss': h.history.loss, 'adversarial loss': adversarialLoss, 'CNN loss': hc.history.loss, 'CNN adversarial loss': cnnAdversarialLoss },
      summary: standard.summary({ print: false }),
    },
  };
}

/**
 * The seed's panda → gibbon figure: the first test item the standard model gets right with
 * confidence ≥ 0.9 and gets wrong at ε, as original, perturbation sign(∇ₓJ) and x + ε·sign(∇ₓJ),
 * each with the model's predicted class and confidence.
 */
function pandaFigure(net: Sequential, robust: Sequential, d: FashionMnist, eps: number): { svg: string; caption: string } {
  const n = 1000, x = d.xTest.data.subarray(0, n * PIXELS), labels = d.yTest.subarray(0, n);
  const signs = gradientSigns(net, { data: x, shape: [n, PIXELS] }, { data: Float32Array.from(labels), shape: [n] });
  const adv = perturb(x, signs, eps);
  const p = (net.predict({ data: x, shape: [n, PIXELS] }) as Tensor).data, q = (net.predict({ data: adv, shape: [n, PIXELS] }) as Tensor).data;
  let k = 0;
  while (k < n - 1 && !(argmax(p, k) === labels[k] && p[k * 10 + labels[k]] >= 0.9 && argmax(q, k) !== labels[k])) k++;
  const row = (a: Float32Array) => a.slice(k * PIXELS, (k + 1) * PIXELS);
  const noise = row(signs).map((v) => (v + 1) / 2); // the sign image as pixels: −1 → 0, +1 → 1
  const r = (net.predict({ data: noise, shape: [1, PIXELS] }) as Tensor).data;
  const say = (probs: ArrayLike<number>, i: number) => { const c = argmax(probs, i); return `“${CLASSES[c]}” ${(100 * probs[i * 10 + c]).toFixed(1)}%`; };
  const svg = threeImages([
    { image: row(x), label: say(p, k), top: 'x' },
    { image: noise, label: say(r, 0), top: 'sign(∇ₓJ(θ, x, y))' },
    { image: row(adv), label: say(q, k), top: `x + ${eps}·sign(∇ₓJ)` },
  ], `+ ${eps} ×`);
  // The adversarially trained model on the same item, attacked with its own gradient.
  const one = { data: row(x), shape: [1, PIXELS] }, label = { data: Float32Array.of(labels[k]), shape: [1] };
  const own = perturb(one.data, gradientSigns(robust, one, label), eps);
  const rb = (robust.predict(one) as Tensor).data, ra = (robust.predict({ data: own, shape: [1, PIXELS] }) as Tensor).data;
  return { svg, caption: `Test item ${k} (true class: ${CLASSES[labels[k]]}); under each image the standard model's predicted class and confidence. The middle one is the sign image read as pixels (−1 → black, +1 → white). The adversarially trained model reads x as ${say(rb, 0)} and x + ${eps}·sign(∇ₓJ) with its own gradient as ${say(ra, 0)}.` };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function threeImages(panels: { image: Float32Array; label: string; top: string }[], between: string): string {
  const px = 5, side = 28 * px, gap = 90, W = 3 * side + 2 * gap + 40, H = side + 80;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  panels.forEach((panel, i) => {
    const ox = 20 + i * (side + gap), oy = 30;
    const cells: string[] = [];
    for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
      const g = Math.round(255 * panel.image[y * 28 + x]);
      cells.push(`<rect x="${ox + x * px}" y="${oy + y * px}" width="${px}" height="${px}" fill="rgb(${g},${g},${g})"/>`);
    }
    out.push(`<g shape-rendering="crispEdges">${cells.join('')}</g>`);
    out.push(`<text x="${ox + side / 2}" y="20" text-anchor="middle" font-style="italic">${esc(panel.top)}</text>`);
    out.push(`<text x="${ox + side / 2}" y="${oy + side + 20}" text-anchor="middle">${esc(panel.label)}</text>`);
    if (i < 2) out.push(`<text x="${ox + side + gap / 2}" y="${oy + side / 2 + 5}" text-anchor="middle" font-size="16">${i === 0 ? esc(between) : '='}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: Number(process.argv[process.argv.indexOf('--epochs') + 1]) || undefined, verbose: 1 });
  console.log(r.results, r.target);
}

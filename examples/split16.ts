// Seed 000, tables 5–7 and section 5: the 16-Split autoencoder (16S) and its two heads. A 56×56
// canvas holds one Fashion-MNIST item at a seeded random position; sixteen 14×14 cropping2d patches
// go through one shared encoder (two stride-2 convolutions, a linear dense code of 4, batch
// normalization, a sigmoid), the 16 codes are concatenated to 64 and decoded (dense 1568, reshape
// 14×14×8, three transposed convolutions) to 56×56. On the frozen 16S code (trainable = false at
// compile, the Keras recipe) a classifier head 16S-C (256-128-64-10 softmax: the item's class) and
// a regressor head 16S-R (256-128-64-2 linear: the item's position) are trained. Reported: the test
// reconstruction MSE beside PyTorch's (examples/peers/split16_torch.py, committed as
// examples/peers/split16_torch.json), originals above reconstructions, the heads' accuracy ± binomial
// error per class, the position resolution, and a histogram of the trained 16S weights per layer.
// Table 5 says "Concatenate from 16 × 4 to 48 × 1", which does not multiply out: 16 × 4 = 64 is used.
//   npx tsx examples/split16.ts [--epochs N] [--head-epochs N] [--train N] [--test N] [--out DIR]
import { readFileSync, existsSync } from 'node:fs';
import { init, input, layers, model, optimizers, sequential, type Model, type SymbolicTensor, type Tensor } from '../src/index.js';
import * as report from '../src/report/index.js';
import { isMain, type ExampleResult } from './example.js';
import { argmaxRows, argNumber, CLASSES, classAccuracies, fashionImages, mse, onePerClass, pct, tableSvg } from './cnn-common.js';
import type { CnnOptions } from './lenet.js';
import { canvases, CANVAS, positions, SPAN, histogramSteps, weightHistograms } from './split16-data.js';

export interface Split16Options extends CnnOptions {
  /** Epochs of each head on the frozen code. */
  headEpochs?: number;
}

/** The full budget run by hand for the README (the seed gives none for 16S). */
export const FULL = { epochs: 5, headEpochs: 10, trainSize: 5000, testSize: 1000 };

const same = (activation: string, strides = 2) => ({ kernelSize: 3, strides, padding: 'same' as const, activation });

/** Table 5's patch encoder: [14, 14, 1] → 4 numbers in (0, 1). */
export function patchEncoder(seed: number): Model {
  return sequential([
    layers.conv2d(32, { ...same('relu'), inputShape: [14, 14, 1], name: 'enc_conv1' }),
    layers.conv2d(64, { ...same('relu'), name: 'enc_conv2' }),
    layers.flatten(),
    layers.dense(4, { name: 'enc_dense' }),
    layers.batchNormalization({ name: 'enc_bn' }),
    layers.activation('sigmoid'),
  ], { name: 'encoder', seed }); // built here (its inputShape given): its own seed
}

/** 16S (table 5) and the model from the canvas to its 64-number code, which shares its layers. */
export function split16(seed: number): { ae: Model; code: Model; encoder: Model } {
  const inp = input({ shape: [CANVAS, CANVAS, 1], name: 'canvas' });
  const encoder = patchEncoder(seed + 1);
  const codes: SymbolicTensor[] = [];
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const cropping: [[number, number], [number, number]] = [[14 * r, 42 - 14 * r], [14 * c, 42 - 14 * c]];
      codes.push(encoder.apply(layers.cropping2d({ cropping }).apply(inp)) as SymbolicTensor);
    }
  }
  const code = layers.concatenate({ name: 'code' }).apply(codes) as SymbolicTensor; // 16 × 4 = 64
  let h = layers.dense(1568, { activation: 'relu', name: 'dec_dense' }).apply(code);
  h = layers.reshape([14, 14, 8]).apply(h);
  h = layers.conv2dTranspose(64, { ...same('relu'), name: 'dec_convt1' }).apply(h);
  h = layers.conv2dTranspose(32, { ...same('relu'), name: 'dec_convt2' }).apply(h);
  const out = layers.conv2dTranspose(1, { ...same('linear', 1), name: 'dec_convt3' }).apply(h) as SymbolicTensor;
  const ae = model({ inputs: inp, outputs: out, seed, name: '16S' });
  ae.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'meanSquaredError' });
  return { ae, code: model({ inputs: inp, outputs: code, name: '16S_code' }), encoder };
}

/** Tables 6–7: a 256-128-64 head on the frozen code, `units` outputs. */
export function head(code: Model, units: number, activation: string, seed: number, name: string): Model {
  code.trainable = false; // takes effect at the compile below: the head trains, the code does not move
  const inp = input({ shape: [CANVAS, CANVAS, 1], name: 'canvas' });
  let h = code.apply(inp) as SymbolicTensor;
  for (const u of [256, 128, 64]) h = layers.dense(u, { activation: 'relu' }).apply(h) as SymbolicTensor;
  const out = layers.dense(units, { activation }).apply(h) as SymbolicTensor;
  const net = model({ inputs: inp, outputs: out, seed, name });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: units === 2 ? 'meanSquaredError' : 'sparseCategoricalCrossentropy', metrics: units === 2 ? [] : ['accuracy'] });
  return net;
}

interface TorchFigures { epochs: number; 'head epochs': number; 'training images': number; 'test images': number; seed: number; 'test reconstruction MSE': number; [k: string]: unknown }

/** PyTorch's figures from the committed run, if there is one. */
function torchFigures(): TorchFigures | undefined {
  const file = new URL('./peers/split16_torch.json', import.meta.url);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as TorchFigures : undefined;
}

/** Positions (column, row) scaled to [0, 1] as the regressor's targets. */
const scaled = (pos: Int32Array): Tensor => ({ data: Float32Array.from(pos, (v) => v / SPAN), shape: [pos.length / 2, 2] });

/** Root-mean-square of predicted − true, per coordinate, in pixels; and the residuals. */
function resolution(pred: Float32Array, pos: Int32Array) {
  const res = [new Float32Array(pos.length / 2), new Float32Array(pos.length / 2)];
  for (let i = 0; i < pos.length / 2; i++) for (let k = 0; k < 2; k++) res[k][i] = pred[2 * i + k] * SPAN - pos[2 * i + k];
  const rms = res.map((r) => Math.sqrt(r.reduce((a, b) => a + b * b, 0) / r.length));
  return { res, rms };
}

export async function run(o: Split16Options = {}): Promise<ExampleResult> {
  const { epochs = FULL.epochs, headEpochs = FULL.headEpochs, trainSize = FULL.trainSize, testSize = FULL.testSize, seed = 1 } = o;
  await init();
  const d = await fashionImages(trainSize, testSize);
  const nTr = d.xTrain.shape[0], nTe = d.xTest.shape[0];
  const posTr = positions(nTr, seed, 1), posTe = positions(nTe, seed, 2);
  const xTr = canvases(d.xTrain, posTr), xTe = canvases(d.xTest, posTe);
  const { ae, code, encoder } = split16(seed);
  const t0 = performance.now();
  const h = await ae.fit(xTr, xTr, { epochs, batchSize: 128, validationData: [xTe, xTe], verbose: o.verbose, callbacks: o.callbacks });
  const aeSeconds = Math.round((performance.now() - t0) / 1000);
  const recon = (ae.predict(xTe, { batchSize: 250 }) as Tensor).data;
  const aeMse = mse(recon, xTe.data);
  const before = ae.getWeights().map((w) => w.data.slice());

  const clf = head(code, 10, 'softmax', seed + 1, '16S-C');
  const hc = await clf.fit(xTr, d.yTrain, { epochs: headEpochs, batchSize: 128, verbose: o.verbose, callbacks: o.callbacks });
  const scores = classAccuracies(d.testIds, argmaxRows((clf.predict(xTe, { batchSize: 500 }) as Tensor).data, 10));
  const reg = head(code, 2, 'linear', seed + 2, '16S-R');
  const hr = await reg.fit(xTr, scaled(posTr), { epochs: headEpochs, batchSize: 128, verbose: o.verbose, callbacks: o.callbacks });
  const predPos = (reg.predict(xTe, { batchSize: 500 }) as Tensor).data;
  const { res, rms } = resolution(predPos, posTe);
  const frozen = ae.getWeights().every((w, j) => w.data.every((v, k) => v === before[j][k]));

  // baselines: the training set's mean canvas, and the mean training position (a uniform position on 0 … 28 is ≈ 8.4 px RMS about it)
  const mean = new Float32Array(CANVAS * CANVAS);
  for (let i = 0; i < nTr; i++) for (let p = 0; p < mean.length; p++) mean[p] += xTr.data[i * mean.length + p] / nTr;
  let meanMse = 0;
  for (let i = 0; i < nTe; i++) for (let p = 0; p < mean.length; p++) meanMse += (xTe.data[i * mean.length + p] - mean[p]) ** 2;
  meanMse /= xTe.data.length;
  const meanPos = [0, 1].map((k) => posTr.filter((_, j) => j % 2 === k).reduce((a, b) => a + b, 0) / nTr);
  const rmsMeanPos = [0, 1].map((k) => Math.sqrt(posTe.filter((_, j) => j % 2 === k).reduce((a, b) => a + (b - meanPos[k]) ** 2, 0) / nTe));

  const torch = torchFigures();
  const sameBudget = !!torch && torch.epochs === epochs && torch['head epochs'] === headEpochs && torch['training images'] === nTr && torch['test images'] === nTe && torch.seed === seed;
  const results: Record<string, number | string> = {
    '16S: test reconstruction MSE': aeMse,
    '16S: PyTorch test reconstruction MSE': torch ? `${Number(torch['test reconstruction MSE'].toPrecision(4))}${sameBudget ? '' : ` (a different budget: ${torch['training images']} images, ${torch.epochs} epochs)`}` : 'not measured',
    'mean-canvas MSE (baseline)': meanMse,
    '16S: trainable parameters': ae.trainedWeights().reduce((a, w) => a + w.size, 0),
    '16S: training time (s)': aeSeconds,
    '16S-C: test accuracy [%]': pct(scores.overall),
    ...Object.fromEntries(scores.perClass.map((c) => [`16S-C: ${c.name} [%]`, pct(c)])),
    '16S-R: position resolution, column (px)': rms[0],
    '16S-R: position resolution, row (px)': rms[1],
    'mean-position RMS, column / row (px, baseline)': `${rmsMeanPos[0].toFixed(2)} / ${rmsMeanPos[1].toFixed(2)}`,
    '16S weights unchanged by the heads\' training': frozen ? 'yes' : 'NO',
    epochs, 'head epochs': headEpochs, 'training canvases': nTr, 'test canvases': nTe,
  };
  if (torch) for (const k of ['16S-C: test accuracy [%]', '16S-R: position resolution, column (px)', '16S-R: position resolution, row (px)']) if (k in torch) results[`PyTorch ${k}`] = torch[k] as number | string;
  const ratio = sameBudget ? aeMse / torch!['test reconstruction MSE'] : aeMse / meanMse;
  return {
    results,
    target: sameBudget
      ? { description: '16S test reconstruction MSE within 10 % of PyTorch\'s on the same budget; the heads trained with the code frozen', value: ratio, pass: Math.abs(ratio - 1) <= 0.1 && frozen }
      : { description: '16S test reconstruction MSE below the mean canvas (no PyTorch run at this budget); the heads trained with the code frozen', value: ratio, pass: ratio < 1 && frozen },
    report: {
      title: '16-Split autoencoder with classifier and regressor heads on its frozen code (seed 000, tables 5–7, section 5)',
      results,
      settings: { canvas: '56×56, one Fashion-MNIST item at a seeded random position (top-left corner 0–28 in each direction)', patches: 'sixteen 14×14 cropping2d layers; one encoder applied to all', code: '4 per patch (dense, batch norm, sigmoid), 64 in all',
        loss: '16S and 16S-R mean squared error (16S-R on positions / 28), 16S-C sparse categorical cross-entropy', optimizer: 'Adam 0.001', 'batch size': 128 },
      figures: figures(d, xTe, recon, scores, predPos, posTe, res, rms, h.history, ae, encoder),
      history: { loss: h.history.loss, val_loss: h.history.val_loss, '16S-C loss': hc.history.loss, '16S-R loss': hr.history.loss },
      summary: [ae.summary({ print: false }), encoder.summary({ print: false }), clf.summary({ print: false })].join('\n\n'),
      notes: ['Table 5 concatenates "from 16 × 4 to 48 × 1"; sixteen codes of 4 make 64, which this uses (the heads\' input is 64, not 48).',
        'The heads are compiled with the 16S code model\'s trainable = false (Keras: trainable takes effect at compile), so its batch normalization runs on its moving statistics and no 16S weight moves while they train.'],
    },
  };
}

function figures(d: Awaited<ReturnType<typeof fashionImages>>, xTe: Tensor, recon: Float32Array, scores: ReturnType<typeof classAccuracies>, predPos: Float32Array, posTe: Int32Array,
  res: Float32Array[], rms: number[], hist: Record<string, number[]>, ae: Model, encoder: Model) {
  const px = CANVAS * CANVAS, shown = onePerClass(d.testIds);
  const grid = [
    ...shown.map((i) => ({ data: xTe.data.subarray(i * px, (i + 1) * px), title: CLASSES[d.testIds[i]] })),
    ...shown.map((i) => ({ data: recon.subarray(i * px, (i + 1) * px), title: '16S' })),
  ];
  const lim = Math.max(2, ...res.map((r) => r.reduce((a, b) => Math.max(a, Math.abs(b)), 0)));
  const step = Math.max(1, Math.ceil(posTe.length / 2 / 1000));
  const pick = (k: number, f: (i: number) => number) => Array.from({ length: Math.ceil(posTe.length / 2 / step) }, (_, j) => f(j * step * 2 + k));
  const x = (k: number) => ({ x: pick(k, (i) => posTe[i]), y: pick(k, (i) => predPos[i] * SPAN) });
  const x1 = hist.loss.map((_, i) => i + 1);
  return [
    { name: 'reconstructions', svg: report.pngImageGrid(grid, CANVAS, CANVAS, 10, 'Test canvases (top) and their 16S reconstructions', { range: [0, 1] }), caption: 'One test canvas of each class, on one grey scale (0 black, 1 white; reconstructions clipped to it).' },
    { name: 'loss', svg: report.plot({ title: '16S reconstruction loss per epoch', xLabel: 'epoch', yLabel: 'MSE', integerX: true, logY: true,
      series: [{ name: 'training', x: x1, y: hist.loss }, { name: 'test', x: x1, y: hist.val_loss, dashed: true }] }) },
    { name: 'accuracy', svg: tableSvg('16S-C: test accuracy per class', ['class', 'N', 'accuracy [%]'], [...scores.perClass, scores.overall].map((c) => [c.name, String(c.n), pct(c)]), 'ε = k/N ± √(ε(1 − ε)/N), binomial') },
    { name: 'position-residuals', svg: report.plot({ title: `16S-R: predicted − true position (RMS ${rms[0].toFixed(2)} / ${rms[1].toFixed(2)} px)`, xLabel: 'predicted − true (px)', yLabel: 'test canvases',
      series: [{ name: 'column', ...histogramSteps(res[0], 40, -lim, lim) }, { name: 'row', ...histogramSteps(res[1], 40, -lim, lim), dashed: true }] }) },
    { name: 'position-scatter', svg: report.plot({ title: '16S-R: predicted against true position', xLabel: 'true (px)', yLabel: 'predicted (px)', square: true, diagonal: true,
      series: [{ name: 'column', kind: 'points' as const, size: 1.5, ...x(0) }, { name: 'row', kind: 'points' as const, size: 1.5, ...x(1) }] }), caption: step > 1 ? `Every ${step}th test canvas.` : undefined },
    ...weightHistograms(encoder.layers, '16S encoder'),
    ...weightHistograms(ae.layers.filter((l) => l.name.startsWith('dec_')), '16S decoder'),
  ];
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: argNumber('epochs'), headEpochs: argNumber('head-epochs'), trainSize: argNumber('train'), testSize: argNumber('test'), verbose: 2 });
  console.log(r.results, r.target);
  if (process.argv.includes('--out')) await report.writeReport(process.argv[process.argv.indexOf('--out') + 1], r.report);
}

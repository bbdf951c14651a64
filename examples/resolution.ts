// Seed 002, the MicroBooNE table: "Image resolution matters for the performance of this
// convolutional neural network". The LeNet-style network of examples/lenet.ts trained on
// Fashion-MNIST at 28×28 (HiRes) and on the same images average-pooled 2×2 to 14×14 (LoRes), same
// optimizer, epochs and seed; the per-class test accuracies ± binomial errors of both, side by side
// in the seed's table format. Target: HiRes is at least as accurate overall as LoRes.
//   npx tsx examples/resolution.ts [--epochs N] [--train N] [--test N]
import { init } from '../src/index.js';
import * as report from '../src/report/index.js';
import { isMain, type ExampleResult } from './example.js';
import { argNumber, averagePool2, CLASSES, fashionImages, pct, tableSvg } from './cnn-common.js';
import { classRows, trainAndScore, type CnnOptions } from './lenet.js';

export async function run(o: CnnOptions = {}): Promise<ExampleResult> {
  const { epochs = 10, trainSize = 60000, testSize = 10000 } = o;
  await init();
  const d = await fashionImages(trainSize, testSize);
  const hi = await trainAndScore(28, d.xTrain, d.yTrain, d.xTest, d.testIds, o, epochs);
  const lo = await trainAndScore(14, averagePool2(d.xTrain), d.yTrain, averagePool2(d.xTest), d.testIds, o, epochs);
  const header = ['Image, Network', ...CLASSES.map((c) => `${c} [%]`), 'all [%]'];
  const row = (label: string, s: typeof hi.scores) => [label, ...s.perClass.map(pct), pct(s.overall)];
  const rows = [row('HiRes 28×28, LeNet', hi.scores), row('LoRes 14×14, LeNet', lo.scores)];
  const markdown = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const gap = hi.scores.overall.accuracy - lo.scores.overall.accuracy;
  const gapErr = Math.hypot(hi.scores.overall.error, lo.scores.overall.error);
  const results: Record<string, number | string> = {
    'HiRes test accuracy': hi.scores.overall.accuracy, 'LoRes test accuracy': lo.scores.overall.accuracy,
    'HiRes − LoRes [%]': `${(100 * gap).toFixed(1)} ± ${(100 * gapErr).toFixed(1)}`,
    ...classRows('HiRes: ', hi.scores), ...classRows('LoRes: ', lo.scores),
    epochs, 'training images': d.yTrain.shape[0], 'test images': d.testIds.length,
  };
  return {
    results: { ...results, table: markdown },
    target: { description: 'HiRes (28×28) overall test accuracy ≥ LoRes (14×14)', value: gap, pass: gap >= 0 },
    report: {
      title: 'Resolution matters: the LeNet-style CNN on 28×28 and 14×14 Fashion-MNIST (seed 002)',
      results,
      settings: { network: 'examples/lenet.ts (the 14×14 net flattens 3×3×64 after the second pooling)', optimizer: 'Adam 0.001', 'batch size': 64, 'LoRes images': '2×2 average pooling of the 28×28 images' },
      figures: [
        { name: 'table', svg: tableSvg('Classification performance per class (test set)', header, rows, 'Quoted uncertainties are purely statistical and assume a binomial distribution, √(ε(1 − ε)/N).') },
        ...['loss', 'accuracy'].map((k) => ({
          name: `history-${k}`,
          svg: report.plot({ title: `training ${k} per epoch`, xLabel: 'epoch', yLabel: k, integerX: true,
            series: [{ name: 'HiRes 28×28', x: hi.history[k].map((_, i) => i + 1), y: hi.history[k] }, { name: 'LoRes 14×14', x: lo.history[k].map((_, i) => i + 1), y: lo.history[k], dashed: true }] }),
        })),
      ],
      history: { ...Object.fromEntries(Object.entries(hi.history).map(([k, v]) => [`hires_${k}`, v])), ...Object.fromEntries(Object.entries(lo.history).map(([k, v]) => [`lores_${k}`, v])) },
    },
  };
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: argNumber('epochs'), trainSize: argNumber('train'), testSize: argNumber('test'), verbose: 2 });
  console.log(r.results, r.target);
  if (process.argv.includes('--out')) await report.writeReport(process.argv[process.argv.indexOf('--out') + 1], r.report);
}

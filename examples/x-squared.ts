// Seed 002's function approximation: learn y = x² on [−10, 10] from 10k noisy samples with Adam
// (α = 0.001, L2 loss) and ReLU hidden layers; a 1:50:1 network against a 1:50:50:1 one at the
// same budget of epochs. With few optimizer steps (large batches, as the seed's 1000-epoch runs
// imply) the single hidden layer "does not give a good prediction" while the two-layer network
// fits the curve (seed 002, "repeat with an MLP: 1:50:50:1").
//   npx tsx examples/x-squared.ts [--epochs N]
import { data, init, layers, optimizers, sequential } from '../src/index.js';
import * as report from '../src/report/index.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';

const BATCH = 1000; // large batches: 10 steps an epoch, so an epoch budget is a small step budget, as in the seed
const NOISE = 1; // standard deviation of the Gaussian noise on y (y spans 0..100): data.xSquared's default

export async function run({ epochs = 300, seed = 1, verbose = 0, callbacks }: ExampleOptions = {}): Promise<ExampleResult> {
  await init();
  // seed 002: 10k examples in [−10, 10] for training and 10k for testing
  const train = await data.xSquared({ n: 10000, seed, noise: NOISE }).toArrays();
  const testSet = await data.xSquared({ n: 10000, seed: seed + 1, noise: NOISE }).toArrays();
  const test = { x: testSet.x, truth: testSet.x.data.map((v) => v * v) };
  const trainY = train.y!;
  const nets = {
    '1:50:1': [layers.dense(50, { activation: 'relu', inputShape: [1] }), layers.dense(1)],
    '1:50:50:1': [layers.dense(50, { activation: 'relu', inputShape: [1] }), layers.dense(50, { activation: 'relu' }), layers.dense(1)],
  };
  const grid = Float32Array.from({ length: 201 }, (_, i) => -10 + i * 0.1);
  const results: Record<string, number> = {};
  const curves: report.Series[] = [{ name: 'training data', x: train.x.data.subarray(0, 1500), y: trainY.data.subarray(0, 1500), kind: 'points', color: '#bbb' }];
  const histories: Record<string, number[]> = {};
  for (const [name, ls] of Object.entries(nets)) {
    const net = sequential(ls, { seed });
    net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'mse' });
    const h = await net.fit(train.x, trainY, { epochs, batchSize: BATCH, verbose, callbacks });
    histories[`loss ${name}`] = h.history.loss;
    // RMS distance from the true curve on the test inputs (the noise is not in it)
    const p = net.predict(test.x).data;
    let se = 0;
    for (let i = 0; i < p.length; i++) se += (p[i] - test.truth[i]) ** 2;
    results[`${name} RMS error vs x² (test)`] = Math.sqrt(se / p.length);
    curves.push({ name, x: grid, y: net.predict({ data: grid, shape: [grid.length, 1] }).data });
  }
  curves.push({ name: 'y = x²', x: grid, y: grid.map((v) => v * v), dashed: true, color: '#000' });
  const shallow = results['1:50:1 RMS error vs x² (test)'], deep = results['1:50:50:1 RMS error vs x² (test)'];
  return {
    results,
    target: { description: '1:50:50:1 fits x² better than 1:50:1 at the same budget', value: deep / shallow, pass: deep < shallow },
    report: {
      title: 'y = x² with 1:50:1 and 1:50:50:1 ReLU networks (seed 002)',
      results: { ...results, epochs, 'noise σ': NOISE },
      figures: [
        { name: 'fit', svg: report.plot({ title: 'Fitted curves over the data', xLabel: 'x', yLabel: 'y', series: curves }), caption: 'Both networks after the same number of epochs, over 1,500 of the 10,000 noisy training samples.' },
        { name: 'loss', svg: report.plot({ title: 'Training loss per epoch', xLabel: 'epoch', yLabel: 'MSE', logY: true, series: Object.entries(histories).map(([n, v]) => ({ name: n, x: v.map((_, i) => i + 1), y: v })) }) },
      ],
      history: histories,
    },
  };
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: Number(process.argv[process.argv.indexOf('--epochs') + 1]) || undefined, verbose: 2 });
  console.log(r.results, r.target);
}

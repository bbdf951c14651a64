// Seed 004, "Challenges of training" and "Self-normalization": in a deep stack of sigmoid layers
// the gradient shrinks layer by layer on its way back to the input (vanishing gradients), and the
// network barely trains; the same depth with SELU and lecunNormal keeps activations near mean 0,
// variance 1 and trains. Per-layer gradient norms at initialization, and the losses after the
// same number of steps.
//   npx tsx examples/deep-sigmoid-vs-selu.ts [--epochs N]
import { init, layers, optimizers, sequential, type Sequential } from '../src/index.js';
import * as report from '../src/report/index.js';
import { normals } from '../src/initializers.js';
import { Random } from '../src/random.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';

const DEPTH = 16, WIDTH = 32, INPUTS = 16, N = 4096;

/** A smooth teacher: y = sin(x·a) + 0.5·cos(x·b), x ~ N(0, 1). */
function teacher(seed: number) {
  const rng = new Random(seed);
  const x = normals(N * INPUTS, rng);
  const a = normals(INPUTS, rng, 0, 0.4), b = normals(INPUTS, rng, 0, 0.4);
  const y = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    let u = 0, v = 0;
    for (let j = 0; j < INPUTS; j++) { u += x[i * INPUTS + j] * a[j]; v += x[i * INPUTS + j] * b[j]; }
    y[i] = Math.sin(u) + 0.5 * Math.cos(v);
  }
  return { x: { data: x, shape: [N, INPUTS] }, y: { data: y, shape: [N, 1] } };
}

function deepNet(activation: 'sigmoid' | 'selu', seed: number): Sequential {
  const init = activation === 'selu' ? 'lecunNormal' : 'glorotUniform';
  const hidden = Array.from({ length: DEPTH }, (_, i) =>
    layers.dense(WIDTH, { activation, kernelInitializer: init, inputShape: i === 0 ? [INPUTS] : undefined }));
  const net = sequential([...hidden, layers.dense(1, { kernelInitializer: init })], { seed });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'mse' });
  return net;
}

export async function run({ epochs = 10, seed = 1, verbose = 0, callbacks }: ExampleOptions = {}): Promise<ExampleResult> {
  await init();
  const data = teacher(seed);
  const batch = { x: { data: data.x.data.subarray(0, 256 * INPUTS), shape: [256, INPUTS] }, y: { data: data.y.data.subarray(0, 256), shape: [256, 1] } };
  const norms: report.Series[] = [], losses: report.Series[] = [];
  const results: Record<string, number> = {};
  for (const act of ['sigmoid', 'selu'] as const) {
    const net = deepNet(act, seed);
    // Kernel gradient norm of each dense layer at initialization (weights 0, 2, 4, ...: kernels)
    const { grads } = net.computeGradients(batch.x, batch.y);
    const perLayer = grads.filter((_, i) => i % 2 === 0).map((g) => Math.sqrt(g.data.reduce((s, v) => s + v * v, 0)));
    norms.push({ name: act, x: perLayer.map((_, i) => i + 1), y: perLayer });
    results[`${act}: gradient norm, layer 1 / layer ${DEPTH + 1}`] = perLayer[0] / perLayer[DEPTH];
    const h = await net.fit(data.x, data.y, { epochs, batchSize: 32, verbose, callbacks });
    losses.push({ name: act, x: h.history.loss.map((_, i) => i + 1), y: h.history.loss });
    results[`${act}: final training loss`] = h.history.loss[h.history.loss.length - 1];
  }
  let variance = 0;
  for (const v of data.y.data) variance += v * v;
  variance /= N; // the loss of predicting 0; a net that learned nothing stays near the variance
  results['target variance (loss of a constant prediction ≈)'] = variance;
  const sig = results['sigmoid: final training loss'], selu = results['selu: final training loss'];
  return {
    results,
    target: { description: 'SELU + lecunNormal ends with less than half the deep sigmoid net\'s loss', value: selu / sig, pass: selu < 0.5 * sig },
    report: {
      title: `Vanishing gradients: ${DEPTH}-layer sigmoid vs SELU networks (seed 004)`,
      results: { ...results, epochs },
      figures: [
        { name: 'gradient-norms', svg: report.plot({ title: 'Kernel gradient norm per layer at initialization', xLabel: 'layer (1 = nearest the input)', yLabel: '‖∂L/∂W‖', logY: true, series: norms }) },
        { name: 'loss', svg: report.plot({ title: 'Training loss per epoch', xLabel: 'epoch', yLabel: 'MSE', logY: true, series: losses }) },
      ],
    },
  };
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: Number(process.argv[process.argv.indexOf('--epochs') + 1]) || undefined, verbose: 2 });
  console.log(r.results, r.target);
}

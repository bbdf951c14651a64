// Seed 000 §2: a linear undercomplete autoencoder and PCA look for the same linear subspace.
// Correlated 10-dimensional data with 3 principal directions; PCA from the eigendecomposition of
// the covariance matrix (eqs. 10–11); a 10→3→10 linear autoencoder trained with MSE. The principal
// angles between the PCA subspace and the decoder's subspace are all below 5°, and the two
// reconstruction errors agree.
//   npx tsx examples/autoencoder-pca.ts [--epochs N]
import { init, layers, optimizers, sequential } from '../src/index.js';
import * as report from '../src/report/index.js';
import { normals } from '../src/initializers.js';
import { Random } from '../src/random.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';
import { principalAngles, symmetricEigen } from './linalg.js';

const M = 10, LATENT = 3, N = 5000;

function correlatedData(seed: number): Float32Array {
  const rng = new Random(seed);
  const mixing = normals(M * LATENT, rng); // x = A·z + noise
  const z = normals(N * LATENT, rng);
  const scales = [3, 2, 1.2]; // distinct variances along the latent directions
  const noise = normals(N * M, rng, 0, 0.05);
  const x = new Float32Array(N * M);
  for (let i = 0; i < N; i++) for (let r = 0; r < M; r++) {
    let s = noise[i * M + r];
    for (let c = 0; c < LATENT; c++) s += mixing[r * LATENT + c] * scales[c] * z[i * LATENT + c];
    x[i * M + r] = s;
  }
  // centre each feature (PCA's covariance assumes it; the autoencoder has biases anyway)
  for (let r = 0; r < M; r++) {
    let mean = 0;
    for (let i = 0; i < N; i++) mean += x[i * M + r];
    mean /= N;
    for (let i = 0; i < N; i++) x[i * M + r] -= mean;
  }
  return x;
}

export async function run({ epochs = 40, seed = 1, verbose = 0, callbacks }: ExampleOptions = {}): Promise<ExampleResult> {
  await init();
  const x = correlatedData(seed);
  // PCA: C = XᵀX/(N − 1) (eq. 10), C·P = P·λ (eq. 11)
  const C = new Float64Array(M * M);
  for (let i = 0; i < N; i++) for (let r = 0; r < M; r++) for (let c = 0; c < M; c++) C[r * M + c] += x[i * M + r] * x[i * M + c];
  for (let k = 0; k < C.length; k++) C[k] /= N - 1;
  const { values, vectors } = symmetricEigen(C, M);
  const P = vectors.slice(0, LATENT);
  let pcaErr = 0; // mean squared error of d(e(x)) = P·Pᵀ·x, per feature
  for (let i = 0; i < N; i++) {
    const row = Array.from(x.subarray(i * M, (i + 1) * M));
    const code = P.map((v) => v.reduce((s, vi, k) => s + vi * row[k], 0));
    for (let k = 0; k < M; k++) pcaErr += (row[k] - P.reduce((s, v, j) => s + v[k] * code[j], 0)) ** 2;
  }
  pcaErr /= N * M;

  const ae = sequential([layers.dense(LATENT, { inputShape: [M] }), layers.dense(M)], { seed });
  ae.compile({ optimizer: optimizers.adam({ learningRate: 3e-3 }), loss: 'mse' });
  const xt = { data: x, shape: [N, M] };
  const h = await ae.fit(xt, xt, { epochs, batchSize: 32, verbose, callbacks });
  const aeErr = ae.evaluate(xt, xt).loss;
  const decoder = ae.getWeights()[2]; // [LATENT, M]: its rows span the reconstruction subspace
  const basis = Array.from({ length: LATENT }, (_, j) => Array.from(decoder.data.subarray(j * M, (j + 1) * M)));
  const angles = principalAngles(P, basis);
  const worst = Math.max(...angles);
  const results: Record<string, number | string> = {
    'principal angles (degrees)': angles.map((a) => a.toFixed(2)).join(', '),
    'largest principal angle (degrees)': worst,
    'PCA reconstruction MSE': pcaErr,
    'autoencoder reconstruction MSE': aeErr,
    'explained variance (top 3 of 10)': values.slice(0, LATENT).reduce((a, b) => a + b, 0) / values.reduce((a, b) => a + b, 0),
  };
  return {
    results,
    target: { description: 'all principal angles between the PCA and autoencoder subspaces below 5°', value: worst, pass: worst < 5 },
    report: {
      title: 'Linear autoencoder vs PCA (seed 000 §2)',
      results: { ...results, epochs },
      figures: [
        { name: 'loss', svg: report.plot({ title: 'Autoencoder training loss', xLabel: 'epoch', yLabel: 'MSE', logY: true,
          series: [{ name: 'autoencoder', x: h.history.loss.map((_, i) => i + 1), y: h.history.loss }, { name: 'PCA (n = 3)', x: [1, epochs], y: [pcaErr, pcaErr], dashed: true }] }) },
        { name: 'spectrum', svg: report.plot({ title: 'Covariance eigenvalues', xLabel: 'component', yLabel: 'eigenvalue', logY: true,
          series: [{ name: 'λᵢ', x: values.map((_, i) => i + 1), y: values, kind: 'points' }] }) },
      ],
      history: h.history,
    },
  };
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: Number(process.argv[process.argv.indexOf('--epochs') + 1]) || undefined, verbose: 2 });
  console.log(r.results, r.target);
}

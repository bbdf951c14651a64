// Residual shortcuts with the functional API (seed 004, "Residuals learning"): a block learns the
// deviation δ(x) from the identity, z = σ(W₂σ(W₁x + b₁) + b₂ + x), and when the block changes the
// width the shortcut is a learned projection W_s·x instead. Batch normalization after each hidden
// dense layer, dropout before the head.
//   npx tsx examples/residual.ts

import { init, input, layers, model, optimizers, type SymbolicTensor } from '../src/index.js';

await init();

/** z = relu(W₂ relu(W₁x + b₁) + b₂ + shortcut(x)); the shortcut projects when the width changes. */
function residualBlock(x: SymbolicTensor, units: number): SymbolicTensor {
  const h = layers.activation('relu').apply(layers.batchNormalization().apply(layers.dense(units, { useBias: false }).apply(x)));
  const delta = layers.dense(units).apply(h);
  const shortcut = x.shape[0] === units ? x : layers.dense(units, { useBias: false, name: `projection_${units}` }).apply(x);
  return layers.activation('relu').apply(layers.add().apply([delta, shortcut]));
}

// A smooth target of 8 inputs: y = Σ_j sin(0.5(j + 1)·x_j) / 2 + x₀x₁, on 4096 samples.
const n = 4096, d = 8;
const xs = new Float32Array(n * d), ys = new Float32Array(n);
let s = 12345;
const uniform = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 4 - 2;
for (let i = 0; i < n; i++) {
  let t = 0;
  for (let j = 0; j < d; j++) t += Math.sin(0.5 * (j + 1) * (xs[i * d + j] = uniform())) / 2;
  ys[i] = t + xs[i * d] * xs[i * d + 1];
}

const x = input({ shape: [d], name: 'features' });
let h = residualBlock(x, 64); // 8 → 64: projection shortcut
h = residualBlock(h, 64); // identity shortcut
h = residualBlock(h, 64);
h = residualBlock(h, 32); // 64 → 32: projection shortcut
const y = layers.dense(1).apply(layers.dropout(0.1).apply(h));

const net = model({ inputs: x, outputs: y, name: 'residual_mlp', seed: 42 });
net.summary();
net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'mse', metrics: ['mae'] });
const history = await net.fit({ data: xs, shape: [n, d] }, { data: ys, shape: [n, 1] }, { epochs: 40, batchSize: 32, validationSplit: 0.2, verbose: 2 });
const last = history.epoch.length - 1;
console.log(`validation mse ${history.history.val_loss[last].toFixed(4)} (target variance ${variance(ys).toFixed(3)})`);

function variance(a: Float32Array): number {
  const m = a.reduce((p, v) => p + v, 0) / a.length;
  return a.reduce((p, v) => p + (v - m) ** 2, 0) / a.length;
}

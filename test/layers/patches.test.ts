// Seed 000's splits (its tables 3 and 5): a 28×28 image cut into four 14×14 patches by cropping2d,
// one shared encoder applied to each patch, the codes concatenated, a decoder back to the image.
// The four croppings tile the image exactly, and such a model with shared weights trains.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, model, optimizers, type Tensor } from '../../src/index.js';
import { rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

type Sides = [[number, number], [number, number]];
const QUARTERS: Sides[] = [[[0, 14], [0, 14]], [[0, 14], [14, 0]], [[14, 0], [0, 14]], [[14, 0], [14, 0]]];

test('the four croppings of seed 000 tile a 28×28 image exactly', () => {
  const x = input({ shape: [28, 28, 1] });
  const m = model({ inputs: x, outputs: QUARTERS.map((c) => layers.cropping2d({ cropping: c }).apply(x)) });
  const n = 3, image = { data: rand(n * 784, 1), shape: [n, 28, 28, 1] };
  const parts = m.predict(image) as Tensor[];
  parts.forEach((p, q) => {
    assert.equal(p.shape, [n, 14, 14, 1]);
    const [r0, c0] = [Math.floor(q / 2) * 14, (q % 2) * 14];
    for (let i = 0; i < n; i++) for (let r = 0; r < 14; r++) for (let c = 0; c < 14; c++) {
      assert.is(p.data[(i * 14 + r) * 14 + c], image.data[(i * 28 + r0 + r) * 28 + c0 + c]);
    }
  });
});

test('a 4-split autoencoder with one shared encoder trains (loss at least halves in 40 steps)', () => {
  const x = input({ shape: [28, 28, 1] });
  const conv = layers.conv2d(4, { kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' });
  const code = layers.dense(4, { activation: 'sigmoid' });
  const flat = layers.flatten();
  const codes = QUARTERS.map((c) => code.apply(flat.apply(conv.apply(layers.cropping2d({ cropping: c }).apply(x)))));
  const h = layers.reshape([7, 7, 8]).apply(layers.dense(392, { activation: 'relu' }).apply(layers.concatenate().apply(codes)));
  const up = layers.conv2dTranspose(4, { kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }).apply(h);
  const out = layers.conv2d(1, { kernelSize: 3, padding: 'same' }).apply(layers.upSampling2d().apply(up));
  const m = model({ inputs: x, outputs: out, seed: 4 });
  assert.is(m.layers.filter((l) => l.className === 'Conv2D').length, 2, 'one encoder conv, shared by the four patches');
  m.compile({ optimizer: optimizers.adam({ learningRate: 3e-3 }), loss: 'mse' });
  // Images with structure: smooth blobs, not noise.
  const n = 16, data = new Float32Array(n * 784);
  for (let i = 0; i < n; i++) for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) data[i * 784 + r * 28 + c] = Math.exp(-((r - 8 - i) ** 2 + (c - 20 + i) ** 2) / 40);
  const images = { data, shape: [n, 28, 28, 1] };
  const first = m.trainOnBatch(images, images) as number;
  let last = first;
  for (let s = 0; s < 40; s++) last = m.trainOnBatch(images, images) as number;
  assert.ok(last < first / 2, `loss ${first} → ${last}`);
});

test.run();

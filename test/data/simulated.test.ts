// The seeds' simulated datasets: shapes, the physics they state, and reproducibility from the seed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { data, init } from '../../src/index.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const arrays = (d: { arrays(): { x: { data: Float32Array; shape: number[] }; y?: { data: Float32Array; shape: number[] } } }) => d.arrays();

test('earthquake: 8 arrival times, (x, y) labels in km, times = distance / speed (+ noise)', () => {
  const { x, y } = arrays(data.earthquake({ n: 500, seed: 1, noise: 0 }));
  assert.equal(x.shape, [500, 8]);
  assert.equal(y!.shape, [500, 2]);
  const { stations, vp, vs, halfWidth } = data.EARTHQUAKE;
  for (let i = 0; i < 500; i++) {
    const ex = y!.data[2 * i], ey = y!.data[2 * i + 1];
    assert.ok(Math.abs(ex) <= halfWidth && Math.abs(ey) <= halfWidth);
    stations.forEach(([sx, sy], s) => {
      const d = Math.hypot(ex - sx, ey - sy);
      assert.ok(Math.abs(x.data[i * 8 + 2 * s] - d / vp) < 1e-4 && Math.abs(x.data[i * 8 + 2 * s + 1] - d / vs) < 1e-4);
    });
  }
  const a = arrays(data.earthquake({ n: 50, seed: 4 })), b = arrays(data.earthquake({ n: 50, seed: 4 })), c = arrays(data.earthquake({ n: 50, seed: 5 }));
  assert.equal(Array.from(a.x.data), Array.from(b.x.data));
  assert.not.equal(Array.from(a.x.data), Array.from(c.x.data));
});

test('xSquared: y = x² + noise on [−10, 10]', () => {
  const { x, y } = arrays(data.xSquared({ n: 5000, seed: 2, noise: 1 }));
  let sq = 0;
  for (let i = 0; i < 5000; i++) {
    assert.ok(x.data[i] >= -10 && x.data[i] <= 10);
    sq += (y!.data[i] - x.data[i] ** 2) ** 2;
  }
  assert.ok(Math.abs(Math.sqrt(sq / 5000) - 1) < 0.05, 'residual std ≈ noise');
});

test('signalBackground: the stated signal share, separated means', () => {
  const { x, y } = arrays(data.signalBackground({ n: 2000, seed: 3, signalFraction: 0.05, features: 3 }));
  assert.equal(x.shape, [2000, 3]);
  const sig = Array.from(y!.data).filter((v) => v === 1).length;
  assert.is(sig, 100);
  let ms = 0, mb = 0;
  for (let i = 0; i < 2000; i++) (y!.data[i] ? (ms += x.data[i * 3]) : (mb += x.data[i * 3]));
  assert.ok(ms / 100 > 0.7 && Math.abs(mb / 1900) < 0.1);
});

test('galaxySpin: 32×32 one-hot labelled images; mirror images swap the winding sense', () => {
  const { x, y } = arrays(data.galaxySpin({ n: 40, seed: 5, noise: 0 }));
  assert.equal(x.shape, [40, 1024]);
  assert.equal(y!.shape, [40, 2]);
  const lefts = Array.from({ length: 40 }, (_, i) => y!.data[2 * i + 1]).reduce((a, b) => a + b);
  assert.ok(lefts > 10 && lefts < 30, `${lefts} left-handed of 40`);
  // Winding: along rays outward the arm crest turns with the label's sign. Measure the angular
  // shift of the brightness pattern between radius 6 and 8 px via the m = 2 Fourier phase.
  const phase = (img: Float32Array, r: number) => {
    let re = 0, im = 0;
    for (let k = 0; k < 64; k++) {
      const t = (2 * Math.PI * k) / 64;
      const col = Math.round(16 + r * Math.cos(t) - 0.5), row = Math.round(16 - r * Math.sin(t) - 0.5);
      const v = img[row * 32 + col];
      re += v * Math.cos(2 * t);
      im += v * Math.sin(2 * t);
    }
    return Math.atan2(im, re) / 2;
  };
  let agree = 0;
  for (let i = 0; i < 40; i++) {
    const img = x.data.subarray(i * 1024, (i + 1) * 1024);
    let d = phase(img, 8) - phase(img, 6);
    d = ((d + Math.PI / 2) % Math.PI + Math.PI) % Math.PI - Math.PI / 2;
    if ((d > 0) === (y!.data[2 * i + 1] === 1)) agree++;
  }
  assert.ok(agree >= 36, `winding matches the label in ${agree} of 40`);
});

test.run();

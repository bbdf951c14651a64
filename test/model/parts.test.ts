// Initializers, schedules, metrics and the seeded generator.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, initializers, rocAuc, schedules } from '../../src/index.js';
import { Random } from '../../src/random.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const stats = (a: Float32Array) => {
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const sd = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  let max = 0;
  for (const v of a) max = Math.max(max, Math.abs(v));
  return { mean, sd, max };
};

test('variance-scaling initializers have the standard deviations their rules give', () => {
  const shape = [300, 200];
  const draw = (name: keyof typeof initializers) => {
    const out = new Float32Array(60000);
    (initializers[name] as () => { fill: (o: Float32Array, s: number[], r: Random) => void })().fill(out, shape, new Random(1));
    return stats(out);
  };
  const expect = {
    glorotUniform: Math.sqrt(2 / 500), glorotNormal: Math.sqrt(2 / 500), heNormal: Math.sqrt(2 / 300),
    heUniform: Math.sqrt(2 / 300), lecunNormal: Math.sqrt(1 / 300), lecunUniform: Math.sqrt(1 / 300),
  } as const;
  for (const [name, sd] of Object.entries(expect)) {
    const s = draw(name as keyof typeof initializers);
    assert.ok(Math.abs(s.mean) < 0.02 * sd * 10, `${name} mean ${s.mean}`);
    assert.ok(Math.abs(s.sd / sd - 1) < 0.02, `${name} sd ${s.sd} vs ${sd}`);
  }
  const gu = draw('glorotUniform');
  assert.ok(gu.max <= Math.sqrt(6 / 500) + 1e-7, 'glorotUniform within its limit');
  const gn = draw('glorotNormal');
  assert.ok(gn.max <= 2 * Math.sqrt(2 / 500) / 0.87962566103423978 + 1e-6, 'glorotNormal truncated at two of its widened deviations');
});

test('normal initializers: mean, stddev, truncation; constants', () => {
  const out = new Float32Array(40000);
  initializers.randomNormal({ mean: 1, stddev: 0.5 }).fill(out, [40000], new Random(2));
  const s = stats(out);
  assert.ok(Math.abs(s.mean - 1) < 0.01 && Math.abs(s.sd - 0.5) < 0.01, JSON.stringify(s));
  initializers.truncatedNormal({ stddev: 0.1 }).fill(out, [40000], new Random(3));
  assert.ok(stats(out).max <= 0.2 + 1e-7);
  initializers.randomUniform({ minval: 2, maxval: 3 }).fill(out, [40000], new Random(3));
  assert.ok(out.every((v) => v >= 2 && v < 3));
  initializers.constant({ value: 0.25 }).fill(out, [1], new Random(1));
  assert.ok(out.every((v) => v === 0.25));
});

test('initializers are seeded: the same seed, the same numbers', () => {
  const a = new Float32Array(100), b = new Float32Array(100);
  initializers.glorotNormal().fill(a, [10, 10], new Random(42));
  initializers.glorotNormal().fill(b, [10, 10], new Random(42));
  assert.equal(Array.from(a), Array.from(b));
});

test('Random: uniform in [0, 1), unbiased below(), shuffle is a permutation', () => {
  const r = new Random(7);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60000; i++) counts[r.below(6)]++;
  assert.ok(counts.every((c) => Math.abs(c - 10000) < 400), counts.join(','));
  const idx = Int32Array.from({ length: 100 }, (_, i) => i);
  r.shuffle(idx);
  assert.equal(Array.from(idx).sort((a, b) => a - b), Array.from({ length: 100 }, (_, i) => i));
  assert.throws(() => new Random(NaN), /seed must be a finite number/);
});

test('schedules give Keras values', () => {
  const e = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
  assert.ok(Math.abs(e(10) - 0.05) < 1e-15 && Math.abs(e(5) - 0.1 * Math.SQRT1_2) < 1e-15);
  const st = schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
  assert.is(st(19), 0.05);
  const p = schedules.piecewiseConstant({ boundaries: [100, 200], values: [1, 0.5, 0.1] });
  assert.equal([p(0), p(100), p(101), p(200), p(201)], [1, 1, 0.5, 0.5, 0.1]);
  const c = schedules.cosineDecay({ initialLearningRate: 1, decaySteps: 100, alpha: 0.1 });
  assert.ok(Math.abs(c(0) - 1) < 1e-15 && Math.abs(c(50) - 0.55) < 1e-12 && Math.abs(c(500) - 0.1) < 1e-15);
  assert.throws(() => schedules.piecewiseConstant({ boundaries: [1], values: [1] }), /one more entry than boundaries/);
});

test('rocAuc is exact, handles ties and weights', () => {
  assert.is(rocAuc([0.9, 0.8, 0.3, 0.1], [1, 1, 0, 0]), 1);
  assert.is(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0]), 0);
  assert.is(rocAuc([0.5, 0.5], [1, 0]), 0.5);
  // 2 positives, 2 negatives; pairs: (0.8>0.6 ✓)(0.8>0.2 ✓)(0.4<0.6 ✗)(0.4>0.2 ✓) → 3/4
  assert.is(rocAuc([0.8, 0.4, 0.6, 0.2], [1, 1, 0, 0]), 0.75);
  // weight 3 on the misordered negative: pairs weighted (1·1 + 1·3·0 + ...) → (1·3 + 1·1 + 1·1·0... )
  assert.is(rocAuc([0.8, 0.4, 0.6, 0.2], [1, 1, 0, 0], [1, 1, 3, 1]), (3 + 1 + 0 + 1) / (2 * 4));
  assert.ok(Number.isNaN(rocAuc([0.1, 0.2], [1, 1])));
});

test.run();

// Datasets: views not copies, seeded shuffles that are permutations, splits, folds, streams, and
// fit/evaluate/predict from a Dataset.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { data, init, layers, optimizers, sequential, type Dataset } from '../../src/index.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const N = 100;
const xs = Float32Array.from({ length: N * 2 }, (_, i) => i);
const labels = Int32Array.from({ length: N }, (_, i) => (i < 80 ? 0 : 1)); // 80/20
const ds = () => data.fromArrays({ data: xs, shape: [N, 2] }, labels);

async function rows(d: Dataset): Promise<number[]> {
  const out: number[] = [];
  for await (const b of d) for (let i = 0; i < b.x.shape[0]; i++) out.push(b.x.data[2 * i] / 2);
  return out;
}
const sorted = (a: number[]) => [...a].sort((p, q) => p - q);
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

test('fromArrays keeps the arrays in place (no copy)', () => {
  const a = ds().shuffle(1).arrays();
  assert.ok(a.x.data === xs);
  assert.equal(a.x.shape, [N, 2]);
  assert.equal(a.y!.shape, [N, 1]);
});

test('shuffle is a permutation, reproducible from the seed, different for another seed, reshuffled each epoch', async () => {
  const a = ds().shuffle(7), b = ds().shuffle(7), c = ds().shuffle(8);
  const ra = await rows(a);
  assert.equal(sorted(ra), range(N));
  assert.equal(ra, await rows(b));
  assert.not.equal(ra, await rows(c));
  assert.not.equal(await rows(a), ra, 'second epoch has another order');
  assert.equal(sorted(await rows(a)), range(N), 'still a permutation');
});

test('batch, take, skip', async () => {
  const sizes: number[] = [];
  for await (const b of ds().batch(32)) sizes.push(b.x.shape[0]);
  assert.equal(sizes, [32, 32, 32, 4]);
  assert.equal(await rows(ds().skip(90).take(5)), [90, 91, 92, 93, 94]);
  assert.is(ds().take(10).size, 10);
});

test('split: fractions, disjoint, covering; seeded; stratified keeps class ratios', async () => {
  const [tr, va, te] = ds().split([0.8, 0.1, 0.1]);
  assert.equal([tr.size, va.size, te.size], [80, 10, 10]);
  assert.equal(await rows(va), range(10, 80), 'unseeded: consecutive runs');
  const parts = ds().split([0.7, 0.3], { seed: 3, stratify: true });
  const all = [...(await rows(parts[0])), ...(await rows(parts[1]))];
  assert.equal(sorted(all), range(N));
  for (const p of parts) {
    const r = await rows(p);
    const share = r.filter((i) => labels[i] === 1).length / r.length;
    assert.ok(Math.abs(share - 0.2) < 0.02, `class-1 share ${share}`);
  }
  assert.equal(await rows(ds().split([0.5, 0.5], { seed: 3 })[0]), await rows(ds().split([0.5, 0.5], { seed: 3 })[0]));
  assert.throws(() => ds().split([0.5, 0.6]), /add up to 1/);
});

test('kFold: every sample validates exactly once; stratified folds keep ratios', async () => {
  const folds = ds().kFold(5, { seed: 2, stratify: true });
  const seen: number[] = [];
  for (const f of folds) {
    const v = await rows(f.validation), t = await rows(f.train);
    assert.is(v.length + t.length, N);
    assert.is(v.filter((i) => labels[i] === 1).length, 4);
    assert.ok(!v.some((i) => t.includes(i)));
    seen.push(...v);
  }
  assert.equal(sorted(seen), range(N));
});

test('map and fromGenerator stream samples; shuffle of a stream is a seeded permutation', async () => {
  const doubled = ds().take(4).map(({ x, y }) => ({ x: [x[0] * 2, x[1]], y }));
  assert.equal(await rows(doubled), [0, 2, 4, 6]);
  const gen = data.fromGenerator(function* () {
    for (let i = 0; i < 50; i++) yield { x: [2 * i, 0], y: i % 2 };
  });
  assert.equal(await rows(gen), range(50));
  const s1 = await rows(gen.shuffle(4, { bufferSize: 16 })), s2 = await rows(gen.shuffle(4, { bufferSize: 16 }));
  assert.equal(sorted(s1), range(50));
  assert.equal(s1, s2);
  assert.not.equal(s1, range(50));
  assert.equal(await rows(gen.skip(45)), range(5, 45));
  const loaded = await gen.load();
  assert.is(loaded.size, 50);
});

test('bad input: shapes and arguments name what is wrong', () => {
  assert.throws(() => data.fromArrays({ data: xs, shape: [N, 2] }, new Int32Array(3)), /y has 3 samples but x has 100/);
  assert.throws(() => ds().batch(0), /batch: size must be a whole number ≥ 1/);
  assert.throws(() => ds().shuffle(-1), /seed/);
});

test('a generator sample of another size is an error naming the sample', async () => {
  try {
    await data.fromGenerator(function* () { yield { x: [1, 2] }; yield { x: [1] }; }).load();
    assert.unreachable('should throw');
  } catch (e) {
    assert.match((e as Error).message, /sample 1: x has 1 values/);
  }
});

test('fit, evaluate and predict from a Dataset (in memory and streaming)', async () => {
  const set = data.xSquared({ n: 2000, seed: 1, noise: 0.1 });
  const norm = data.preprocessing.standardize();
  const [train, val] = set.split([0.9, 0.1], { seed: 1 });
  await norm.fit(train);
  const yScale = data.preprocessing.maxAbs({ on: 'y' });
  await yScale.fit(train);
  const t = yScale.transform(norm.transform(train)).shuffle(1).batch(32);
  const v = yScale.transform(norm.transform(val));
  const net = sequential([layers.dense(32, { activation: 'tanh', inputShape: [1] }), layers.dense(32, { activation: 'tanh' }), layers.dense(1)], { seed: 2 });
  net.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
  const h = await net.fit(t, { epochs: 30, validationData: v, verbose: 0 });
  const last = h.history.val_loss.at(-1)!;
  assert.ok(last < 0.002, `val loss ${last}`);
  const ev = await net.evaluate(v);
  assert.ok(Math.abs(ev.loss - last) < 1e-6);
  const p = await net.predict(v);
  assert.equal(p.shape, [200, 1]);
  // The same data as a stream: trains batch by batch.
  const a = await t.toArrays();
  const stream = data.fromGenerator(function* () {
    for (let i = 0; i < a.x.shape[0]; i++) yield { x: [a.x.data[i]], y: [a.y!.data[i]] };
  }).batch(32);
  const h2 = await net.fit(stream, { epochs: 2, validationData: v, verbose: 0 });
  assert.ok(h2.history.loss[1] < 0.01 && h2.history.val_loss.length === 2);
  assert.ok(Math.abs((await net.evaluate(stream)).loss - net.evaluate(a.x, a.y!).loss) < 1e-5);
});

test('fit on a shuffled Dataset is reproducible and uses the dataset view', async () => {
  const set = data.earthquake({ n: 300, seed: 3 });
  const run = async () => {
    const net = sequential([layers.dense(8, { activation: 'tanh', inputShape: [8] }), layers.dense(2)], { seed: 1 });
    net.compile({ optimizer: 'adam', loss: 'mse' });
    const h = await net.fit(set.take(200).shuffle(5).batch(20), { epochs: 2, verbose: 0, validationSplit: 0.1 });
    assert.is(h.params.samples, 180);
    return net.getWeights()[0].data;
  };
  assert.equal(Array.from(await run()), Array.from(await run()));
});

test.run();

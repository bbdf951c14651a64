// Preprocessing: each transform's math, fitted on the training split only, applied unchanged to
// other data, and round-tripped through JSON.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { data, init } from '../../src/index.js';
import { close } from '../helpers.js';

// log1p and the other element maps run on the kernels.
test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const x = { data: Float32Array.of(1, 10, 2, 20, 3, 60, 6, -40), shape: [4, 2] }; // columns [1,2,3,6], [10,20,60,-40]
const pre = data.preprocessing;

test('standardize: mean 0, variance 1 per feature (population std)', () => {
  const t = pre.standardize().fit(x).transform(x);
  for (let j = 0; j < 2; j++) {
    const col = [0, 1, 2, 3].map((i) => t.data[i * 2 + j]);
    const mean = col.reduce((a, b) => a + b) / 4;
    const v = col.reduce((a, b) => a + (b - mean) ** 2, 0) / 4;
    assert.ok(Math.abs(mean) < 1e-6 && Math.abs(v - 1) < 1e-5, `column ${j}: mean ${mean} var ${v}`);
  }
  const c = pre.standardize().fit({ data: Float32Array.of(5, 5), shape: [2, 1] }).transform([[5], [7]]);
  assert.equal(Array.from(c.data), [0, 2], 'a constant column keeps scale 1');
});

test('minMax, maxAbs (per feature and global, seed 004), log1p, oneHot, select', () => {
  close(pre.minMax().fit(x).transform(x).data, [0, 0.5, 0.2, 0.6, 0.4, 1, 1, 0], 1e-6, 0);
  close(pre.minMax({ range: [-1, 1] }).fit(x).transform(x).data, [-1, 0, -0.6, 0.2, -0.2, 1, 1, -1], 1e-6, 0);
  close(pre.maxAbs().fit(x).transform(x).data, [1 / 6, 1 / 6, 2 / 6, 2 / 6, 3 / 6, 1, 1, -4 / 6], 1e-6, 0);
  close(pre.maxAbs({ perFeature: false }).fit(x).transform(x).data, Array.from(x.data, (v) => v / 60), 1e-6, 0);
  close(pre.log1p().fit(x).transform({ data: Float32Array.of(0, Math.E - 1), shape: [1, 2] }).data, [0, 1], 1e-6, 0);
  assert.throws(() => pre.log1p().fit(x).transform({ data: Float32Array.of(-1, 0), shape: [1, 2] }), /not > −1/);
  const oh = pre.oneHot(3).fit([[0], [2]]).transform([[2], [0], [1]]);
  assert.equal(oh.shape, [3, 3]);
  assert.equal(Array.from(oh.data), [0, 0, 1, 1, 0, 0, 0, 1, 0]);
  assert.throws(() => pre.oneHot(3).fit([[0]]).transform([[3]]), /label 0 is 3; expected an integer in \[0, 3\)/);
  assert.equal(Array.from(pre.select([1]).fit(x).transform(x).data), [10, 20, 60, -40]);
  assert.throws(() => pre.standardize().transform(x), /call fit/);
  assert.throws(() => pre.standardize().fit(x).transform([[1, 2, 3]]), /fitted on 2 columns/);
});

test('fitted on the training split only: validation values never reach the statistics', async () => {
  // Rows 0..79 in [0, 1), rows 80..99 huge: a leak would show in the fitted parameters.
  const n = 100;
  const xs = Float32Array.from({ length: n }, (_, i) => (i < 80 ? i / 80 : 1e6));
  const ds = data.fromArrays({ data: xs, shape: [n, 1] }, new Int32Array(n));
  const [train, val] = ds.split([0.8, 0.2]);
  for (const make of [() => pre.standardize(), () => pre.minMax(), () => pre.maxAbs()]) {
    const fromSplit = (await make().fit(train)).toJSON();
    const fromTrainRows = make().fit({ data: xs.subarray(0, 80), shape: [80, 1] }).toJSON();
    assert.equal(fromSplit, fromTrainRows, fromSplit.type);
  }
  const norm = await pre.maxAbs().fit(train);
  const v = await norm.transform(val).toArrays();
  assert.ok(v.x.data[0] > 1e5, 'validation data is scaled with the training maximum');
  // A seeded, shuffled split: statistics equal those of exactly the training rows.
  const [tr2] = ds.split([0.5, 0.5], { seed: 9 });
  const rows = (await tr2.toArrays()).x;
  assert.equal((await pre.standardize().fit(tr2)).toJSON(), pre.standardize().fit(rows).toJSON());
});

test('streaming datasets fit in one pass and transform lazily', async () => {
  const ds = data.fromGenerator(function* () {
    for (let i = 0; i < 10; i++) yield { x: [i, 2 * i], y: i % 3 };
  });
  const norm = await pre.minMax().fit(ds);
  const b = await pre.oneHot(3).transform(norm.transform(ds)).toArrays();
  assert.equal(b.x.shape, [10, 2]);
  assert.equal(b.y!.shape, [10, 3]);
  close(b.x.data.subarray(18), [1, 1], 1e-6, 0);
});

test('JSON round trip gives the same transform; bad JSON is rejected', () => {
  const steps = pre.pipeline([pre.select([1, 0]), pre.log1p(), pre.standardize()]);
  const pos = { data: Float32Array.of(1, 2, 3, 4, 5, 6), shape: [3, 2] };
  steps.fit(pos);
  const json = JSON.parse(JSON.stringify(steps.toJSON()));
  const again = pre.fromJSON(json);
  assert.equal(Array.from(again.transform(pos).data), Array.from(steps.transform(pos).data));
  for (const t of [pre.minMax(), pre.maxAbs({ perFeature: false }), pre.oneHot(4, { on: 'x' })]) {
    const src = t === undefined ? pos : t.type === 'oneHot' ? { data: Float32Array.of(3, 1), shape: [2, 1] } : pos;
    t.fit(src);
    assert.equal(Array.from(pre.fromJSON(JSON.parse(JSON.stringify(t))).transform(src).data), Array.from(t.transform(src).data), t.type);
  }
  assert.throws(() => pre.fromJSON({ type: 'eval', on: 'x', cols: 1 }), /unknown transform type "eval"/);
  assert.throws(() => pre.fromJSON({ type: 'standardize', on: 'x', cols: 2, shift: [0], scale: [1, 1] }), /standardize.shift must be 2 finite numbers/);
});

test.run();

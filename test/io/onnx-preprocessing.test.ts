// ONNX export with the preprocessing a model carries (issue 18): `lepton export` of a CLI-trained
// model, run in onnxruntime-node on the RAW columns, gives what `lepton predict` writes (regression:
// |a − b| ≤ 1e-5·|b|; a classifier: the same predicted class for every row, so the same accuracy),
// and toOnnx() on a library model carrying a transform's toJSON() reads raw x and undoes the y
// scaling.
import * as ort from 'onnxruntime-node';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { data, init, input, layers, model, sequential, type Tensor } from '../../src/index.js';
import { rand, rejects, tempDir } from '../helpers.js';

const root = new URL('../..', import.meta.url).pathname;
const lepton = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
};

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

async function run(bytes: Uint8Array, x: Tensor): Promise<Tensor> {
  const s = await ort.InferenceSession.create(bytes);
  const out = (await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', x.data, x.shape) }))[s.outputNames[0]];
  return { data: out.data as Float32Array, shape: [...out.dims].map(Number) };
}

/** The metadata_props (ModelProto field 14) of an ONNX file, read with a minimal protobuf walk. */
function metadata(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const varint = (b: Uint8Array, p: { i: number }) => {
    let v = 0, m = 1;
    for (;;) { const c = b[p.i++]; v += (c & 0x7f) * m; m *= 128; if (c < 0x80) return v; }
  };
  const fields = (b: Uint8Array) => {
    const f: [number, Uint8Array][] = [];
    for (const p = { i: 0 }; p.i < b.length;) {
      const tag = varint(b, p), wire = tag & 7;
      if (wire === 0) { varint(b, p); continue; }
      if (wire !== 2) throw new Error(`wire type ${wire}`);
      const n = varint(b, p);
      f.push([tag >> 3, b.subarray(p.i, p.i + n)]);
      p.i += n;
    }
    return f;
  };
  const text = new TextDecoder();
  for (const [k, v] of fields(bytes)) {
    if (k !== 14) continue;
    const e = Object.fromEntries(fields(v).map(([n, s]) => [n, text.decode(s)]));
    out[e[1]] = e[2];
  }
  return out;
}

/** y = 100 + 20·(2a − b/50 + 0.5c²) from columns far from unit scale: preprocessing matters. */
function writeRegression(dir: string, rows: number): { file: string; x: Tensor } {
  const lines = ['a,b,c,y'];
  const x = new Float32Array(rows * 3);
  let r = 7;
  const u = () => ((r = (r * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < rows; i++) {
    const a = u(), b = 50 * u() + 200, c = 3 * u();
    lines.push(`${a.toFixed(5)},${b.toFixed(3)},${c.toFixed(4)},${(100 + 20 * (2 * a - b / 50 + 0.5 * c * c)).toFixed(4)}`);
    x.set([Number(a.toFixed(5)), Number(b.toFixed(3)), Number(c.toFixed(4))], i * 3);
  }
  const file = join(dir, 'reg.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, x: { data: x, shape: [rows, 3] } };
}

test('lepton export of a CLI regression: onnxruntime on raw columns gives lepton predict to 1e-5', async () => {
  const dir = tempDir('lepton-onnx-prep-');
  const { file, x } = writeRegression(dir, 300);
  lepton('train', file, '--target', 'y', '--layers', '16,16', '--epochs', '15', '--out', join(dir, 'run'), '--quiet');
  const model = join(dir, 'run', 'model');
  lepton('predict', model, file, '--out', join(dir, 'p.csv'));
  const want = readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n').slice(1).map(Number);
  lepton('export', model, join(dir, 'm.onnx'));
  const bytes = readFileSync(join(dir, 'm.onnx'));
  const got = await run(bytes, x);
  assert.equal(got.shape, [300, 1]);
  let worst = 0;
  want.forEach((w, i) => { worst = Math.max(worst, Math.abs(got.data[i] - w) / Math.abs(w)); });
  assert.ok(worst <= 1e-5, `worst relative difference ${worst}`);
  if (process.env.LEPTON_SHOW) console.log(`regression: worst relative difference ${worst}`);
  const meta = metadata(bytes);
  assert.is(meta['lepton:task'], 'regression');
  assert.equal(JSON.parse(meta['lepton:features']), ['a', 'b', 'c']);
  assert.equal(JSON.parse(meta['lepton:targets']), ['y']);
  // the network alone (the file lepton wrote before) is far off on raw columns
  const { loadModel } = await import('../../src/index.js');
  const net = await loadModel(model);
  const bare = await run(await net.toOnnx({ preprocessing: false }), x);
  assert.ok(Math.abs(bare.data[0] - want[0]) > 1, `without preprocessing: ${bare.data[0]} against ${want[0]}`);
});

/** Three species, four measurements each; the label is text. */
function writeIris(dir: string): { file: string; x: Tensor; labels: string[] } {
  const species: [string, number[]][] = [['setosa', [5.0, 3.4, 1.5, 0.25]], ['versicolor', [5.9, 2.8, 4.3, 1.3]], ['virginica', [6.6, 3.0, 5.5, 2.0]]];
  let r = 11;
  const u = () => (r = (r * 16807) % 2147483647) / 2147483647;
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const lines = ['sepal_length,sepal_width,petal_length,petal_width,species'], x: number[] = [], labels: string[] = [];
  for (const [s, mean] of species) {
    for (let i = 0; i < 50; i++) {
      const v = mean.map((m, j) => Number((m + normal() * (j < 2 ? 0.4 : 0.35)).toFixed(1)));
      lines.push([...v, s].join(','));
      x.push(...v);
      labels.push(s);
    }
  }
  const file = join(dir, 'iris.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return { file, x: { data: Float32Array.from(x), shape: [150, 4] }, labels };
}

test('lepton export of a CLI classifier: probabilities on raw columns, the same classes and accuracy as lepton predict, class names in metadata', async () => {
  const dir = tempDir('lepton-onnx-prep-');
  const { file, x, labels } = writeIris(dir);
  lepton('train', file, '--target', 'species', '--layers', '16', '--epochs', '40', '--out', join(dir, 'run'), '--quiet');
  const model = join(dir, 'run', 'model');
  lepton('predict', model, file, '--out', join(dir, 'p.csv'));
  const rows = readFileSync(join(dir, 'p.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  lepton('export', model, join(dir, 'm.onnx'));
  const bytes = readFileSync(join(dir, 'm.onnx'));
  const names: string[] = JSON.parse(metadata(bytes)['lepton:classNames']);
  assert.equal(names, ['setosa', 'versicolor', 'virginica']);
  const p = await run(bytes, x);
  assert.equal(p.shape, [150, 3]);
  let right = 0, rightLepton = 0;
  for (let i = 0; i < 150; i++) {
    const q = Array.from(p.data.subarray(3 * i, 3 * i + 3));
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(q[c] - Number(rows[i][c])) <= 1e-5 * Math.abs(q[c]) + 1e-6, `row ${i}: onnxruntime ${q}, lepton ${rows[i]}`);
    const best = names[q.indexOf(Math.max(...q))];
    assert.is(best, rows[i][3], `row ${i}`);
    right += Number(best === labels[i]);
    rightLepton += Number(rows[i][3] === labels[i]);
  }
  assert.is(right, rightLepton);
  assert.ok(right >= 120, `${right} of 150 right`);
});

test('toOnnx() writes a model\'s transform JSON: x steps (standardize, select, log1p) at the input, y scaling undone at the output', async () => {
  const n = 40, xs = Float32Array.from(rand(n * 4, 3, 0, 30));
  const x: Tensor = { data: xs, shape: [n, 4] };
  const xPrep = data.preprocessing.pipeline([data.preprocessing.log1p(), data.preprocessing.select([3, 0, 2]), data.preprocessing.standardize()]).fit(x);
  const yPrep = data.preprocessing.minMax({ on: 'y', range: [-1, 1] }).fit({ data: rand(n * 2, 4, 50, 90), shape: [n, 2] });
  const net = sequential([layers.dense(6, { inputShape: [3], activation: 'tanh' }), layers.dense(2)], { seed: 5 });
  net.preprocessing = [...xPrep.toJSON(), yPrep.toJSON()];
  const scaled = net.predict(xPrep.transform(x)) as Tensor;
  const y = yPrep as unknown as { shift: Float64Array; scale: Float64Array };
  const want = scaled.data.map((v, k) => v / y.scale[k % 2] + y.shift[k % 2]);
  const got = await run(await net.toOnnx(), x);
  assert.equal(got.shape, [n, 2]);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got.data[i] - want[i]) <= 1e-5 * Math.abs(want[i]), `${i}: onnxruntime ${got.data[i]}, lepton ${want[i]}`);
  assert.equal(JSON.parse(metadata(await net.toOnnx())['lepton:preprocessing']), net.preprocessing);
  // given explicitly: the Pipeline object itself, for a model that carries nothing
  net.preprocessing = null;
  const onlyX = await run(await net.toOnnx({ preprocessing: xPrep }), x);
  for (let i = 0; i < scaled.data.length; i++) assert.ok(Math.abs(onlyX.data[i] - scaled.data[i]) <= 1e-5 * Math.abs(scaled.data[i]) + 1e-6, `${i}`);
  const plain = await run(await net.toOnnx(), xPrep.transform(x));
  for (let i = 0; i < scaled.data.length; i++) assert.ok(Math.abs(plain.data[i] - scaled.data[i]) <= 1e-5 * Math.abs(scaled.data[i]) + 1e-6, `${i}`);
});

test('toOnnx: a mistyped option, preprocessing it cannot write and a malformed one are clear errors', async () => {
  const net = sequential([layers.dense(2, { inputShape: [3] })], { name: 'net' });
  await rejects(net.toOnnx({ prepocessing: false } as never), /net\.toOnnx: unknown option 'prepocessing'; did you mean 'preprocessing'\?/);
  net.preprocessing = { mean: [1, 2, 3] };
  await rejects(net.toOnnx(), /net\.toOnnx: the model's preprocessing is not a transform's toJSON\(\).*\{ preprocessing: false \}/);
  assert.ok((await net.toOnnx({ preprocessing: false })).length > 100);
  net.preprocessing = { type: 'standardize', on: 'x', cols: 3, shift: [0, 1], scale: [1, 1, 1] };
  await rejects(net.toOnnx(), /net\.toOnnx: the model's preprocessing is malformed: .*standardize\.shift must be 3 finite numbers/);
  net.preprocessing = { type: 'oneHot', on: 'x', cols: 1, classes: 3 };
  await rejects(net.toOnnx(), /net\.toOnnx: a 'oneHot' step on x has no ONNX form/);
  net.preprocessing = { type: 'select', on: 'x', cols: 5, index: [0, 1] };
  await rejects(net.toOnnx(), /net\.toOnnx: the preprocessing gives 2 columns, the model reads \[3\]/);
  // two inputs: the preprocessing has no one input to go to
  const a = input({ shape: [2] }), b = input({ shape: [2] });
  const two = model({ inputs: [a, b], outputs: layers.add().apply([a, b]), name: 'two' });
  two.preprocessing = data.preprocessing.standardize().fit({ data: rand(8, 1), shape: [4, 2] }).toJSON();
  await rejects(two.toOnnx(), /two\.toOnnx: preprocessing is written for a model of one input and one output; this one has 2 and 1/);
  assert.ok((await two.toOnnx({ preprocessing: false })).length > 50);
});

test.run();

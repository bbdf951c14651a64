// Two edges of the model's public face: computeGradients with inputs refuses bad arrays before any
// kernel runs, as fit does; a model built from src/model alone (without the package entry, which
// connects io) says what to import when save() or toOnnx() is called.
import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, model } from '../../src/index.js';

await init();

const two = () => {
  const a = input({ shape: [3], name: 'a' }), b = input({ shape: [2], name: 'b' });
  const m = model({ inputs: [a, b], outputs: layers.dense(1).apply(layers.concatenate().apply([a, b])) });
  m.compile({ optimizer: 'sgd', loss: 'mse' });
  return m;
};
const t = (shape: number[]) => ({ data: new Float32Array(shape.reduce((p, d) => p * d, 1)), shape });

test('computeGradients(x, y, { inputs: true }) names the input, the shape it expects and the one it got', () => {
  const m = two();
  const before = m.getWeights().map((w) => Array.from(w.data));
  assert.throws(() => m.computeGradients([t([4, 3]), t([4, 3])], t([4, 1]), { inputs: true }), /b expects input \[\*, 2\], got x\[1\] of shape \[4, 3\]/);
  assert.throws(() => m.computeGradients([t([4, 3])], t([4, 1]), { inputs: true }), /has 2 inputs; pass an array of 2 tensors/);
  assert.throws(() => m.computeGradients([t([4, 3]), t([4, 2])], t([3, 1]), { inputs: true }), /y has 3 samples but x has 4/);
  const nan = t([4, 3]); nan.data[5] = NaN;
  assert.throws(() => m.computeGradients([nan, t([4, 2])], t([4, 1]), { inputs: true }), /NaN|finite/);
  assert.equal(m.getWeights().map((w) => Array.from(w.data)), before, 'nothing moved');
  const ok = m.computeGradients([t([4, 3]), t([4, 2])], t([4, 1]), { inputs: true });
  assert.equal(ok.inputGrads.map((g) => g.shape), [[4, 3], [4, 2]]);
});

test('without the package entry, save() and toOnnx() say to import lepton itself', () => {
  const script = `
    import { init } from './src/wasm/runtime.ts';
    import { sequential } from './src/model/index.ts';
    import { layers } from './src/layers/index.ts';
    await init();
    const m = sequential([layers.dense(1, { inputShape: [2] })]);
    const out = [];
    try { await m.toOnnx(); } catch (e) { out.push(e.message); }
    try { await m.save(); } catch (e) { out.push(e.message); }
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: new URL('../..', import.meta.url).pathname });
  assert.equal(r.status, 0, r.stderr);
  const [onnx, save] = JSON.parse(r.stdout.trim().split('\n').pop()!) as string[];
  for (const m of [onnx, save]) assert.match(m, /needs lepton's io, which the package entry installs: import lepton itself/);
});

test.run();

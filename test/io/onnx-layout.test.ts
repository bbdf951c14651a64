// The ONNX layout contract: exporters pass NHWC tensors; an NCHW operator is wrapped in
// onnxOps.toNchw / fromNchw, and the writer cancels each fromNchw → toNchw pair, so a chain of
// image operators has a Transpose only at each edge. Checked on the node list and in onnxruntime
// (the peephole's graph computes what the graph with every transpose kept computes).
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, onnxOps, sequential, type OnnxGraph } from '../../src/index.js';
import { buildOnnx, cancelTransposes } from '../../src/io/onnx.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

/** A node-list graph recording what exporters write (the writer's own shape). */
function recorder() {
  const nodes: { op: string; inputs: string[]; output: string; attrs: Record<string, never>; name: string }[] = [];
  let k = 0;
  const g = {
    node: (op: string, inputs: string[], output: string, attrs = {}) => void nodes.push({ op, inputs, output, attrs: attrs as Record<string, never>, name: `n${k++}` }),
    fresh: (b: string) => `${b}_${k++}`,
  } as unknown as OnnxGraph;
  return { nodes, g };
}

/** n image ops (Relu in NCHW), each wrapped toNchw → op → fromNchw, then a Flatten. */
function chain(g: OnnxGraph, x: string, n: number, out: string, breakPairs = false) {
  let h = x;
  for (let i = 0; i < n; i++) {
    // An Identity between the pair defeats the peephole: the graph with every transpose kept.
    const src = breakPairs && i > 0 ? (() => { const t = g.fresh('id'); g.node('Identity', [h], t); return t; })() : h;
    const c = onnxOps.toNchw(g, src);
    const y = g.fresh(`op${i}`);
    if (i % 2) g.node('MaxPool', [c], y, { kernel_shape: { ints: [2, 2] }, strides: { ints: [1, 1] } });
    else g.node('Relu', [c], y);
    const o = i === n - 1 && out.endsWith('!') ? out.slice(0, -1) : g.fresh(`img${i}`);
    onnxOps.fromNchw(g, y, o);
    h = o;
  }
  if (!out.endsWith('!')) g.node('Flatten', [h], out, { axis: { i: 1 } });
}

test('a chain of three image ops keeps one Transpose at the input and one before the flatten', () => {
  const { nodes, g } = recorder();
  chain(g, 'input', 3, 'output');
  assert.is(nodes.filter((n) => n.op === 'Transpose').length, 6);
  cancelTransposes(nodes, new Set(['output']));
  const ops = nodes.map((n) => n.op);
  assert.equal(ops, ['Transpose', 'Relu', 'MaxPool', 'Relu', 'Transpose', 'Flatten']);
  // The ops read each other directly; the first transpose reads the graph input.
  assert.is(nodes[0].inputs[0], 'input');
  for (let i = 1; i < 5; i++) assert.is(nodes[i].inputs[0], nodes[i - 1].output);
});

test('a transpose that writes a graph output is kept, and a pair whose NHWC tensor is also read elsewhere keeps that reader', () => {
  const { nodes, g } = recorder();
  chain(g, 'input', 2, 'output!');
  assert.equal(nodes.map((n) => n.op), ['Transpose', 'Relu', 'Transpose', 'Transpose', 'MaxPool', 'Transpose']);
  const side = nodes[2].output; // the first op's NHWC result
  g.node('Sigmoid', [side], 'side');
  cancelTransposes(nodes, new Set(['output', 'side']));
  assert.equal(nodes.map((n) => n.op), ['Transpose', 'Relu', 'Transpose', 'MaxPool', 'Transpose', 'Sigmoid']);
  assert.is(nodes.at(-2)!.output, 'output');
  assert.is(nodes[3].inputs[0], nodes[1].output); // MaxPool reads Relu's NCHW result
  assert.is(nodes.at(-1)!.inputs[0], side); // the NHWC reader still has its tensor
});

test('onnxruntime: the peephole graph computes what the graph with every transpose kept computes', async () => {
  const shape = [3, 5, 6, 4];
  const x = rand(shape.reduce((a, b) => a * b), 11);
  const run = async (breakPairs: boolean) => {
    const bytes = buildOnnx({
      name: 'layout', inputs: [{ name: 'input', shape: shape.slice(1) }], outputs: [{ name: 'output', shape: [4 * 3 * 4] }], values: new Map(),
      graph: (g) => chain(g, 'input', 4, 'output', breakPairs),
    });
    const s = await ort.InferenceSession.create(bytes);
    const out = await s.run({ input: new ort.Tensor('float32', x, shape) });
    return { data: out.output.data as Float32Array, transposes: count(bytes) };
  };
  const kept = await run(true), cut = await run(false);
  assert.is(kept.data.length, 3 * 3 * 4 * 4);
  assert.equal(Array.from(cut.data), Array.from(kept.data));
  assert.is(kept.transposes, 8);
  assert.is(cut.transposes, 2);
});

/** How many nodes of the file have op_type Transpose (NodeProto field 4 = "Transpose"). */
function count(bytes: Uint8Array): number {
  const pat = [0x22, 9, ...new TextEncoder().encode('Transpose')];
  let n = 0;
  for (let i = 0; i + pat.length <= bytes.length; i++) if (pat.every((b, j) => bytes[i + j] === b)) n++;
  return n;
}

test('a conv → pool → conv → flatten → dense model exports with one Transpose at the input and one before the flatten', async () => {
  const m = sequential([
    layers.conv2d(4, { inputShape: [9, 8, 3], kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }),
    layers.maxPooling2d({ poolSize: 2, padding: 'same' }),
    layers.conv2d(5, { kernelSize: [2, 3], strides: 2, activation: 'tanh', biasInitializer: 'randomNormal' }),
    layers.flatten(),
    layers.dense(3),
  ], { seed: 12 });
  const bytes = await m.toOnnx();
  assert.is(count(bytes), 2);
  const x = { data: rand(5 * 9 * 8 * 3, 13, -2, 2), shape: [5, 9, 8, 3] };
  const s = await ort.InferenceSession.create(bytes);
  const got = (await s.run({ input: new ort.Tensor('float32', x.data, x.shape) })).output.data as Float32Array;
  close(got, m.predict(x).data, 1e-6, 1e-5, 'onnxruntime vs lepton');
});

test.run();

// lepton's conv2d, conv2dTranspose, maxPooling2d and averagePooling2d (float32) against PyTorch in
// float64 with TensorFlow's conventions emulated (test/fixtures/make_conv_fixtures.py writes
// test/fixtures/conv/cases.json): the output, the mean-squared-error loss and its gradients with
// respect to the input, the kernel and the bias, for 'same' with an odd total padding, strides,
// dilation, outputPadding, strides longer than the window and odd sizes; and the ONNX export of
// each in onnxruntime against the same y.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, sequential, type Layer } from '../../src/index.js';
import { close } from '../helpers.js';

interface Arr { shape: number[]; data: number[] }
interface Case {
  name: string; layer: 'conv2d' | 'conv2dTranspose' | 'maxPooling2d' | 'averagePooling2d'; filters: number | null;
  options: Record<string, unknown>; x: Arr; weights: Arr[]; target: Arr; y: Arr; loss: number; dx: number[]; dWeights: number[][];
}

const cases = (JSON.parse(readFileSync(new URL('../fixtures/conv/cases.json', import.meta.url), 'utf8')) as { cases: Case[] }).cases;

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

test('the fixtures cover every layer, both paddings, strides, dilation and outputPadding', () => {
  assert.equal([...new Set(cases.map((c) => c.layer))].sort(), ['averagePooling2d', 'conv2d', 'conv2dTranspose', 'maxPooling2d']);
  assert.ok(cases.some((c) => c.options.padding === 'same') && cases.some((c) => c.options.padding === 'valid'));
  assert.ok(cases.some((c) => (c.options.dilationRate as number[] | undefined)?.some((d) => d > 1)));
  assert.ok(cases.some((c) => c.options.outputPadding));
});

const make = (c: Case): Layer => {
  const args = { ...c.options, inputShape: c.x.shape.slice(1) };
  if (c.layer === 'conv2d') return layers.conv2d(c.filters!, args as never);
  if (c.layer === 'conv2dTranspose') return layers.conv2dTranspose(c.filters!, args as never);
  return layers[c.layer](args as never);
};
const t = (a: Arr) => ({ data: Float32Array.from(a.data), shape: a.shape });

for (const c of cases) {
  test(`${c.name}: output, loss and gradients match PyTorch (float64)`, () => {
    const m = sequential([make(c)], { seed: 1 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    if (c.weights.length) m.setWeights(c.weights.map(t));
    const x = t(c.x);
    const y = m.predict(x);
    assert.equal(y.shape, c.y.shape, 'output shape');
    close(y.data, c.y.data, 1e-5, 1e-5, `${c.name}: y`);
    const g = m.computeGradients(x, t(c.target), { inputs: true });
    close([g.loss], [c.loss], 1e-6, 1e-5, `${c.name}: loss`);
    close(g.inputGrads[0].data, c.dx, 1e-6, 1e-4, `${c.name}: dx`);
    c.dWeights.forEach((want, i) => close(g.grads[i].data, want, 1e-6, 1e-4, `${c.name}: ${m.weights[i].name}`));
  });
  // The same layer exported: onnxruntime's Conv/ConvTranspose/MaxPool/AveragePool with the explicit
  // pads (and output_padding where a stride is longer than the window) give PyTorch's y.
  test(`${c.name}: the ONNX export in onnxruntime gives the same y`, async () => {
    const m = sequential([make(c)], { seed: 1 });
    if (c.weights.length) m.setWeights(c.weights.map(t));
    const session = await ort.InferenceSession.create(await m.toOnnx());
    const out = (await session.run({ input: new ort.Tensor('float32', Float32Array.from(c.x.data), c.x.shape) })).output;
    assert.equal([...out.dims].map(Number), c.y.shape, 'output shape');
    close(out.data as Float32Array, c.y.data, 1e-5, 1e-5, `${c.name}: onnxruntime y`);
  });
}

test.run();

// ONNX export runs in onnxruntime-node and agrees with lepton's predict: every activation, the
// activation layers, PReLU, dense without bias; tolerance |a − b| ≤ 1e-5·|b| + 1e-6.
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, onnxOps, sequential, type Sequential } from '../../src/index.js';
import { buildOnnx, registerOnnxExporter } from '../../src/io/onnx.js';
import { ProtoWriter } from '../../src/io/protobuf.js';
import { rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

async function runOnnx(bytes: Uint8Array, feeds: Record<string, { data: Float32Array; shape: number[] }>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const input: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) input[k] = new ort.Tensor('float32', v.data, v.shape);
  const out = await session.run(input);
  return out[session.outputNames[0]].data as Float32Array;
}

async function parity(m: Sequential, inDim: number, rows = 37, scale = 3) {
  const x = { data: rand(rows * inDim, 5, -scale, scale), shape: [rows, inDim] };
  const want = m.predict(x).data;
  const got = await runOnnx(m.toOnnx(), { input: x });
  assert.is(got.length, want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]) / (1e-5 * Math.abs(want[i]) + 1e-6);
    worst = Math.max(worst, err);
    if (err > 1) assert.unreachable(`${m.name} output ${i}: lepton ${want[i]}, onnxruntime ${got[i]}`);
  }
  return worst;
}

for (const act of ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'selu', 'softplus', 'softmax']) {
  test(`dense + ${act} matches onnxruntime`, async () => {
    const m = sequential([layers.dense(24, { activation: act, inputShape: [10], biasInitializer: 'randomNormal' }), layers.dense(7, { activation: act })], { seed: 3, name: `dense_${act}` });
    await parity(m, 10);
  });
}

test('activation layers, LeakyReLU, ELU, PReLU, Softmax and a dense without bias match onnxruntime', async () => {
  const m = sequential([
    layers.dense(16, { inputShape: [5], useBias: false }),
    layers.leakyReLU({ alpha: 0.15 }),
    layers.dense(16),
    layers.prelu({ alphaInitializer: 'randomUniform' }),
    layers.dense(16),
    layers.elu({ alpha: 0.6 }),
    layers.activation('selu'),
    layers.dense(16),
    layers.activation('softplus'),
    layers.dense(4),
    layers.softmax(),
  ], { seed: 4 });
  await parity(m, 5);
});

test('the extension points: batch norm (inference form) and merge layers through onnxOps', async () => {
  // A stand-in layer graph: two inputs, BatchNormalization on one, then each merge op.
  const stub = (className: string) => ({ className, name: className.toLowerCase(), weights: [] }) as unknown as Parameters<typeof buildOnnx>[0]['steps'][0]['layer'];
  const gamma = Float32Array.of(1.5, 0.5, 2), beta = Float32Array.of(0.1, -0.2, 0.3), mean = Float32Array.of(0.5, -1, 0), variance = Float32Array.of(4, 0.25, 1);
  const a = { data: rand(6 * 3, 8), shape: [6, 3] }, b = { data: rand(6 * 3, 9), shape: [6, 3] };
  const bn = (i: number, j: number) => gamma[j] * (a.data[i * 3 + j] - mean[j]) / Math.sqrt(variance[j] + 1e-3) + beta[j];
  const refs: Record<string, (i: number, j: number) => number> = {
    Add: (i, j) => bn(i, j) + b.data[i * 3 + j], Sub: (i, j) => bn(i, j) - b.data[i * 3 + j], Mul: (i, j) => bn(i, j) * b.data[i * 3 + j],
    Mean: (i, j) => (bn(i, j) + b.data[i * 3 + j]) / 2,
  };
  for (const op of ['Add', 'Sub', 'Mul', 'Mean', 'Concat'] as const) {
    registerOnnxExporter('TestBatchNorm', (_l, [x], out, g) => onnxOps.batchNormInference(g, x, { prefix: 'bn', gamma, beta, mean, variance, epsilon: 1e-3 }, out));
    registerOnnxExporter('TestMerge', (_l, inputs, out, g) => onnxOps.merge(g, op, inputs, out));
    const bytes = buildOnnx({
      name: `merge_${op}`, inputs: [{ name: 'a', shape: [3] }, { name: 'b', shape: [3] }],
      steps: [{ layer: stub('TestBatchNorm'), inputs: ['a'], output: 'bn' }, { layer: stub('TestMerge'), inputs: ['bn', 'b'], output: 'out' }],
      outputs: [{ name: 'out', shape: [op === 'Concat' ? 6 : 3] }], weights: new Map(),
    });
    const got = await runOnnx(bytes, { a, b });
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < (op === 'Concat' ? 6 : 3); j++) {
        const want = op === 'Concat' ? (j < 3 ? bn(i, j) : b.data[i * 3 + j - 3]) : refs[op](i, j);
        const v = got[i * (op === 'Concat' ? 6 : 3) + j];
        assert.ok(Math.abs(v - want) <= 1e-5 * Math.abs(want) + 1e-6, `${op} [${i}, ${j}]: ${v} vs ${want}`);
      }
    }
  }
});

test('protobuf writer: varints, negative int64, floats, nested messages', () => {
  const w = new ProtoWriter().int(1, 150).int(2, -1).float(3, 1.5).message(4, (m) => m.string(1, 'hi'));
  assert.equal(Array.from(w.finish()), [0x08, 0x96, 0x01, 0x10, ...Array(9).fill(0xff), 0x01, 0x1d, 0, 0, 0xc0, 0x3f, 0x22, 4, 0x0a, 2, 0x68, 0x69]);
});

test('an unbuilt model, or a layer without an exporter, is a clear error', () => {
  assert.throws(() => sequential([layers.dense(2)]).toOnnx(), /not built yet/);
  const conv = { className: 'Conv2D', name: 'conv2d', weights: [] } as unknown as Parameters<typeof buildOnnx>[0]['steps'][0]['layer'];
  assert.throws(() => buildOnnx({ name: 'm', inputs: [{ name: 'x', shape: [3] }], steps: [{ layer: conv, inputs: ['x'], output: 'y' }], outputs: [{ name: 'y', shape: [3] }], weights: new Map() }),
    /conv2d is a Conv2D layer, which has no ONNX exporter/);
});

test.run();

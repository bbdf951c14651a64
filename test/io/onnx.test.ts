// ONNX export runs in onnxruntime-node and agrees with lepton's predict: every activation, the
// activation layers, PReLU, dense without bias; tolerance |a − b| ≤ 1e-5·|b| + 1e-6.
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Layer, layers, onnxOps, registerOnnxExporter, sequential, type Buf, type Ctx, type LayerArgs, type Sequential } from '../../src/index.js';
import { buildOnnx, exporters } from '../../src/io/onnx.js';
import type { Dense } from '../../src/layers/dense.js';
import { ProtoWriter } from '../../src/io/protobuf.js';
import { rand, rejects } from '../helpers.js';

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
  const got = await runOnnx(await m.toOnnx(), { input: x });
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

test('the building blocks: batch norm (inference form) and every merge through onnxOps', async () => {
  // A stand-in graph: two inputs, BatchNormalization on one, then each merge op.
  const gamma = Float32Array.of(1.5, 0.5, 2), beta = Float32Array.of(0.1, -0.2, 0.3), mean = Float32Array.of(0.5, -1, 0), variance = Float32Array.of(4, 0.25, 1);
  const a = { data: rand(6 * 3, 8), shape: [6, 3] }, b = { data: rand(6 * 3, 9), shape: [6, 3] };
  const bn = (i: number, j: number) => gamma[j] * (a.data[i * 3 + j] - mean[j]) / Math.sqrt(variance[j] + 1e-3) + beta[j];
  const refs: Record<string, (i: number, j: number) => number> = {
    Add: (i, j) => bn(i, j) + b.data[i * 3 + j], Sub: (i, j) => bn(i, j) - b.data[i * 3 + j], Mul: (i, j) => bn(i, j) * b.data[i * 3 + j],
    Mean: (i, j) => (bn(i, j) + b.data[i * 3 + j]) / 2,
  };
  for (const op of ['Add', 'Sub', 'Mul', 'Mean', 'Concat'] as const) {
    const bytes = buildOnnx({
      name: `merge_${op}`, inputs: [{ name: 'a', shape: [3] }, { name: 'b', shape: [3] }], outputs: [{ name: 'out', shape: [op === 'Concat' ? 6 : 3] }], values: new Map(),
      graph(g) {
        const h = g.fresh('bn');
        onnxOps.batchNormInference(g, 'a', { prefix: 'bn', gamma, beta, mean, variance, epsilon: 1e-3 }, h);
        onnxOps.merge(g, op, [h, 'b'], 'out');
      },
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

/** A user's layer without writeOnnx: y = 2x. */
class Twice extends Layer {
  readonly className = 'Twice';
  constructor(args: LayerArgs = {}) {
    super('twice', args);
  }
  computeOutputShape(inputShape: number[]): number[] {
    return inputShape;
  }
  forward(x: Buf, ctx: Ctx): Buf {
    const y = { ptr: ctx.scratch.alloc(x.rows * x.cols * 4), rows: x.rows, cols: x.cols };
    ctx.k.f32_scale(x.rows * x.cols, 2, x.ptr, y.ptr);
    return y;
  }
  backward(dy: Buf, ctx: Ctx, needDx: boolean): Buf | null {
    if (needDx) ctx.k.f32_scale(dy.rows * dy.cols, 2, dy.ptr, dy.ptr);
    return needDx ? dy : null;
  }
  getConfig(): Record<string, unknown> {
    return this.config();
  }
}

test("a user's layer class exports through registerOnnxExporter, which also wins over a built-in's writeOnnx", async () => {
  const m = sequential([layers.dense(6, { inputShape: [4], activation: 'tanh' }), new Twice(), layers.dense(3)], { seed: 5 });
  await rejects(m.toOnnx(), /twice\w* is a Twice layer, which has no ONNX exporter/);
  registerOnnxExporter('Twice', (_l, [x], out, g) => g.node('Mul', [x, g.constant('two', Float32Array.of(2), [])], out));
  await parity(m, 4);
  // a Dense written as MatMul + Add by the user's exporter instead of its own Gemm
  registerOnnxExporter('Dense', (l, [x], out, g) => {
    const [k, b] = g.weights(l);
    const z = g.fresh(`${l.name}/z`);
    g.node('MatMul', [x, g.constant(`${l.name}/k`, k, [k.length / b.length, b.length])], z);
    const act = (l as Dense).activation;
    const y = act.name === 'linear' ? out : g.fresh(`${l.name}/y`);
    g.node('Add', [z, g.constant(`${l.name}/b`, b, [b.length])], y);
    if (y !== out) onnxOps.activation(g, y, act, out);
  });
  try {
    await parity(m, 4);
  } finally {
    exporters.delete('Dense');
    exporters.delete('Twice');
  }
});

test('protobuf writer: varints, negative int64, floats, nested messages', () => {
  const w = new ProtoWriter().int(1, 150).int(2, -1).float(3, 1.5).message(4, (m) => m.string(1, 'hi'));
  assert.equal(Array.from(w.finish()), [0x08, 0x96, 0x01, 0x10, ...Array(9).fill(0xff), 0x01, 0x1d, 0, 0, 0xc0, 0x3f, 0x22, 4, 0x0a, 2, 0x68, 0x69]);
});

test('an unbuilt model is a clear error', async () => {
  await rejects(sequential([layers.dense(2)]).toOnnx(), /not built yet/);
});

test.run();

// The layers on images export in NCHW between onnxOps.toNchw and fromNchw, so among convolutions
// their transposes cancel: a decoder-like chain conv → batch norm → upsampling → zero padding →
// cropping → conv → global pooling → dense has a single Transpose (at the input; the global
// pooling's [batch, c, 1, 1] is flattened, not transposed back). onnxruntime computes what lepton
// predicts.
import * as ort from 'onnxruntime-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, sequential, type Model } from '../../src/index.js';
import { close, rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

/** How many nodes of the file have op_type Transpose (NodeProto field 4 = "Transpose"). */
function transposes(bytes: Uint8Array): number {
  const pat = [0x22, 9, ...new TextEncoder().encode('Transpose')];
  let n = 0;
  for (let i = 0; i + pat.length <= bytes.length; i++) if (pat.every((b, j) => bytes[i + j] === b)) n++;
  return n;
}

async function parity(m: Model, shape: number[], want: number): Promise<void> {
  // Moving statistics away from 0 and 1, so that the batch norm's export is exercised.
  m.setWeights(m.getWeights().map((w, i) => ({ data: rand(w.data.length, 40 + i, /variance|gamma/.test(m.weights[i].name) ? 0.5 : -0.5, 1.5), shape: w.shape })));
  const bytes = await m.toOnnx();
  assert.is(transposes(bytes), want, 'Transpose nodes');
  const x = { data: rand(shape.reduce((a, b) => a * b, 1), 7, -2, 2), shape };
  const s = await ort.InferenceSession.create(bytes);
  const got = (await s.run({ input: new ort.Tensor('float32', x.data, shape) })).output.data as Float32Array;
  close(got, (m.predict(x) as { data: Float32Array }).data, 1e-6, 1e-5, 'onnxruntime vs lepton');
}

test('conv → batch norm → upsampling → padding → cropping → conv → global average pooling → dense: one Transpose', async () => {
  const m = sequential([
    layers.conv2d(4, { inputShape: [6, 5, 3], kernelSize: 3, padding: 'same', activation: 'relu' }),
    layers.batchNormalization(),
    layers.upSampling2d([2, 3]),
    layers.zeroPadding2d([[1, 0], [2, 1]]),
    layers.cropping2d([[0, 2], [1, 3]]),
    layers.conv2d(5, { kernelSize: 2, strides: 2, activation: 'tanh' }),
    layers.globalAveragePooling2d(),
    layers.dense(3),
  ], { seed: 21 });
  await parity(m, [4, 6, 5, 3], 1);
});

test('global max pooling after a conv, and the layers on their own (a Transpose at each edge)', async () => {
  await parity(sequential([layers.conv2d(3, { inputShape: [5, 5, 2], kernelSize: 2 }), layers.globalMaxPooling2d()], { seed: 22 }), [3, 5, 5, 2], 1);
  await parity(sequential([layers.zeroPadding2d({ inputShape: [3, 4, 2] }), layers.upSampling2d(), layers.cropping2d(1), layers.batchNormalization(), layers.flatten()], { seed: 23 }), [2, 3, 4, 2], 2);
});

test.run();

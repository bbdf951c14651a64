// Bytes a training step allocates on the JS heap, for test/model/alloc.test.ts: one model in a
// fresh process, as a program that trains sees it (in a process that has run many other models,
// V8 optimizes the shared call sites for all of them and boxes more numbers). Prints JSON.
//   node --import tsx test/model/alloc.child.ts <case>
import { Session } from 'node:inspector/promises';
import { init, input, layers, model, optimizers, sequential, type Model, type Sequential } from '../../src/index.js';
import { rand } from '../helpers.js';

/** Bytes V8's sampling heap profiler saw allocated (every ~64 bytes, garbage included) while `f` ran. */
async function allocated(f: () => Promise<unknown>): Promise<number> {
  const s = new Session();
  s.connect();
  try {
    await s.post('HeapProfiler.enable');
    await s.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    await f();
    const { profile } = await s.post('HeapProfiler.stopSampling');
    let total = 0;
    const walk = (n: typeof profile.head): void => {
      total += n.selfSize;
      for (const c of n.children) walk(c);
    };
    walk(profile.head);
    return total;
  } finally {
    s.disconnect();
  }
}

const BATCH = 32;
const data = (steps: number) => ({ x: { data: rand(steps * BATCH * 8, 1), shape: [steps * BATCH, 8] }, y: { data: rand(steps * BATCH * 2, 2), shape: [steps * BATCH, 2] } });

export const CASES: Record<string, () => Sequential | Model> = {
  'dense MLP, Adam, MSE': () => {
    const net = sequential([layers.dense(64, { activation: 'tanh', inputShape: [8] }), layers.dense(64, { activation: 'relu' }), layers.dense(2)], { seed: 1 });
    net.compile({ optimizer: optimizers.adam(), loss: 'mse' });
    return net;
  },
  'batch norm, SGD with momentum, a metric': () => {
    const net = sequential([layers.dense(64, { activation: 'tanh', inputShape: [8] }), layers.batchNormalization(), layers.dense(64, { activation: 'relu' }), layers.dense(2)], { seed: 1 });
    net.compile({ optimizer: optimizers.sgd({ learningRate: 0.01, momentum: 0.9 }), loss: 'mse', metrics: ['mae'] });
    return net;
  },
  // Convolutional layers (issue 14): the geometry blocks and argmax in the step's scratch.
  'conv2d, max and average pooling, conv2dTranspose, Adam': () => {
    const net = sequential([
      layers.reshape([2, 2, 2], { inputShape: [8] }),
      layers.conv2d(6, { kernelSize: 2, padding: 'same', activation: 'relu' }),
      layers.maxPooling2d({ poolSize: 2, strides: 1, padding: 'same' }),
      layers.conv2dTranspose(4, { kernelSize: 2, strides: 2, activation: 'softmax' }),
      layers.averagePooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense(2),
    ], { seed: 1 });
    net.compile({ optimizer: optimizers.adam(), loss: 'mse' });
    return net;
  },
  // issue 17: the 8 features of a sample as 4 timesteps of 2
  'masking, LSTM, bidirectional GRU, timeDistributed dense, Adam': () => {
    const net = sequential([
      layers.masking({ inputShape: [4, 2] }), layers.timeDistributed(layers.dense(3)), layers.lstm(8, { returnSequences: true }),
      layers.bidirectional(layers.gru(4)), layers.dense(2),
    ], { seed: 1 });
    net.compile({ optimizer: optimizers.adam(), loss: 'mse' });
    return net;
  },
  // issue 17, second part: GRU resetAfter false, recurrent dropout on every cell
  'GRU resetAfter false, recurrentDropout (SimpleRNN, LSTM, GRU), Adam': () => {
    const net = sequential([
      layers.simpleRNN(4, { inputShape: [4, 2], returnSequences: true, recurrentDropout: 0.3 }), layers.lstm(5, { returnSequences: true, recurrentDropout: 0.2 }),
      layers.gru(6, { resetAfter: false, recurrentDropout: 0.25, dropout: 0.1 }), layers.dense(2),
    ], { seed: 1 });
    net.compile({ optimizer: optimizers.adam(), loss: 'mse' });
    return net;
  },
  // issue 17, second part: a functional seq2seq (states returned and passed on), a mask through layer norm
  'seq2seq: returnState → initialState (LSTM, GRU resetAfter false), masking → layerNormalization, Adam': () => {
    const x = input({ shape: [4, 2] });
    const n = layers.layerNormalization().apply(layers.masking().apply(x));
    const [s, h, c] = layers.lstm(8, { returnSequences: true, returnState: true, recurrentDropout: 0.2 }).apply(n);
    const d = layers.lstm(8).apply(n, { initialState: [h, c] });
    const g = layers.gru(8, { resetAfter: false }).apply(s, { initialState: [h] });
    const net = model({ inputs: x, outputs: layers.dense(2).apply(layers.concatenate().apply([d, g])), seed: 1 });
    net.compile({ optimizer: optimizers.adam(), loss: 'mse' });
    return net;
  },
  'layers on images (padding, upsampling, cropping, batch norm, global pooling), Adam': () => {
    const net = sequential([
      layers.reshape([2, 2, 2], { inputShape: [8] }), layers.zeroPadding2d(1), layers.upSampling2d({ interpolation: 'bilinear' }), layers.upSampling2d(),
      layers.cropping2d([1, 2]), layers.batchNormalization(), layers.globalMaxPooling2d(), layers.dense(2),
    ], { seed: 1 });
    net.compile({ optimizer: optimizers.adam(), loss: 'mse' });
    return net;
  },
};

if (process.argv[1]?.endsWith('alloc.child.ts')) {
  await init(new URL('../../build/lepton.wasm', import.meta.url), { threads: 1 });
  const net = CASES[process.argv[2]]();
  const short = data(200), long = data(2200);
  const x = (d: typeof short) => ({ data: d.x.data, shape: [d.x.shape[0], ...net.inputs[0].shape] }); // [n, 8] or [n, 4, 2]
  const fit = (d: typeof short) => () => net.fit(x(d), d.y, { epochs: 1, batchSize: BATCH, verbose: 0 });
  await fit(short)(); // warm: compiled, scratch and arena at their high-water marks
  await fit(long)();
  // The two fits differ by 2000 steps only, so their setup cancels out.
  const a = await allocated(fit(short));
  const b = await allocated(fit(long));
  console.log(JSON.stringify({ bytesPerStep: (b - a) / 2000 }));
}

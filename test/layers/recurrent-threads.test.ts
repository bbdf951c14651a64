// The recurrent features of issue 17's second part train to the same bits on 1 and 2 threads: a
// seq2seq (returnState → initialState) of GRU resetAfter false and LSTM with recurrentDropout,
// masked inputs through timeDistributed dense. The recurrent kernels run on the calling thread;
// the gemms around them (input projections, weight gradients) and Adam split as elsewhere.
// Plain and fast builds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, model, optimizers } from '../../src/index.js';
import { tuning } from '../../src/wasm/parallel.js';
import { resetForTests, threadsReady, type RuntimeState } from '../../src/wasm/runtime.js';
import { rand } from '../helpers.js';

const defaults = { ...tuning };
test.after.each(() => {
  Object.assign(tuning, defaults);
});
test.after(() => resetForTests());

async function trained(rt: RuntimeState, threads: number): Promise<Uint32Array[]> {
  rt.pool!.resize(threads);
  const x = input({ shape: [6, 3] }), d = input({ shape: [5, 2] });
  const masked = layers.timeDistributed(layers.dense(8, { activation: 'tanh' })).apply(layers.masking().apply(x));
  const [, h] = layers.gru(12, { returnState: true, resetAfter: false, recurrentDropout: 0.2 }).apply(masked);
  const [seq, h2, c2] = layers.lstm(12, { returnSequences: true, returnState: true, recurrentDropout: 0.3 }).apply(masked);
  const dec = layers.lstm(12, { returnSequences: false }).apply(d, { initialState: [h2, c2] });
  const out = layers.dense(3, { activation: 'softmax' }).apply(layers.concatenate().apply([dec, h, layers.simpleRNN(4).apply(seq)]));
  const net = model({ inputs: [x, d], outputs: out, seed: 5 });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-2 }), loss: 'sparseCategoricalCrossentropy' });
  const n = 96, xs = rand(n * 6 * 3, 2, -1, 2);
  for (let i = 0; i < n; i++) xs.fill(0, (i * 6 + 6 - (i % 3)) * 3, (i + 1) * 6 * 3); // padded ends
  await net.fit([{ data: xs, shape: [n, 6, 3] }, { data: rand(n * 5 * 2, 3, -1, 1), shape: [n, 5, 2] }], { data: new Float32Array(n).map((_, i) => i % 3), shape: [n] }, { epochs: 2, batchSize: 32, verbose: 0 });
  return net.getWeights().map((w) => new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length));
}

for (const fast of [false, true]) {
  test(`${fast ? 'fast' : 'plain'}: a masked seq2seq with GRU resetAfter false and recurrent dropout trains to the same bits on 1 and 2 threads`, async () => {
    resetForTests();
    const rt = (await init({ fast, threads: 2 })) as RuntimeState;
    assert.is(await threadsReady(), 2, 'both threads started');
    tuning.minElements = 64; // split the small gemms too
    const one = await trained(rt, 1);
    const jobs = rt.pool!.jobs;
    const two = await trained(rt, 2);
    assert.ok(rt.pool!.jobs - jobs > 0, `work was split (${rt.pool!.jobs - jobs} jobs)`);
    one.forEach((w, i) => assert.equal(Array.from(two[i]), Array.from(w), `weight ${i}`));
  });
}

test.run();

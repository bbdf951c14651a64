// The layers on images train to the same bits on 1 and 2 threads: the global poolings run on the
// pooling kernels, which the pool splits (by images backward, by rows forward) with every output
// element one chunk's; padding, cropping and upsampling are single-threaded copies; the dense head
// and Adam split as elsewhere. Plain and fast builds.
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
  const x = input({ shape: [9, 8, 4] });
  const h = layers.batchNormalization({ momentum: 0.9 }).apply(layers.cropping2d([[1, 0], [2, 3]]).apply(layers.upSampling2d([2, 1]).apply(layers.zeroPadding2d(1).apply(x))));
  const pooled = layers.concatenate().apply([layers.globalAveragePooling2d().apply(h), layers.globalMaxPooling2d().apply(h)]);
  const net = model({ inputs: x, outputs: layers.dense(3, { activation: 'softmax' }).apply(pooled), seed: 5 });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-2 }), loss: 'sparseCategoricalCrossentropy' });
  const n = 96;
  await net.fit({ data: rand(n * 9 * 8 * 4, 2, -1, 2), shape: [n, 9, 8, 4] }, { data: new Float32Array(n).map((_, i) => i % 3), shape: [n] }, { epochs: 2, batchSize: 32, verbose: 0 });
  return net.getWeights().map((w) => new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length));
}

for (const fast of [false, true]) {
  test(`${fast ? 'fast' : 'plain'}: a model of padding, upsampling, cropping, batch norm and both global poolings trains to the same bits on 1 and 2 threads`, async () => {
    resetForTests();
    const rt = (await init({ fast, threads: 2 })) as RuntimeState;
    assert.is(await threadsReady(), 2, 'both threads started');
    tuning.minElements = 64; // split the poolings of these small images
    const one = await trained(rt, 1);
    const jobs = rt.pool!.jobs;
    const two = await trained(rt, 2);
    assert.ok(rt.pool!.jobs - jobs >= 24, `the poolings were split (${rt.pool!.jobs - jobs} jobs)`);
    one.forEach((w, i) => assert.equal(Array.from(two[i]), Array.from(w), `weight ${i}`));
  });
}

test.run();

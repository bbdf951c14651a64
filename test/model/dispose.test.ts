// model.dispose(): the memory back to the arena at once (where there is no FinalizationRegistry,
// the only way before the isolate goes; test/workerd-2024.test.ts runs it there), and clear errors
// for a disposed model and for a model that shares layers whose weights it placed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, input, layers, model, optimizers, sequential } from '../../src/index.js';
import { runtime } from '../../src/wasm/runtime.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const x = [[0], [0.5], [1], [-1]], y = [[0], [0.25], [1], [1]];

test('dispose gives every block back: building, training and disposing again leaves the arena as it was', async () => {
  const round = async () => {
    const net = sequential([layers.dense(32, { activation: 'tanh', inputShape: [1] }), layers.batchNormalization(), layers.dense(1)], { seed: 1 });
    net.compile({ optimizer: optimizers.adam(0.01), loss: 'mse' });
    await net.fit(x, y, { epochs: 3, batchSize: 2, verbose: 0 });
    net.predict(x);
    return net;
  };
  (await round()).dispose(); // first use may grow shared things (the gemm workspace of the runtime)
  const used = runtime().arena.used();
  const net = await round();
  assert.ok(runtime().arena.used() > used, 'a model holds memory');
  net.dispose();
  assert.is(runtime().arena.used(), used);
  net.dispose(); // twice is harmless
  assert.is(runtime().arena.used(), used);
  assert.throws(() => net.predict(x), /sequential(_\d+)?\.predict: the model was disposed/);
  await net.fit(x, y).then(() => assert.unreachable(), (e) => assert.match(String(e), /\.fit: the model was disposed/));
  assert.throws(() => net.getWeights(), /getWeights: the model was disposed/);
});

test('a model that shares layers of a disposed model says whose weights are gone', () => {
  const i = input({ shape: [2] });
  const inner = layers.dense(3, { name: 'shared_dense' });
  const a = model({ inputs: i, outputs: inner.apply(i), name: 'owner' });
  const j = input({ shape: [2] });
  const b = model({ inputs: j, outputs: layers.dense(1).apply(inner.apply(j)), name: 'borrower' });
  b.predict([[1, 2]]);
  a.dispose();
  assert.throws(() => b.predict([[1, 2]]), /borrower\.predict: shared_dense\/kernel belonged to owner, which was disposed/);
});

test.run();

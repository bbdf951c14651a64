// Checkpoints: 10 epochs uninterrupted equal 5 epochs + load the checkpoint + 5 more, bit for
// bit (shuffling on, Adam with a schedule, a validation split); saveBestOnly keeps the best epoch.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callbacks, init, layers, loadModel, optimizers, schedules, sequential, type Sequential } from '../../src/index.js';
import { rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const n = 120;
const xs = rand(n * 3, 21);
const x = { data: xs, shape: [n, 3] };
const y = { data: Float32Array.from({ length: n }, (_, i) => Math.sin(3 * xs[i * 3]) + xs[i * 3 + 1] * xs[i * 3 + 2]), shape: [n, 1] };

function make(): Sequential {
  const m = sequential([layers.dense(16, { activation: 'tanh', inputShape: [3] }), layers.prelu(), layers.dense(8, { activation: 'selu' }), layers.dense(1)], { seed: 99 });
  m.compile({ optimizer: optimizers.adam({ learningRate: schedules.exponentialDecay({ initialLearningRate: 0.02, decaySteps: 20, decayRate: 0.7 }) }), loss: 'mse', metrics: ['mae'] });
  return m;
}
const fitArgs = { batchSize: 8, shuffle: true, validationSplit: 0.2, verbose: 0 as const };
const bits = (m: Sequential) => m.getWeights().flatMap((w) => Array.from(new Uint32Array(w.data.buffer, w.data.byteOffset, w.data.length)));

test('10 epochs equal 5 epochs + load the checkpoint + 5 more, bit for bit', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lepton-resume-'));
  try {
    const whole = make();
    const h10 = await whole.fit(x, y, { ...fitArgs, epochs: 10 });

    const first = make();
    await first.fit(x, y, { ...fitArgs, epochs: 5, callbacks: [callbacks.modelCheckpoint({ path: dir })] });
    const resumed = await loadModel(dir);
    assert.is(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')).epoch, 5);
    const h5 = await resumed.fit(x, y, { ...fitArgs, epochs: 10, initialEpoch: 5 });

    assert.equal(h5.history.loss, h10.history.loss.slice(5));
    assert.equal(h5.history.val_loss, h10.history.val_loss.slice(5));
    assert.equal(bits(resumed), bits(whole));
    assert.is(resumed.optimizer!.iterations, whole.optimizer!.iterations);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('saveBestOnly saves the epoch with the best monitored value; {epoch:02d} names files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lepton-best-'));
  try {
    const m = make();
    const seen: { val: number; weights: number[] }[] = [];
    const ckpt = callbacks.modelCheckpoint({ path: join(dir, 'best'), saveBestOnly: true, monitor: 'val_loss' });
    await m.fit(x, y, {
      ...fitArgs, epochs: 6,
      callbacks: [callbacks.lambda({ onEpochEnd: (_e, logs) => void seen.push({ val: logs!.val_loss, weights: bits(m) }) }), ckpt,
        callbacks.modelCheckpoint({ path: join(dir, 'every-{epoch:02d}'), period: 2 })],
    });
    const best = seen.reduce((b, s, i) => (s.val < seen[b].val ? i : b), 0);
    const saved = await loadModel(join(dir, 'best'));
    assert.equal(bits(saved), seen[best].weights);
    assert.is(JSON.parse(readFileSync(join(dir, 'best', 'model.json'), 'utf8')).epoch, best + 1);
    assert.is(ckpt.best, seen[best].val);
    assert.equal(['01', '02', '03', '04', '05', '06'].map((e) => existsSync(join(dir, `every-${e}`, 'model.json'))), [false, true, false, true, false, true]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a monitored quantity missing from the logs is a clear error', async () => {
  const m = make();
  try {
    await m.fit(x, y, { epochs: 1, verbose: 0, callbacks: [callbacks.modelCheckpoint({ path: join(tmpdir(), 'never'), saveBestOnly: true })] });
    assert.unreachable();
  } catch (e) {
    assert.match((e as Error).message, /modelCheckpoint: monitored quantity 'val_loss' is not in the logs/);
  }
});

test.run();

// callbacks.csvLogger: a header of epoch and the sorted log keys, one row per epoch with the values
// fit's History holds, a separator, append keeping the header; outside Node a clear error.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callbacks, init, layers, sequential } from '../../src/index.js';
import { rand, tempDir } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const x = { data: rand(40, 1), shape: [40, 1] }, y = { data: rand(40, 2), shape: [40, 1] };
const net = () => {
  const m = sequential([layers.dense(4, { inputShape: [1], activation: 'tanh' }), layers.dense(1)], { seed: 2 });
  m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
  return m;
};

test('one row per epoch, the values of History; separator; append keeps the header', async () => {
  const path = join(tempDir('lepton-csvlog-'), 'log.csv');
  const h = await net().fit(x, y, { epochs: 3, validationSplit: 0.25, verbose: 0, callbacks: [callbacks.csvLogger(path)] });
  const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.is(lines[0], 'epoch,loss,mae,val_loss,val_mae');
  assert.is(lines.length, 4);
  lines.slice(1).forEach((line, e) => {
    const [epoch, ...vals] = line.split(',').map(Number);
    assert.is(epoch, e);
    assert.equal(vals, ['loss', 'mae', 'val_loss', 'val_mae'].map((k) => h.history[k][e]));
  });
  await net().fit(x, y, { epochs: 2, verbose: 0, validationSplit: 0.25, callbacks: [callbacks.csvLogger(path, { append: true })] });
  const more = readFileSync(path, 'utf8').trimEnd().split('\n');
  assert.is(more.length, 6);
  assert.is(more.filter((l) => l.startsWith('epoch')).length, 1);
  const semi = join(tempDir('lepton-csvlog-'), 'log.csv');
  await net().fit(x, y, { epochs: 1, verbose: 0, callbacks: [callbacks.csvLogger(semi, { separator: ';' })] });
  assert.match(readFileSync(semi, 'utf8'), /^epoch;loss;mae\n0;/);
  assert.throws(() => callbacks.csvLogger(''), /path must be a non-empty string/);
  assert.throws(() => callbacks.csvLogger(semi, { separator: '\n' }), /separator must be one character/);
});

test('outside Node: a clear error at the start of fit', async () => {
  const saved = process.versions;
  Object.defineProperty(process, 'versions', { value: { ...saved, node: undefined }, configurable: true });
  try {
    await net().fit(x, y, { epochs: 1, verbose: 0, callbacks: [callbacks.csvLogger('x.csv')] }).then(() => assert.unreachable(), (e) => assert.match(String(e), /csvLogger writes a file and needs Node/));
  } finally {
    Object.defineProperty(process, 'versions', { value: saved, configurable: true });
  }
});

test.run();

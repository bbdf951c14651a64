// The bundle in workerd with compatibility date 2024-09-23, which has no FinalizationRegistry
// (issue 18: the bundle once failed at load there). It loads, trains and predicts; without the
// registry a model's memory goes with the isolate, and model.dispose() gives it back at once.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureDist, startWorkerd, type Workerd } from './runtimes.js';

let w: Workerd;

test.before(async () => {
  ensureDist();
  w = await startWorkerd('test/workerd-2024/config.capnp');
});

test.after(async () => {
  await w?.stop();
});

test('2024-09-23: no FinalizationRegistry; lepton trains, predicts, and dispose() frees the memory', async () => {
  const res = await fetch(w.url);
  const r = (await res.json()) as any;
  assert.is(res.status, 200, JSON.stringify(r));
  assert.is(r.finalizationRegistry, 'undefined', 'this compatibility date has no FinalizationRegistry');
  assert.ok(r.loss < 2e-3, `final loss ${r.loss}`);
  assert.ok(Math.abs(r.prediction - 0.25) < 0.05, `prediction ${r.prediction} for x = 0.5`);
  // 20 more models trained and disposed leave the arena as one did: nothing leaks.
  assert.is(r.arena.afterMany, r.arena.afterOne, JSON.stringify(r.arena));
  assert.match(r.useAfterDispose, /sequential.*\.predict: the model was disposed/);
});

test.run();

// src/random.ts: the stream is pinned (weights, shuffles and dropout masks of every saved seed
// depend on it) and the bulk uniform fill gives exactly the numbers of a uniform() loop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from '../src/random.js';

test('xoshiro128** from seed 42 gives the pinned stream', () => {
  const r = new Random(42);
  assert.equal([r.nextU32(), r.nextU32(), r.nextU32(), r.nextU32()], [3704290710, 166753127, 957958183, 1452431608]);
});

test('fillUniform equals a loop of uniform(), and leaves the generator where that loop would', () => {
  const a = new Random(7), b = new Random(7);
  const loop = new Float32Array(1001), bulk = new Float32Array(1001);
  for (let i = 0; i < loop.length; i++) loop[i] = -0.25 + 0.5 * a.uniform();
  b.fillUniform(bulk, -0.25, 0.25);
  assert.equal(Array.from(bulk), Array.from(loop));
  assert.is(b.nextU32(), a.nextU32());
});

test.run();

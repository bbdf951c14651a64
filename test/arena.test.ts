import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Arena, MemoryError, Scratch } from '../src/wasm/arena.js';

const fresh = (maximum = 1024) => new Arena(new WebAssembly.Memory({ initial: 1, maximum }), 100);

test('blocks are 16-byte aligned, padded, zeroed and counted', () => {
  const a = fresh();
  const p = a.alloc(5);
  const q = a.alloc(33);
  assert.is(p % 16, 0);
  assert.is(q % 16, 0);
  assert.ok(p >= 100, 'starts above the base');
  assert.is(q - p, 16);
  assert.is(a.used(), 16 + 48);
  a.f32(q, 12).fill(7);
  a.release(q);
  const r = a.alloc(48);
  assert.is(r, q, 'first fit reuses the freed block');
  assert.equal(Array.from(a.f32(r, 12)), new Array(12).fill(0), 'reused block is zeroed');
});

test('release merges neighbours and returns used() to zero', () => {
  const a = fresh();
  const ps = [a.alloc(64), a.alloc(64), a.alloc(64)];
  a.release(ps[0]);
  a.release(ps[2]);
  a.release(ps[1]);
  assert.is(a.used(), 0);
  assert.is(a.alloc(192), ps[0], 'the three merged into one');
});

test('releasing an unknown pointer is an error', () => {
  const a = fresh();
  assert.throws(() => a.release(12345), /not a live block/);
  assert.throws(() => a.alloc(-1), /whole number of bytes/);
  assert.throws(() => a.alloc(1.5), /whole number of bytes/);
});

test('growth rebuilds views', () => {
  const a = fresh();
  const p = a.alloc(16);
  const before = a.f32(p, 4);
  before.set([1, 2, 3, 4]);
  a.alloc(4 << 20); // forces memory.grow: the old buffer detaches
  assert.is(before.length, 0, 'old view detached by grow');
  assert.equal(Array.from(a.f32(p, 4)), [1, 2, 3, 4]);
  assert.ok(a.capacity() >= 4 << 20);
});

test('running out of memory is a MemoryError, not a crash', () => {
  const a = fresh(4); // 256 KiB at most
  const keep = a.alloc(1000);
  try {
    a.alloc(1 << 20);
    assert.unreachable('expected a MemoryError');
  } catch (e) {
    assert.instance(e, MemoryError);
    assert.match((e as Error).message, /cannot grow its WebAssembly memory/);
  }
  assert.is(a.used(), 1008, 'nothing leaked by the failed request');
  a.release(keep);
});

test('scratch: mark/reset, then no arena allocation after the first step', () => {
  const a = fresh();
  const s = new Scratch(a);
  const step = () => {
    const m = s.mark();
    s.alloc(1000);
    const inner = s.mark();
    s.alloc(3000);
    s.reset(inner);
    s.alloc(500);
    s.reset(m);
    s.alloc(64);
    s.reset(0);
  };
  step();
  const used = a.used();
  for (let i = 0; i < 5; i++) step();
  assert.is(a.used(), used, 'steady state: no growth');
  const p = s.alloc(16);
  assert.is(p % 16, 0);
  s.dispose();
  assert.is(a.used(), 0);
});

test.run();

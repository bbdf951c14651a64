// assembly/f32-pool.ts against test/ref/pool.ts, for the plain and the relaxed build: max pooling
// (values and argmax) and average pooling, forward and backward (acc 0 and 1), over pool sizes 1
// to 4 and the whole image (global pooling), strides smaller than, equal to and larger than the
// pool, 'valid', 'same' and explicit padding, channels around the 4-lane width, batch 1 to 3;
// ties, NaN and windows of padding only; row and image ranges computed apart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { GEOMETRY_BYTES, globalPoolGeometry, poolGeometry, writeGeometry, type ConvGeometry, type Padding } from '../../src/wasm/conv.js';
import { close, kernels, rand, type Bench } from '../helpers.js';
import { avgPoolGradRef, avgPoolRef, maxPoolGradRef, maxPoolRef } from '../ref/pool.js';
import { BUILDS, checkGuard, guarded } from './guard.js';


interface Case { n: number; h: number; w: number; c: number; pool: [number, number]; s?: [number, number]; pad: Padding }

const CASES: Case[] = [];
for (const c of [1, 3, 4, 5, 8, 9, 17]) {
  for (const [pool, s] of [[[2, 2], undefined], [[3, 3], [2, 2]], [[2, 3], [1, 2]], [[1, 1], [2, 2]], [[4, 2], [3, 1]]] as [[number, number], [number, number] | undefined][]) {
    for (const pad of ['valid', 'same', [[1, 0], [0, 2]]] as Padding[]) {
      const n = 1 + ((c + pool[0]) % 3);
      CASES.push({ n, h: 5 + (c % 4), w: 4 + ((c * 3) % 5), c, pool, s, pad });
    }
  }
}

function geometry(q: Case): ConvGeometry | undefined {
  try {
    return poolGeometry({ batch: q.n, height: q.h, width: q.w, channels: q.c, poolSize: q.pool, strides: q.s, padding: q.pad });
  } catch {
    return undefined;
  }
}

function putGeometry(b: Bench, g: ConvGeometry): number {
  const p = b.arena.alloc(GEOMETRY_BYTES);
  writeGeometry(new Int32Array(b.memory.buffer), p, g);
  return p;
}

const describe = (g: ConvGeometry) => `x ${g.n}×${g.h}×${g.w}×${g.c} → ${g.oh}×${g.ow}, pool ${g.kh}×${g.kw} strides ${g.sh},${g.sw} pt ${g.pt} pl ${g.pl}`;

function checkPool(b: Bench, g: ConvGeometry, x: Float32Array, seed: number): void {
  const { k, arena } = b;
  const what = describe(g);
  const xs = g.n * g.h * g.w * g.c, ys = g.n * g.oh * g.ow * g.c;
  const dy = rand(ys, seed + 1), dx0 = rand(xs, seed + 2);
  const pg = putGeometry(b, g), px = b.put(x), pdy = b.put(dy);
  const py = guarded(b, ys), parg = guarded(b, ys), pdx = guarded(b, dx0);

  k.f32_maxpool2d(pg, px, py, parg, 0, g.n * g.oh);
  const ref = maxPoolRef(g, x);
  close(b.get(py, ys), ref.y, 0, 0, `max: ${what}`);
  assert.equal(Array.from(b.arena.i32(parg, ys)), Array.from(ref.argmax), `argmax: ${what}`);
  checkGuard(b, py, ys, `max ${what}`);
  checkGuard(b, parg, ys, `argmax ${what}`);
  k.f32_maxpool2d_grad(pg, pdy, parg, pdx, 1, 0, g.n);
  close(b.get(pdx, xs), maxPoolGradRef(g, dy, ref.argmax, dx0), 1e-6, 1e-6, `max grad acc: ${what}`);
  k.f32_maxpool2d_grad(pg, pdy, parg, pdx, 0, 0, g.n);
  close(b.get(pdx, xs), maxPoolGradRef(g, dy, ref.argmax), 1e-6, 1e-6, `max grad: ${what}`);
  checkGuard(b, pdx, xs, `max grad ${what}`);

  const cells = g.kh * g.kw;
  k.f32_avgpool2d(pg, px, py, 0, g.n * g.oh);
  close(b.get(py, ys), avgPoolRef(g, x), 1e-6 * cells, 1e-6 * cells, `avg: ${what}`);
  checkGuard(b, py, ys, `avg ${what}`);
  arena.f32(pdx, xs).set(dx0);
  k.f32_avgpool2d_grad(pg, pdy, pdx, 1, 0, g.n);
  close(b.get(pdx, xs), avgPoolGradRef(g, dy, dx0), 1e-6 * cells, 1e-6 * cells, `avg grad acc: ${what}`);
  k.f32_avgpool2d_grad(pg, pdy, pdx, 0, 0, g.n);
  close(b.get(pdx, xs), avgPoolGradRef(g, dy), 1e-6 * cells, 1e-6 * cells, `avg grad: ${what}`);
  checkGuard(b, pdx, xs, `avg grad ${what}`);
  for (const p of [pg, px, pdy, py, parg, pdx]) arena.release(p);
}

for (const build of BUILDS) {
  test(`${build}: max and average pooling, forward and backward, over ${CASES.length} geometries`, () => {
    const b = kernels(build);
    const mark = b.arena.used();
    CASES.forEach((q, i) => {
      const g = geometry(q);
      if (g) checkPool(b, g, rand(q.n * q.h * q.w * q.c, 50 + i), 500 + 3 * i);
    });
    assert.is(b.arena.used(), mark);
  });

  test(`${build}: global pooling is the window of the whole image`, () => {
    const b = kernels(build);
    for (const [n, h, w, c] of [[1, 1, 1, 1], [2, 7, 7, 64], [3, 5, 9, 7], [1, 14, 14, 33]]) {
      const g = globalPoolGeometry(n, h, w, c);
      assert.equal([g.oh, g.ow], [1, 1]);
      checkPool(b, g, rand(n * h * w * c, n + h), 9);
    }
  });

  test(`${build}: ties go to the first cell, NaN wins, a window of padding only gives −Inf and −1`, () => {
    const b = kernels(build);
    // 1 image 2×3, 5 channels: lane 0 all equal, lane 1 a NaN in the middle, lanes 2–4 a tie later.
    const g: ConvGeometry = { n: 1, h: 2, w: 3, c: 5, oh: 1, ow: 2, f: 5, kh: 2, kw: 3, sh: 1, sw: 4, dh: 1, dw: 1, pt: 0, pl: 0 };
    const x = new Float32Array(30);
    for (let cell = 0; cell < 6; cell++) {
      x[cell * 5] = 1;
      x[cell * 5 + 1] = cell === 2 ? NaN : cell;
      for (const ch of [2, 3, 4]) x[cell * 5 + ch] = cell === 1 || cell === 4 ? 9 : 0;
    }
    // The second window starts at column 4: outside the image (padding only).
    const pg = putGeometry(b, g), px = b.put(x), py = b.zeros(10), parg = b.zeros(10);
    b.k.f32_maxpool2d(pg, px, py, parg, 0, 1);
    assert.equal(Array.from(b.arena.i32(parg, 10)), [0, 11, 7, 8, 9, -1, -1, -1, -1, -1]);
    const y = b.get(py, 10);
    assert.equal([y[0], y[2], y[3], y[4], y[5]], [1, 9, 9, 9, -Infinity]);
    assert.ok(Number.isNaN(y[1]));
    b.k.f32_avgpool2d(pg, px, py, 0, 1);
    assert.equal(Array.from(b.get(py, 10)).slice(5), [0, 0, 0, 0, 0], 'a window of padding only averages to 0');
    const dx = b.put(new Float32Array(30).fill(3)), dy = b.put(new Float32Array(10).fill(1));
    b.k.f32_avgpool2d_grad(pg, dy, dx, 0, 0, 1);
    close(b.get(dx, 30), new Float64Array(30).fill(1 / 6), 1e-7, 0, 'avg grad spreads over the first window only');
  });

  test(`${build}: row ranges (forward) and image ranges (backward) computed apart give the whole call's bits`, () => {
    const b = kernels(build);
    const { k, arena } = b;
    const g = poolGeometry({ batch: 3, height: 9, width: 8, channels: 6, poolSize: [3, 3], strides: [2, 2], padding: 'same' });
    const xs = g.n * g.h * g.w * g.c, ys = g.n * g.oh * g.ow * g.c;
    const pg = putGeometry(b, g), px = b.put(rand(xs, 1)), pdy = b.put(rand(ys, 2)), parg = b.zeros(ys);
    const whole = b.zeros(Math.max(xs, ys)), part = b.zeros(Math.max(xs, ys));
    const same = (n: number, what: string) => assert.equal(Array.from(arena.i32(part, n)), Array.from(arena.i32(whole, n)), what);
    k.f32_maxpool2d(pg, px, whole, parg, 0, g.n * g.oh);
    for (const [r0, r1] of [[0, 1], [1, 7], [7, g.n * g.oh]]) k.f32_maxpool2d(pg, px, part, 0, r0, r1 - r0);
    same(ys, 'max by rows');
    k.f32_avgpool2d(pg, px, whole, 0, g.n * g.oh);
    for (const [r0, r1] of [[0, 4], [4, 5], [5, g.n * g.oh]]) k.f32_avgpool2d(pg, px, part, r0, r1 - r0);
    same(ys, 'avg by rows');
    k.f32_maxpool2d_grad(pg, pdy, parg, whole, 0, 0, g.n);
    for (const [n0, n1] of [[0, 1], [1, 3]]) k.f32_maxpool2d_grad(pg, pdy, parg, part, 0, n0, n1 - n0);
    same(xs, 'max grad by images');
    k.f32_avgpool2d_grad(pg, pdy, whole, 0, 0, g.n);
    for (const [n0, n1] of [[0, 2], [2, 3]]) k.f32_avgpool2d_grad(pg, pdy, part, 0, n0, n1 - n0);
    same(xs, 'avg grad by images');
  });
}

test.run();

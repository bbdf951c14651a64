// assembly/f32-spatial.ts against test/ref/spatial.ts, for the plain and the relaxed build: zero
// padding and cropping (one kernel, negative amounts crop) with every sign of every side,
// nearest-neighbour upsampling and bilinear resizing (with and without half-pixel centers) forward
// and backward with factors 1 to 3 on each axis; channels around the 4-lane width (1, 3, 4, 5, 8,
// 9, 17), batch 1 to 3, odd and even sizes. Outputs start as garbage (they are written whole) and
// end in a guard band no kernel may touch; copies keep NaN and −0 bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { close, kernels, rand, type Bench } from '../helpers.js';
import { padRef, resizeBilinearGradRef, resizeBilinearRef, upsampleGradRef, upsampleRef } from '../ref/spatial.js';
import { BUILDS, checkGuard, guarded } from './guard.js';

const CHANNELS = [1, 3, 4, 5, 8, 9, 17];
const IMAGES: [number, number, number][] = [[1, 1, 1], [2, 4, 5], [3, 7, 6], [1, 9, 3]]; // n, h, w
const PADS: [number, number, number, number][] = [
  [0, 0, 0, 0], [1, 1, 1, 1], [2, 0, 0, 3], [0, 1, 2, 0], // padding
  [-1, 0, 0, 0], [0, -1, -1, 0], [0, 0, 0, -2], [-1, -1, -1, -1], // cropping
  [1, -1, -1, 2], [-2, 3, 1, -1], // both
];

/** Floats of garbage (an output is written whole, whatever it held). */
const garbage = (n: number, seed: number) => rand(n, seed, -1e6, 1e6);

const bitsOf = (b: Bench, ptr: number, n: number) => Array.from(b.arena.i32(ptr, n));

for (const build of BUILDS) {
  test(`${build}: zero padding and cropping, every side padded, cropped or kept`, () => {
    const b = kernels(build);
    const mark = b.arena.used();
    let cases = 0;
    for (const c of CHANNELS) {
      for (const [n, h, w] of IMAGES) {
        for (const [t, bo, l, r] of PADS) {
          const oh = h + t + bo, ow = w + l + r;
          if (oh < 1 || ow < 1) continue;
          const what = `x ${n}×${h}×${w}×${c}, top ${t} bottom ${bo} left ${l} right ${r}`;
          const xs = n * h * w * c, ys = n * oh * ow * c;
          const x = rand(xs, cases + 1);
          const px = b.put(x), py = guarded(b, garbage(ys, cases + 2));
          b.k.f32_pad2d(px, py, n, h, w, c, t, bo, l, r);
          close(b.get(py, ys), padRef(x, n, h, w, c, t, bo, l, r), 0, 0, what);
          checkGuard(b, py, ys, what);
          // The inverse amounts give back x where x was kept (and zeros where it was cropped).
          const back = guarded(b, garbage(xs, cases + 3));
          b.k.f32_pad2d(py, back, n, oh, ow, c, -t, -bo, -l, -r);
          close(b.get(back, xs), padRef(padRef(x, n, h, w, c, t, bo, l, r), n, oh, ow, c, -t, -bo, -l, -r), 0, 0, `inverse of ${what}`);
          checkGuard(b, back, xs, `inverse of ${what}`);
          for (const p of [px, py, back]) b.arena.release(p);
          cases++;
        }
      }
    }
    assert.ok(cases > 200, `${cases} cases`);
    assert.is(b.arena.used(), mark);
  });

  test(`${build}: nearest upsampling and its gradient, factors 1 to 3 on each axis`, () => {
    const b = kernels(build);
    const mark = b.arena.used();
    let cases = 0;
    for (const c of CHANNELS) {
      for (const [n, h, w] of IMAGES) {
        for (const [sh, sw] of [[1, 1], [2, 2], [1, 3], [3, 2], [2, 1]]) {
          const what = `x ${n}×${h}×${w}×${c}, size ${sh}×${sw}`;
          const xs = n * h * w * c, ys = xs * sh * sw;
          const x = rand(xs, cases + 1), dy = rand(ys, cases + 2);
          const px = b.put(x), py = guarded(b, garbage(ys, cases + 3)), pdy = b.put(dy), pdx = guarded(b, garbage(xs, cases + 4));
          b.k.f32_upsample2d(px, py, n, h, w, c, sh, sw);
          close(b.get(py, ys), upsampleRef(x, n, h, w, c, sh, sw), 0, 0, what);
          checkGuard(b, py, ys, what);
          b.k.f32_upsample2d_grad(pdy, pdx, n, h, w, c, sh, sw);
          // f32 sums of k = sh·sw terms of size ≤ 1: k − 1 roundings of a partial sum below k
          const k = sh * sw;
          close(b.get(pdx, xs), upsampleGradRef(dy, n, h, w, c, sh, sw), 6e-8 * k * k, 0, `grad ${what}`);
          checkGuard(b, pdx, xs, `grad ${what}`);
          for (const p of [px, py, pdy, pdx]) b.arena.release(p);
          cases++;
        }
      }
    }
    assert.is(cases, CHANNELS.length * IMAGES.length * 5);
    assert.is(b.arena.used(), mark);
  });

  test(`${build}: bilinear resize and its gradient, with and without half-pixel centers, factors 1 to 3`, () => {
    const b = kernels(build);
    const mark = b.arena.used();
    let cases = 0;
    for (const c of CHANNELS) {
      for (const [n, h, w] of IMAGES) {
        for (const [sh, sw] of [[1, 1], [2, 2], [1, 3], [3, 2]]) {
          for (const half of [true, false]) {
            const oh = h * sh, ow = w * sw;
            const what = `x ${n}×${h}×${w}×${c} → ${oh}×${ow}, half-pixel ${half}`;
            const xs = n * h * w * c, ys = n * oh * ow * c;
            const x = rand(xs, cases + 1), dy = rand(ys, cases + 2);
            const px = b.put(x), py = guarded(b, garbage(ys, cases + 3)), pdy = b.put(dy), pdx = guarded(b, garbage(xs, cases + 4));
            b.k.f32_resize_bilinear(px, py, n, h, w, c, oh, ow, half ? 1 : 0);
            close(b.get(py, ys), resizeBilinearRef(x, n, h, w, c, oh, ow, half), 1e-6, 1e-6, what);
            checkGuard(b, py, ys, what);
            b.k.f32_resize_bilinear_grad(pdy, pdx, n, h, w, c, oh, ow, half ? 1 : 0);
            close(b.get(pdx, xs), resizeBilinearGradRef(dy, n, h, w, c, oh, ow, half), 1e-6 * sh * sw, 1e-6, `grad ${what}`);
            checkGuard(b, pdx, xs, `grad ${what}`);
            for (const p of [px, py, pdy, pdx]) b.arena.release(p);
            cases++;
          }
        }
      }
    }
    assert.is(cases, CHANNELS.length * IMAGES.length * 8);
    assert.is(b.arena.used(), mark);
  });

  test(`${build}: the copies keep NaN payloads and −0 bit for bit`, () => {
    const b = kernels(build);
    const special = new Float32Array(new Uint32Array([0x7fc00001, 0x80000000, 0xffc12345, 0x3f800000, 0x7f800000, 0x00000001]).buffer);
    const n = 1, h = 2, w = 3, c = 1; // the six values are one image
    const px = b.put(special);
    const up = b.zeros(24), cropped = b.zeros(2);
    b.k.f32_upsample2d(px, up, n, h, w, c, 2, 2);
    const src = bitsOf(b, px, 6);
    const u = bitsOf(b, up, 24);
    for (let q = 0; q < 24; q++) assert.is(u[q], src[Math.floor(Math.floor(q / 6) / 2) * 3 + Math.floor((q % 6) / 2)], `upsampled ${q}`);
    b.k.f32_pad2d(px, cropped, n, h, w, c, 0, -1, -1, 0); // keeps row 0, columns 1 and 2
    assert.equal(bitsOf(b, cropped, 2), [src[1], src[2]]);
  });
}

test.run();

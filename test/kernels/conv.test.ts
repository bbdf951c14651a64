// assembly/f32-conv.ts against test/ref/conv.ts, for the plain and the relaxed build: every form
// (forward with bias + activation, dX with acc 0 and 1, the transposed convolution, dW with acc 0
// and 1) over geometries swept around the 4×8 tile and the gemm blocks (k past 256, more than 128
// rows, a row block's tail): image sizes odd and even, 1 and many channels and filters (not
// multiples of 4 or 8), kernels 1 to 5 and larger than the image, strides 1 to 3 (larger than the
// kernel: pixels no tap reaches), dilations, 'valid', 'same' and lopsided explicit padding, batch
// 1 to 3. Outputs and the workspace sit before guard bands; row ranges computed apart give the
// bits of the whole call and touch nothing outside their rows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convGeometry, convLength, convTransposeGeometry, GEOMETRY_BYTES, writeGeometry, type ConvGeometry, type Padding } from '../../src/wasm/conv.js';
import { Act } from '../../src/wasm/kernels.js';
import { close, kernels, rand, type Bench } from '../helpers.js';
import { conv2dDwRef, conv2dDxRef, conv2dRef, conv2dTransposeRef } from '../ref/conv.js';
import { BUILDS, checkGuard, guarded } from './guard.js';

// Node 20 accepts the relaxed build only behind a V8 flag: kernels('relaxed') (test/helpers.ts) sets it.

const TILE = '4x8';
/** As the gemm tests: |Δ| ≤ atol + rtol·|ref|, both ∝ the number of terms summed. */
const tol = (k: number) => ({ atol: 1e-6 * (k + 1), rtol: 1e-6 * (k + 1) });

interface Case { n: number; h: number; w: number; c: number; f: number; k: [number, number]; s: [number, number]; d: [number, number]; pad: Padding }

const describe = (q: Case, g: ConvGeometry) =>
  `x ${q.n}×${q.h}×${q.w}×${q.c} → ${g.oh}×${g.ow}×${q.f}, kernel ${q.k.join('×')} strides ${q.s.join(',')} dilation ${q.d.join(',')} padding ${JSON.stringify(q.pad)} (pt ${g.pt}, pl ${g.pl}) tile ${TILE}`;

/** Hand-picked geometries: the blocks, the seeds' layers (small batch), the odd corners. */
const PICKED: Case[] = [
  { n: 1, h: 1, w: 1, c: 1, f: 1, k: [1, 1], s: [1, 1], d: [1, 1], pad: 'valid' },
  { n: 2, h: 5, w: 5, c: 37, f: 40, k: [3, 3], s: [1, 1], d: [1, 1], pad: 'same' }, // k = 333 and 360 > 256
  { n: 3, h: 13, w: 12, c: 3, f: 9, k: [3, 3], s: [1, 1], d: [1, 1], pad: 'same' }, // 468 rows, dW k = 468
  { n: 2, h: 28, w: 28, c: 1, f: 32, k: [3, 3], s: [2, 2], d: [1, 1], pad: 'same' }, // CAE conv 1
  { n: 2, h: 14, w: 14, c: 32, f: 64, k: [3, 3], s: [2, 2], d: [1, 1], pad: 'same' }, // CAE conv 2
  { n: 1, h: 14, w: 14, c: 32, f: 64, k: [5, 5], s: [1, 1], d: [1, 1], pad: 'same' }, // LeNet conv 2, k = 800
  { n: 2, h: 9, w: 7, c: 5, f: 3, k: [1, 1], s: [2, 3], d: [1, 1], pad: 'valid' }, // stride > kernel
  { n: 2, h: 10, w: 11, c: 4, f: 8, k: [2, 2], s: [3, 3], d: [1, 1], pad: 'same' }, // dX classes with no tap
  { n: 1, h: 11, w: 9, c: 6, f: 5, k: [3, 2], s: [2, 2], d: [2, 3], pad: 'same' }, // dilation with stride
  { n: 2, h: 2, w: 3, c: 3, f: 4, k: [5, 5], s: [1, 1], d: [1, 1], pad: 'same' }, // kernel larger than the image
  { n: 1, h: 7, w: 8, c: 9, f: 17, k: [4, 3], s: [1, 2], d: [1, 1], pad: [[2, 0], [0, 3]] }, // lopsided
  { n: 3, h: 6, w: 6, c: 8, f: 8, k: [3, 3], s: [2, 2], d: [2, 2], pad: 'valid' },
  { n: 2, h: 9, w: 8, c: 1, f: 2, k: [3, 3], s: [2, 2], d: [1, 1], pad: 'same' }, // few columns: dots (forward, dX)
  { n: 2, h: 28, w: 28, c: 1, f: 32, k: [3, 3], s: [1, 1], d: [1, 1], pad: 'same' }, // CAE's last convT: dX with C = 1
  { n: 1, h: 6, w: 5, c: 3, f: 70, k: [3, 3], s: [1, 1], d: [1, 1], pad: 'same' }, // dots past a k block (9·70 > 256)
];

/** Pseudo-random geometries (mulberry32 through rand()), each with an output of at least one pixel. */
function sampled(count: number, seed: number): Case[] {
  const u = rand(count * 16, seed, 0, 1);
  let i = 0;
  const pick = <T>(xs: T[]): T => xs[Math.floor(u[i++] * xs.length)];
  const out: Case[] = [];
  while (out.length < count && i + 16 <= u.length) {
    const k: [number, number] = [pick([1, 2, 3, 3, 4, 5]), pick([1, 2, 3, 3, 5])];
    const s: [number, number] = [pick([1, 1, 2, 3]), pick([1, 1, 2, 3])];
    const d: [number, number] = pick([[1, 1], [1, 1], [1, 1], [2, 2], [1, 2]]) as [number, number];
    const pad: Padding = pick(['valid', 'same', 'same', 'explicit']) === 'explicit'
      ? [[pick([0, 1, 2]), pick([0, 1, 2])], [pick([0, 1, 2]), pick([0, 1, 2])]] : pick(['valid', 'same']);
    const q: Case = { n: pick([1, 1, 2, 3]), h: pick([1, 2, 3, 4, 5, 7, 8, 9, 13]), w: pick([1, 3, 4, 5, 6, 7, 9, 12]), c: pick([1, 2, 3, 4, 5, 7, 8, 9, 16, 17]), f: pick([1, 2, 3, 4, 7, 8, 9, 16, 17, 31]), k, s, d, pad };
    if (geometry(q)) out.push(q);
  }
  return out;
}

function geometry(q: Case): ConvGeometry | undefined {
  try {
    return convGeometry({ batch: q.n, height: q.h, width: q.w, channels: q.c, filters: q.f, kernelSize: q.k, strides: q.s, dilationRate: q.d, padding: q.pad });
  } catch {
    return undefined; // no output pixel
  }
}

function putGeometry(b: Bench, g: ConvGeometry): number {
  const p = b.arena.alloc(GEOMETRY_BYTES);
  writeGeometry(new Int32Array(b.memory.buffer), p, g);
  return p;
}

const CASES = [...PICKED, ...sampled(110, 7)];

/** Runs every form of case q on build b against the reference. */
function checkCase(b: Bench, q: Case, seed: number): void {
  const { k, arena } = b;
  const g = geometry(q)!;
  const what = describe(q, g);
  const xs = g.n * g.h * g.w * g.c, ys = g.n * g.oh * g.ow * g.f, ws = g.kh * g.kw * g.c * g.f;
  const mark = arena.used();
  const x = rand(xs, seed), w = rand(ws, seed + 1), dy = rand(ys, seed + 2), bias = rand(g.f, seed + 3), cbias = rand(g.c, seed + 4);
  const dx0 = rand(xs, seed + 5), dw0 = rand(ws, seed + 6);
  const pg = putGeometry(b, g);
  const bytes = k.f32_conv2d_workspace(pg);
  const pws = guarded(b, bytes / 4);
  const px = b.put(x), pw = b.put(w), pdy = b.put(dy), pbias = b.put(bias), pcbias = b.put(cbias);
  const K = g.kh * g.kw * g.c;

  // Forward, bias + an activation picked by the seed.
  const acts = Object.values(Act);
  const act = acts[seed % acts.length], alpha = act === Act.leakyRelu ? 0.2 : 1.3;
  const py = guarded(b, ys);
  k.f32_conv2d_bias_act(pg, px, pw, py, pbias, act, alpha, 0, g.n * g.oh, pws);
  close(b.get(py, ys), conv2dRef(g, x, w, bias, act, alpha), tol(2 * K).atol, tol(2 * K).rtol, `forward act ${act}: ${what}`);
  checkGuard(b, py, ys, `forward ${what}`);
  k.f32_conv2d_bias_act(pg, px, pw, py, 0, Act.linear, 0, 0, g.n * g.oh, pws);
  close(b.get(py, ys), conv2dRef(g, x, w, null), tol(K).atol, tol(K).rtol, `forward, no bias: ${what}`);

  // dX, overwriting and accumulating.
  const pdx = guarded(b, dx0);
  const dxTerms = g.kh * g.kw * g.f;
  k.f32_conv2d_dx(pg, pdy, pw, pdx, 1, 0, g.n * g.h, pws);
  close(b.get(pdx, xs), conv2dDxRef(g, dy, w, dx0), tol(dxTerms).atol, tol(dxTerms).rtol, `dX acc: ${what}`);
  k.f32_conv2d_dx(pg, pdy, pw, pdx, 0, 0, g.n * g.h, pws);
  close(b.get(pdx, xs), conv2dDxRef(g, dy, w), tol(dxTerms).atol, tol(dxTerms).rtol, `dX: ${what}`);
  checkGuard(b, pdx, xs, `dX ${what}`);

  // The transposed convolution of dy (the conv's output shape) into x's shape, with bias + act.
  k.f32_conv2d_transpose_bias_act(pg, pdy, pw, pdx, pcbias, act, alpha, 0, g.n * g.h, pws);
  close(b.get(pdx, xs), conv2dTransposeRef(g, dy, w, cbias, act, alpha), tol(2 * dxTerms).atol, tol(2 * dxTerms).rtol, `transposed act ${act}: ${what}`);
  checkGuard(b, pdx, xs, `transposed ${what}`);

  // dW, accumulating and overwriting.
  const pdw = guarded(b, dw0);
  const pixels = g.n * g.oh * g.ow;
  k.f32_conv2d_dw(pg, px, pdy, pdw, 1, 0, K, 0, g.f, pws);
  close(b.get(pdw, ws), conv2dDwRef(g, x, dy, dw0), tol(pixels).atol, tol(pixels).rtol, `dW acc: ${what}`);
  k.f32_conv2d_dw(pg, px, pdy, pdw, 0, 0, K, 0, g.f, pws);
  close(b.get(pdw, ws), conv2dDwRef(g, x, dy), tol(pixels).atol, tol(pixels).rtol, `dW: ${what}`);
  checkGuard(b, pdw, ws, `dW ${what}`);
  checkGuard(b, pws, bytes / 4, `workspace of ${bytes} bytes: ${what}`);

  for (const p of [pg, pws, px, pw, pdy, pbias, pcbias, py, pdx, pdw]) arena.release(p);
  assert.is(arena.used(), mark);
}

for (const build of BUILDS) {
  test(`${build}: forward, dX, transposed, dW against the float64 reference over ${CASES.length} geometries`, () => {
    const b = kernels(build);
    CASES.forEach((q, i) => checkCase(b, q, 1000 + 17 * i));
  });
}

/** Bits of a float block. */
const bits = (b: Bench, p: number, n: number) => Uint32Array.from(b.arena.i32(p, n));

/** Splits 0 … len − 1 unevenly, as threads might take it: [0, 1), [1, a), [a, len). */
const ranges = (len: number): [number, number][] => {
  const a = Math.max(1, Math.min(len, Math.ceil(len * 0.55)));
  return ([[0, Math.min(1, len)], [Math.min(1, len), a], [a, len]] as [number, number][]).filter(([r0, r1]) => r1 > r0);
};

for (const build of BUILDS) {
  test(`${build}: rows (and dW's rows or columns) computed apart give the whole call's bits and touch only their rows`, () => {
    const b = kernels(build);
    const { k, arena } = b;
    const SENTINEL = new Uint32Array(new Float32Array([-7.25]).buffer)[0];
    for (const q of [PICKED[1], PICKED[2], PICKED[4], PICKED[7], PICKED[8], PICKED[10], PICKED[12], PICKED[14]]) {
      const g = geometry(q)!;
      const what = describe(q, g);
      const xs = g.n * g.h * g.w * g.c, ys = g.n * g.oh * g.ow * g.f, ws = g.kh * g.kw * g.c * g.f, K = g.kh * g.kw * g.c;
      const pg = putGeometry(b, g), pws = arena.alloc(k.f32_conv2d_workspace(pg));
      const px = b.put(rand(xs, 1)), pw = b.put(rand(ws, 2)), pdy = b.put(rand(ys, 3)), pbias = b.put(rand(g.f, 4));
      const whole = arena.alloc(4 * Math.max(xs, ys, ws)), part = arena.alloc(4 * Math.max(xs, ys, ws));
      const run = (form: string, out: number, r0: number, nr: number, onK = true) => {
        if (form === 'forward') k.f32_conv2d_bias_act(pg, px, pw, out, pbias, Act.tanh, 0, r0, nr, pws);
        else if (form === 'dX') k.f32_conv2d_dx(pg, pdy, pw, out, 0, r0, nr, pws);
        else if (form === 'transposed') k.f32_conv2d_transpose_bias_act(pg, pdy, pw, out, pbias, Act.relu, 0, r0, nr, pws);
        else if (onK) k.f32_conv2d_dw(pg, px, pdy, out, 0, r0, nr, 0, g.f, pws);
        else k.f32_conv2d_dw(pg, px, pdy, out, 0, 0, K, r0, nr, pws);
      };
      const forms: [string, number, number, boolean][] = [
        ['forward', g.n * g.oh, g.ow * g.f, true], ['dX', g.n * g.h, g.w * g.c, true], ['transposed', g.n * g.h, g.w * g.c, true],
        ['dW', K, g.f, true], ['dW', g.f, 1, false],
      ];
      for (const [form, rows, perRow, onK] of forms) {
        const size = form === 'forward' ? ys : form === 'dW' ? ws : xs;
        run(form, whole, 0, rows, onK);
        const want = bits(b, whole, size);
        arena.i32(part, size).fill(SENTINEL);
        for (const [r0, r1] of ranges(rows)) {
          run(form, part, r0, r1 - r0, onK);
          const got = bits(b, part, size);
          // Rows so far hold the whole call's bits, the rest is untouched. (dW by columns: a
          // "row" is column j of every row; otherwise perRow contiguous floats.)
          const done = (e: number) => (onK ? Math.floor(e / perRow) : e % g.f) < r1;
          const bad = got.findIndex((v, e) => (done(e) ? v !== want[e] : v !== SENTINEL));
          assert.ok(bad < 0, `${build} ${form} after rows ${r0}…${r1 - 1}: element ${bad} is ${got[bad]}, want ${done(bad) ? want[bad] : 'untouched'}: ${what}`);
        }
      }
      for (const p of [pg, pws, px, pw, pdy, pbias, whole, part]) arena.release(p);
    }
  });

  test(`${build}: empty row ranges touch no memory`, () => {
    const b = kernels(build);
    const { k } = b;
    const g = geometry(PICKED[4])!;
    const pg = putGeometry(b, g);
    const beyond = b.memory.buffer.byteLength + 65536; // any access there would trap
    k.f32_conv2d_bias_act(pg, beyond, beyond, beyond, beyond, Act.relu, 0, 3, 0, beyond);
    k.f32_conv2d_dx(pg, beyond, beyond, beyond, 0, 3, 0, beyond);
    k.f32_conv2d_transpose_bias_act(pg, beyond, beyond, beyond, beyond, Act.relu, 0, 5, 0, beyond);
    k.f32_conv2d_dw(pg, beyond, beyond, beyond, 0, 4, 0, 0, g.f, beyond);
    k.f32_conv2d_dw(pg, beyond, beyond, beyond, 1, 0, 9, 8, 0, beyond);
  });
}

for (const build of BUILDS) {
  test(`${build}: dW in parts over the output pixels: each part is its pixels' sum, parts computed apart give the whole call's bits, their sum is dW`, () => {
    const b = kernels(build);
    const { k, arena } = b;
    const SENTINEL = new Uint32Array(new Float32Array([-7.25]).buffer)[0];
    // Geometries with 2 to 8 parts of 256 pixels, the last one short (or whole).
    for (const q of [PICKED[3], { ...PICKED[4], n: 6 }, { ...PICKED[2], n: 3 }, { ...PICKED[12], n: 40 }, { ...PICKED[8], n: 12 }, { ...PICKED[13], n: 1 }]) {
      const g = geometry(q)!;
      const what = describe(q, g);
      const xs = g.n * g.h * g.w * g.c, ys = g.n * g.oh * g.ow * g.f, ws = g.kh * g.kw * g.c * g.f;
      const pixels = g.n * g.oh * g.ow, seg = 256, count = Math.ceil(pixels / seg);
      assert.ok(count >= 2, `${count} parts: ${what}`);
      const x = rand(xs, 11), dy = rand(ys, 12);
      const pg = putGeometry(b, g), pws = arena.alloc(k.f32_conv2d_workspace(pg));
      const px = b.put(x), pdy = b.put(dy);
      const whole = guarded(b, count * ws), part = guarded(b, count * ws), pdw = guarded(b, ws);
      k.f32_conv2d_dw_parts(pg, px, pdy, whole, seg, 0, count, pws);
      checkGuard(b, whole, count * ws, `parts ${what}`);
      const want = bits(b, whole, count * ws);
      const got = b.get(whole, count * ws);
      for (let s = 0; s < count; s++) {
        // The reference over part s's pixels: dy zero elsewhere.
        const masked = dy.map((v, e) => (Math.floor(e / g.f) >= s * seg && Math.floor(e / g.f) < (s + 1) * seg ? v : 0));
        const terms = Math.min(seg, pixels - s * seg);
        close(got.subarray(s * ws, (s + 1) * ws), conv2dDwRef(g, x, masked), tol(terms).atol, tol(terms).rtol, `part ${s} of ${count}: ${what}`);
      }
      arena.i32(part, count * ws).fill(SENTINEL);
      for (const [s0, s1] of ranges(count)) {
        k.f32_conv2d_dw_parts(pg, px, pdy, part, seg, s0, s1 - s0, pws);
        const now = bits(b, part, count * ws);
        const bad = now.findIndex((v, e) => (Math.floor(e / ws) < s1 ? v !== want[e] : v !== SENTINEL));
        assert.ok(bad < 0, `${build} parts after ${s0}…${s1 - 1}: element ${bad}: ${what}`);
      }
      k.f32_col_sum(whole, pdw, count, ws, 0);
      close(b.get(pdw, ws), conv2dDwRef(g, x, dy), tol(pixels).atol, tol(pixels).rtol, `parts summed: ${what}`);
      checkGuard(b, pdw, ws, `dW ${what}`);
      for (const p of [pg, pws, px, pdy, whole, part, pdw]) arena.release(p);
    }
  });
}

test('the workspace does not grow with the batch', () => {
  const b = kernels('simd');
  const sizes = [1, 128, 4096].map((n) => b.k.f32_conv2d_workspace(putGeometry(b, geometry({ ...PICKED[5], n })!)));
  assert.is(sizes[1], sizes[2]);
  assert.ok(sizes[2] < 1.3e6, `${sizes[2]} bytes`);
});

test('geometry: DESIGN.md\'s sizes and TensorFlow\'s lopsided \'same\' padding', () => {
  // 'valid': floor((in − d·(k−1) − 1)/s) + 1; 'same': ceil(in/s), the odd row below.
  assert.equal(convLength(28, 3, 2, 1, 'valid'), { out: 13, before: 0 });
  assert.equal(convLength(28, 3, 2, 1, 'same'), { out: 14, before: 0 }); // total 1: below
  assert.equal(convLength(7, 4, 1, 1, 'same'), { out: 7, before: 1 }); //    total 3: 1 above, 2 below
  assert.equal(convLength(9, 3, 1, 2, 'valid'), { out: 5, before: 0 });
  assert.equal(convLength(5, 3, 2, 1, [2, 1]), { out: 3, before: 2 });
  // conv2dTranspose: 'valid' (in − 1)·s + k, 'same' in·s; outputPadding as Keras.
  const t = (padding: 'valid' | 'same', outputPadding?: [number, number]) =>
    convTransposeGeometry({ batch: 1, height: 7, width: 7, channels: 8, filters: 64, kernelSize: [3, 3], strides: [2, 2], padding, outputPadding });
  assert.equal([t('valid').h, t('valid').pt, t('same').h, t('same').pt], [15, 0, 14, 0]);
  assert.equal([t('same', [0, 0]).h, t('valid', [1, 1]).h], [13, 16]);
  assert.equal([t('same').c, t('same').f, t('same').oh], [64, 8, 7]);
  assert.throws(() => convGeometry({ batch: 1, height: 2, width: 2, channels: 1, filters: 1, kernelSize: [3, 3], padding: 'valid' }), /oh must be a whole number ≥ 1, got 0/);
});

test.run();

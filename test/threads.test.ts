// Threads (src/wasm/pool.ts, parallel.ts, threads.ts): results are bit-identical for any thread
// count, at the gemm level and after whole training runs, in the plain and the fast build; the
// shared-memory form of a build differs from it in one byte; a process that trained with two
// threads exits by itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, optimizers, sequential } from '../src/index.js';
import { convGeometry, GEOMETRY_BYTES, poolGeometry, writeGeometry } from '../src/wasm/conv.js';
import { Act } from '../src/wasm/kernels.js';
import { tuning } from '../src/wasm/parallel.js';
import { resetForTests, runtime, threadsReady, type RuntimeState } from '../src/wasm/runtime.js';
import { withSharedMemory } from '../src/wasm/threads.js';
import { allowRelaxedSimd, close, rand } from './helpers.js';
import { conv2dRef } from './ref/conv.js';
import { gemmBiasActRef, type Form } from './ref/gemm.js';

const defaults = { ...tuning };
test.after.each(() => {
  Object.assign(tuning, defaults);
});
test.after(() => resetForTests());

async function start(fast: boolean): Promise<RuntimeState> {
  resetForTests();
  const rt = (await init({ fast, threads: 2 })) as RuntimeState;
  assert.is(rt.threads, 2, rt.threadsReason);
  assert.is(await threadsReady(), 2, 'both threads started');
  return rt;
}

/** Bits of every gemm form over awkward shapes, once per thread count; returns them per call. */
function gemmBits(rt: RuntimeState, threads: number): Uint32Array[] {
  rt.pool!.resize(threads);
  const { arena, kernels: k } = rt;
  const out: Uint32Array[] = [];
  let seed = 1;
  for (const [m, n, kk] of [[1, 37, 19], [13, 5, 300], [37, 130, 17], [130, 37, 64], [64, 64, 257], [5, 200, 33]]) {
    for (const form of ['nn', 'nt', 'tn', 'fused'] as const) {
      const a = rand(m * kk, seed++), b = rand(kk * n, seed++), bias = rand(n, seed++);
      const pa = arena.alloc(a.length * 4), pb = arena.alloc(b.length * 4), pc = arena.alloc(m * n * 4), pbias = arena.alloc(n * 4);
      arena.f32(pa, a.length).set(a);
      arena.f32(pb, b.length).set(b);
      arena.f32(pbias, n).set(bias);
      arena.f32(pc, m * n).set(rand(m * n, seed++)); // acc adds to this
      const ws = arena.alloc(k.f32_gemm_workspace(m, n, kk));
      if (form === 'nn') k.f32_gemm_nn(m, n, kk, pa, kk, pb, n, pc, n, 1, ws);
      else if (form === 'nt') k.f32_gemm_nt(m, n, kk, pa, kk, pb, kk, pc, n, 0, ws);
      else if (form === 'tn') k.f32_gemm_tn(m, n, kk, pa, m, pb, n, pc, n, 1, ws);
      else k.f32_gemm_nn_bias_act(m, n, kk, pa, kk, pb, n, pc, n, pbias, Act.tanh, 0, ws);
      out.push(Uint32Array.from(arena.i32(pc, m * n)));
      for (const p of [pa, pb, pc, pbias, ws]) arena.release(p);
    }
  }
  return out;
}

/**
 * Bits of every convolution and pooling kernel over awkward geometries (few and many rows, dW
 * split by rows and by columns and in parts, the dot path), once per thread count.
 */
function convBits(rt: RuntimeState, threads: number): Uint32Array[] {
  rt.pool!.resize(threads);
  const { arena, kernels: k } = rt;
  const out: Uint32Array[] = [];
  const geometries = [
    convGeometry({ batch: 3, height: 14, width: 14, channels: 32, filters: 64, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }),
    convGeometry({ batch: 1, height: 9, width: 11, channels: 5, filters: 70, kernelSize: [5, 5], padding: 'same' }),
    convGeometry({ batch: 2, height: 28, width: 28, channels: 1, filters: 32, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }),
    convGeometry({ batch: 2, height: 12, width: 12, channels: 2, filters: 3, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'valid' }),
    convGeometry({ batch: 12, height: 14, width: 14, channels: 8, filters: 16, kernelSize: [3, 3], padding: 'same' }), // dW in 10 parts
  ];
  let seed = 1;
  const put = (n: number) => {
    const p = arena.alloc(n * 4);
    arena.f32(p, n).set(rand(n, seed++));
    return p;
  };
  const take = (p: number, n: number) => out.push(Uint32Array.from(arena.i32(p, n)));
  for (const g of geometries) {
    const pg = arena.alloc(GEOMETRY_BYTES);
    writeGeometry(arena.i32All(), pg, g);
    const xs = g.n * g.h * g.w * g.c, ys = g.n * g.oh * g.ow * g.f, K = g.kh * g.kw * g.c, ws = arena.alloc(k.f32_conv2d_workspace(pg));
    const x = put(xs), w = put(K * g.f), dy = put(ys), bias = put(Math.max(g.c, g.f)), y = put(ys), dx = put(xs), dw = put(K * g.f);
    k.f32_conv2d_bias_act(pg, x, w, y, bias, Act.tanh, 0, 0, g.n * g.oh, ws);
    take(y, ys);
    k.f32_conv2d_dx(pg, dy, w, dx, 1, 0, g.n * g.h, ws);
    take(dx, xs);
    k.f32_conv2d_transpose_bias_act(pg, dy, w, dx, bias, Act.relu, 0, 0, g.n * g.h, ws);
    take(dx, xs);
    k.f32_conv2d_dw(pg, x, dy, dw, 1, 0, K, 0, g.f, ws);
    take(dw, K * g.f);
    const count = Math.ceil((g.n * g.oh * g.ow) / 256), parts = arena.alloc(count * K * g.f * 4);
    k.f32_conv2d_dw_parts(pg, x, dy, parts, 256, 0, count, ws);
    take(parts, count * K * g.f);
    arena.release(parts);
    const pgp = arena.alloc(GEOMETRY_BYTES), pooled = poolGeometry({ batch: g.n, height: g.h, width: g.w, channels: g.c, poolSize: [3, 3], strides: [2, 2], padding: 'same' });
    writeGeometry(arena.i32All(), pgp, pooled);
    const ps = pooled.n * pooled.oh * pooled.ow * pooled.c, py = put(ps), parg = arena.alloc(ps * 4), pdy = put(ps);
    k.f32_maxpool2d(pgp, x, py, parg, 0, pooled.n * pooled.oh);
    take(py, ps);
    take(parg, ps);
    k.f32_maxpool2d_grad(pgp, pdy, parg, dx, 1, 0, pooled.n);
    take(dx, xs);
    k.f32_avgpool2d(pgp, x, py, 0, pooled.n * pooled.oh);
    take(py, ps);
    k.f32_avgpool2d_grad(pgp, pdy, dx, 0, 0, pooled.n);
    take(dx, xs);
    for (const p of [pg, ws, x, w, dy, bias, y, dx, dw, pgp, py, parg, pdy]) arena.release(p);
  }
  return out;
}

function sameBits(a: Uint32Array[], b: Uint32Array[], what: string): void {
  assert.is(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    const j = a[i].findIndex((v, x) => v !== b[i][x]);
    assert.ok(j < 0, `${what}: result ${i} differs at element ${j}: ${a[i][j]} vs ${b[i][j]}`);
  }
}

/** Weights after `steps` steps of a 2-hidden-layer classifier, with `threads` threads. */
async function trainedWeights(rt: RuntimeState, threads: number, inputs = 48, hidden = 96): Promise<Float32Array[]> {
  rt.pool!.resize(threads);
  const net = sequential([
    layers.dense(hidden, { activation: 'relu', inputShape: [inputs] }),
    layers.dense(hidden, { activation: 'tanh' }),
    layers.dense(10, { activation: 'softmax' }),
  ], { seed: 7 });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy' });
  const n = 256;
  const x = rand(n * inputs, 3);
  const y = new Float32Array(n).map((_, i) => (i * 7) % 10);
  await net.fit({ data: x, shape: [n, inputs] }, { data: y, shape: [n] }, { epochs: 3, batchSize: 64, verbose: 0 });
  return net.getWeights().map((w) => w.data);
}

test('the shared-memory form of a build differs in the memory import flag only', () => {
  allowRelaxedSimd();
  for (const file of ['lepton.wasm', 'lepton-relaxed.wasm']) {
    const bytes = new Uint8Array(readFileSync(new URL(`../build/${file}`, import.meta.url)));
    const shared = withSharedMemory(bytes)!;
    assert.ok(shared, `${file} has a memory import with a maximum`);
    const diff = [...bytes].flatMap((v, i) => (v !== shared[i] ? [i] : []));
    assert.is(diff.length, 1);
    assert.equal([bytes[diff[0]], shared[diff[0]]], [1, 3]);
    assert.ok(WebAssembly.validate(shared), `${file} with shared memory validates`);
  }
});

for (const fast of [false, true]) {
  const name = fast ? 'fast' : 'plain';

  test(`${name}: every gemm form gives the same bits on 1 and 2 threads, split by rows and by columns`, async () => {
    const rt = await start(fast);
    tuning.minShare = 64; // split even these small shapes
    const jobs = rt.pool!.jobs;
    const one = gemmBits(rt, 1);
    assert.is(rt.pool!.jobs, jobs, 'one thread runs no jobs');
    const two = gemmBits(rt, 2);
    assert.ok(rt.pool!.jobs - jobs >= 20, `most gemms were split (${rt.pool!.jobs - jobs})`);
    sameBits(one, two, name);
    tuning.chunksPerThread = 7; // more, smaller chunks: still the same bits
    sameBits(one, gemmBits(rt, 2), `${name}, 7 chunks per thread`);
  });

  test(`${name}: threaded fused gemm matches the float64 reference`, async () => {
    const rt = await start(fast);
    tuning.minShare = 64;
    const { arena, kernels: k } = rt;
    const [m, n, kk] = [29, 77, 301];
    const a = rand(m * kk, 1), b = rand(kk * n, 2), bias = rand(n, 3);
    const pa = arena.alloc(a.length * 4), pb = arena.alloc(b.length * 4), pc = arena.alloc(m * n * 4), pbias = arena.alloc(n * 4);
    arena.f32(pa, a.length).set(a);
    arena.f32(pb, b.length).set(b);
    arena.f32(pbias, n).set(bias);
    const jobs = rt.pool!.jobs;
    k.f32_gemm_nn_bias_act(m, n, kk, pa, kk, pb, n, pc, n, pbias, Act.relu, 0, arena.alloc(k.f32_gemm_workspace(m, n, kk)));
    assert.is(rt.pool!.jobs, jobs + 1);
    const ref = new Float64Array(m * n);
    gemmBiasActRef(m, n, kk, a, kk, b, n, ref, n, bias, Act.relu, 0);
    // The fast build fuses multiply-adds: its own, equally k-proportional tolerance.
    const t = (fast ? 2e-6 : 1e-6) * (kk + 1);
    close(Float64Array.from(arena.f32(pc, m * n)), ref, t, t, `${name} fused gemm ${m}×${n}×${kk}, 2 threads`);
  });

  test(`${name}: every convolution and pooling kernel gives the same bits on 1 and 2 threads`, async () => {
    const rt = await start(fast);
    tuning.minShare = 64; // split even these small geometries
    tuning.minElements = 64;
    const jobs = rt.pool!.jobs;
    const one = convBits(rt, 1);
    assert.is(rt.pool!.jobs, jobs, 'one thread runs no jobs');
    const two = convBits(rt, 2);
    assert.ok(rt.pool!.jobs - jobs >= 28, `every call was split (${rt.pool!.jobs - jobs} of 32)`);
    sameBits(one, two, name);
    tuning.chunksPerThread = 7;
    sameBits(one, convBits(rt, 2), `${name}, 7 chunks per thread`);
  });

  test(`${name}: the shipped thresholds split a batch-128 CAE convolution, which matches the float64 reference`, async () => {
    const rt = await start(fast);
    const { arena, kernels: k } = rt;
    const g = convGeometry({ batch: 128, height: 14, width: 14, channels: 32, filters: 64, kernelSize: [3, 3], strides: [2, 2], padding: 'same' });
    const pg = arena.alloc(GEOMETRY_BYTES);
    writeGeometry(arena.i32All(), pg, g);
    const xs = g.n * g.h * g.w * g.c, ys = g.n * g.oh * g.ow * g.f, K = g.kh * g.kw * g.c;
    const x = rand(xs, 5), w = rand(K * g.f, 6), bias = rand(g.f, 7);
    const px = arena.alloc(xs * 4), pw = arena.alloc(K * g.f * 4), pb = arena.alloc(g.f * 4), py = arena.alloc(ys * 4);
    arena.f32(px, xs).set(x);
    arena.f32(pw, K * g.f).set(w);
    arena.f32(pb, g.f).set(bias);
    const jobs = rt.pool!.jobs;
    k.f32_conv2d_bias_act(pg, px, pw, py, pb, Act.relu, 0, 0, g.n * g.oh, arena.alloc(k.f32_conv2d_workspace(pg)));
    assert.is(rt.pool!.jobs, jobs + 1);
    const t = (fast ? 2e-6 : 1e-6) * (K + 1);
    close(Float64Array.from(arena.f32(py, ys)), conv2dRef(g, x, w, bias, Act.relu), t, t, `${name} conv 128×14×14×32 → 7×7×64, 2 threads`);
  });

  test(`${name}: weights after training are identical on 1 and 2 threads`, async () => {
    const rt = await start(fast);
    tuning.minShare = 256; // every gemm of this small model splits, and the Adam update
    tuning.minElements = 64;
    const jobs = rt.pool!.jobs;
    const one = await trainedWeights(rt, 1);
    const two = await trainedWeights(rt, 2);
    assert.ok(rt.pool!.jobs - jobs > 50, 'the 2-thread run split its gemms');
    sameBits(one.map((w) => new Uint32Array(w.buffer, w.byteOffset, w.length)), two.map((w) => new Uint32Array(w.buffer, w.byteOffset, w.length)), `${name} training`);
    Object.assign(tuning, defaults); // and with the shipped threshold on a larger layer
    const big1 = await trainedWeights(rt, 1, 784, 256);
    const before = rt.pool!.jobs;
    const big2 = await trainedWeights(rt, 2, 784, 256);
    assert.ok(rt.pool!.jobs > before, 'the shipped threshold splits a 784→256 layer at batch 64');
    sameBits(big1.map((w) => new Uint32Array(w.buffer)), big2.map((w) => new Uint32Array(w.buffer)), `${name} training 784-256`);
  });
}

test('a process that trained with two threads exits by itself', () => {
  const child = fileURLToPath(new URL('./threads/exit-child.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 12000 });
  assert.is(r.error, undefined, `child did not exit in time: ${r.error}`);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /trained/);
});

const rejection = async (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

test('threads: a bad count is a clear error, at the first init and on a running one; runtime() reports the count', async () => {
  resetForTests();
  assert.throws(() => runtime(), /not initialized/, 'no runtime left: the next init is a first one');
  assert.match(String(await rejection(init({ threads: 0 }))), /threads must be a whole number ≥ 1, got 0/);
  assert.throws(() => runtime(), /not initialized/, 'a refused first init leaves no runtime behind');
  await init({ threads: 1 });
  assert.is(runtime().threads, 1);
  assert.match(String(await rejection(init({ threads: 1.5 }))), /threads must be a whole number ≥ 1, got 1.5/);
  assert.is(runtime().threads, 1, 'a refused count leaves the running pool as it was');
  await init({ threads: 2 });
  assert.is(runtime().threads, 2);
});

test.run();

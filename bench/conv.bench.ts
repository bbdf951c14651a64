// GFLOP/s of the convolution kernels (assembly/f32-conv.ts) on the seeds' layers at batch 128, in
// the three forms a training step runs (forward with bias + ReLU, dX, dW), through the runtime's
// kernels (split across threads as a layer's calls are), beside the dense gemm on the gemm of the
// same m·n·k (what an im2col convolution would run; issue 14's target: the conv forward at
// ≥ 85 % of it), and beside the peers' kernels: @tensorflow/tfjs-backend-wasm (XNNPACK) conv2d,
// conv2dTranspose and the filter gradient, and onnxruntime-node Conv and ConvTranspose (an
// inference runtime: no weight gradient). A FLOP is counted for every output pixel × filter × tap
// (padded taps included), 2 per multiply-add, the same for every side. Each side is first checked
// against test/ref/conv.ts on the same layer at batch 2.
//   npx tsx bench/conv.bench.ts [--threads 2] [--fast] [--quick] [--impl lepton|tfjs wasm|ort node]
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { convGeometry, convTransposeGeometry, GEOMETRY_BYTES, writeGeometry, type ConvGeometry } from '../src/wasm/conv.js';
import { Act } from '../src/wasm/kernels.js';
import { init, runtime, threadsReady } from '../src/wasm/runtime.js';
import { conv2dDwRef, conv2dDxRef, conv2dRef } from '../test/ref/conv.js';
import { nchw, onnxConv } from './peers/onnx-conv.js';
import { median, type Row } from './rows.js';

type Form = 'forward' | 'dX' | 'dW';
export type ConvImpl = 'lepton' | 'tfjs wasm' | 'ort node';

interface Layer {
  name: string;
  /** The conv; for a transposed layer, the conv it transposes (its forward is this conv's dX). */
  geometry: (batch: number) => ConvGeometry;
  transposed: boolean;
}

const BATCH = 128;
export const LAYERS: Layer[] = [
  {
    name: 'CAE conv 2 14×14×32→7×7×64 3×3/2', transposed: false,
    geometry: (batch) => convGeometry({ batch, height: 14, width: 14, channels: 32, filters: 64, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }),
  },
  {
    // The CAE's largest layer (3.6 MFLOP of its 10 a sample forward).
    name: 'CAE convT 2 14×14×64→28×28×32 3×3/2', transposed: true,
    geometry: (batch) => convTransposeGeometry({ batch, height: 14, width: 14, channels: 64, filters: 32, kernelSize: [3, 3], strides: [2, 2], padding: 'same' }),
  },
  {
    name: 'CAE convT 3 28×28×32→28×28×1 3×3', transposed: true,
    geometry: (batch) => convTransposeGeometry({ batch, height: 28, width: 28, channels: 32, filters: 1, kernelSize: [3, 3], padding: 'same' }),
  },
  {
    name: 'LeNet conv 2 14×14×32→14×14×64 5×5', transposed: false,
    geometry: (batch) => convGeometry({ batch, height: 14, width: 14, channels: 32, filters: 64, kernelSize: [5, 5], padding: 'same' }),
  },
];
const FORMS: Form[] = ['forward', 'dX', 'dW'];

/**
 * What each form of a layer computes, in terms of the conv g. A conv layer: forward = conv
 * (x → y), dX = its dX (dy → dx), dW. A transposed layer (input t [n, oh, ow, f], output
 * [n, h, w, c]): forward = g's dX with the epilogue, dX = g's forward, dW = g's dW with the roles
 * of x and dy swapped.
 */
const role = (layer: Layer, form: Form): 'conv' | 'convDx' | 'convDw' =>
  form === 'dW' ? 'convDw' : (form === 'forward') !== layer.transposed ? 'conv' : 'convDx';

const flops = (g: ConvGeometry) => 2 * g.n * g.oh * g.ow * g.f * g.kh * g.kw * g.c;

function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

/** The operands of g: x [n, h, w, c], W, dy [n, oh, ow, f], bias (c or f). */
function operands(g: ConvGeometry) {
  return {
    x: random(g.n * g.h * g.w * g.c, 1), w: random(g.kh * g.kw * g.c * g.f, 2).map((v) => v * 0.2), dy: random(g.n * g.oh * g.ow * g.f, 3),
    biasF: random(g.f, 4), biasC: random(g.c, 5),
  };
}

/** The float64 result of a form (the epilogue is ReLU with bias on the conv forward and the transposed forward). */
function reference(layer: Layer, form: Form, g: ConvGeometry): Float64Array {
  const o = operands(g);
  const r = role(layer, form);
  if (r === 'convDw') return conv2dDwRef(g, o.x, o.dy); // a transposed layer's: its x is g's dy
  const epi = form === 'forward';
  const y = r === 'conv' ? conv2dRef(g, o.x, o.w, epi ? o.biasF : null, epi ? Act.relu : 0) : conv2dDxRef(g, o.dy, o.w);
  if (r === 'convDx' && epi) for (let i = 0; i < y.length; i++) y[i] = Math.max(0, y[i] + o.biasC[i % g.c]);
  return y;
}

/** A timed computation: run() does it once; result() reads the output (NHWC, or dW's layout). */
interface Prepared { run(): void | Promise<void>; result(): Float32Array | Promise<Float32Array>; dispose?(): void }

function prepareLepton(layer: Layer, form: Form, g: ConvGeometry, gemm: boolean): Prepared {
  const { kernels: k, arena } = runtime();
  const o = operands(g);
  const put = (a: Float32Array) => {
    const p = arena.alloc(a.length * 4);
    arena.f32(p, a.length).set(a);
    return p;
  };
  const pg = arena.alloc(GEOMETRY_BYTES);
  writeGeometry(arena.i32All(), pg, g);
  const M = g.n * g.oh * g.ow, K = g.kh * g.kw * g.c;
  const px = put(o.x), pw = put(o.w), pdy = put(o.dy), pbf = put(o.biasF), pbc = put(o.biasC);
  const r = role(layer, form);
  const size = r === 'conv' ? o.dy.length : r === 'convDx' ? o.x.length : o.w.length;
  const out = arena.alloc(size * 4);
  const epi = form === 'forward';
  const blocks = [pg, px, pw, pdy, pbf, pbc, out];
  const dispose = () => blocks.forEach((b) => arena.release(b));
  if (gemm) {
    // The im2col gemm of the same m·n·k: patches (M×K) · W (K×F), dCols = dY·Wᵀ, dW = colsᵀ·dY.
    const cols = arena.alloc(M * K * 4), dCols = cols;
    const ws = arena.alloc(Math.max(k.f32_gemm_workspace(M, g.f, K), k.f32_gemm_workspace(M, K, g.f), k.f32_gemm_workspace(K, g.f, M)));
    blocks.push(cols, ws);
    return {
      dispose,
      run: r === 'conv' ? () => k.f32_gemm_nn_bias_act(M, g.f, K, cols, K, pw, g.f, out, g.f, epi ? pbf : 0, epi ? Act.relu : 0, 0, ws)
        : r === 'convDx' ? () => k.f32_gemm_nt(M, K, g.f, pdy, g.f, pw, g.f, dCols, K, 0, ws)
        : () => k.f32_gemm_tn(K, g.f, M, cols, K, pdy, g.f, out, g.f, 0, ws),
      result: () => new Float32Array(0),
    };
  }
  const ws = arena.alloc(k.f32_conv2d_workspace(pg));
  blocks.push(ws);
  const run = r === 'conv' ? () => k.f32_conv2d_bias_act(pg, px, pw, out, epi ? pbf : 0, epi ? Act.relu : 0, 0, 0, g.n * g.oh, ws)
    : r === 'convDx' ? (epi ? () => k.f32_conv2d_transpose_bias_act(pg, pdy, pw, out, pbc, Act.relu, 0, 0, g.n * g.h, ws) : () => k.f32_conv2d_dx(pg, pdy, pw, out, 0, 0, g.n * g.h, ws))
    : () => k.f32_conv2d_dw(pg, px, pdy, out, 0, 0, K, 0, g.f, ws);
  return { run, result: () => arena.f32(out, size).slice(), dispose };
}

async function loadTfjs(): Promise<any> {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep);
  tf.env().set('PROD', true);
  await tf.setBackend('wasm');
  await tf.ready();
  return tf;
}

/** tfjs takes TensorFlow's 'same' only; every layer here is 'same', checked by the reference. */
function prepareTfjs(tf: any, layer: Layer, form: Form, g: ConvGeometry): Prepared {
  const o = operands(g);
  const x = tf.tensor4d(o.x, [g.n, g.h, g.w, g.c]), w = tf.tensor4d(o.w, [g.kh, g.kw, g.c, g.f]), dy = tf.tensor4d(o.dy, [g.n, g.oh, g.ow, g.f]);
  const bf = tf.tensor1d(o.biasF), bc = tf.tensor1d(o.biasC);
  const strides: [number, number] = [g.sh, g.sw];
  const r = role(layer, form);
  const epi = form === 'forward';
  const op = r === 'conv'
    ? () => (epi ? tf.fused.conv2d({ x, filter: w, strides, pad: 'same', bias: bf, activation: 'relu' }) : tf.conv2d(x, w, strides, 'same'))
    : r === 'convDx'
      ? () => {
        const t = tf.conv2dTranspose(dy, w, [g.n, g.h, g.w, g.c], strides, 'same');
        if (!epi) return t;
        const y = tf.relu(tf.add(t, bc));
        t.dispose();
        return y;
      }
      : () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad: 'same', dataFormat: 'NHWC', filterShape: [g.kh, g.kw, g.c, g.f] });
  let last = new Float32Array(0);
  return {
    run: () => {
      const y = op();
      last = y.dataSync() as Float32Array; // includes completion
      y.dispose();
    },
    result: () => last,
  };
}

async function prepareOrt(ort: any, threads: number, layer: Layer, form: Form, g: ConvGeometry): Promise<Prepared> {
  const r = role(layer, form);
  if (r === 'convDw') throw new Error('an inference runtime: no weight gradient');
  if (g.dh !== 1 || g.dw !== 1) throw new Error('dilation not set up here');
  const o = operands(g);
  const transposed = r === 'convDx';
  const bias = form === 'forward' ? (transposed ? o.biasC : o.biasF) : undefined;
  const session = await ort.InferenceSession.create(onnxConv(g, o.w, transposed, bias), { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1 });
  const input = transposed ? new ort.Tensor('float32', nchw(o.dy, g.n, g.oh, g.ow, g.f), [g.n, g.f, g.oh, g.ow]) : new ort.Tensor('float32', nchw(o.x, g.n, g.h, g.w, g.c), [g.n, g.c, g.h, g.w]);
  let last: Float32Array = new Float32Array(0);
  return {
    run: async () => {
      last = (await session.run({ x: input })).y.data as Float32Array;
    },
    result: () => (transposed ? nchw(last, g.n, g.h, g.w, g.c, true) : nchw(last, g.n, g.oh, g.ow, g.f, true)),
  };
}

/**
 * GFLOP/s of each run of each of `ps` (median of `runs`), each run at least ~minMs, after a
 * warm-up; the runs of several take turns, so that a conv and its gemm see the same machine load.
 */
async function time(ps: Prepared[], work: number, runs: number, minMs: number): Promise<number[][]> {
  const reps: number[] = [];
  for (const p of ps) {
    const t0 = performance.now();
    await p.run();
    reps.push(Math.max(1, Math.ceil(minMs / Math.max(performance.now() - t0, 1e-3))));
    for (let i = 0; i < reps[reps.length - 1]; i++) await p.run();
  }
  const rates = ps.map((): number[] => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < ps.length; i++) {
      const s = performance.now();
      for (let j = 0; j < reps[i]; j++) await ps[i].run();
      rates[i].push(work / (((performance.now() - s) / reps[i]) * 1e6));
    }
  }
  return rates;
}

export interface ConvBenchOptions { impl: ConvImpl; threads: number; fast?: boolean; quick?: boolean }

export async function run(o: ConvBenchOptions): Promise<Row[]> {
  const runs = o.quick ? 3 : 7;
  const minMs = o.quick ? 30 : 150;
  let impl: string = o.impl;
  let prepare: (layer: Layer, form: Form, g: ConvGeometry) => Prepared | Promise<Prepared>;
  if (o.impl === 'lepton') {
    const rt = await init({ threads: o.threads, fast: o.fast });
    await threadsReady();
    impl = rt.build === 'relaxed-simd' ? 'lepton fast' : 'lepton plain';
    prepare = (layer, form, g) => prepareLepton(layer, form, g, false);
  } else if (o.impl === 'tfjs wasm') {
    const tf = await loadTfjs();
    prepare = (layer, form, g) => prepareTfjs(tf, layer, form, g);
  } else {
    const ort = await import('onnxruntime-node');
    prepare = (layer, form, g) => prepareOrt(ort, o.threads, layer, form, g);
  }
  const rows: Row[] = [];
  for (const layer of LAYERS) {
    for (const form of FORMS) {
      const kase = `${layer.name} ${form}`;
      const g = layer.geometry(BATCH);
      try {
        const small = layer.geometry(2);
        const check = await prepare(layer, form, small);
        await check.run();
        const got = await check.result();
        check.dispose?.();
        const ref = reference(layer, form, small);
        const terms = form === 'dW' ? small.n * small.oh * small.ow : small.kh * small.kw * Math.max(small.c, small.f);
        for (let i = 0; i < ref.length; i++) {
          if (!(Math.abs(got[i] - ref[i]) <= 2e-6 * terms * (1 + Math.abs(ref[i])))) throw new Error(`${impl} ${kase}: element ${i} is ${got[i]}, reference ${ref[i]}`);
        }
        const timed = [await prepare(layer, form, g)];
        if (o.impl === 'lepton') timed.push(prepareLepton(layer, form, g, true));
        const [rates, gemmRates] = await time(timed, flops(g), runs, minMs);
        for (const t of timed) t.dispose?.();
        rows.push({ section: 'conv', case: kase, impl, threads: o.threads, value: median(rates), unit: 'GFLOP/s', higherIsBetter: true, runs: rates });
        if (gemmRates) {
          const { m, n, k } = gemmShape(layer, form, g);
          const ratio = rates.map((r, i) => r / gemmRates[i]);
          rows.push({
            section: 'conv', case: kase, impl: impl.replace('lepton', 'gemm'), threads: o.threads, value: median(gemmRates), unit: 'GFLOP/s', higherIsBetter: true, runs: gemmRates,
            note: `lepton's dense gemm ${m}×${n}×${k} (im2col's); run by run in one process, the conv at ${Math.round(100 * median(ratio))} % of it`,
          });
        }
      } catch (e) {
        const why = ((e as Error).message ?? String(e)).split('\n')[0].slice(0, 120);
        rows.push({ section: 'conv', case: kase, impl, threads: o.threads, unit: 'GFLOP/s', higherIsBetter: true, note: `not available: ${why}` });
      }
    }
  }
  return rows;
}

function gemmShape(layer: Layer, form: Form, g: ConvGeometry): { m: number; n: number; k: number } {
  const M = g.n * g.oh * g.ow, K = g.kh * g.kw * g.c;
  const r = role(layer, form);
  return r === 'conv' ? { m: M, n: g.f, k: K } : r === 'convDx' ? { m: M, n: K, k: g.f } : { m: K, n: g.f, k: M };
}

if (process.argv[1] && path.resolve(process.argv[1]).endsWith('conv.bench.ts')) {
  const arg = (name: string) => (process.argv.indexOf(name) > 0 ? process.argv[process.argv.indexOf(name) + 1] : undefined);
  const rows = await run({ impl: (arg('--impl') ?? 'lepton') as ConvImpl, threads: Number(arg('--threads') ?? 1), fast: process.argv.includes('--fast'), quick: process.argv.includes('--quick') });
  for (const r of rows) console.log(`${r.impl} ${r.threads}t ${r.case}: ${r.value === undefined ? r.note : `${r.value.toFixed(1)} GFLOP/s${r.impl.startsWith('gemm') ? ` (${r.note!.replace(/.*the conv at/, 'conv at')})` : ''}`}`);
}

// Kernels split across the pool. A gemm is cut into column blocks (multiples of 8) or row blocks
// (multiples of 4); each chunk is the same export called on sub-matrices, with pointers moved
// into A or B, C and the bias. f32-gemm.ts sums every C[i][j] in an order that depends on k
// alone, so a split changes which thread computes an element, never its bits: results are
// identical for any thread count (test/threads.test.ts checks it).
//
// Which way to cut: by columns every chunk packs all of A (m·k floats), by rows all of B (k·n
// floats); the smaller duplicate wins. A few chunks per thread let a thread that runs take the
// work of one that waits for a busy core. Small gemms stay on the caller: below tuning.minShare
// multiply-adds per chunk the hand-off costs more than it saves (measured with
// `npx tsx bench/gemm.bench.ts --threshold`). Back to back, with the pool's threads spinning
// between jobs, even 32×64×64 (2¹⁷) splits at 1.5×, and a bar of 2¹⁶ made the earthquake MLP
// (batch 32) train 27 % faster on 2 threads in quiet A/B runs; but over the suite's 9 runs it was
// 16 % slower than on 1 thread: a job of a few microseconds whose chunk went to a worker whose
// core the host took away stalls the caller, and a step of 82 µs has a dozen such jobs. The bar
// stays where a job is long enough for that to be rare.
//
// Convolutions and poolings take the range of rows they compute as arguments (f32-conv.ts,
// f32-pool.ts), so a chunk is the same call with another range: the forward and the transposed
// convolution split by output rows (of batch × height), dX by rows of dx, dW by its parts over the
// output pixels (f32_conv2d_dw_parts: a fixed number of parts, summed in order afterwards) or, for
// a batch too small to have parts, by rows of dW (4 at a time, (kh, kw, c)) or, when it has fewer
// of those than chunks to make, by columns (8 filters at a time); poolings split by output rows forward and by images backward (a backward scatters, and
// an image's windows overlap). Every output element is one chunk's, summed in an order fixed by
// the geometry: the same bits for any thread count.
//
// The Adam update over the parameter slab is elementwise: it splits into ranges of whole f32x4
// lanes (the slab's segments are padded to 4 floats), each element updated by one thread with the
// same arithmetic.

import type { Arena } from './arena.js';
import { readGeometry } from './conv.js';
import type { Kernels } from './kernels.js';
import { MAX_CHUNKS, type Job, type Pool, POOL_KERNELS, type PoolKernel } from './pool.js';

export const tuning = {
  /** Least multiply-adds (m·n·k) per chunk worth a hand-off. */
  minShare: 1 << 18,
  /** Chunks per participant, at most. */
  chunksPerThread: 2,
  /** Least elements per chunk of an elementwise kernel (the optimizer update). */
  minElements: 1 << 15,
};

type GemmForm = 'nn' | 'nt' | 'tn';

/**
 * The runtime's kernels with the gemms split across `pool` when it pays. Long because it is one
 * closure over the state every wrapper shares (the workers' workspaces, the reusable jobs, the
 * shift table): the wrappers stay plain functions with the export's signature, called per layer
 * per step with no object lookups.
 */
export function parallelKernels(raw: Kernels, pool: Pool, arena: Arena): Kernels {
  const wsPtr: number[] = [];
  const wsSize: number[] = [];
  const shifts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

  // Worker w's packing workspace: grow-only, so steps after the first allocate nothing.
  const workspaces = (parts: number, bytes: number): void => {
    for (let w = 1; w < parts; w++) {
      if ((wsSize[w] ?? 0) >= bytes) continue;
      if (wsPtr[w]) arena.release(wsPtr[w]);
      wsPtr[w] = arena.alloc(bytes);
      wsSize[w] = bytes;
      pool.setWorkspace(w, wsPtr[w]);
    }
  };

  const job = (kernel: PoolKernel, nargs: number): Job => ({
    kernel: POOL_KERNELS.indexOf(kernel), fn: raw[kernel] as (...a: number[]) => void, args: new Array<number>(nargs).fill(0),
    nargs, sizeArg: 0, len: 0, per: 0, chunks: 0, wsArg: nargs - 1, shifts, nshifts: 0,
  });
  const jobs = {
    f32_gemm_nn: job('f32_gemm_nn', 11),
    f32_gemm_nt: job('f32_gemm_nt', 11),
    f32_gemm_tn: job('f32_gemm_tn', 11),
    f32_gemm_nn_bias_act: job('f32_gemm_nn_bias_act', 13),
    f32_adam: job('f32_adam', 13),
  };
  const conv = {
    f32_conv2d_bias_act: job('f32_conv2d_bias_act', 10),
    f32_conv2d_dx: job('f32_conv2d_dx', 8),
    f32_conv2d_transpose_bias_act: job('f32_conv2d_transpose_bias_act', 10),
    f32_conv2d_dw: job('f32_conv2d_dw', 10),
    f32_conv2d_dw_parts: job('f32_conv2d_dw_parts', 8),
    // No workspace: an argument past the last, ignored by the export.
    f32_maxpool2d: { ...job('f32_maxpool2d', 6), wsArg: 6 },
    f32_maxpool2d_grad: { ...job('f32_maxpool2d_grad', 7), wsArg: 7 },
    f32_avgpool2d: { ...job('f32_avgpool2d', 5), wsArg: 5 },
    f32_avgpool2d_grad: { ...job('f32_avgpool2d_grad', 6), wsArg: 6 },
  };
  jobs.f32_adam.wsArg = 13; // no workspace: an argument past the last, ignored by the export
  jobs.f32_adam.shifts = [0, 4, 1, 4, 2, 4, 3, 4, 4, 4]; // p, g, m, v, vmax move 4 bytes per element
  jobs.f32_adam.sizeArg = 5;

  /** Splits and runs the gemm in `j.args` (m, n, k, a, lda, b, ldb, c, ldc, ...); false: too small. */
  const split = (j: Job, form: GemmForm, args: IArguments): boolean => {
    const m: number = args[0], n: number = args[1], k: number = args[2];
    const work = m * n * k;
    if (work < 2 * tuning.minShare) return false;
    const parts = pool.available();
    if (parts < 2) return false;
    const byCols = n >= m;
    const unit = byCols ? 8 : 4;
    const len = byCols ? n : m;
    const units = Math.ceil(len / unit);
    const chunks = Math.min(units, parts * tuning.chunksPerThread, Math.floor(work / tuning.minShare), MAX_CHUNKS);
    if (chunks < 2) return false;
    const per = Math.ceil(units / chunks) * unit;
    for (let i = 0; i < j.nargs; i++) j.args[i] = args[i]; // the caller's chunks use its own workspace
    j.sizeArg = byCols ? 1 : 0;
    j.len = len;
    j.per = per;
    j.chunks = Math.ceil(len / per);
    if (byCols) {
      shifts[0] = 5; shifts[1] = form === 'nt' ? (args[6] as number) * 4 : 4; // b
      shifts[2] = 7; shifts[3] = 4; //                                          c
      shifts[4] = 9; shifts[5] = 4; //                                          bias (fused form only)
      j.nshifts = j === jobs.f32_gemm_nn_bias_act && args[9] ? 3 : 2;
    } else {
      shifts[0] = 3; shifts[1] = form === 'tn' ? 4 : (args[4] as number) * 4; // a
      shifts[2] = 7; shifts[3] = (args[8] as number) * 4; //                      c
      j.nshifts = 2;
    }
    workspaces(parts, raw.f32_gemm_workspace(byCols ? m : per, byCols ? per : n, k));
    pool.run(j);
    return true;
  };

  /** Splits an elementwise kernel over n floats into ranges of whole 4-lane groups. */
  const splitElementwise = (j: Job, args: IArguments, n: number, nshifts: number): boolean => {
    if (n < 2 * tuning.minElements || n % 4 !== 0) return false;
    const parts = pool.available();
    if (parts < 2) return false;
    const chunks = Math.min(parts * tuning.chunksPerThread, Math.floor(n / tuning.minElements), MAX_CHUNKS);
    for (let i = 0; i < j.nargs; i++) j.args[i] = args[i];
    j.len = n;
    j.per = Math.ceil(n / chunks / 4) * 4;
    j.chunks = Math.ceil(n / j.per);
    j.nshifts = nshifts;
    pool.run(j);
    return true;
  };

  /**
   * Splits the call in `args` over `len` rows (sizeArg: the count, sizeArg − 1: the first) in
   * chunks of a multiple of `unit` rows; false when `work` (multiply-adds, or elements touched)
   * is too little for `share` per chunk.
   */
  const splitRows = (j: Job, args: IArguments, len: number, unit: number, sizeArg: number, work: number, share: number, ws: number): boolean => {
    if (work < 2 * share) return false;
    const parts = pool.available();
    if (parts < 2) return false;
    const units = Math.ceil(len / unit);
    const chunks = Math.min(units, parts * tuning.chunksPerThread, Math.floor(work / share), MAX_CHUNKS);
    if (chunks < 2) return false;
    for (let i = 0; i < j.nargs; i++) j.args[i] = args[i];
    j.sizeArg = sizeArg;
    j.len = len;
    j.per = Math.ceil(units / chunks) * unit;
    j.chunks = Math.ceil(len / j.per);
    shifts[0] = sizeArg - 1; shifts[1] = 1; // the first row moves with the chunk
    j.nshifts = 1;
    if (ws) workspaces(parts, ws);
    pool.run(j);
    return true;
  };
  const geometry = (ptr: number) => readGeometry(arena.i32All(), ptr);
  /** Multiply-adds of a convolution: every output pixel, filter and tap. */
  const macs = (g: ReturnType<typeof geometry>) => g.n * g.oh * g.ow * g.f * g.kh * g.kw * g.c;
  /** Cells a pooling reads: every output element's window. */
  const cells = (g: ReturnType<typeof geometry>) => g.n * g.oh * g.ow * g.c * g.kh * g.kw;
  const available = () => pool.available() > 1;

  // Small calls (every call of the earthquake MLP) go straight to the export: one multiply and
  // compare, no arguments object.
  const big = (m: number, n: number, k: number): boolean => m * n * k >= 2 * tuning.minShare && pool.available() > 1;

  return {
    ...raw,
    f32_conv2d_bias_act(geom, x, w, y, bias, act, alpha, r0, nr, ws) {
      const g = available() ? geometry(geom) : undefined;
      if (!g || !splitRows(conv.f32_conv2d_bias_act, arguments, nr, 1, 8, macs(g) * nr / (g.n * g.oh), tuning.minShare, raw.f32_conv2d_workspace(geom))) {
        raw.f32_conv2d_bias_act(geom, x, w, y, bias, act, alpha, r0, nr, ws);
      }
    },
    f32_conv2d_dx(geom, dy, w, dx, acc, r0, nr, ws) {
      const g = available() ? geometry(geom) : undefined;
      if (!g || !splitRows(conv.f32_conv2d_dx, arguments, nr, 1, 6, macs(g) * nr / (g.n * g.h), tuning.minShare, raw.f32_conv2d_workspace(geom))) {
        raw.f32_conv2d_dx(geom, dy, w, dx, acc, r0, nr, ws);
      }
    },
    f32_conv2d_transpose_bias_act(geom, x, w, y, bias, act, alpha, r0, nr, ws) {
      const g = available() ? geometry(geom) : undefined;
      if (!g || !splitRows(conv.f32_conv2d_transpose_bias_act, arguments, nr, 1, 8, macs(g) * nr / (g.n * g.h), tuning.minShare, raw.f32_conv2d_workspace(geom))) {
        raw.f32_conv2d_transpose_bias_act(geom, x, w, y, bias, act, alpha, r0, nr, ws);
      }
    },
    f32_conv2d_dw(geom, x, dy, dw, acc, k0, kn, f0, fn, ws) {
      const g = available() ? geometry(geom) : undefined;
      let done = false;
      if (g) {
        // By rows of dW (each chunk packs all of dy, cheap) unless there are too few of them.
        const work = macs(g) * (kn / (g.kh * g.kw * g.c)) * (fn / g.f);
        const byRows = Math.ceil(kn / 4) >= Math.min(pool.available() * tuning.chunksPerThread, Math.ceil(fn / 8));
        done = byRows
          ? splitRows(conv.f32_conv2d_dw, arguments, kn, 4, 6, work, tuning.minShare, raw.f32_conv2d_workspace(geom))
          : splitRows(conv.f32_conv2d_dw, arguments, fn, 8, 8, work, tuning.minShare, raw.f32_conv2d_workspace(geom));
      }
      if (!done) raw.f32_conv2d_dw(geom, x, dy, dw, acc, k0, kn, f0, fn, ws);
    },
    f32_conv2d_dw_parts(geom, x, dy, parts, seg, s0, ns, ws) {
      const g = available() ? geometry(geom) : undefined;
      const work = g ? macs(g) * Math.min(1, (ns * seg) / (g.n * g.oh * g.ow)) : 0;
      if (!g || !splitRows(conv.f32_conv2d_dw_parts, arguments, ns, 1, 6, work, tuning.minShare, raw.f32_conv2d_workspace(geom))) {
        raw.f32_conv2d_dw_parts(geom, x, dy, parts, seg, s0, ns, ws);
      }
    },
    f32_maxpool2d(geom, x, y, argmax, r0, nr) {
      const g = available() ? geometry(geom) : undefined;
      if (!g || !splitRows(conv.f32_maxpool2d, arguments, nr, 1, 5, cells(g) * nr / (g.n * g.oh), tuning.minElements, 0)) raw.f32_maxpool2d(geom, x, y, argmax, r0, nr);
    },
    f32_maxpool2d_grad(geom, dy, argmax, dx, acc, n0, nn) {
      const g = available() ? geometry(geom) : undefined;
      if (!g || !splitRows(conv.f32_maxpool2d_grad, arguments, nn, 1, 6, cells(g) * nn / g.n, tuning.minElements, 0)) raw.f32_maxpool2d_grad(geom, dy, argmax, dx, acc, n0, nn);
    },
    f32_avgpool2d(geom, x, y, r0, nr) {
      const g = available() ? geometry(geom) : undefined;
      if (!g || !splitRows(conv.f32_avgpool2d, arguments, nr, 1, 4, cells(g) * nr / (g.n * g.oh), tuning.minElements, 0)) raw.f32_avgpool2d(geom, x, y, r0, nr);
    },
    f32_avgpool2d_grad(geom, dy, dx, acc, n0, nn) {
      const g = available() ? geometry(geom) : undefined;
      if (!g || !splitRows(conv.f32_avgpool2d_grad, arguments, nn, 1, 5, cells(g) * nn / g.n, tuning.minElements, 0)) raw.f32_avgpool2d_grad(geom, dy, dx, acc, n0, nn);
    },
    f32_adam(p, g, m, v, vmax, n, lr, beta1, beta2, eps, c1, c2, wd) {
      if (n < 2 * tuning.minElements || !splitElementwise(jobs.f32_adam, arguments, n, vmax ? 5 : 4)) raw.f32_adam(p, g, m, v, vmax, n, lr, beta1, beta2, eps, c1, c2, wd);
    },
    f32_gemm_nn(m, n, k, a, lda, b, ldb, c, ldc, acc, ws) {
      if (!big(m, n, k) || !split(jobs.f32_gemm_nn, 'nn', arguments)) raw.f32_gemm_nn(m, n, k, a, lda, b, ldb, c, ldc, acc, ws);
    },
    f32_gemm_nt(m, n, k, a, lda, b, ldb, c, ldc, acc, ws) {
      if (!big(m, n, k) || !split(jobs.f32_gemm_nt, 'nt', arguments)) raw.f32_gemm_nt(m, n, k, a, lda, b, ldb, c, ldc, acc, ws);
    },
    f32_gemm_tn(m, n, k, a, lda, b, ldb, c, ldc, acc, ws) {
      if (!big(m, n, k) || !split(jobs.f32_gemm_tn, 'tn', arguments)) raw.f32_gemm_tn(m, n, k, a, lda, b, ldb, c, ldc, acc, ws);
    },
    f32_gemm_nn_bias_act(m, n, k, a, lda, b, ldb, c, ldc, bias, act, alpha, ws) {
      if (!big(m, n, k) || !split(jobs.f32_gemm_nn_bias_act, 'nn', arguments)) raw.f32_gemm_nn_bias_act(m, n, k, a, lda, b, ldb, c, ldc, bias, act, alpha, ws);
    },
  };
}

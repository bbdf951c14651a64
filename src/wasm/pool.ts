// The worker pool (DESIGN.md "Memory": one shared WebAssembly.Memory, every worker instantiating
// the same compiled module over it). A job is one kernel call cut into chunks along one dimension
// (a gemm's rows or columns, a convolution's rows, see parallel.ts). The caller is a participant too: it publishes the
// job, then it and the workers claim chunks from one atomic counter until none are left, and the
// call returns when every chunk is done. Claiming instead of fixed shares keeps a step fast when
// a core is busy with another process: the threads that run take the chunks. Which thread
// computes a chunk never changes a bit of the result (each output element belongs to exactly one
// chunk, and a chunk's arithmetic does not depend on who runs it).
//
// Jobs go through a small control SharedArrayBuffer, not the linear memory: a generation counter
// the workers wait on, a claim word (generation tag and next chunk), a done counter the caller
// waits on, the job's description, and one workspace pointer per worker. Everything is
// synchronous from the caller's side, so kernels keep their call-and-return contract and layers
// never see the pool.
//
// A worker takes part only once it has said it is ready, so init() never waits for workers to
// start (cold start stays one thread's), and a browser main thread, which cannot Atomics.wait,
// never waits on a worker that still needs the page's event loop to start.

/** Kernels a worker may be asked to run, by index. */
export const POOL_KERNELS = [
  'f32_gemm_nn', 'f32_gemm_nt', 'f32_gemm_tn', 'f32_gemm_nn_bias_act', 'f32_adam',
  'f32_conv2d_bias_act', 'f32_conv2d_dx', 'f32_conv2d_transpose_bias_act', 'f32_conv2d_dw',
  'f32_maxpool2d', 'f32_maxpool2d_grad', 'f32_avgpool2d', 'f32_avgpool2d_grad', 'f32_conv2d_dw_parts',
] as const;
export type PoolKernel = (typeof POOL_KERNELS)[number];

export const MAX_ARGS = 14;
/** Argument offsets a chunk shifts (pointers into the operands), at most. */
export const MAX_SHIFTS = 5;
/** Chunks per job, at most (they share a word with the generation tag). */
export const MAX_CHUNKS = 2046;
const MAX_WORKERS = 63;

// Control words (Int32 indices).
const GEN = 0; //          bumped by the caller to publish a job
const CLAIM = 1; //        (generation tag << 11) | next chunk; next = 2047 closes the job
const DONE = 2; //         chunks finished
const SLEEPERS = 3; //     workers inside Atomics.wait on GEN
const CALLER_WAITS = 4; // the caller is inside Atomics.wait on DONE
const STOP = 5;
const FAILED = 6; //       a worker's kernel threw
const READY = 8; //        READY + w: worker w has instantiated the module
const CTL_INTS = READY + MAX_WORKERS + 1;
const CLOSED = 2047;

// The job (Float64 indices after the control words).
const J_KERNEL = 0;
const J_SIZE_ARG = 1; // which argument holds the split dimension's size (0: m, 1: n)
const J_LEN = 2; //      the split dimension's full size
const J_PER = 3; //      chunk size
const J_CHUNKS = 4;
const J_WS_ARG = 5; //   which argument is the workspace pointer
const J_SHIFTS = 6; //   how many (argument, bytes per unit) pairs follow
const J_SHIFT = 7; //    MAX_SHIFTS pairs
const J_ARGS = J_SHIFT + 2 * MAX_SHIFTS;
const J_WS = J_ARGS + MAX_ARGS; // + w: worker w's workspace
const JOB_F64 = J_WS + MAX_WORKERS + 1;
const CTL_BYTES = Math.ceil((CTL_INTS * 4) / 8) * 8;

// Spin before sleeping: a training step issues split kernels a few hundred microseconds apart,
// and waking a sleeping thread costs tens of microseconds each time (measured here: 4096 spins,
// the earlier bound, last ~10 µs, so workers slept between every two jobs of a step). Spinning is
// bounded in time (as OpenMP's block time is), so an idle pool stops burning cores 2 ms after its
// last job; the clock is read every 256 spins.
const SPIN_MS = 2;

/**
 * The worker's whole program, as source text: it runs as an eval'd CommonJS script under
 * node:worker_threads and as a classic script from a blob: URL in a Web Worker. Kept as text (not
 * a function's toString) so that no bundler or transpiler helper can leak into it. Its chunk
 * loop mirrors Pool.work below.
 */
export const WORKER_SOURCE = `
'use strict';
function start(d) {
  if (d.relaxed && typeof require === 'function') {
    try { require('node:v8').setFlagsFromString('--experimental-wasm-relaxed-simd'); } catch (e) {}
  }
  const ctl = new Int32Array(d.control, 0, ${CTL_INTS});
  const J = new Float64Array(d.control, ${CTL_BYTES}, ${JOB_F64});
  const ex = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
  const fns = d.names.map((n) => ex[n]);
  const a = new Float64Array(${MAX_ARGS});
  Atomics.store(ctl, ${READY} + d.index, 1);
  let gen = Atomics.load(ctl, ${GEN});
  for (;;) {
    let spins = 0, since = performance.now();
    while (Atomics.load(ctl, ${GEN}) === gen) {
      if ((++spins & 255) === 0 && performance.now() - since > ${SPIN_MS}) {
        Atomics.add(ctl, ${SLEEPERS}, 1);
        Atomics.wait(ctl, ${GEN}, gen);
        Atomics.sub(ctl, ${SLEEPERS}, 1);
        since = performance.now();
      }
    }
    gen = Atomics.load(ctl, ${GEN});
    if (Atomics.load(ctl, ${STOP}) !== 0) break;
    const fn = fns[J[${J_KERNEL}]], sizeArg = J[${J_SIZE_ARG}], len = J[${J_LEN}], per = J[${J_PER}];
    const chunks = J[${J_CHUNKS}], wsArg = J[${J_WS_ARG}], shifts = J[${J_SHIFTS}], ws = J[${J_WS} + d.index];
    const tag = (gen & 0xfffff) << 11;
    for (;;) {
      const v = Atomics.load(ctl, ${CLAIM});
      const c = v & 2047;
      if ((v & ~2047) !== tag || c >= chunks) break;
      if (Atomics.compareExchange(ctl, ${CLAIM}, v, v + 1) !== v) continue;
      for (let i = 0; i < ${MAX_ARGS}; i++) a[i] = J[${J_ARGS} + i];
      const first = c * per;
      a[sizeArg] = Math.min(per, len - first);
      for (let s = 0; s < shifts; s++) a[J[${J_SHIFT} + 2 * s]] += first * J[${J_SHIFT} + 2 * s + 1];
      a[wsArg] = ws;
      try {
        fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
      } catch (e) {
        Atomics.store(ctl, ${FAILED}, 1);
      }
      if (Atomics.add(ctl, ${DONE}, 1) + 1 === chunks && Atomics.load(ctl, ${CALLER_WAITS}) !== 0) Atomics.notify(ctl, ${DONE});
    }
  }
}
if (typeof require === 'function') start(require('node:worker_threads').workerData);
else self.onmessage = (e) => start(e.data);
`;

interface WorkerHandle {
  terminate(): unknown;
}

/** How to start one worker in this runtime; throws when it cannot. */
export type SpawnWorker = (data: WorkerData) => WorkerHandle;

export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
  relaxed: boolean;
  names: readonly string[];
}

/** One job: `fn(args)` cut into `chunks` pieces of `per` units along argument `sizeArg`. */
export interface Job {
  kernel: number;
  fn: (...a: number[]) => void;
  args: number[];
  nargs: number;
  sizeArg: number;
  len: number;
  per: number;
  chunks: number;
  wsArg: number;
  /** (argument index, bytes per unit) pairs: the pointers a chunk starting at unit u moves by u·bytes. */
  shifts: ArrayLike<number>;
  nshifts: number;
}

export class Pool {
  /** Participants a job may use, the caller included (≤ workers + 1). */
  private active = 1;
  private readonly ctl: Int32Array;
  private readonly job: Float64Array;
  private readonly workers: (WorkerHandle | undefined)[] = [];
  private readonly spawn: SpawnWorker;
  private readonly base: Omit<WorkerData, 'index'>;
  private readyCount = 0;
  private readonly canBlock: boolean;
  private closed = false;
  private readonly mine = new Float64Array(MAX_ARGS);
  /** Jobs run so far (tests check that a split happened). */
  jobs = 0;

  /**
   * `threads`: participants including the caller. `canBlock`: the caller may Atomics.wait (Node,
   * a worker); a browser main thread may not and spins instead.
   */
  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, relaxed: boolean, threads: number, spawn: SpawnWorker, canBlock: boolean) {
    const control = new SharedArrayBuffer(CTL_BYTES + JOB_F64 * 8);
    this.ctl = new Int32Array(control, 0, CTL_INTS);
    this.job = new Float64Array(control, CTL_BYTES, JOB_F64);
    this.spawn = spawn;
    this.canBlock = canBlock;
    this.base = { module, memory, control, relaxed, names: POOL_KERNELS };
    this.resize(threads);
  }

  /** Participants jobs use from now on (the caller included); starts workers as needed. */
  resize(threads: number): void {
    if (this.closed) throw new Error('lepton: the thread pool was shut down');
    const n = Math.max(1, Math.min(MAX_WORKERS + 1, Math.floor(threads)));
    // Workers are numbered from 1; the caller is 0.
    for (let w = this.workers.length + 1; w < n; w++) this.workers.push(this.spawn({ ...this.base, index: w }));
    this.active = n;
  }

  /** Participants requested (the caller included). */
  get threads(): number {
    return this.active;
  }

  /** Participants that can take part right now: the caller and the workers that are ready. */
  available(): number {
    if (this.readyCount < this.active - 1) {
      let r = this.readyCount;
      while (r < this.active - 1 && Atomics.load(this.ctl, READY + r + 1) !== 0) r++;
      this.readyCount = r;
    }
    return Math.min(this.active, this.readyCount + 1);
  }

  /** Sets worker w's workspace pointer (only between jobs). */
  setWorkspace(w: number, ptr: number): void {
    this.job[J_WS + w] = ptr;
  }

  /** Runs `job` on the caller and every available worker; returns when all its chunks are done. */
  run(job: Job): void {
    const ctl = this.ctl, J = this.job;
    this.jobs++;
    if (job.chunks > MAX_CHUNKS) throw new RangeError(`Pool.run: at most ${MAX_CHUNKS} chunks, got ${job.chunks}`);
    J[J_KERNEL] = job.kernel;
    J[J_SIZE_ARG] = job.sizeArg;
    J[J_LEN] = job.len;
    J[J_PER] = job.per;
    J[J_CHUNKS] = job.chunks;
    J[J_WS_ARG] = job.wsArg;
    J[J_SHIFTS] = job.nshifts;
    for (let s = 0; s < 2 * job.nshifts; s++) J[J_SHIFT + s] = job.shifts[s];
    for (let i = 0; i < MAX_ARGS; i++) J[J_ARGS + i] = i < job.nargs ? job.args[i] : 0;
    const gen = (Atomics.load(ctl, GEN) + 1) | 0;
    const tag = (gen & 0xfffff) << 11;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, CLAIM, tag);
    Atomics.store(ctl, GEN, gen);
    if (Atomics.load(ctl, SLEEPERS) !== 0) Atomics.notify(ctl, GEN);
    try {
      this.work(job, tag);
    } finally {
      this.await(job.chunks);
      Atomics.store(ctl, CLAIM, tag | CLOSED); // late workers find nothing before the next job is written
    }
    if (Atomics.load(ctl, FAILED) !== 0) {
      Atomics.store(ctl, FAILED, 0);
      throw new Error('lepton: a kernel failed in a worker thread');
    }
  }

  /** The caller's claim loop (the worker source's, with the caller's own workspace). */
  private work(job: Job, tag: number): void {
    const ctl = this.ctl, a = this.mine;
    for (;;) {
      const v = Atomics.load(ctl, CLAIM);
      const c = v & 2047;
      if ((v & ~2047) !== tag || c >= job.chunks) return;
      if (Atomics.compareExchange(ctl, CLAIM, v, v + 1) !== v) continue;
      for (let i = 0; i < MAX_ARGS; i++) a[i] = i < job.nargs ? job.args[i] : 0;
      const first = c * job.per;
      a[job.sizeArg] = Math.min(job.per, job.len - first);
      for (let s = 0; s < job.nshifts; s++) a[job.shifts[2 * s]] += first * job.shifts[2 * s + 1];
      try {
        job.fn(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13]);
      } finally {
        Atomics.add(ctl, DONE, 1);
      }
    }
  }

  private await(chunks: number): void {
    const ctl = this.ctl;
    let spins = 0, since = 0;
    for (;;) {
      const done = Atomics.load(ctl, DONE);
      if (done >= chunks) return;
      if (this.canBlock && (++spins & 255) === 0) {
        const t = performance.now();
        if (since === 0) since = t;
        else if (t - since > SPIN_MS) {
          Atomics.store(ctl, CALLER_WAITS, 1);
          Atomics.wait(ctl, DONE, done, 20);
          Atomics.store(ctl, CALLER_WAITS, 0);
          since = 0;
        }
      }
    }
  }

  /** Stops every worker; jobs run on the caller alone afterwards. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    for (const w of this.workers) w?.terminate();
    this.workers.length = 0;
    this.active = 1;
    this.readyCount = 0;
  }
}

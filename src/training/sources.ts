// Where batches come from (Keras's DataAdapter): the trainer's one loop asks a source to put the
// next batch into the step's batch region and gets its row count back. Arrays and in-memory
// Datasets are an ArraySource (host arrays that never move, an order of rows, gathered batch by
// batch without allocating); streaming Datasets are a StreamSource (each batch read, checked and
// copied as it arrives, memory bounded by the batch).

import type { Batch, Dataset } from '../data/dataset.js';
import type { Arrays } from '../model/inputs.js';
import type { Random } from '../random.js';
import type { StepRunner } from './step.js';

/** The model whose step the batches go to (read at each batch: a model built by its first data has none before). */
export interface RunnerHost {
  readonly runner: StepRunner;
}

export interface BatchSource {
  /** Samples per epoch, when known before reading (not for a stream). */
  readonly samples: number | undefined;
  /** Whether the batch next() placed carries per-sample weights. */
  readonly weighted: boolean;
  /** Starts an epoch (a new order, a new pass over the stream). */
  begin(): void;
  /** Puts the next batch into the batch region; its rows, or 0 at the end of the epoch. */
  next(): number | Promise<number>;
}

export function identity(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}

/**
 * Checked host arrays, read in `rows` order (all rows in order when null: copied in runs, with no
 * index), reshuffled each epoch by `shuffle`.
 */
export class ArraySource implements BatchSource {
  readonly samples: number;
  readonly weighted: boolean;
  private readonly base: Int32Array | null;
  private readonly idx: Int32Array | null;
  private pos = 0;

  constructor(
    private readonly host: RunnerHost,
    private readonly arrays: Arrays,
    private readonly batchSize: number,
    rows: Int32Array | null = null,
    private readonly shuffle: Random | null = null,
  ) {
    this.base = rows ?? (shuffle ? identity(arrays.x[0].shape[0]) : null);
    this.idx = this.base && Int32Array.from(this.base);
    this.samples = this.base ? this.base.length : arrays.x[0].shape[0];
    this.weighted = arrays.w !== null;
  }

  /** The source over the last `fraction` of this order's rows (Keras's validationSplit: before any shuffling), and the one over the rest. */
  split(fraction: number, validationWeights: Float32Array | null): { train: ArraySource; validation: ArraySource } {
    const n = this.samples, at = Math.floor(n * (1 - fraction));
    if (at === 0 || at === n) throw new RangeError(`fit: validationSplit ${fraction} of ${n} samples leaves an empty split`);
    const base = this.base ?? identity(n);
    return {
      train: new ArraySource(this.host, this.arrays, this.batchSize, base.subarray(0, at), this.shuffle),
      validation: new ArraySource(this.host, { ...this.arrays, w: validationWeights }, this.batchSize, base.subarray(at)),
    };
  }

  begin(): void {
    this.pos = 0;
    // Each epoch permutes the base order afresh, so the order depends on the RNG state alone and
    // a run resumed from a checkpoint (which saves that state) shuffles as the uninterrupted one.
    if (this.shuffle) {
      this.idx!.set(this.base!);
      this.shuffle.shuffle(this.idx!);
    }
  }

  next(): number {
    const rows = Math.min(this.batchSize, this.samples - this.pos);
    if (rows <= 0) return 0;
    const { x, y, w } = this.arrays;
    this.host.runner.gather(x, y, w, this.idx, this.pos, rows);
    this.pos += rows;
    return rows;
  }
}

/** A batched streaming Dataset; `check` turns each batch into checked arrays (and may throw). */
export class StreamSource implements BatchSource {
  readonly samples = undefined;
  weighted = false;
  private it?: AsyncIterator<Batch>;

  constructor(
    private readonly host: RunnerHost,
    private readonly ds: Dataset,
    private readonly check: (b: Batch) => Arrays,
  ) {}

  begin(): void {
    this.it = this.ds[Symbol.asyncIterator]();
  }

  async next(): Promise<number> {
    const r = await this.it!.next();
    if (r.done) return 0;
    const a = this.check(r.value);
    const rows = a.x[0].shape[0];
    this.weighted = a.w !== null;
    this.host.runner.gather(a.x, a.y, a.w, null, 0, rows);
    return rows;
  }
}

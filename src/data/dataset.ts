// Datasets (seed 004 "Summary of terms", seed 001 §1.1.1: shuffle, split into training, validation
// and test sets, mini-batches). Two kinds behind one class:
//   in memory: host arrays x, y, sampleWeight that never move, plus a view of row indices. shuffle,
//     take, skip, split and kFold only make new index views; fit gathers each batch from the arrays.
//   streaming: an async source of row blocks (a CSV file, a generator), read once per epoch, never
//     held whole in memory. shuffle is a seeded buffer shuffle, as tf.data's.
// Every random choice comes from a Random seeded by the caller, so orders are reproducible.

import { Random } from '../random.js';
import { ShapeError, toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { Blocks, concatBlocks, gatherView, identity, limitRows, rebatch, rowSize, shuffled, type Batch, type Sample, type Source } from './blocks.js';

export type { Batch, Sample } from './blocks.js';

/** The host arrays of an in-memory dataset, flat row-major; `rows` selects and orders samples (null: all, in order). */
export interface Arrays {
  x: Tensor;
  y?: Tensor;
  sampleWeight?: Float32Array;
  rows: Int32Array | null;
}

type LabelArray = Int32Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Float64Array;

export interface FromArraysOptions {
  /** Per-sample weights (HEP event weights). */
  sampleWeight?: TensorLike;
}

export interface SplitOptions {
  /** Shuffle before splitting; without a seed the splits are consecutive runs of rows. */
  seed?: number;
  /** Keep each class's share in every split: true reads classes from y, or pass one label per sample. */
  stratify?: boolean | ArrayLike<number>;
}

interface State {
  arrays?: { x: Tensor; y?: Tensor; w?: Float32Array; rows: Int32Array | null };
  source?: Source;
  batchSize?: number;
  /** The generator that reorders each epoch (in memory) or feeds the shuffle buffer (streaming). */
  shuffle?: { rng: Random; bufferSize: number };
  columns?: string[];
}

export class Dataset {
  /** @internal */
  readonly state: State;

  /** @internal Use data.fromArrays, data.fromGenerator or data.csv. */
  constructor(state: State) {
    this.state = state;
  }

  /** Samples in the dataset, when known without reading it (in memory). */
  get size(): number | undefined {
    const a = this.state.arrays;
    return a ? (a.rows ? a.rows.length : a.x.shape[0]) : undefined;
  }

  /** Whether the samples sit in host arrays (true) or stream from a source (false). */
  get inMemory(): boolean {
    return this.state.arrays !== undefined;
  }

  /** The batch size set with `batch(n)`, if any. */
  get batchSize(): number | undefined {
    return this.state.batchSize;
  }

  /** Names of the x columns (CSV), when known. */
  get columns(): string[] | undefined {
    return this.state.columns;
  }

  private with(patch: Partial<State>): Dataset {
    return new Dataset({ ...this.state, ...patch });
  }

  private requireArrays(what: string): NonNullable<State['arrays']> {
    const a = this.state.arrays;
    if (!a) throw new Error(`Dataset.${what} needs an in-memory dataset; this one streams (call \`await ds.load()\` first, or use take/skip)`);
    return a;
  }

  /**
   * Shuffles with a seeded generator. In memory: the rows are permuted now (so take, skip and split
   * see the shuffled order) and again at each epoch. Streaming: a buffer of `bufferSize` samples
   * is shuffled as it streams (tf.data's shuffle), again differently each epoch.
   */
  shuffle(seed: number, { bufferSize = 10000 }: { bufferSize?: number } = {}): Dataset {
    checkInt(seed, 'shuffle: seed', 0);
    checkInt(bufferSize, 'shuffle: bufferSize', 1);
    const rng = new Random(seed);
    const a = this.state.arrays;
    if (!a) return this.with({ shuffle: { rng, bufferSize } });
    const rows = a.rows ? Int32Array.from(a.rows) : identity(a.x.shape[0]);
    rng.shuffle(rows);
    return this.with({ arrays: { ...a, rows }, shuffle: { rng: rng.fork(), bufferSize } });
  }

  /** Sets the mini-batch size for iteration and fit. */
  batch(n: number): Dataset {
    checkInt(n, 'batch: size', 1);
    return this.with({ batchSize: n });
  }

  /** The first n samples. */
  take(n: number): Dataset {
    checkInt(n, 'take: count', 0);
    const a = this.state.arrays;
    if (a) return this.with({ arrays: { ...a, rows: this.rowIds().slice(0, n) } });
    return this.with({ source: limitRows(this.asSource(), 0, n), shuffle: undefined });
  }

  /** All but the first n samples. */
  skip(n: number): Dataset {
    checkInt(n, 'skip: count', 0);
    const a = this.state.arrays;
    if (a) return this.with({ arrays: { ...a, rows: this.rowIds().slice(n) } });
    return this.with({ source: limitRows(this.asSource(), n, Infinity), shuffle: undefined });
  }

  /**
   * Applies `fn` to every sample as it is read (lazily). The result streams: fit then gathers its
   * batches from the mapped samples rather than from fixed arrays.
   */
  map(fn: (sample: { x: Float32Array; y?: Float32Array; sampleWeight?: number }) => Sample): Dataset {
    if (typeof fn !== 'function') throw new TypeError(`map expects a function, got ${typeof fn}`);
    const before = this.asSource();
    const source: Source = async function* () {
      const out = new Blocks();
      let i = 0;
      for await (const b of before()) {
        const n = b.x.shape[0], xd = rowSize(b.x), yd = b.y ? rowSize(b.y) : 0;
        for (let r = 0; r < n; r++, i++) {
          const s = fn({
            x: b.x.data.slice(r * xd, (r + 1) * xd),
            y: b.y ? b.y.data.slice(r * yd, (r + 1) * yd) : undefined,
            sampleWeight: b.sampleWeight?.[r],
          });
          const full = out.push(s, i);
          if (full) yield full;
        }
      }
      const last = out.flush();
      if (last) yield last;
    };
    return new Dataset({ source, batchSize: this.state.batchSize, columns: undefined });
  }

  /**
   * Splits into consecutive parts of the given fractions (e.g. [0.8, 0.1, 0.1] for training,
   * validation and test), as index views over the same arrays. With `seed` the rows are shuffled
   * first; with `stratify` every part keeps each class's share (to within one sample per class).
   */
  split(fractions: number[], { seed, stratify }: SplitOptions = {}): Dataset[] {
    this.requireArrays('split');
    if (!Array.isArray(fractions) || fractions.length === 0 || fractions.some((f) => !(f >= 0))) {
      throw new RangeError(`split: fractions must be numbers ≥ 0, e.g. [0.8, 0.1, 0.1], got ${JSON.stringify(fractions)}`);
    }
    const total = fractions.reduce((a, b) => a + b, 0);
    if (Math.abs(total - 1) > 1e-6) throw new RangeError(`split: fractions must add up to 1, got ${total}`);
    const parts = fractions.map(() => [] as number[]);
    for (const group of this.groups(seed, stratify, 'split')) {
      let at = 0, cum = 0;
      fractions.forEach((f, p) => {
        cum += f;
        const end = p === fractions.length - 1 ? group.length : Math.round(cum * group.length);
        for (; at < end; at++) parts[p].push(group[at]);
      });
    }
    return parts.map((p) => this.view(p, seed !== undefined || !!stratify));
  }

  /**
   * k folds for cross-validation: fold i validates on one k-th of the samples and trains on the rest.
   * `seed` shuffles first; `stratify` keeps class shares in every fold.
   */
  kFold(k: number, { seed, stratify }: SplitOptions = {}): { train: Dataset; validation: Dataset }[] {
    const n = this.requireArrays('kFold') && this.size!;
    checkInt(k, 'kFold: k', 2);
    if (k > n) throw new RangeError(`kFold: k = ${k} folds need at least ${k} samples, got ${n}`);
    const fold = new Int32Array(n);
    const ids = this.rowIds();
    const pos = new Map<number, number>();
    ids.forEach((r, i) => pos.set(r, i));
    // Stratified: deal each class round-robin, so every fold gets its share; else consecutive blocks.
    let i = 0;
    for (const group of this.groups(seed, stratify, 'kFold')) {
      for (const r of group) fold[pos.get(r)!] = stratify ? i++ % k : Math.floor((i++ * k) / n);
    }
    return Array.from({ length: k }, (_, f) => ({
      train: this.view(Array.from(ids).filter((_, i) => fold[i] !== f), false),
      validation: this.view(Array.from(ids).filter((_, i) => fold[i] === f), false),
    }));
  }

  /** The row ids of this view, grouped by class when stratifying, each group shuffled when seeded. */
  private groups(seed: number | undefined, stratify: SplitOptions['stratify'], what: string): number[][] {
    if (seed !== undefined) checkInt(seed, `${what}: seed`, 0);
    const ids = Array.from(this.rowIds());
    let groups = [ids];
    if (stratify) {
      const cls = this.classes(stratify, what);
      const byClass = new Map<number, number[]>();
      ids.forEach((r, i) => {
        const c = cls(r, i);
        let g = byClass.get(c);
        if (!g) byClass.set(c, (g = []));
        g.push(r);
      });
      groups = [...byClass.keys()].sort((a, b) => a - b).map((c) => byClass.get(c)!);
    }
    if (seed !== undefined) {
      const rng = new Random(seed);
      for (const g of groups) rng.shuffle(g);
    }
    return groups;
  }

  /** The class of each row: an integer label column, a 0/1 column, or the argmax of one-hot rows. */
  private classes(stratify: true | ArrayLike<number>, what: string): (row: number, i: number) => number {
    if (stratify !== true) {
      if (stratify.length !== this.size) throw new ShapeError(`${what}: stratify has ${stratify.length} labels for ${this.size} samples`);
      return (_r, i) => stratify[i];
    }
    const y = this.state.arrays!.y;
    if (!y) throw new Error(`${what}: stratify needs labels y (or pass the labels as stratify)`);
    const d = rowSize(y), data = y.data;
    return (r) => (d === 1 ? Math.round(data[r]) : argmax(data, r * d, d));
  }

  private view(rows: number[], sort: boolean): Dataset {
    const ids = Int32Array.from(rows);
    if (sort) ids.sort(); // rows in storage order: gathers walk memory forwards
    return this.with({ arrays: { ...this.state.arrays!, rows: ids } });
  }

  private rowIds(): Int32Array {
    const a = this.state.arrays!;
    return a.rows ?? identity(a.x.shape[0]);
  }

  /**
   * The host arrays and row view of an in-memory dataset, without copying (what fit trains from).
   * @internal
   */
  arrays(): Arrays {
    const a = this.requireArrays('arrays');
    return { x: a.x, y: a.y, sampleWeight: a.w, rows: a.rows };
  }

  /** @internal The generator that reorders an in-memory dataset each epoch, if it was shuffled. */
  epochRng(): Random | undefined {
    return this.state.arrays ? this.state.shuffle?.rng : undefined;
  }

  /**
   * The samples as compact arrays in the dataset's order: the arrays themselves when the view is
   * all of them in order (no copy), gathered copies otherwise. Streams are read to the end.
   */
  async toArrays(): Promise<Batch> {
    const a = this.state.arrays;
    if (a) return gatherView(a.x, a.y, a.w, a.rows);
    const blocks: Batch[] = [];
    for await (const b of this.asSource()()) blocks.push(b);
    if (blocks.length === 0) throw new Error('Dataset.toArrays: the dataset is empty');
    return concatBlocks(blocks);
  }

  /** Reads a streaming dataset into memory (an in-memory Dataset; in-memory ones return themselves). */
  async load(): Promise<Dataset> {
    if (this.state.arrays) return this;
    const b = await this.toArrays();
    return new Dataset({ arrays: { x: b.x, y: b.y, w: b.sampleWeight, rows: null }, batchSize: this.state.batchSize, columns: this.state.columns });
  }

  /** Batches of `batchSize` (default 32) samples, fresh arrays each, in this epoch's order. */
  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const size = this.state.batchSize ?? 32;
    const a = this.state.arrays;
    if (a) {
      const rows = this.epochRows();
      for (let s = 0; s < rows.length; s += size) yield gatherView(a.x, a.y, a.w, rows.subarray(s, s + size));
      return;
    }
    yield* rebatch(this.asSource(), size);
  }

  /** In memory: this epoch's row order (reshuffled when the dataset was shuffled). */
  private epochRows(): Int32Array {
    const rows = Int32Array.from(this.rowIds());
    this.state.shuffle?.rng.shuffle(rows);
    return rows;
  }

  /** @internal This epoch's samples in blocks of any size, shuffle applied. */
  blocks(): AsyncIterable<Batch> {
    return this.asSource()();
  }

  /** @internal The same batch size and shuffle over new compact arrays. */
  withArrays(b: Batch): Dataset {
    return this.with({ arrays: { x: b.x, y: b.y, w: b.sampleWeight, rows: null } });
  }

  /** @internal A stream of these blocks (already shuffled), with this batch size. */
  withSource(source: Source): Dataset {
    return new Dataset({ source, batchSize: this.state.batchSize });
  }

  /** The dataset as a stream of blocks, its shuffle applied. */
  private asSource(): Source {
    const a = this.state.arrays;
    if (a) {
      return () => {
        const rows = this.epochRows();
        return (async function* () {
          for (let s = 0; s < rows.length; s += 1024) yield gatherView(a.x, a.y, a.w, rows.subarray(s, s + 1024));
        })();
      };
    }
    const s = this.state.shuffle;
    return s ? shuffled(this.state.source!, s.rng, s.bufferSize) : this.state.source!;
  }
}

// ---- constructors ------------------------------------------------------------------------------

/**
 * An in-memory dataset over x [n, ...features], optional targets y [n, ...] (or one label per
 * sample as an integer typed array) and per-sample weights. Float32Array data is used in place.
 */
export function fromArrays(x: TensorLike, y?: TensorLike | LabelArray, { sampleWeight }: FromArraysOptions = {}): Dataset {
  const xt = toTensor(x, 'fromArrays x');
  if (xt.shape.length < 1) throw new ShapeError(`fromArrays x: expected [samples, ...features], got [${xt.shape.join(', ')}]`);
  if (xt.shape.length === 1) xt.shape = [xt.shape[0], 1];
  const n = xt.shape[0];
  let yt: Tensor | undefined;
  if (y !== undefined) {
    yt = ArrayBuffer.isView(y) && !(y instanceof Float32Array) ? { data: Float32Array.from(y as LabelArray), shape: [(y as LabelArray).length, 1] } : toTensor(y as TensorLike, 'fromArrays y');
    if (yt.shape.length === 1) yt.shape = [yt.shape[0], 1];
    if (yt.shape[0] !== n) throw new ShapeError(`fromArrays: y has ${yt.shape[0]} samples but x has ${n}; they must match`);
  }
  let w: Float32Array | undefined;
  if (sampleWeight !== undefined) {
    w = toTensor(sampleWeight, 'fromArrays sampleWeight').data;
    if (w.length !== n) throw new ShapeError(`fromArrays: sampleWeight has ${w.length} values for ${n} samples`);
  }
  return new Dataset({ arrays: { x: xt, y: yt, w, rows: null } });
}

/**
 * A streaming dataset from a function returning a fresh (async) iterable of samples each time it
 * is called (once per epoch), e.g. an async generator reading a sensor log.
 */
export function fromGenerator(make: () => Iterable<Sample> | AsyncIterable<Sample>): Dataset {
  if (typeof make !== 'function') throw new TypeError(`fromGenerator expects a function returning an iterable of samples, got ${typeof make}`);
  const source: Source = async function* () {
    const out = new Blocks();
    let i = 0;
    for await (const s of make()) {
      const full = out.push(s, i++);
      if (full) yield full;
    }
    const last = out.flush();
    if (last) yield last;
  };
  return new Dataset({ source });
}

/** @internal A streaming dataset over a source of row blocks (the CSV loader). */
export function fromSource(source: Source, columns?: string[]): Dataset {
  return new Dataset({ source, columns });
}

// ---- helpers -----------------------------------------------------------------------------------

function argmax(d: ArrayLike<number>, at: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (d[at + j] > d[at + best]) best = j;
  return best;
}

function checkInt(v: number, what: string, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${what} must be a whole number ≥ ${min}, got ${v}`);
}

// Preprocessing (seed 004: "normalize all measurements using the largest time recorded"): fitted
// on the training split only, then applied unchanged to validation, test and inference data; the
// fitted parameters round-trip through JSON so they can be saved beside a model.

import { log1p } from '../math.js';
import { ShapeError, sizeOf, toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { gatherView as gather, type Batch } from './blocks.js';
import { Dataset } from './dataset.js';

/** Which array a transform reads and rewrites. */
export type Target = 'x' | 'y';

export interface TransformJSON {
  type: string;
  on: Target;
  [key: string]: unknown;
}

/** A fitted-or-not preprocessing step. */
export abstract class Transform {
  abstract readonly type: string;
  readonly on: Target;
  /** Columns seen at fit time (null: not fitted yet). */
  protected cols: number | null = null;

  constructor(on: Target) {
    if (on !== 'x' && on !== 'y') throw new RangeError(`preprocessing: on must be 'x' or 'y', got ${JSON.stringify(on)}`);
    this.on = on;
  }

  /** Learns the parameters from these samples only (the training split). A Dataset resolves to a Promise. */
  fit(data: TensorLike): this;
  fit(data: Dataset): Promise<this>;
  fit(data: TensorLike | Dataset): this | Promise<this> {
    if (data instanceof Dataset) return this.fitDataset(data);
    const t = toTensor(data, `${this.type}.fit`);
    this.begin(rowSize(t), undefined);
    this.addRows(t.data, t.shape[0]);
    this.end();
    return this;
  }

  private async fitDataset(ds: Dataset): Promise<this> {
    let started = false;
    if (ds.inMemory) {
      // Reads the view's rows in place: only the samples of this split are seen.
      const a = ds.arrays();
      const t = this.on === 'x' ? a.x : a.y;
      if (!t) throw new Error(`${this.type}.fit: the Dataset has no y`);
      const d = rowSize(t);
      this.begin(d, ds.columns);
      if (a.rows) for (const r of a.rows) this.addRows(t.data.subarray(r * d, (r + 1) * d), 1);
      else this.addRows(t.data, t.shape[0]);
      started = true;
    } else {
      for await (const b of ds.blocks()) {
        const t = this.on === 'x' ? b.x : b.y;
        if (!t) throw new Error(`${this.type}.fit: the Dataset has no y`);
        if (!started) this.begin(rowSize(t), ds.columns);
        started = true;
        this.addRows(t.data, t.shape[0]);
      }
    }
    if (!started) throw new Error(`${this.type}.fit: the Dataset is empty`);
    this.end();
    return this;
  }

  /** The transformed copy of x (or of a Dataset: a new Dataset, lazily for streams). */
  transform(x: TensorLike): Tensor;
  transform(ds: Dataset): Dataset;
  transform(x: TensorLike | Dataset): Tensor | Dataset {
    if (x instanceof Dataset) return transformDataset(x, [this]);
    const t = toTensor(x, `${this.type}.transform`);
    return this.apply(t);
  }

  /** @internal The transform of a whole tensor [n, cols]. */
  apply(t: Tensor): Tensor {
    const n = t.shape[0], cols = rowSize(t);
    if (this.cols === null && this.type === 'log1p') this.cols = cols; // nothing to fit
    if (this.cols === null) throw new Error(`${this.type}: call fit(trainingData) before transform`);
    if (cols !== this.cols) throw new ShapeError(`${this.type}: fitted on ${this.cols} columns, got [${t.shape.join(', ')}]`);
    const outCols = this.outCols();
    const out = new Float32Array(n * outCols);
    this.map(t.data, n, out);
    return { data: out, shape: outCols === cols ? [...t.shape] : [n, outCols] };
  }

  toJSON(): TransformJSON {
    if (this.cols === null) throw new Error(`${this.type}: fit before saving`);
    return { type: this.type, on: this.on, cols: this.cols, ...this.params() };
  }

  protected outCols(): number {
    return this.cols!;
  }

  protected begin(cols: number, _names: string[] | undefined): void {
    this.cols = cols;
  }
  protected addRows(_d: Float32Array, _n: number): void {}
  protected end(): void {}
  protected abstract map(src: Float32Array, n: number, out: Float32Array): void;
  protected abstract params(): Record<string, unknown>;
  /** @internal */
  abstract restore(json: TransformJSON): void;
}

const rowSize = (t: Tensor): number => sizeOf(t.shape.slice(1));

/** Per-column (a − shift)·scale: the common form of standardize, minMax and maxAbs. */
abstract class Affine extends Transform {
  shift: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);

  protected map(src: Float32Array, n: number, out: Float32Array): void {
    const c = this.cols!, shift = this.shift, scale = this.scale;
    for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) out[i * c + j] = (src[i * c + j] - shift[j]) * scale[j];
  }

  restore(json: TransformJSON): void {
    const cols = json.cols as number;
    const read = (k: string): Float64Array => {
      const v = json[k];
      if (!Array.isArray(v) || v.length !== cols || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        throw new Error(`preprocessing.fromJSON: ${json.type}.${k} must be ${cols} finite numbers`);
      }
      return Float64Array.from(v as number[]);
    };
    this.cols = cols;
    this.shift = read('shift');
    this.scale = read('scale');
  }

  protected params(): Record<string, unknown> {
    return { shift: Array.from(this.shift), scale: Array.from(this.scale) };
  }
}

/** (x − mean)/std per feature: mean 0, variance 1 on the training data (population std; a constant column keeps scale 1). */
class Standardize extends Affine {
  readonly type = 'standardize';
  private n = 0;
  private mean = new Float64Array(0);
  private m2 = new Float64Array(0);

  protected override begin(cols: number): void {
    super.begin(cols, undefined);
    this.n = 0;
    this.mean = new Float64Array(cols);
    this.m2 = new Float64Array(cols);
  }

  protected override addRows(d: Float32Array, n: number): void {
    const c = this.cols!;
    for (let i = 0; i < n; i++) {
      this.n++;
      for (let j = 0; j < c; j++) {
        // Welford's update: stable where Σx² − n·mean² would cancel.
        const v = d[i * c + j], delta = v - this.mean[j];
        this.mean[j] += delta / this.n;
        this.m2[j] += delta * (v - this.mean[j]);
      }
    }
  }

  protected override end(): void {
    if (this.n === 0) throw new Error('standardize.fit: no samples');
    this.shift = this.mean;
    this.scale = this.m2.map((m) => (m > 0 ? 1 / Math.sqrt(m / this.n) : 1));
  }
}

/** Linear map of each feature's training [min, max] onto [lo, hi] (default [0, 1]). */
class MinMax extends Affine {
  readonly type = 'minMax';
  private lo: Float64Array = new Float64Array(0);
  private hi: Float64Array = new Float64Array(0);
  constructor(on: Target, private readonly range: [number, number]) {
    super(on);
  }

  protected override begin(cols: number): void {
    super.begin(cols, undefined);
    this.lo = new Float64Array(cols).fill(Infinity);
    this.hi = new Float64Array(cols).fill(-Infinity);
  }

  protected override addRows(d: Float32Array, n: number): void {
    const c = this.cols!;
    for (let i = 0; i < n * c; i++) {
      const j = i % c;
      if (d[i] < this.lo[j]) this.lo[j] = d[i];
      if (d[i] > this.hi[j]) this.hi[j] = d[i];
    }
  }

  // (x − lo)·s + a = (x − (lo − a/s))·s: one affine form.
  protected override end(): void {
    const [a, b] = this.range;
    this.scale = this.lo.map((lo, j) => (this.hi[j] > lo ? (b - a) / (this.hi[j] - lo) : 1));
    this.shift = this.lo.map((lo, j) => lo - a / this.scale[j]);
  }
}

/** x / max|x| on the training data, per feature or (perFeature: false) one scale for all (seed 004). */
class MaxAbs extends Affine {
  readonly type = 'maxAbs';
  private max = new Float64Array(0);
  constructor(on: Target, private readonly perFeature: boolean) {
    super(on);
  }

  protected override begin(cols: number): void {
    super.begin(cols, undefined);
    this.max = new Float64Array(cols);
  }

  protected override addRows(d: Float32Array, n: number): void {
    const c = this.cols!;
    for (let i = 0; i < n * c; i++) {
      const v = Math.abs(d[i]), j = i % c;
      if (v > this.max[j]) this.max[j] = v;
    }
  }

  protected override end(): void {
    const all = Math.max(...this.max);
    this.shift = new Float64Array(this.cols!);
    this.scale = this.max.map((m) => {
      const s = this.perFeature ? m : all;
      return s > 0 ? 1 / s : 1;
    });
  }
}

/** log(1 + x) elementwise; nothing to fit (x must be > −1). */
class Log1p extends Transform {
  readonly type = 'log1p';
  protected map(src: Float32Array, n: number, out: Float32Array): void {
    for (let i = 0; i < n * this.cols!; i++) {
      if (!(src[i] > -1)) throw new RangeError(`log1p: value ${src[i]} at flat index ${i} is not > −1`);
      out[i] = log1p(src[i]);
    }
  }
  restore(json: TransformJSON): void {
    this.cols = json.cols as number;
  }
  protected params(): Record<string, unknown> {
    return {};
  }
}

/** Integer class labels (one column) → one-hot rows of `classes` columns (seed 004: (1 0) right, (0 1) left). */
class OneHot extends Transform {
  readonly type = 'oneHot';
  constructor(on: Target, private classes: number) {
    super(on);
    if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`oneHot: classes must be a whole number ≥ 2, got ${classes}`);
    this.cols = 1; // nothing to fit: fit only checks the shape
  }
  protected override begin(cols: number): void {
    if (cols !== 1) throw new ShapeError(`oneHot: expects one label column, got ${cols}`);
    super.begin(cols, undefined);
  }
  protected override outCols(): number {
    return this.classes;
  }
  protected map(src: Float32Array, n: number, out: Float32Array): void {
    for (let i = 0; i < n; i++) {
      const c = src[i];
      if (!Number.isInteger(c) || c < 0 || c >= this.classes) throw new RangeError(`oneHot: label ${i} is ${c}; expected an integer in [0, ${this.classes})`);
      out[i * this.classes + c] = 1;
    }
  }
  restore(json: TransformJSON): void {
    this.cols = 1;
    this.classes = json.classes as number;
  }
  protected params(): Record<string, unknown> {
    return { classes: this.classes };
  }
}

/** Keeps the given columns, by index or (for a CSV Dataset) by name, in the order given. */
class Select extends Transform {
  readonly type = 'select';
  private index: number[] = [];
  constructor(on: Target, private readonly spec: (number | string)[]) {
    super(on);
    if (!Array.isArray(spec) || spec.length === 0) throw new RangeError('select: give a non-empty list of column indices or names');
  }
  protected override begin(cols: number, names: string[] | undefined): void {
    super.begin(cols, undefined);
    this.index = this.spec.map((c) => {
      const j = typeof c === 'number' ? c : names ? names.indexOf(c) : -1;
      if (!Number.isInteger(j) || j < 0 || j >= cols) {
        throw new RangeError(`select: no column ${JSON.stringify(c)} among ${cols}${names ? ` (${names.join(', ')})` : typeof c === 'string' ? ' (names need a CSV Dataset; use indices)' : ''}`);
      }
      return j;
    });
  }
  /** Fitting only fixes the columns. */
  protected override outCols(): number {
    return this.index.length;
  }
  protected map(src: Float32Array, n: number, out: Float32Array): void {
    const c = this.cols!, k = this.index.length;
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = src[i * c + this.index[j]];
  }
  restore(json: TransformJSON): void {
    this.cols = json.cols as number;
    this.index = json.index as number[];
    if (!Array.isArray(this.index) || !this.index.every((j) => Number.isInteger(j) && j >= 0 && j < this.cols!)) throw new Error('preprocessing.fromJSON: select.index must be column indices');
  }
  protected params(): Record<string, unknown> {
    return { index: this.index };
  }
}

/** Applies transforms (already fitted) to every sample of a Dataset: compact new arrays, or lazily for a stream. */
function transformDataset(ds: Dataset, ts: Transform[]): Dataset {
  const run = (b: Batch): Batch => {
    const out: Batch = { ...b };
    for (const t of ts) {
      if (t.on === 'x') out.x = t.apply(out.x);
      else if (out.y) out.y = t.apply(out.y);
      else throw new Error(`${t.type}: the Dataset has no y to transform`);
    }
    return out;
  };
  if (ds.inMemory) {
    const a = ds.arrays();
    return ds.withArrays(run(gather(a.x, a.y, a.sampleWeight, a.rows)));
  }
  const before = ds.blocks.bind(ds);
  return ds.withSource(async function* () {
    for await (const b of before()) yield run(b);
  });
}

/** Transforms fitted one after another, each on the previous one's output; saved as one JSON list. */
export class Pipeline {
  constructor(readonly steps: Transform[]) {}

  fit(data: TensorLike): this;
  fit(data: Dataset): Promise<this>;
  fit(data: TensorLike | Dataset): this | Promise<this> {
    if (!(data instanceof Dataset)) {
      let t = toTensor(data, 'pipeline.fit');
      for (const s of this.steps) t = s.fit(t).apply(t);
      return this;
    }
    return (async () => {
      let ds = data;
      for (const s of this.steps) ds = (await s.fit(ds)).transform(ds);
      return this;
    })();
  }

  transform(x: TensorLike): Tensor;
  transform(ds: Dataset): Dataset;
  transform(x: TensorLike | Dataset): Tensor | Dataset {
    if (x instanceof Dataset) return transformDataset(x, this.steps);
    let t = toTensor(x, 'pipeline.transform');
    for (const s of this.steps) t = s.apply(t);
    return t;
  }

  toJSON(): TransformJSON[] {
    return this.steps.map((s) => s.toJSON());
  }
}

export const preprocessing = {
  standardize: ({ on = 'x' }: { on?: Target } = {}): Transform => new Standardize(on),
  minMax: ({ on = 'x', range = [0, 1] }: { on?: Target; range?: [number, number] } = {}): Transform => new MinMax(on, range),
  maxAbs: ({ on = 'x', perFeature = true }: { on?: Target; perFeature?: boolean } = {}): Transform => new MaxAbs(on, perFeature),
  log1p: ({ on = 'x' }: { on?: Target } = {}): Transform => new Log1p(on),
  oneHot: (classes: number, { on = 'y' }: { on?: Target } = {}): Transform => new OneHot(on, classes),
  select: (columns: (number | string)[], { on = 'x' }: { on?: Target } = {}): Transform => new Select(on, columns),
  pipeline: (steps: Transform[]): Pipeline => new Pipeline(steps),
  /** Rebuilds fitted transforms from `toJSON()` output (one transform or a pipeline's list). Nothing is evaluated. */
  fromJSON(json: TransformJSON | TransformJSON[]): Transform | Pipeline {
    if (Array.isArray(json)) return new Pipeline(json.map((j) => preprocessing.fromJSON(j) as Transform));
    if (json === null || typeof json !== 'object') throw new TypeError('preprocessing.fromJSON: expected an object from toJSON()');
    const { type, on } = json;
    const cols = json.cols;
    if (!Number.isInteger(cols) || (cols as number) < 1 || (cols as number) > 1 << 24) throw new Error(`preprocessing.fromJSON: ${type}.cols must be a whole number ≥ 1`);
    const make: Record<string, () => Transform> = {
      standardize: () => new Standardize(on),
      minMax: () => new MinMax(on, [0, 1]),
      maxAbs: () => new MaxAbs(on, true),
      log1p: () => new Log1p(on),
      oneHot: () => new OneHot(on, json.classes as number),
      select: () => new Select(on, [0]),
    };
    const f = Object.hasOwn(make, type) ? make[type] : undefined;
    if (!f) throw new Error(`preprocessing.fromJSON: unknown transform type ${JSON.stringify(type)}; expected one of ${Object.keys(make).join(', ')}`);
    const t = f();
    t.restore(json);
    return t;
  },
};

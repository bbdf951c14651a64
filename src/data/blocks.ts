// Row blocks, what a Dataset is made of and hands out: collecting samples into blocks, views of
// rows of in-memory arrays (no copy when the rows are one run), concatenating and slicing blocks,
// and the stream transforms (a window of rows, tf.data's seeded buffer shuffle).

import type { Random } from '../random.js';
import { ShapeError, sizeOf, type Tensor } from '../tensor.js';

/** Consecutive samples: x [rows, ...xShape], y [rows, ...yShape] and one weight per sample. */
export interface Batch {
  x: Tensor;
  y?: Tensor;
  sampleWeight?: Float32Array;
}

/** One sample, as a generator yields it and as `map` receives and returns it. */
export interface Sample {
  x: ArrayLike<number> | number;
  y?: ArrayLike<number> | number;
  sampleWeight?: number;
}

/** Rows in blocks: each block a Batch of any size, fresh arrays that consumers may keep. */
export type Source = () => AsyncIterable<Batch>;

/** Collects samples into blocks of up to 1024 rows, checking that every sample has the first one's sizes. */
export class Blocks {
  private xd = -1;
  private yd = -1;
  private x: number[] = [];
  private y: number[] = [];
  private w: number[] = [];
  private hasW = false;

  push(s: Sample, i: number): Batch | undefined {
    if (s === null || typeof s !== 'object' || s.x === undefined) throw new TypeError(`sample ${i}: expected { x, y?, sampleWeight? }, got ${s === null ? 'null' : typeof s}`);
    const xs = typeof s.x === 'number' ? [s.x] : Array.from(s.x);
    const ys = s.y === undefined ? [] : typeof s.y === 'number' ? [s.y] : Array.from(s.y);
    const hasW = s.sampleWeight !== undefined;
    if (this.xd < 0) {
      this.xd = xs.length;
      this.yd = ys.length;
      this.hasW = hasW;
    }
    if (xs.length !== this.xd || ys.length !== this.yd) {
      throw new ShapeError(`sample ${i}: x has ${xs.length} values and y ${ys.length}, but the first sample had ${this.xd} and ${this.yd}`);
    }
    if (hasW !== this.hasW) throw new Error(`sample ${i}: sampleWeight must be given for every sample or none`);
    for (const v of xs) this.x.push(v);
    for (const v of ys) this.y.push(v);
    this.w.push(s.sampleWeight ?? 1);
    return this.w.length >= 1024 ? this.flush() : undefined;
  }

  flush(): Batch | undefined {
    const n = this.w.length;
    if (n === 0) return undefined;
    const b: Batch = { x: { data: Float32Array.from(this.x), shape: [n, this.xd] } };
    if (this.yd > 0) b.y = { data: Float32Array.from(this.y), shape: [n, this.yd] };
    if (this.hasW) b.sampleWeight = Float32Array.from(this.w);
    this.x = [];
    this.y = [];
    this.w = [];
    return b;
  }
}

export const rowSize = (t: Tensor): number => sizeOf(t.shape.slice(1));

export function identity(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}



/** Consecutive runs of rows are subarrays (no copy); anything else is gathered. */
function take(t: Tensor, rows: Int32Array | null): Tensor {
  if (!rows) return t;
  const d = rowSize(t);
  const run = rows.length > 0 && rows[rows.length - 1] - rows[0] === rows.length - 1 && rows.every((r, i) => r === rows[0] + i);
  if (run) return { data: t.data.subarray(rows[0] * d, (rows[0] + rows.length) * d), shape: [rows.length, ...t.shape.slice(1)] };
  const out = new Float32Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(t.data.subarray(rows[i] * d, (rows[i] + 1) * d), i * d);
  return { data: out, shape: [rows.length, ...t.shape.slice(1)] };
}

/** @internal The view's samples as compact arrays (see Dataset.toArrays). */
export function gatherView(x: Tensor, y: Tensor | undefined, w: Float32Array | undefined, rows: Int32Array | null): Batch {
  const b: Batch = { x: take(x, rows) };
  if (y) b.y = take(y, rows);
  if (w) b.sampleWeight = take({ data: w, shape: [w.length, 1] }, rows).data;
  return b;
}

/** Tensors of the same row shape stacked along the first axis (one fresh array; at least one tensor). */
export function concatRows(ts: Tensor[]): Tensor {
  const n = ts.reduce((s, t) => s + t.shape[0], 0);
  const out = new Float32Array(n * rowSize(ts[0]));
  let at = 0;
  for (const t of ts) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return { data: out, shape: [n, ...ts[0].shape.slice(1)] };
}

export function concatBlocks(blocks: Batch[]): Batch {
  const cat = concatRows;
  const b: Batch = { x: cat(blocks.map((b) => b.x)) };
  if (blocks[0].y) b.y = cat(blocks.map((b) => b.y!));
  if (blocks[0].sampleWeight) b.sampleWeight = cat(blocks.map((b) => ({ data: b.sampleWeight!, shape: [b.sampleWeight!.length, 1] }))).data;
  return b;
}

export function sliceBlock(b: Batch, from: number, to: number): Batch {
  const s = (t: Tensor): Tensor => {
    const d = rowSize(t);
    return { data: t.data.subarray(from * d, to * d), shape: [to - from, ...t.shape.slice(1)] };
  };
  const out: Batch = { x: s(b.x) };
  if (b.y) out.y = s(b.y);
  if (b.sampleWeight) out.sampleWeight = b.sampleWeight.subarray(from, to);
  return out;
}

/** Rows [from, to) of a stream. */
export function limitRows(source: Source, from: number, to: number): Source {
  return async function* () {
    let at = 0;
    for await (const b of source()) {
      const n = b.x.shape[0];
      const lo = Math.max(from - at, 0), hi = Math.min(to - at, n);
      if (lo < hi) yield lo === 0 && hi === n ? b : sliceBlock(b, lo, hi);
      at += n;
      if (at >= to) return;
    }
  };
}

/** Blocks regrouped into batches of exactly `size` rows (the last may be short). */
export async function* rebatch(source: Source, size: number): AsyncGenerator<Batch> {
  let pending: Batch[] = [];
  let have = 0;
  for await (const b of source()) {
    let at = 0;
    const n = b.x.shape[0];
    while (at < n) {
      const take = Math.min(size - have, n - at);
      pending.push(sliceBlock(b, at, at + take));
      have += take;
      at += take;
      if (have === size) {
        yield pending.length === 1 ? pending[0] : concatBlocks(pending);
        pending = [];
        have = 0;
      }
    }
  }
  if (have > 0) yield concatBlocks(pending);
}

/**
 * tf.data's buffer shuffle: keep `bufferSize` samples; each incoming sample replaces a uniformly
 * chosen one, which is emitted. The generator advances, so each epoch's order differs.
 */
export function shuffled(source: Source, rng: Random, bufferSize: number): Source {
  return async function* () {
    let buf: { x: Float32Array; y?: Float32Array; w?: Float32Array; xs: number[]; ys?: number[] } | undefined;
    let fill = 0;
    let out: Batch | undefined;
    let outN = 0;
    const emit = (from: number): Batch | undefined => {
      const b = buf!, xd = b.x.length / bufferSize, yd = b.y ? b.y.length / bufferSize : 0;
      if (!out) {
        out = { x: { data: new Float32Array(1024 * xd), shape: [1024, ...b.xs] } };
        if (b.y) out.y = { data: new Float32Array(1024 * yd), shape: [1024, ...b.ys!] };
        if (b.w) out.sampleWeight = new Float32Array(1024);
        outN = 0;
      }
      out.x.data.set(b.x.subarray(from * xd, (from + 1) * xd), outN * xd);
      if (b.y) out.y!.data.set(b.y.subarray(from * yd, (from + 1) * yd), outN * yd);
      if (b.w) out.sampleWeight![outN] = b.w[from];
      if (++outN < 1024) return undefined;
      const full = out;
      out = undefined;
      return full;
    };
    const put = (b: Batch, r: number, to: number): void => {
      const B = buf!, xd = B.x.length / bufferSize, yd = B.y ? B.y.length / bufferSize : 0;
      B.x.set(b.x.data.subarray(r * xd, (r + 1) * xd), to * xd);
      if (B.y) B.y.set(b.y!.data.subarray(r * yd, (r + 1) * yd), to * yd);
      if (B.w) B.w[to] = b.sampleWeight![r];
    };
    for await (const b of source()) {
      if (!buf) {
        buf = { x: new Float32Array(bufferSize * rowSize(b.x)), xs: b.x.shape.slice(1) };
        if (b.y) {
          buf.y = new Float32Array(bufferSize * rowSize(b.y));
          buf.ys = b.y.shape.slice(1);
        }
        if (b.sampleWeight) buf.w = new Float32Array(bufferSize);
      }
      for (let r = 0; r < b.x.shape[0]; r++) {
        if (fill < bufferSize) {
          put(b, r, fill++);
          continue;
        }
        const j = rng.below(bufferSize);
        const full = emit(j);
        put(b, r, j);
        if (full) yield full;
      }
    }
    if (!buf) return;
    const rest = identity(fill);
    rng.shuffle(rest);
    for (const j of rest) {
      const full = emit(j);
      if (full) yield full;
    }
    if (out && outN > 0) yield sliceBlock(out, 0, outN);
  };
}

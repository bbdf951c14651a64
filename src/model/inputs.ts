// Input standardization and checks: what fit, evaluate, predict and trainOnBatch accept for x, y
// and weights (one tensor or a list per input/output, Keras style), checked against the model's
// inputs, outputs and losses before any kernel runs, with errors that name what was expected.

import type { SymbolicTensor } from '../graph.js';
import { sameShape, type Layer } from '../layers/layer.js';
import { lossPositions, type Loss } from '../losses.js';
import { assertFinite, ShapeError, sizeOf, toTensor, type Tensor, type TensorLike } from '../tensor.js';
import { allLayers } from './memory.js';
import type { Data } from './types.js';

/** What the checks need of a model. */
export interface Signature {
  readonly name: string;
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** The name used for input i in shape errors (a sequential's first layer, a graph's input). */
  inputOwner(i: number): string;
}

/** One output's targets, checked: f32 (rows × units), or i32 labels (rows) for a sparse loss. */
export interface Targets {
  data: Float32Array | Int32Array;
  labels: boolean;
}

/** The checked arrays of a fit or evaluate: inputs, targets (null for predict) and per-sample weights. */
export interface Arrays {
  x: Tensor[];
  y: Targets[] | null;
  w: Float32Array | null;
}

const isTensorObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && 'data' in v && 'shape' in v;

/** One tensor per input (output); a single-input model also takes a one-element list, as Keras does. */
export function list(sig: Signature, v: Data, count: number, what: string): TensorLike[] {
  if (count === 1) return Array.isArray(v) && v.length === 1 && isTensorObject(v[0]) ? [v[0] as TensorLike] : [v as TensorLike];
  if (!Array.isArray(v) || v.length !== count) throw new TypeError(`${what}: ${sig.name} has ${count} ${what === 'x' ? 'inputs' : 'outputs'}; pass an array of ${count} tensors`);
  return v as TensorLike[];
}

/**
 * For an input of images [height, width, channels]: the layout, and the reshape when x holds the
 * same values in another shape (flat rows of pixels), or the channels when only they differ.
 */
function imageHint(want: readonly number[], got: readonly number[]): string {
  if (want.length !== 3) return '';
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const layout = '; images are [batch, height, width, channels]';
  if (got.length === 4 && got[1] === want[0] && got[2] === want[1]) return `${layout}: it expects ${want[2]} channel${want[2] === 1 ? '' : 's'}, x has ${got[3]}`;
  if (got.length >= 1 && size(got.slice(1)) === size(want)) return `${layout}: reshape it, { data: x.data, shape: [${got[0]}, ${want.join(', ')}] }`;
  return layout;
}

/** x as one tensor per input, each [samples, ...input shape], all with the same samples, finite. */
export function checkX(sig: Signature, x: Data, what: string): Tensor[] {
  const n = sig.inputs.length;
  const ts = list(sig, x, n, what).map((v, i) => toTensor(v, n > 1 ? `${what}[${i}]` : what));
  ts.forEach((t, i) => {
    const want = sig.inputs[i].shape;
    if (t.shape.length !== want.length + 1 || !sameShape(t.shape.slice(1), want)) {
      throw new ShapeError(`${sig.inputOwner(i)} expects input [*, ${want.join(', ')}], got ${n > 1 ? `${what}[${i}]` : what} of shape [${t.shape.join(', ')}]${imageHint(want, t.shape)}`);
    }
    if (t.shape[0] !== ts[0].shape[0]) throw new ShapeError(`${what}[${i}] has ${t.shape[0]} samples but ${what}[0] has ${ts[0].shape[0]}; they must match`);
    assertFinite(t, what);
  });
  return ts;
}

/** y as one target array per output: integer labels for a sparse loss, [n, units] values otherwise. */
export function checkY(sig: Signature, losses: readonly Loss[], y: Data, n: number, what: string): Targets[] {
  const ys = list(sig, y, sig.outputs.length, what);
  return ys.map((v, o) => {
    const name = sig.outputs.length > 1 ? `${what}[${o}]` : what;
    const loss = losses[o];
    const units = sizeOf(sig.outputs[o].shape);
    const t = toTensor(v, name);
    if (t.shape[0] !== n) throw new ShapeError(`${name} has ${t.shape[0]} samples but x has ${n}; they must match`);
    assertFinite(t, name);
    if (loss.sparse) {
      // One label per position: [n] for an output [*, classes], [n, t] for [*, t, classes].
      const shape = sig.outputs[o].shape, per = lossPositions(loss, shape), classes = units / per;
      if (sizeOf(t.shape) !== n * per) {
        const want = per === 1 ? `one integer label per sample ([${n}] or [${n}, 1])` : `one integer label per position of the output [*, ${shape.join(', ')}] ([${n}, ${shape.slice(0, -1).join(', ')}])`;
        throw new ShapeError(`${name}: ${loss.name} expects ${want}, got [${t.shape.join(', ')}]`);
      }
      const labels = new Int32Array(n * per);
      for (let i = 0; i < n * per; i++) {
        const l = t.data[i];
        if (!Number.isInteger(l) || l < 0 || l >= classes) {
          throw new RangeError(`${name}[${i}] is ${l}; ${loss.name} expects integer labels in [0, ${classes}) for ${classes} classes`);
        }
        labels[i] = l;
      }
      return { data: labels, labels: true };
    }
    if (sizeOf(t.shape) !== n * units) {
      throw new ShapeError(`${name}: the output ${sig.outputs[o].name} is [*, ${sig.outputs[o].shape.join(', ')}], so targets must be [${n}, ${units}], got [${t.shape.join(', ')}]`);
    }
    return { data: t.data, labels: false };
  });
}

/** Per-sample weights: one finite value ≥ 0 per sample, or null when none are given. */
export function checkWeights(w: TensorLike | undefined, n: number, what: string): Float32Array | null {
  if (w === undefined) return null;
  const t = toTensor(w, what);
  if (sizeOf(t.shape) !== n) throw new ShapeError(`${what} must hold one weight per sample (${n}), got [${t.shape.join(', ')}]`);
  assertFinite(t, what);
  for (let i = 0; i < n; i++) if (t.data[i] < 0) throw new RangeError(`${what}[${i}] is ${t.data[i]}; sample weights must be ≥ 0`);
  return t.data;
}

/** Per-sample weight = sampleWeight · classWeight[class of the sample]. */
export function combineClassWeight(sig: Signature, ts: Targets[], n: number, sw: Float32Array | null, cw: Record<number, number> | undefined): Float32Array | null {
  if (!cw) return sw;
  if (ts.length !== 1) throw new Error(`${sig.name}: classWeight needs a single output; use sampleWeight`);
  const t = ts[0];
  const shape = sig.outputs[0].shape, units = sizeOf(shape);
  if (shape.length > 1) throw new Error(`${sig.name}: classWeight needs one class per sample, but the output is [*, ${shape.join(', ')}]; use sampleWeight`);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let c: number;
    if (t.labels) c = t.data[i];
    else if (units === 1) c = t.data[i] > 0.5 ? 1 : 0;
    else {
      c = 0;
      for (let j = 1; j < units; j++) if (t.data[i * units + j] > t.data[i * units + c]) c = j;
    }
    const f = Object.hasOwn(cw, c) ? cw[c] : 1;
    if (typeof f !== 'number' || !(f >= 0)) throw new RangeError(`classWeight[${c}] is ${f}; expected a number ≥ 0`);
    out[i] = (sw ? sw[i] : 1) * f;
  }
  return out;
}

/**
 * Layers that cannot train on too few samples per batch (batch normalization takes statistics over
 * the batch: Layer.minBatch) say so before any kernel runs.
 */
export function checkBatchRows(layers: readonly Layer[], batchSize: number, n: number, what: string): void {
  const smallest = Math.min(batchSize, n), last = n % batchSize || smallest;
  for (const l of allLayers(layers)) {
    const min = l.minBatch;
    if (!min || min.rows <= Math.min(smallest, last)) continue;
    const same = allLayers(layers).filter((o) => o.minBatch?.why === min.why).map((o) => o.name);
    throw new ShapeError(`${same.join(', ')}: ${min.why} needs at least ${min.rows} samples per batch, but ${what} ` +
      `${smallest < min.rows ? `has batches of ${smallest}` : `leaves a last batch of ${last} (${n} samples, batchSize ${batchSize})`}; change batchSize or drop a sample`);
  }
}

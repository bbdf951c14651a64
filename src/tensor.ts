// What users pass in and get back: { data, shape } (a Tensor-like), or nested number arrays.

export interface Tensor {
  data: Float32Array;
  shape: number[];
}

/** Anything that can stand for a tensor: a Tensor-like with any typed array, or nested arrays. */
export type TensorLike =
  | { data: ArrayLike<number>; shape: readonly number[] }
  | number[]
  | number[][]
  | number[][][]
  | Float32Array;

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/**
 * Converts to a float32 Tensor without copying when the data already is a Float32Array.
 * `what` names the argument in errors. A flat array or Float32Array is a column [n, 1].
 */
export function toTensor(x: TensorLike, what: string): Tensor {
  if (x === null || x === undefined) throw new TypeError(`${what}: expected a tensor { data, shape } or nested arrays, got ${x}`);
  if (x instanceof Float32Array) return { data: x, shape: [x.length, 1] };
  if (Array.isArray(x)) return fromNested(x, what);
  if (typeof x === 'object' && 'data' in x && 'shape' in x) {
    const shape = Array.from(x.shape);
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ShapeError(`${what}: shape must hold whole numbers ≥ 0, got [${shape.join(', ')}]`);
    }
    const n = sizeOf(shape);
    if (x.data.length !== n) {
      throw new ShapeError(`${what}: shape [${shape.join(', ')}] needs ${n} values, data has ${x.data.length}`);
    }
    const data = x.data instanceof Float32Array ? x.data : Float32Array.from(x.data);
    return { data, shape };
  }
  throw new TypeError(`${what}: expected a tensor { data, shape } or nested arrays, got ${typeof x}`);
}

function fromNested(x: unknown[], what: string): Tensor {
  const shape: number[] = [];
  let probe: unknown = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  if (shape.length === 1) shape.push(1);
  const data = new Float32Array(sizeOf(shape));
  let k = 0;
  const walk = (a: unknown, depth: number, path: string): void => {
    const want = shape[depth];
    if (depth === shape.length - 1 && !Array.isArray(a) && shape.length === 2 && (x as unknown[]).every((v) => !Array.isArray(v))) {
      // A flat array read as a column.
      data[k++] = num(a, path);
      return;
    }
    if (!Array.isArray(a) || a.length !== want) {
      throw new ShapeError(`${what}${path}: ragged nested array: expected ${want} elements at depth ${depth}, got ${Array.isArray(a) ? a.length : typeof a}`);
    }
    for (let i = 0; i < a.length; i++) {
      if (depth + 1 === shape.length) data[k++] = num(a[i], `${path}[${i}]`);
      else walk(a[i], depth + 1, `${path}[${i}]`);
    }
  };
  const num = (v: unknown, path: string): number => {
    if (typeof v !== 'number') throw new TypeError(`${what}${path}: expected a number, got ${typeof v}`);
    return v;
  };
  if (x.every((v) => !Array.isArray(v))) {
    for (let i = 0; i < x.length; i++) data[i] = num(x[i], `[${i}]`);
  } else {
    walk(x, 0, '');
  }
  return { data, shape };
}

/** Throws when a value is NaN or ±Inf, naming the argument and the first bad index. */
export function assertFinite(t: { data: ArrayLike<number> }, what: string): void {
  const d = t.data;
  if (d instanceof Float32Array) return assertFiniteF32(d, what);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v - v !== 0) throw new RangeError(`${what} holds ${v} at flat index ${i}; expected finite numbers (clean or impute the data first)`);
  }
}

/** The common case, monomorphic (a generic loop over ArrayLike boxes every float it reads). */
function assertFiniteF32(d: Float32Array, what: string): void {
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v - v !== 0) throw new RangeError(`${what} holds ${v} at flat index ${i}; expected finite numbers (clean or impute the data first)`);
  }
}

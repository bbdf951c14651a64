// Merge layers of the functional API: add (the residual shortcut of seed 004,
// z = σ(W₂σ(W₁x + b₁) + b₂ + x)), subtract, multiply, average and concatenate (last axis).
// They take two or more inputs of the same shape (concatenate: the same but for the last axis) and
// say at build time which inputs disagree. Each returns one gradient buffer per input, never the
// same buffer twice, so the graph can add into them in place.

import { checkOptions } from '../options.js';
import { ShapeError } from '../tensor.js';
import { Layer, layerKeys, sameShape, scratchBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';
import { onnxOps, type OnnxGraph } from './onnx.js';

type Op = 'add' | 'subtract' | 'multiply' | 'average';

abstract class Merge extends Layer {
  protected inputShapes: number[][] = [];

  computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape];
  }

  protected abstract mergedShape(shapes: number[][], names: string[]): number[];

  override buildFor(shapes: number[][], names: string[]): number[] {
    if (shapes.length < 2) throw new ShapeError(`${this.name} (${this.className}) needs at least 2 inputs, got ${shapes.length} (${names.join(', ')})`);
    const out = this.mergedShape(shapes, names);
    if (!this.built) {
      this.inputShapes = shapes.map((s) => [...s]);
      this.inputShape = [...shapes[0]];
      this.outputShape = out;
      this.built = true;
    } else if (shapes.length !== this.inputShapes.length || !shapes.every((s, i) => sameShape(s, this.inputShapes[i]))) {
      throw new ShapeError(`${this.name} was built for inputs ${this.inputShapes.map((s) => `[*, ${s.join(', ')}]`).join(', ')} and is shared, but got ${shapes.map((s, i) => `${names[i]} [*, ${s.join(', ')}]`).join(', ')}`);
    }
    return [...out];
  }

  forward(x: Buf, ctx: Ctx): Buf {
    return this.call([x], ctx);
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean, acc: boolean): Buf | null {
    return this.callBackward(dy, ctx, [needDx], acc)[0];
  }

  getConfig(): Record<string, unknown> {
    return this.config();
  }
}

const onnxOp = { add: 'Add', subtract: 'Sub', multiply: 'Mul', average: 'Mean' } as const;

/** Elementwise merges: all inputs of one shape. */
export class ElementwiseMerge extends Merge {
  readonly className: string;
  readonly op: Op;

  constructor(op: Op, className: string, args: LayerArgs = {}) {
    checkOptions(`layers.${op}`, args, layerKeys);
    super(op, args);
    this.op = op;
    this.className = className;
  }

  protected mergedShape(shapes: number[][], names: string[]): number[] {
    if (this.op === 'subtract' && shapes.length !== 2) throw new ShapeError(`${this.name} (Subtract) takes exactly 2 inputs, got ${shapes.length} (${names.join(', ')})`);
    shapes.forEach((s, i) => {
      if (!sameShape(s, shapes[0])) {
        throw new ShapeError(`${this.name} (${this.className}) needs inputs of one shape, but ${names[0]} is [*, ${shapes[0].join(', ')}] and ${names[i]} is [*, ${s.join(', ')}]`);
      }
    });
    return [...shapes[0]];
  }

  override writeOnnx(inputs: string[], output: string, g: OnnxGraph): void {
    onnxOps.merge(g, onnxOp[this.op], inputs, output);
  }

  override call(xs: Buf[], ctx: Ctx): Buf {
    const { k } = ctx;
    const n = xs[0].rows * xs[0].cols;
    const y = scratchBuf(ctx, xs[0].rows, xs[0].cols);
    if (this.op === 'subtract') {
      k.f32_copy(xs[0].ptr, y.ptr, n);
      k.f32_axpy(n, -1, xs[1].ptr, y.ptr);
    } else {
      if (this.op === 'multiply') {
        k.f32_mul(xs[0].ptr, xs[1].ptr, y.ptr, n);
        for (let i = 2; i < xs.length; i++) k.f32_mul(y.ptr, xs[i].ptr, y.ptr, n);
      } else {
        k.f32_copy(xs[0].ptr, y.ptr, n);
        for (let i = 1; i < xs.length; i++) k.f32_axpy(n, 1, xs[i].ptr, y.ptr);
      }
      if (this.op === 'average') k.f32_scale(n, 1 / xs.length, y.ptr, y.ptr);
    }
    if (this.op === 'multiply') {
      // the inputs, for the backward: copied into this call's own array (xs is the caller's)
      const kept = (ctx.saved.xs ??= []) as Buf[];
      kept.length = xs.length;
      for (let i = 0; i < xs.length; i++) kept[i] = xs[i];
    }
    return y;
  }

  override callBackward(dy: Buf, ctx: Ctx, needDx: boolean[]): (Buf | null)[] {
    const { k } = ctx;
    const n = dy.rows * dy.cols;
    const dxs = this.dxs;
    dxs.length = needDx.length;
    for (let i = 0; i < needDx.length; i++) {
      dxs[i] = null;
      if (!needDx[i]) continue;
      const dx = scratchBuf(ctx, dy.rows, dy.cols);
      switch (this.op) {
        case 'add': k.f32_copy(dy.ptr, dx.ptr, n); break; // ∂(Σx)/∂x_i = 1
        case 'average': k.f32_scale(n, 1 / needDx.length, dy.ptr, dx.ptr); break;
        case 'subtract': k.f32_scale(n, i === 0 ? 1 : -1, dy.ptr, dx.ptr); break;
        case 'multiply': {
          // dx_i = dy ⊙ Π_{j≠i} x_j
          const xs = ctx.saved.xs as Buf[];
          k.f32_copy(dy.ptr, dx.ptr, n);
          for (let j = 0; j < xs.length; j++) if (j !== i) k.f32_mul(dx.ptr, xs[j].ptr, dx.ptr, n);
        }
      }
      dxs[i] = dx;
    }
    return dxs;
  }
}

/** Concatenation along the last axis. */
export class Concatenate extends Merge {
  readonly className = 'Concatenate';
  readonly axis: number;

  constructor(args: LayerArgs & { axis?: number } = {}) {
    checkOptions('layers.concatenate', args, { ...layerKeys, axis: true });
    super('concatenate', args);
    this.axis = args.axis ?? -1;
  }

  protected mergedShape(shapes: number[][], names: string[]): number[] {
    const rank = shapes[0].length;
    if (this.axis !== -1 && this.axis !== rank) throw new ShapeError(`${this.name}: only the last axis (−1) can be concatenated, got axis ${this.axis}`);
    shapes.forEach((s, i) => {
      if (s.length !== rank || !sameShape(s.slice(0, -1), shapes[0].slice(0, -1))) {
        throw new ShapeError(`${this.name} (Concatenate) needs inputs that agree on all but the last axis, but ${names[0]} is [*, ${shapes[0].join(', ')}] and ${names[i]} is [*, ${s.join(', ')}]`);
      }
    });
    if (!this.built) this.widths = shapes.map((s) => s[s.length - 1]);
    return [...shapes[0].slice(0, -1), shapes.reduce((a, s) => a + s[s.length - 1], 0)];
  }

  override getConfig(): Record<string, unknown> {
    return this.config({ axis: this.axis });
  }

  /** Only the last axis can be concatenated (−1, or the rank counting the batch axis): −1 in ONNX. */
  override writeOnnx(inputs: string[], output: string, g: OnnxGraph): void {
    onnxOps.merge(g, 'Concat', inputs, output);
  }

  /** The inputs' last-axis widths, set when the layer is built. */
  private widths: number[] = [];

  override call(xs: Buf[], ctx: Ctx): Buf {
    const out = this.outputShape![this.outputShape!.length - 1];
    const widths = this.widths;
    const rows = (xs[0].rows * xs[0].cols) / widths[0]; // (batch·positions, width)
    const y = scratchBuf(ctx, xs[0].rows, (rows / xs[0].rows) * out);
    let off = 0;
    for (let i = 0; i < widths.length; i++) {
      ctx.k.f32_copy_2d(xs[i].ptr, widths[i], y.ptr + off * 4, out, rows, widths[i]);
      off += widths[i];
    }
    return y;
  }

  override callBackward(dy: Buf, ctx: Ctx, needDx: boolean[]): (Buf | null)[] {
    const out = this.outputShape![this.outputShape!.length - 1];
    const rows = (dy.rows * dy.cols) / out;
    const widths = this.widths;
    const dxs = this.dxs;
    dxs.length = widths.length;
    let off = 0;
    for (let i = 0; i < widths.length; i++) {
      const w = widths[i], start = off;
      off += w;
      dxs[i] = null;
      if (!needDx[i]) continue;
      const dx = scratchBuf(ctx, dy.rows, (rows / dy.rows) * w);
      ctx.k.f32_copy_2d(dy.ptr + start * 4, out, dx.ptr, w, rows, w);
      dxs[i] = dx;
    }
    return dxs;
  }
}

export const add = (args?: LayerArgs) => new ElementwiseMerge('add', 'Add', args);
export const subtract = (args?: LayerArgs) => new ElementwiseMerge('subtract', 'Subtract', args);
export const multiply = (args?: LayerArgs) => new ElementwiseMerge('multiply', 'Multiply', args);
export const average = (args?: LayerArgs) => new ElementwiseMerge('average', 'Average', args);
export const concatenate = (args?: LayerArgs & { axis?: number }) => new Concatenate(args);

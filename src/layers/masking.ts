// Masking (Keras): a timestep whose features all equal maskValue is padding. The output is the
// input with those steps zeroed, and the mask (1 real, 0 padding, per sample and step) travels
// with it (Buf.mask) to the recurrent layer it feeds, which leaves the state unchanged there.
// A recurrent layer (or bidirectional) reads the mask, directly after or through the layers that
// pass it on (Layer.passesMask: timeDistributed, activations, dropouts, normalizations); others drop it.

import { checkOptions, type Keys } from '../options.js';
import { ShapeError } from '../tensor.js';
import { Layer, layerKeys, outputBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';
import type { OnnxGraph } from './onnx.js';

export interface MaskingArgs extends LayerArgs {
  /** The padding value (Keras's default 0). */
  maskValue?: number;
}

const maskingKeys: Keys<MaskingArgs> = { ...layerKeys, maskValue: true };

export class Masking extends Layer {
  readonly className = 'Masking';
  readonly maskValue: number;

  constructor(args: MaskingArgs = {}) {
    checkOptions('layers.masking', args, maskingKeys);
    super('masking', args);
    this.maskValue = args.maskValue ?? 0;
    if (!Number.isFinite(this.maskValue)) throw new RangeError(`${this.name}: maskValue must be a finite number, got ${args.maskValue}`);
  }

  computeOutputShape(inputShape: number[]): number[] {
    if (inputShape.length !== 2) throw new ShapeError(`${this.name}: sequences are [batch, timesteps, features], got an input [*, ${inputShape.join(', ')}]`);
    return [...inputShape];
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const [T, F] = this.inputShape!, n = x.rows * T;
    const y = outputBuf(ctx, x.rows, x.cols);
    const mask = ctx.scratch.take(n * 4); // (batch, timesteps)
    const m = ctx.arena.f32All(), xi = x.ptr >> 2, yi = y.ptr >> 2, mi = mask >> 2; // one view, none made per step
    for (let s = 0; s < n; s++) {
      let keep = 0;
      for (let j = 0; j < F && !keep; j++) keep = m[xi + s * F + j] !== this.maskValue ? 1 : 0;
      m[mi + s] = keep;
      for (let j = 0; j < F; j++) m[yi + s * F + j] = keep ? m[xi + s * F + j] : 0;
    }
    y.mask = mask;
    ctx.saved.mask = mask;
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean): Buf | null {
    if (!needDx) return null;
    const [T, F] = this.inputShape!, n = dy.rows * T;
    const m = ctx.arena.f32All(), di = dy.ptr >> 2, mi = (ctx.saved.mask as number) >> 2;
    for (let s = 0; s < n; s++) if (!m[mi + s]) for (let j = 0; j < F; j++) m[di + s * F + j] = 0;
    return dy;
  }

  getConfig(): Record<string, unknown> {
    return this.config({ maskValue: this.maskValue });
  }

  /** y = x · any(x ≠ maskValue) over the features; the mask as sequence lengths for the recurrent operators. */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    const eq = g.fresh(`${this.name}/eq`), ne = g.fresh(`${this.name}/ne`), keep = g.fresh(`${this.name}/keep`), any = g.fresh(`${this.name}/any`);
    g.node('Equal', [x, g.constant(`${this.name}/value`, new Float32Array([this.maskValue]), [])], eq);
    g.node('Not', [eq], ne);
    g.node('Cast', [ne], keep, { to: { i: 1 } });
    g.node('ReduceMax', [keep], any, { axes: { ints: [2] }, keepdims: { i: 1 } });
    g.node('Mul', [x, any], output);
    // The unmasked steps per sample, for the recurrent operators' sequence_lens.
    const count = g.fresh(`${this.name}/count`), lens = g.fresh(`${this.name}/sequence_lens`);
    g.node('ReduceSum', [any, g.constantInts(`${this.name}/time_axes`, [1, 2])], count, { keepdims: { i: 0 } });
    g.node('Cast', [count], lens, { to: { i: 6 } });
    g.sequenceLengths.set(output, lens);
  }
}

export const masking = (args?: MaskingArgs): Masking => new Masking(args);

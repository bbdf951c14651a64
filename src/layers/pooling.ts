// maxPooling2d and averagePooling2d (DESIGN.md "Convolutional layers"): a window of poolSize
// cells moved by strides (default: poolSize) over channels-last images, 'valid' or TensorFlow's
// 'same'. Padding never takes part: max pooling never picks a padded cell, average pooling divides
// by the window's real cells. Max pooling keeps where each max came from (an i32 per output in the
// step's scratch) and backward sends dy there; average pooling spreads dy over the real cells.

import { checkOptions, type Keys } from '../options.js';
import { poolGeometry, type ConvGeometry } from '../wasm/conv.js';
import { checkDataFormat, checkFits, checkImage, GeometryCache, pair, paddingOf, type Pair, type PaddingMode } from './conv-common.js';
import { Layer, layerKeys, outputBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';

export interface Pooling2DArgs extends LayerArgs {
  /** The window: a number or [rows, cols]; Keras's default 2. */
  poolSize?: Pair;
  /** Default: the pool size. */
  strides?: Pair | null;
  padding?: PaddingMode;
  /** Only 'channelsLast'. */
  dataFormat?: string;
}

const poolKeys: Keys<Pooling2DArgs> = { ...layerKeys, poolSize: true, strides: true, padding: true, dataFormat: true };

interface Saved {
  x: Buf;
  argmax: number;
  geom: number;
}

export class Pooling2D extends Layer {
  readonly className: 'MaxPooling2D' | 'AveragePooling2D';
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: PaddingMode;
  private readonly geom = new GeometryCache((batch) => this.geometryFor(batch));

  constructor(kind: 'max' | 'average', args: Pooling2DArgs = {}) {
    const where = kind === 'max' ? 'layers.maxPooling2d' : 'layers.averagePooling2d';
    checkOptions(where, args, poolKeys);
    super(kind === 'max' ? 'max_pooling2d' : 'average_pooling2d', args);
    this.className = kind === 'max' ? 'MaxPooling2D' : 'AveragePooling2D';
    this.poolSize = pair(this.name, 'poolSize', args.poolSize, [2, 2]);
    this.strides = pair(this.name, 'strides', args.strides ?? undefined, this.poolSize);
    this.padding = paddingOf(this.name, args.padding);
    checkDataFormat(this.name, args.dataFormat);
  }

  /** The kernels' geometry for a batch (the input shape is known). */
  geometryFor(batch: number): ConvGeometry {
    const [h, w, c] = this.inputShape!;
    return poolGeometry({ batch, height: h, width: w, channels: c, poolSize: this.poolSize, strides: this.strides, padding: this.padding });
  }

  computeOutputShape(inputShape: number[]): number[] {
    const [h, w, c] = checkImage(this.name, inputShape);
    const side = (input: number, i: 0 | 1) => {
      const k = this.poolSize[i], s = this.strides[i];
      if (this.padding === 'same') return Math.ceil(input / s);
      const out = Math.floor((input - k) / s) + 1;
      checkFits(this.name, `${this.poolSize[0]}×${this.poolSize[1]} pool`, out, i ? 'width' : 'height', input, k);
      return out;
    };
    return [side(h, 0), side(w, 1), c];
  }

  get max(): boolean {
    return this.className === 'MaxPooling2D';
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const { k } = ctx;
    const g = this.geom.of(x.rows);
    const geom = this.geom.put(ctx, x.rows);
    const outs = g.oh * g.ow * g.c;
    const y = outputBuf(ctx, x.rows, outs); // written whole
    const s = ctx.saved as unknown as Saved;
    if (this.max) {
      s.argmax = ctx.scratch.take(x.rows * outs * 4); // written whole
      k.f32_maxpool2d(geom, x.ptr, y.ptr, s.argmax, 0, g.n * g.oh);
    } else {
      k.f32_avgpool2d(geom, x.ptr, y.ptr, 0, g.n * g.oh);
    }
    s.x = x;
    s.geom = geom;
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean): Buf | null {
    if (!needDx) return null;
    const { x, argmax, geom } = ctx.saved as unknown as Saved;
    const dx = outputBuf(ctx, x.rows, x.cols); // the kernels zero it first (acc = 0)
    if (this.max) ctx.k.f32_maxpool2d_grad(geom, dy.ptr, argmax, dx.ptr, 0, 0, x.rows);
    else ctx.k.f32_avgpool2d_grad(geom, dy.ptr, dx.ptr, 0, 0, x.rows);
    return dx;
  }

  getConfig(): Record<string, unknown> {
    return this.config({ poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding });
  }

}

/** maxPooling2d({ poolSize: 2 }): strides default to the pool size, padding 'valid'. */
export const maxPooling2d = (args?: Pooling2DArgs) => new Pooling2D('max', args);
/** averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }). */
export const averagePooling2d = (args?: Pooling2DArgs) => new Pooling2D('average', args);

// ZeroPadding2D and Cropping2D (Keras): rows of zeros added above and below an image and columns
// beside it, or rows and columns cut away, given as [[top, bottom], [left, right]] (or a number,
// or [rows, cols], for both ends). Each is the other's gradient, and both are one kernel,
// f32_pad2d, whose negative amounts crop. Seed 000 cuts 28×28 images into four 14×14 patches with
// cropping2d({ cropping: [[0, 14], [0, 14]] }) and its three siblings.

import { checkOptions, leading, type Keys } from '../options.js';
import { ShapeError } from '../tensor.js';
import { Layer, layerKeys, outputBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';
import { checkDataFormat, checkImage } from './conv-common.js';
import { boundedImage, sidesOf } from './image.js';

type Sides = number | [number, number] | [[number, number], [number, number]];

export interface ZeroPadding2DArgs extends LayerArgs {
  /** Keras default 1: one row or column of zeros on every side. */
  padding?: Sides;
  /** Only 'channelsLast' (Keras's default). */
  dataFormat?: string;
}
export interface Cropping2DArgs extends LayerArgs {
  /** Keras default 0. */
  cropping?: Sides;
  dataFormat?: string;
}

/** Pads by `sign` × the sides: +1 zero padding, −1 cropping. */
export abstract class Pad2D extends Layer {
  abstract readonly sign: 1 | -1;
  readonly sides: [[number, number], [number, number]];

  constructor(base: string, key: 'padding' | 'cropping', value: Sides, args: LayerArgs & { dataFormat?: string }) {
    super(base, args);
    this.sides = sidesOf(this.name, key, value);
    checkDataFormat(this.name, args.dataFormat);
  }

  computeOutputShape(inputShape: number[]): number[] {
    const [h, w, c] = checkImage(this.name, inputShape);
    const [[t, b], [l, r]] = this.sides, s = this.sign;
    const oh = h + s * (t + b), ow = w + s * (l + r);
    if (oh < 1 || ow < 1) {
      throw new ShapeError(`${this.name}: cropping [[${t}, ${b}], [${l}, ${r}]] leaves nothing of a ${h}×${w} image (it would be ${oh}×${ow}); the cropping must leave at least one row and one column`);
    }
    return boundedImage(this.name, `padding [[${t}, ${b}], [${l}, ${r}]]`, inputShape, [oh, ow, c]);
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    return this.pad(ctx, x, this.inputShape!, this.outputShape!, this.sign);
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean): Buf | null {
    return needDx ? this.pad(ctx, dy, this.outputShape!, this.inputShape!, -this.sign) : null;
  }

  private pad(ctx: Ctx, x: Buf, [h, w, c]: number[], out: number[], s: number): Buf {
    const [[t, b], [l, r]] = this.sides;
    const y = outputBuf(ctx, x.rows, out[0] * out[1] * c);
    ctx.k.f32_pad2d(x.ptr, y.ptr, x.rows, h, w, c, s * t, s * b, s * l, s * r);
    return y;
  }

  protected sidesConfig(): [[number, number], [number, number]] {
    return [[...this.sides[0]], [...this.sides[1]]];
  }
}

const padKeys: Keys<ZeroPadding2DArgs> = { ...layerKeys, padding: true, dataFormat: true };
const cropKeys: Keys<Cropping2DArgs> = { ...layerKeys, cropping: true, dataFormat: true };

export class ZeroPadding2D extends Pad2D {
  readonly className = 'ZeroPadding2D';
  readonly sign = 1;

  constructor(args: ZeroPadding2DArgs = {}) {
    checkOptions('layers.zeroPadding2d', args, padKeys);
    super('zero_padding2d', 'padding', args.padding ?? 1, args);
  }

  getConfig(): Record<string, unknown> {
    return this.config({ padding: this.sidesConfig() });
  }
}

export class Cropping2D extends Pad2D {
  readonly className = 'Cropping2D';
  readonly sign = -1;

  constructor(args: Cropping2DArgs = {}) {
    checkOptions('layers.cropping2d', args, cropKeys);
    super('cropping2d', 'cropping', args.cropping ?? 0, args);
  }

  getConfig(): Record<string, unknown> {
    return this.config({ cropping: this.sidesConfig() });
  }
}

/** zeroPadding2d(1), zeroPadding2d([[1, 0], [2, 2]], { … }), or TF.js's zeroPadding2d({ padding, … }). */
export const zeroPadding2d = (padding?: Sides | ZeroPadding2DArgs, args?: ZeroPadding2DArgs) => {
  const [p, rest] = leading<Sides | undefined, ZeroPadding2DArgs>('layers.zeroPadding2d', 'padding', padding, args);
  return new ZeroPadding2D({ ...rest, ...(p === undefined ? {} : { padding: p }) });
};
/** cropping2d([[0, 14], [0, 14]]), or TF.js's cropping2d({ cropping, … }). */
export const cropping2d = (cropping?: Sides | Cropping2DArgs, args?: Cropping2DArgs) => {
  const [c, rest] = leading<Sides | undefined, Cropping2DArgs>('layers.cropping2d', 'cropping', cropping, args);
  return new Cropping2D({ ...rest, ...(c === undefined ? {} : { cropping: c }) });
};

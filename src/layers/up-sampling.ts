// UpSampling2D (Keras): [batch, h, w, c] → [batch, h·size[0], w·size[1], c]. 'nearest' (Keras's
// default) repeats each cell over a block of size[0] rows × size[1] columns, and its gradient sums
// each block; 'bilinear' is TensorFlow's bilinear resize. Keras resizes with half-pixel centers,
// TF.js's layer without them (resizeBilinear's default): `halfPixelCenters` says which (Keras's
// by default; a TF.js import keeps TF.js's).

import { checkOptions, leading, type Keys } from '../options.js';
import { Layer, layerKeys, outputBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';
import { checkDataFormat, checkImage, pair } from './conv-common.js';
import { boundedImage } from './image.js';

export interface UpSampling2DArgs extends LayerArgs {
  /** The factor along rows and columns: a number or [rows, cols] (Keras default 2). */
  size?: number | [number, number];
  /** 'nearest' (Keras's default) or 'bilinear'. */
  interpolation?: 'nearest' | 'bilinear';
  /** For 'bilinear': source coordinates (o + ½)/size − ½ as Keras (true, the default), or o/size as TF.js's layer. */
  halfPixelCenters?: boolean;
  /** Only 'channelsLast' (Keras's default). */
  dataFormat?: string;
}

const upKeys: Keys<UpSampling2DArgs> = { ...layerKeys, size: true, interpolation: true, halfPixelCenters: true, dataFormat: true };

export class UpSampling2D extends Layer {
  readonly className = 'UpSampling2D';
  readonly size: [number, number];
  readonly interpolation: 'nearest' | 'bilinear';
  readonly halfPixelCenters: boolean;

  constructor(args: UpSampling2DArgs = {}) {
    checkOptions('layers.upSampling2d', args, upKeys);
    super('up_sampling2d', args);
    this.size = pair(this.name, 'size', args.size, [2, 2]);
    checkDataFormat(this.name, args.dataFormat);
    const i = args.interpolation ?? 'nearest';
    if (i !== 'nearest' && i !== 'bilinear') throw new RangeError(`${this.name}: interpolation ${JSON.stringify(i)} is not supported by lepton; it has 'nearest' (Keras's default) and 'bilinear'`);
    this.interpolation = i;
    if (args.halfPixelCenters !== undefined && (typeof args.halfPixelCenters !== 'boolean' || i !== 'bilinear')) {
      throw new RangeError(`${this.name}: halfPixelCenters is true or false, with interpolation 'bilinear'; got ${JSON.stringify(args.halfPixelCenters)} with '${i}'`);
    }
    this.halfPixelCenters = args.halfPixelCenters ?? true;
  }

  computeOutputShape(inputShape: number[]): number[] {
    const [h, w, c] = checkImage(this.name, inputShape);
    return boundedImage(this.name, `size [${this.size.join(', ')}]`, inputShape, [h * this.size[0], w * this.size[1], c]);
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const [h, w, c] = this.inputShape!;
    const [sh, sw] = this.size;
    const y = outputBuf(ctx, x.rows, x.cols * sh * sw);
    if (this.interpolation === 'nearest') ctx.k.f32_upsample2d(x.ptr, y.ptr, x.rows, h, w, c, sh, sw);
    else ctx.k.f32_resize_bilinear(x.ptr, y.ptr, x.rows, h, w, c, h * sh, w * sw, this.halfPixelCenters ? 1 : 0);
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean): Buf | null {
    if (!needDx) return null;
    const [h, w, c] = this.inputShape!;
    const [sh, sw] = this.size;
    const dx = outputBuf(ctx, dy.rows, h * w * c);
    if (this.interpolation === 'nearest') ctx.k.f32_upsample2d_grad(dy.ptr, dx.ptr, dy.rows, h, w, c, sh, sw);
    else ctx.k.f32_resize_bilinear_grad(dy.ptr, dx.ptr, dy.rows, h, w, c, h * sh, w * sw, this.halfPixelCenters ? 1 : 0);
    return dx;
  }

  getConfig(): Record<string, unknown> {
    const bilinear = this.interpolation === 'bilinear' ? { halfPixelCenters: this.halfPixelCenters } : {};
    return this.config({ size: [...this.size], interpolation: this.interpolation, ...bilinear });
  }

}

type Size = UpSampling2DArgs['size'];
/** upSampling2d(2), upSampling2d([2, 3], { … }), or TF.js's upSampling2d({ size: [2, 3], … }). */
export const upSampling2d = (size?: Size | UpSampling2DArgs, args?: UpSampling2DArgs) => {
  const [s, rest] = leading<Size, UpSampling2DArgs>('layers.upSampling2d', 'size', size, args);
  return new UpSampling2D({ ...rest, ...(s === undefined ? {} : { size: s }) });
};

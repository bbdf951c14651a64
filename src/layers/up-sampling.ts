// UpSampling2D (Keras): each cell of an image repeated over a block of size[0] rows × size[1]
// columns, [batch, h, w, c] → [batch, h·size[0], w·size[1], c]; its gradient sums each block.
// Keras's 'nearest' interpolation; 'bilinear' is refused (Keras resizes with half-pixel centers,
// TF.js's layer without them: the two disagree, and lepton has neither).

import { checkOptions, leading, type Keys } from '../options.js';
import { Layer, layerKeys, outputBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';
import { checkDataFormat, checkImage, pair } from './conv-common.js';
import { boundedImage } from './image.js';
import { onnxOps, type OnnxGraph } from './onnx.js';

export interface UpSampling2DArgs extends LayerArgs {
  /** The factor along rows and columns: a number or [rows, cols] (Keras default 2). */
  size?: number | [number, number];
  /** Only 'nearest' (Keras's default). */
  interpolation?: 'nearest';
  /** Only 'channelsLast' (Keras's default). */
  dataFormat?: string;
}

const upKeys: Keys<UpSampling2DArgs> = { ...layerKeys, size: true, interpolation: true, dataFormat: true };

export class UpSampling2D extends Layer {
  readonly className = 'UpSampling2D';
  readonly size: [number, number];
  readonly interpolation = 'nearest';

  constructor(args: UpSampling2DArgs = {}) {
    checkOptions('layers.upSampling2d', args, upKeys);
    super('up_sampling2d', args);
    this.size = pair(this.name, 'size', args.size, [2, 2]);
    checkDataFormat(this.name, args.dataFormat);
    if (args.interpolation !== undefined && args.interpolation !== 'nearest') {
      throw new RangeError(`${this.name}: interpolation ${JSON.stringify(args.interpolation)} is not supported by lepton; it has 'nearest' (Keras's default)`);
    }
  }

  computeOutputShape(inputShape: number[]): number[] {
    const [h, w, c] = checkImage(this.name, inputShape);
    return boundedImage(this.name, `size [${this.size.join(', ')}]`, inputShape, [h * this.size[0], w * this.size[1], c]);
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const [h, w, c] = this.inputShape!;
    const y = outputBuf(ctx, x.rows, x.cols * this.size[0] * this.size[1]);
    ctx.k.f32_upsample2d(x.ptr, y.ptr, x.rows, h, w, c, this.size[0], this.size[1]);
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean): Buf | null {
    if (!needDx) return null;
    const [h, w, c] = this.inputShape!;
    const dx = outputBuf(ctx, dy.rows, h * w * c);
    ctx.k.f32_upsample2d_grad(dy.ptr, dx.ptr, dy.rows, h, w, c, this.size[0], this.size[1]);
    return dx;
  }

  getConfig(): Record<string, unknown> {
    return this.config({ size: [...this.size], interpolation: this.interpolation });
  }

  /** Resize (nearest, input cell ⌊out / size⌋: 'asymmetric' coordinates rounded down) on NCHW. */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    const y = g.fresh(`${this.name}/nchw`);
    const scales = g.constant(`${this.name}/scales`, Float32Array.of(1, 1, this.size[0], this.size[1]), [4]);
    g.node('Resize', [onnxOps.toNchw(g, x), '', scales], y, { mode: { s: 'nearest' }, coordinate_transformation_mode: { s: 'asymmetric' }, nearest_mode: { s: 'floor' } });
    onnxOps.fromNchw(g, y, output);
  }
}

type Size = UpSampling2DArgs['size'];
/** upSampling2d(2), upSampling2d([2, 3], { … }), or TF.js's upSampling2d({ size: [2, 3], … }). */
export const upSampling2d = (size?: Size | UpSampling2DArgs, args?: UpSampling2DArgs) => {
  const [s, rest] = leading<Size, UpSampling2DArgs>('layers.upSampling2d', 'size', size, args);
  return new UpSampling2D({ ...rest, ...(s === undefined ? {} : { size: s }) });
};

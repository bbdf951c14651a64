// Global average and max pooling (Keras's GlobalAveragePooling2D, GlobalMaxPooling2D): one value
// per channel over the whole image, [batch, height, width, channels] → [batch, channels] (Keras's
// keepdims false). On the pooling kernels of assembly/f32-pool.ts with the whole image as the
// window; max pooling keeps where each max came from for the backward.

import { checkOptions, type Keys } from '../options.js';
import { GEOMETRY_BYTES, globalPoolGeometry, writeGeometry } from '../wasm/conv.js';
import { Layer, layerKeys, outputBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';
import { checkDataFormat, checkImage } from './conv-common.js';
import { onnxOps, type OnnxGraph } from './onnx.js';

export interface GlobalPooling2DArgs extends LayerArgs {
  /** Only 'channelsLast' (Keras's default). */
  dataFormat?: string;
}

const globalKeys: Keys<GlobalPooling2DArgs> = { ...layerKeys, dataFormat: true };

interface Saved {
  geom: number;
  argmax: number;
  rows: number;
}

export class GlobalPooling2D extends Layer {
  readonly className: 'GlobalAveragePooling2D' | 'GlobalMaxPooling2D';
  readonly kind: 'avg' | 'max';
  /**
   * The kernels' geometry block for one image (n = 1: the calls take the images they run as
   * arguments, and the thread split reads n only to share the work out), copied into each step's
   * scratch so that nothing is allocated per step.
   */
  private readonly geometry = new Int32Array(GEOMETRY_BYTES / 4);

  constructor(kind: 'avg' | 'max', args: GlobalPooling2DArgs = {}) {
    const avg = kind === 'avg';
    checkOptions(avg ? 'layers.globalAveragePooling2d' : 'layers.globalMaxPooling2d', args, globalKeys);
    super(avg ? 'global_average_pooling2d' : 'global_max_pooling2d', args);
    checkDataFormat(this.name, args.dataFormat);
    this.kind = kind;
    this.className = avg ? 'GlobalAveragePooling2D' : 'GlobalMaxPooling2D';
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [checkImage(this.name, inputShape)[2]];
  }

  override build(inputShape: number[]): void {
    super.build(inputShape);
    const [h, w, c] = checkImage(this.name, inputShape);
    writeGeometry(this.geometry, 0, globalPoolGeometry(1, h, w, c));
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    const { k } = ctx;
    const c = this.outputShape![0];
    const geom = ctx.scratch.take(GEOMETRY_BYTES);
    ctx.arena.i32All().set(this.geometry, geom >> 2);
    const y = outputBuf(ctx, x.rows, c); // (batch, channels)
    const s = ctx.saved as unknown as Saved;
    s.geom = geom;
    s.rows = x.rows;
    if (this.kind === 'avg') {
      k.f32_avgpool2d(geom, x.ptr, y.ptr, 0, x.rows);
    } else {
      s.argmax = ctx.scratch.take(x.rows * c * 4); // (batch, channels) i32: the cell each max came from
      k.f32_maxpool2d(geom, x.ptr, y.ptr, s.argmax, 0, x.rows);
    }
    return y;
  }

  backward(dy: Buf, ctx: Ctx, needDx: boolean): Buf | null {
    if (!needDx) return null;
    const { geom, argmax, rows } = ctx.saved as unknown as Saved;
    const dx = outputBuf(ctx, rows, dy.cols * this.inputShape![0] * this.inputShape![1]);
    if (this.kind === 'avg') ctx.k.f32_avgpool2d_grad(geom, dy.ptr, dx.ptr, 0, 0, rows);
    else ctx.k.f32_maxpool2d_grad(geom, dy.ptr, argmax, dx.ptr, 0, 0, rows);
    return dx;
  }

  getConfig(): Record<string, unknown> {
    return this.config();
  }

  /** GlobalAveragePool or GlobalMaxPool on NCHW ([batch, c, 1, 1]), flattened to [batch, c]. */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    const pooled = g.fresh(`${this.name}/pooled`);
    g.node(this.kind === 'avg' ? 'GlobalAveragePool' : 'GlobalMaxPool', [onnxOps.toNchw(g, x)], pooled);
    g.node('Flatten', [pooled], output, { axis: { i: 1 } });
  }
}

export const globalAveragePooling2d = (args?: GlobalPooling2DArgs) => new GlobalPooling2D('avg', args);
export const globalMaxPooling2d = (args?: GlobalPooling2DArgs) => new GlobalPooling2D('max', args);

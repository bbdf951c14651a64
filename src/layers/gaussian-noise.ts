// Gaussian noise (Keras's GaussianNoise, a regularizer): in training y = x + n with n ~ N(0, stddev²)
// drawn afresh for every value of every step, at inference the identity. The draws come from the
// model's seeded generator, or from the layer's own when it has a `seed` (uniforms in JS,
// Box–Muller in wasm: f32_box_muller), as dropout's masks do, so training is reproducible and a
// resumed run draws what it would have drawn.

import { checkOptions, leading, type Keys } from '../options.js';
import { Random } from '../random.js';
import { Layer, layerKeys, outputBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';
import type { OnnxGraph } from './onnx.js';

export interface GaussianNoiseArgs extends LayerArgs {
  /** A seed for this layer's own noise stream; by default the model's generator draws the noise. */
  seed?: number;
}

const noiseKeys: Keys<GaussianNoiseArgs> = { ...layerKeys, seed: true };

export class GaussianNoise extends Layer {
  readonly className = 'GaussianNoise';
  readonly stddev: number;
  /** The layer's own seed, when it has one (saved with the model). */
  readonly seed?: number;
  /** @internal The layer's own noise stream (seeded layers only); its state is saved so a resume is exact. */
  readonly rng?: Random;

  constructor(stddev: number, args: GaussianNoiseArgs = {}) {
    checkOptions('layers.gaussianNoise', args, noiseKeys);
    super('gaussian_noise', args);
    if (!(stddev >= 0) || !Number.isFinite(stddev)) throw new RangeError(`${this.name}: stddev must be a finite number ≥ 0, got ${stddev}`);
    this.stddev = stddev;
    this.seed = args.seed;
    this.rng = args.seed === undefined ? undefined : new Random(args.seed);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape];
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    if (!ctx.training || this.stddev === 0) return x;
    const n = x.rows * x.cols;
    const y = outputBuf(ctx, x.rows, x.cols);
    // uniforms in (0, 1] into y, turned into N(0, stddev²) in place, then y += x
    (this.rng ?? ctx.rng).fillOpenUniform(ctx.arena.f32(y.ptr, n));
    ctx.k.f32_box_muller(y.ptr, y.ptr, n, 0, this.stddev);
    ctx.k.f32_axpy(n, 1, x.ptr, y.ptr);
    return y;
  }

  /** The noise does not depend on x: dx = dy. */
  backward(dy: Buf, _ctx: Ctx, needDx: boolean): Buf | null {
    return needDx ? dy : null;
  }

  getConfig(): Record<string, unknown> {
    return this.config({ stddev: this.stddev, ...(this.seed !== undefined ? { seed: this.seed, rngState: this.rng!.getState() } : {}) });
  }

  /** Inference is the identity. */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    g.node('Identity', [x], output);
  }
}

/** gaussianNoise(0.1, { … }), or TF.js's gaussianNoise({ stddev: 0.1, … }). */
export function gaussianNoise(stddev: number | (GaussianNoiseArgs & { stddev: number }), args?: GaussianNoiseArgs): GaussianNoise {
  return new GaussianNoise(...leading<number, GaussianNoiseArgs>('layers.gaussianNoise', 'stddev', stddev, args));
}

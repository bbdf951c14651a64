// Dropout (Srivastava et al. 2014) with inverted scaling: in training each value is kept with
// probability 1 − rate and scaled by 1/(1 − rate), so inference is the identity. The mask comes
// from the model's seeded generator (or the layer's own `seed`), so training is reproducible.

import { checkOptions, leading, type Keys } from '../options.js';
import { Random } from '../random.js';
import { Layer, layerKeys, scratchBuf, type Buf, type Ctx, type LayerArgs } from './layer.js';
import type { OnnxGraph } from './onnx.js';

export interface DropoutArgs extends LayerArgs {
  /** A seed for this layer's own mask stream; by default the model's generator draws the masks. */
  seed?: number;
}

const dropoutKeys: Keys<DropoutArgs> = { ...layerKeys, seed: true };

/** Checks the rate and makes the layer's own generator when it has a seed. */
export function dropoutSetup(name: string, rate: number, seed: number | undefined): Random | undefined {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`${name}: rate must be in [0, 1), got ${rate}`);
  return seed === undefined ? undefined : new Random(seed);
}

/** Fills n floats at `ptr` with `kept` where a uniform draw is ≥ rate, else `dropped` (Keras: keep if u ≥ rate). */
export function fillMask(ctx: Ctx, rng: Random, ptr: number, n: number, rate: number, kept: number, dropped: number): void {
  const m = ctx.arena.f32(ptr, n);
  for (let i = 0; i < n; i++) m[i] = rng.uniform() >= rate ? kept : dropped;
}

export class Dropout extends Layer {
  readonly className: string = 'Dropout';
  readonly rate: number;
  /** The layer's own seed, when it has one (saved with the model). */
  readonly seed?: number;
  /** @internal The layer's own mask stream (seeded layers only); its state is saved so a resume is exact. */
  readonly rng?: Random;

  constructor(rate: number, args: DropoutArgs = {}, base = 'dropout') {
    checkOptions(base === 'dropout' ? 'layers.dropout' : 'layers.alphaDropout', args, dropoutKeys);
    super(base, args);
    this.rate = rate;
    this.seed = args.seed;
    this.rng = dropoutSetup(this.name, rate, args.seed);
  }

  computeOutputShape(inputShape: number[]): number[] {
    return [...inputShape];
  }

  forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    ctx.saved.mask = 0;
    if (!ctx.training || this.rate === 0) return x;
    const n = x.rows * x.cols;
    const mask = ctx.scratch.alloc(n * 4); // (batch, features): 0 or 1/(1 − rate)
    fillMask(ctx, this.rng ?? ctx.rng, mask, n, this.rate, 1 / (1 - this.rate), 0);
    const y = scratchBuf(ctx, x.rows, x.cols);
    ctx.k.f32_mul(x.ptr, mask, y.ptr, n);
    ctx.saved.mask = mask;
    return y;
  }

  /** dx = dy ⊙ mask: the mask holds ∂y/∂x of the training forward (both dropouts are affine per value). */
  backward(dy: Buf, ctx: Ctx, needDx: boolean): Buf | null {
    if (!needDx) return null;
    const mask = ctx.saved.mask as number;
    if (mask) ctx.k.f32_mul(dy.ptr, mask, dy.ptr, dy.rows * dy.cols);
    return dy;
  }

  /** A layer with its own seed saves the seed and its mask stream's state, so that training resumed from a file draws the masks it would have drawn. */
  getConfig(): Record<string, unknown> {
    return this.config({ rate: this.rate, ...(this.seed !== undefined ? { seed: this.seed, rngState: this.rng!.getState() } : {}) });
  }

  /** Inference is the identity (both dropouts). */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    g.node('Identity', [x], output);
  }
}

/** dropout(0.2, { … }), or TF.js's dropout({ rate: 0.2, … }). */
export function dropout(rate: number | (DropoutArgs & { rate: number }), args?: DropoutArgs): Dropout {
  return new Dropout(...leading<number, DropoutArgs>('layers.dropout', 'rate', rate, args));
}

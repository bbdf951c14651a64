// Alpha dropout for self-normalizing networks (Klambauer et al. 2017; seed 004 "Self-normalization"):
// dropped values are set to SELU's negative saturation α' = −λα instead of 0, then an affine map
// a·x + b restores mean 0 and variance 1, so SELU's fixed point survives dropout. As Keras:
// a = ((1 − rate)(1 + rate·α'²))^−½, b = −a·α'·rate; active only in training.

import { SELU_ALPHA, SELU_LAMBDA } from '../wasm/activation-codes.js';
import { scratchBuf, type Buf, type Ctx } from './layer.js';
import { Dropout, fillMask, type DropoutArgs } from './dropout.js';
import { leading } from '../options.js';

const ALPHA_PRIME = -SELU_LAMBDA * SELU_ALPHA; // −λα

export class AlphaDropout extends Dropout {
  override readonly className = 'AlphaDropout';

  constructor(rate: number, args: DropoutArgs = {}) {
    super(rate, args, 'alpha_dropout');
  }

  override forward(x: Buf, ctx: Ctx): Buf {
    this.checkInput(x);
    ctx.saved.mask = 0;
    if (!ctx.training || this.rate === 0) return x;
    const n = x.rows * x.cols, p = this.rate;
    const a = 1 / Math.sqrt((1 - p) * (1 + p * ALPHA_PRIME * ALPHA_PRIME)), b = -a * ALPHA_PRIME * p; // sqrt is exact-rounded everywhere
    // y = x·s + t with s = a·keep and t = keep ? b : a·α' + b, from one draw per value.
    const s = ctx.scratch.alloc(n * 4), t = ctx.scratch.alloc(n * 4);
    fillMask(ctx, this.rng ?? ctx.rng, s, n, p, a, 0);
    const sv = ctx.arena.f32(s, n), tv = ctx.arena.f32(t, n);
    for (let i = 0; i < n; i++) tv[i] = sv[i] !== 0 ? b : a * ALPHA_PRIME + b;
    const y = scratchBuf(ctx, x.rows, x.cols);
    ctx.k.f32_mul(x.ptr, s, y.ptr, n);
    ctx.k.f32_axpy(n, 1, t, y.ptr);
    ctx.saved.mask = s; // ∂y/∂x, for Dropout's backward
    return y;
  }
}

/** alphaDropout(0.1, { … }), or TF.js's alphaDropout({ rate: 0.1, … }). */
export function alphaDropout(rate: number | (DropoutArgs & { rate: number }), args?: DropoutArgs): AlphaDropout {
  return new AlphaDropout(...leading<number, DropoutArgs>('layers.alphaDropout', 'rate', rate, args));
}

// Float64 references for assembly/f32-conv.ts: the plainest loops over every output pixel, tap
// and channel, with the geometry of src/wasm/conv.ts (input pixel oh·sh − pt + kh·dh; cells
// outside the image are zeros). dX and the transposed convolution scatter, the way the
// gradient is usually written, so that they check the kernel's gathered classes independently.
import type { ConvGeometry } from '../../src/wasm/conv.js';
import { actRef } from './gemm.js';

type Arr = ArrayLike<number>;

/** Calls visit(x pixel, y pixel, tap kh·KW + kw) for every tap that lands inside the image. */
function eachTap(g: ConvGeometry, visit: (xp: number, yp: number, tap: number) => void): void {
  for (let n = 0; n < g.n; n++) {
    for (let oh = 0; oh < g.oh; oh++) {
      for (let ow = 0; ow < g.ow; ow++) {
        for (let kh = 0; kh < g.kh; kh++) {
          const ih = oh * g.sh - g.pt + kh * g.dh;
          if (ih < 0 || ih >= g.h) continue;
          for (let kw = 0; kw < g.kw; kw++) {
            const iw = ow * g.sw - g.pl + kw * g.dw;
            if (iw < 0 || iw >= g.w) continue;
            visit((n * g.h + ih) * g.w + iw, (n * g.oh + oh) * g.ow + ow, kh * g.kw + kw);
          }
        }
      }
    }
  }
}

/** y [n, oh, ow, f] = act(Σ x·W + bias); x [n, h, w, c], W [kh, kw, c, f], bias [f] or null. */
export function conv2dRef(g: ConvGeometry, x: Arr, w: Arr, bias: Arr | null, act = 0, alpha = 0): Float64Array {
  const y = new Float64Array(g.n * g.oh * g.ow * g.f);
  eachTap(g, (xp, yp, tap) => {
    for (let c = 0; c < g.c; c++) {
      const v = x[xp * g.c + c];
      for (let f = 0; f < g.f; f++) y[yp * g.f + f] += v * w[(tap * g.c + c) * g.f + f];
    }
  });
  for (let i = 0; i < y.length; i++) y[i] = actRef(y[i] + (bias ? bias[i % g.f] : 0), act, alpha);
  return y;
}

/** dx [n, h, w, c] = Σ dy·Wᵀ scattered back through every tap (plus dx0 when given: acc). */
export function conv2dDxRef(g: ConvGeometry, dy: Arr, w: Arr, dx0: Arr | null = null): Float64Array {
  const dx = dx0 ? Float64Array.from(dx0) : new Float64Array(g.n * g.h * g.w * g.c);
  eachTap(g, (xp, yp, tap) => {
    for (let c = 0; c < g.c; c++) {
      let s = 0;
      for (let f = 0; f < g.f; f++) s += dy[yp * g.f + f] * w[(tap * g.c + c) * g.f + f];
      dx[xp * g.c + c] += s;
    }
  });
  return dx;
}

/** The transposed convolution: y = act(conv2dDxRef(g, x, W) + bias), bias [c] or null. */
export function conv2dTransposeRef(g: ConvGeometry, x: Arr, w: Arr, bias: Arr | null, act = 0, alpha = 0): Float64Array {
  const y = conv2dDxRef(g, x, w);
  for (let i = 0; i < y.length; i++) y[i] = actRef(y[i] + (bias ? bias[i % g.c] : 0), act, alpha);
  return y;
}

/** dW [kh, kw, c, f] = Σ x·dy over every output pixel (plus dw0 when given: acc). */
export function conv2dDwRef(g: ConvGeometry, x: Arr, dy: Arr, dw0: Arr | null = null): Float64Array {
  const dw = dw0 ? Float64Array.from(dw0) : new Float64Array(g.kh * g.kw * g.c * g.f);
  eachTap(g, (xp, yp, tap) => {
    for (let c = 0; c < g.c; c++) {
      const v = x[xp * g.c + c];
      for (let f = 0; f < g.f; f++) dw[(tap * g.c + c) * g.f + f] += v * dy[yp * g.f + f];
    }
  });
  return dw;
}

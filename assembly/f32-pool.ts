// Max and average pooling over channels-last images, forward and backward (DESIGN.md
// "Convolutional layers"). The geometry is f32-conv.ts's block (f unused): a window of kh × kw
// cells with dilation dh, dw (1 in Keras), strides sh, sw, padding pt above and pl left; output
// pixel (oh, ow) covers the input cells (oh·sh − pt + kh·dh, ow·sw − pl + kw·dw) that lie in the
// image. Padded cells take no part: max pooling never picks one, average pooling divides by the
// number of real cells (TensorFlow's 'same'). A global pooling is a pooling whose window is the
// whole image: kh = H, kw = W, strides 1, no padding, OH = OW = 1.
//
// x, dx [N, H, W, C]; y, dy [N, OH, OW, C]; argmax [N, OH, OW, C] i32: the index, within its image,
// (ih·W + iw)·C + c of the cell a max came from (−1 when a window has no real cell). Outputs may not
// alias inputs. Four channels at a time, then a scalar tail with the same arithmetic; nothing
// outside the tensors is read or written. Forwards split by output rows (rows of N·OH), backwards
// by images (each scatters into its own dx in a fixed order), so results do not depend on how
// threads split them. NaN: max pooling returns the window's first NaN (and points at it); average
// pooling propagates NaN as IEEE arithmetic does.

import { Geom } from './f32-conv';

const LANES = i32x4(0, 1, 2, 3);

/** The max of a window and where it is: a NaN wins over numbers, the first of equals wins. */
@inline function takes(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
}

/**
 * y = the max over each window of x, for output rows r0 … r0 + nr − 1 of N·OH (all: 0, N·OH);
 * argmax (or 0 for none) gets where each max is. −Inf and −1 for a window with no real cell.
 */
export function f32_maxpool2d(geom: usize, x: usize, y: usize, argmax: usize, r0: i32, nr: i32): void {
  const g = changetype<Geom>(geom);
  const cv = g.c & ~3;
  for (let r = r0; r < r0 + nr; r++) {
    const n = r / g.oh;
    const oh = r - n * g.oh;
    const xi = x + ((<usize>n * g.h * g.w * g.c) << 2);
    const ih0 = oh * g.sh - g.pt;
    for (let ow = 0; ow < g.ow; ow++) {
      const o = (<usize>(r * g.ow + ow) * g.c) << 2;
      const iw0 = ow * g.sw - g.pl;
      for (let c = 0; c < g.c; c += c < cv ? 4 : 1) {
        let best = f32x4.splat(-Infinity);
        let at = i32x4.splat(-1);
        for (let kh = 0; kh < g.kh; kh++) {
          const ih = ih0 + kh * g.dh;
          if (<u32>ih >= <u32>g.h) continue;
          for (let kw = 0; kw < g.kw; kw++) {
            const iw = iw0 + kw * g.dw;
            if (<u32>iw >= <u32>g.w) continue;
            const e = (ih * g.w + iw) * g.c + c;
            const v = c < cv ? v128.load(xi + (<usize>e << 2)) : f32x4.splat(load<f32>(xi + (<usize>e << 2)));
            const t = takes(v, best);
            best = v128.bitselect(v, best, t);
            at = v128.bitselect(i32x4.add(i32x4.splat(e), LANES), at, t);
          }
        }
        const oc = o + (<usize>c << 2);
        if (c < cv) {
          v128.store(y + oc, best);
          if (argmax) v128.store(argmax + oc, at);
        } else {
          store<f32>(y + oc, f32x4.extract_lane(best, 0));
          if (argmax) store<i32>(argmax + oc, i32x4.extract_lane(at, 0));
        }
      }
    }
  }
}

/**
 * dx (=|+=) the gradient of f32_maxpool2d: each dy goes to the cell argmax names, for images
 * n0 … n0 + nn − 1 (all: 0, N); acc ≠ 0 adds to dx instead of overwriting it. Overlapping windows
 * add in output order.
 */
export function f32_maxpool2d_grad(geom: usize, dy: usize, argmax: usize, dx: usize, acc: i32, n0: i32, nn: i32): void {
  const g = changetype<Geom>(geom);
  const outs = <usize>g.oh * g.ow * g.c;
  const image = <usize>g.h * g.w * g.c << 2;
  for (let n = n0; n < n0 + nn; n++) {
    const d = dx + <usize>n * image;
    if (!acc) memory.fill(d, 0, image);
    const base = (<usize>n * outs) << 2;
    for (let o: usize = 0; o < outs << 2; o += 4) {
      const i = load<i32>(argmax + base + o);
      if (i >= 0) {
        const at = d + (<usize>i << 2);
        store<f32>(at, load<f32>(at) + load<f32>(dy + base + o));
      }
    }
  }
}

/** Real cells of the window at (ih0, iw0): rows × columns inside the image. */
@inline function cells(g: Geom, ih0: i32, iw0: i32): i32 {
  let rows = 0, cols = 0;
  for (let kh = 0; kh < g.kh; kh++) rows += <i32>(<u32>(ih0 + kh * g.dh) < <u32>g.h);
  for (let kw = 0; kw < g.kw; kw++) cols += <i32>(<u32>(iw0 + kw * g.dw) < <u32>g.w);
  return rows * cols;
}

/**
 * y = the mean over each window's real cells of x (summed in window order, then divided by their
 * count), for output rows r0 … r0 + nr − 1 of N·OH (all: 0, N·OH); 0 for a window with none.
 */
export function f32_avgpool2d(geom: usize, x: usize, y: usize, r0: i32, nr: i32): void {
  const g = changetype<Geom>(geom);
  const cv = g.c & ~3;
  for (let r = r0; r < r0 + nr; r++) {
    const n = r / g.oh;
    const oh = r - n * g.oh;
    const xi = x + ((<usize>n * g.h * g.w * g.c) << 2);
    const ih0 = oh * g.sh - g.pt;
    for (let ow = 0; ow < g.ow; ow++) {
      const o = (<usize>(r * g.ow + ow) * g.c) << 2;
      const iw0 = ow * g.sw - g.pl;
      const count = f32x4.splat(<f32>cells(g, ih0, iw0));
      for (let c = 0; c < g.c; c += c < cv ? 4 : 1) {
        let sum = f32x4.splat(0);
        for (let kh = 0; kh < g.kh; kh++) {
          const ih = ih0 + kh * g.dh;
          if (<u32>ih >= <u32>g.h) continue;
          for (let kw = 0; kw < g.kw; kw++) {
            const iw = iw0 + kw * g.dw;
            if (<u32>iw >= <u32>g.w) continue;
            const at = xi + ((<usize>(ih * g.w + iw) * g.c + c) << 2);
            sum = f32x4.add(sum, c < cv ? v128.load(at) : f32x4.splat(load<f32>(at)));
          }
        }
        // 0/0 for a window with no real cell: 0 instead.
        const mean = v128.and(f32x4.div(sum, count), f32x4.ne(count, f32x4.splat(0)));
        if (c < cv) v128.store(y + o + (<usize>c << 2), mean);
        else store<f32>(y + o + (<usize>c << 2), f32x4.extract_lane(mean, 0));
      }
    }
  }
}

/**
 * dx (=|+=) the gradient of f32_avgpool2d: each dy divided by its window's count of real cells
 * goes to each of them, for images n0 … n0 + nn − 1 (all: 0, N); acc ≠ 0 adds to dx. Overlapping
 * windows add in output order.
 */
export function f32_avgpool2d_grad(geom: usize, dy: usize, dx: usize, acc: i32, n0: i32, nn: i32): void {
  const g = changetype<Geom>(geom);
  const cv = g.c & ~3;
  const image = <usize>g.h * g.w * g.c << 2;
  for (let n = n0; n < n0 + nn; n++) {
    const d = dx + <usize>n * image;
    if (!acc) memory.fill(d, 0, image);
    for (let oh = 0; oh < g.oh; oh++) {
      const ih0 = oh * g.sh - g.pt;
      for (let ow = 0; ow < g.ow; ow++) {
        const iw0 = ow * g.sw - g.pl;
        const count = cells(g, ih0, iw0);
        if (!count) continue;
        const o = dy + ((<usize>((n * g.oh + oh) * g.ow + ow) * g.c) << 2);
        for (let c = 0; c < g.c; c += c < cv ? 4 : 1) {
          const share = f32x4.div(c < cv ? v128.load(o + (<usize>c << 2)) : f32x4.splat(load<f32>(o + (<usize>c << 2))), f32x4.splat(<f32>count));
          for (let kh = 0; kh < g.kh; kh++) {
            const ih = ih0 + kh * g.dh;
            if (<u32>ih >= <u32>g.h) continue;
            for (let kw = 0; kw < g.kw; kw++) {
              const iw = iw0 + kw * g.dw;
              if (<u32>iw >= <u32>g.w) continue;
              const at = d + ((<usize>(ih * g.w + iw) * g.c + c) << 2);
              if (c < cv) v128.store(at, f32x4.add(v128.load(at), share));
              else store<f32>(at, load<f32>(at) + f32x4.extract_lane(share, 0));
            }
          }
        }
      }
    }
  }
}

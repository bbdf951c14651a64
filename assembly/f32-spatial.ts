// Kernels that move the cells of channels-last images (DESIGN.md "Convolutional layers"): zero
// padding and cropping (one kernel: a negative amount of padding crops), nearest-neighbour
// upsampling and bilinear resizing, with their gradients. x, dx [n, h, w, c]; y, dy the layer's
// output. Every output is written whole, so its memory may hold anything before; inputs and
// outputs may not overlap. Copies are bit for bit (NaN payloads kept); sums are in f32 in a fixed
// order, plain mul/add in both builds (no fma).
// Four channels at a time, then a scalar tail with the same arithmetic; nothing outside the tensors
// is read or written. No thread split: these are memory-bound copies, a small part of a step.

import { f32_copy } from './f32-vector';

/**
 * y [n, h + top + bottom, w + left + right, c] = x with `top` rows of zeros above it, `bottom`
 * below, `left` and `right` columns of zeros beside it; a negative amount crops that many rows or
 * columns instead. ZeroPadding2D's forward and Cropping2D's backward pad; Cropping2D's forward and
 * ZeroPadding2D's backward crop (the same amounts negated). The caller checks that the output
 * has at least one row and one column.
 */
export function f32_pad2d(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32, top: i32, bottom: i32, left: i32, right: i32): void {
  const oh = h + top + bottom, ow = w + left + right;
  const zl = (left > 0 ? left : 0) * c, zr = (right > 0 ? right : 0) * c; // floats of zeros left, right
  const from = (left < 0 ? -left : 0) * c; // the first float of a row that is kept
  const keep = ow * c - zl - zr; //           floats of a row copied
  const rowIn = <usize>w * c << 2, rowOut = <usize>ow * c << 2;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < oh; r++) {
      const ih = r - top;
      const dst = y + <usize>(i * oh + r) * rowOut;
      if (<u32>ih >= <u32>h) {
        memory.fill(dst, 0, rowOut);
        continue;
      }
      memory.fill(dst, 0, <usize>zl << 2);
      f32_copy(x + <usize>(i * h + ih) * rowIn + (<usize>from << 2), dst + (<usize>zl << 2), keep);
      memory.fill(dst + (<usize>(zl + keep) << 2), 0, <usize>zr << 2);
    }
  }
}

/** y [n, h·sh, w·sw, c]: each cell of x repeated over a block of sh rows × sw columns (Keras's 'nearest'). */
export function f32_upsample2d(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32): void {
  const cell = <usize>c << 2, rowOut = <usize>w * sw * cell;
  for (let r = 0; r < n * h; r++) { // rows of all images: image i's row ih is r = i·h + ih
    const src = x + <usize>r * w * cell, dst = y + <usize>r * sh * rowOut;
    for (let iw = 0; iw < w; iw++) {
      for (let s = 0; s < sw; s++) f32_copy(src + <usize>iw * cell, dst + <usize>(iw * sw + s) * cell, c);
    }
    for (let s = 1; s < sh; s++) f32_copy(dst, dst + <usize>s * rowOut, <i32>(rowOut >> 2));
  }
}

/**
 * dx [n, h, w, c] = the sum over each cell's sh × sw block of dy [n, h·sh, w·sw, c], the gradient of
 * f32_upsample2d: added in f32 row by row of the block, column by column within a row.
 */
export function f32_upsample2d_grad(dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, sh: i32, sw: i32): void {
  const cv = <usize>(c & ~3) << 2, cell = <usize>c << 2, rowOut = <usize>w * sw * cell;
  for (let r = 0; r < n * h; r++) {
    for (let iw = 0; iw < w; iw++) {
      const out = dx + <usize>(r * w + iw) * cell;
      const block = dy + <usize>r * sh * rowOut + <usize>iw * sw * cell;
      let o: usize = 0;
      for (; o < cv; o += 16) {
        let sum = f32x4.splat(0);
        for (let a = 0; a < sh; a++) {
          const row = block + <usize>a * rowOut + o;
          for (let b = 0; b < sw; b++) sum = f32x4.add(sum, v128.load(row + <usize>b * cell));
        }
        v128.store(out + o, sum);
      }
      for (; o < cell; o += 4) { // the channels past the last multiple of 4, with the same order of additions
        let sum: f32 = 0;
        for (let a = 0; a < sh; a++) {
          const row = block + <usize>a * rowOut + o;
          for (let b = 0; b < sw; b++) sum += load<f32>(row + <usize>b * cell);
        }
        store<f32>(out + o, sum);
      }
    }
  }
}

/**
 * The source coordinate of output index o along an axis of `size` inputs resized by `scale` =
 * in/out, as TensorFlow computes it: with half-pixel centers (Keras, TF2) (o + ½)·scale − ½, without
 * (TF.js's resizeBilinear, alignCorners false) o·scale; the cells ⌊s⌋ and ⌈s⌉ clamped to the image,
 * and the weight s − ⌊s⌋ of the second.
 */
@inline function lower(s: f32): i32 {
  const f = <i32>Mathf.floor(s);
  return f > 0 ? f : 0;
}
@inline function upper(s: f32, size: i32): i32 {
  const u = <i32>Mathf.ceil(s);
  return u < size - 1 ? u : size - 1;
}
@inline function sourceOf(o: i32, scale: f32, half: i32): f32 {
  return half ? (<f32>o + 0.5) * scale - 0.5 : <f32>o * scale;
}

/**
 * y [n, oh, ow, c] = x [n, h, w, c] resized bilinearly, TensorFlow's formula: with the four cells
 * a, b (the upper row, left and right), p, q (the lower row) and weights lx, ly,
 * top = a + (b − a)·lx, bottom = p + (q − p)·lx, y = top + (bottom − top)·ly. half ≠ 0: half-pixel
 * centers (Keras's UpSampling2D 'bilinear'); 0: TF.js's.
 */
export function f32_resize_bilinear(x: usize, y: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32, half: i32): void {
  const sy = <f32>h / <f32>oh, sx = <f32>w / <f32>ow, cell = <usize>c << 2, cv = <usize>(c & ~3) << 2, rowIn = <usize>w * cell;
  for (let r = 0; r < n * oh; r++) {
    const i = r / oh, fy = sourceOf(r - i * oh, sy, half);
    const ly = fy - Mathf.floor(fy), vy = f32x4.splat(ly);
    const row0 = x + <usize>(i * h + lower(fy)) * rowIn, row1 = x + <usize>(i * h + upper(fy, h)) * rowIn;
    for (let ox = 0; ox < ow; ox++) {
      const fx = sourceOf(ox, sx, half), lx = fx - Mathf.floor(fx), vx = f32x4.splat(lx);
      const x0 = <usize>lower(fx) * cell, x1 = <usize>upper(fx, w) * cell;
      const out = y + <usize>(r * ow + ox) * cell;
      let o: usize = 0;
      for (; o < cv; o += 16) {
        const a = v128.load(row0 + x0 + o), p = v128.load(row1 + x0 + o);
        const top = f32x4.add(a, f32x4.mul(f32x4.sub(v128.load(row0 + x1 + o), a), vx));
        const bottom = f32x4.add(p, f32x4.mul(f32x4.sub(v128.load(row1 + x1 + o), p), vx));
        v128.store(out + o, f32x4.add(top, f32x4.mul(f32x4.sub(bottom, top), vy)));
      }
      for (; o < cell; o += 4) {
        const a = load<f32>(row0 + x0 + o), p = load<f32>(row1 + x0 + o);
        const top = a + (load<f32>(row0 + x1 + o) - a) * lx, bottom = p + (load<f32>(row1 + x1 + o) - p) * lx;
        store<f32>(out + o, top + (bottom - top) * ly);
      }
    }
  }
}

/**
 * dx [n, h, w, c] = the gradient of f32_resize_bilinear: each dy goes to its four cells with the
 * weights (1 − ly)(1 − lx), (1 − ly)·lx, ly·(1 − lx), ly·lx, added in output order (a cell named
 * twice at the image's edge gets both shares).
 */
export function f32_resize_bilinear_grad(dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32, half: i32): void {
  const sy = <f32>h / <f32>oh, sx = <f32>w / <f32>ow, cell = <usize>c << 2, cv = <usize>(c & ~3) << 2, rowIn = <usize>w * cell;
  memory.fill(dx, 0, <usize>n * h * rowIn);
  for (let r = 0; r < n * oh; r++) {
    const i = r / oh, fy = sourceOf(r - i * oh, sy, half), ly = fy - Mathf.floor(fy);
    const row0 = dx + <usize>(i * h + lower(fy)) * rowIn, row1 = dx + <usize>(i * h + upper(fy, h)) * rowIn;
    for (let ox = 0; ox < ow; ox++) {
      const fx = sourceOf(ox, sx, half), lx = fx - Mathf.floor(fx);
      const x0 = <usize>lower(fx) * cell, x1 = <usize>upper(fx, w) * cell;
      const g = dy + <usize>(r * ow + ox) * cell;
      const my: f32 = 1 - ly, mx: f32 = 1 - lx;
      const wa = my * mx, wb = my * lx, wp = ly * mx, wq = ly * lx;
      const va = f32x4.splat(wa), vb = f32x4.splat(wb), vp = f32x4.splat(wp), vq = f32x4.splat(wq);
      let o: usize = 0;
      for (; o < cv; o += 16) {
        const d = v128.load(g + o);
        v128.store(row0 + x0 + o, f32x4.add(v128.load(row0 + x0 + o), f32x4.mul(d, va)));
        v128.store(row0 + x1 + o, f32x4.add(v128.load(row0 + x1 + o), f32x4.mul(d, vb)));
        v128.store(row1 + x0 + o, f32x4.add(v128.load(row1 + x0 + o), f32x4.mul(d, vp)));
        v128.store(row1 + x1 + o, f32x4.add(v128.load(row1 + x1 + o), f32x4.mul(d, vq)));
      }
      for (; o < cell; o += 4) {
        const d = load<f32>(g + o);
        store<f32>(row0 + x0 + o, load<f32>(row0 + x0 + o) + d * wa);
        store<f32>(row0 + x1 + o, load<f32>(row0 + x1 + o) + d * wb);
        store<f32>(row1 + x0 + o, load<f32>(row1 + x0 + o) + d * wp);
        store<f32>(row1 + x1 + o, load<f32>(row1 + x1 + o) + d * wq);
      }
    }
  }
}

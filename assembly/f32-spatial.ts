// Copies that move the cells of channels-last images (DESIGN.md "Convolutional layers"):
// zero padding and cropping (one kernel: a negative amount of padding crops), and nearest-neighbour
// upsampling with its gradient. x, dx [n, h, w, c]; y, dy the layer's output. Every output is
// written whole, so its memory may hold anything before; inputs and outputs may not overlap. Cells
// are copied bit for bit (NaN payloads kept); the upsampling gradient sums in f32 in a fixed order.
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

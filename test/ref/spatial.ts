// Float64 references for assembly/f32-spatial.ts: every output cell from its definition, one cell
// at a time, over channels-last images [n, h, w, c].
type Arr = ArrayLike<number>;

/** x padded with zeros by top, bottom, left, right cells (a negative amount crops): y[n, r, q] = x[n, r − top, q − left]. */
export function padRef(x: Arr, n: number, h: number, w: number, c: number, top: number, bottom: number, left: number, right: number): Float64Array {
  const oh = h + top + bottom, ow = w + left + right;
  const y = new Float64Array(n * oh * ow * c);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        const ih = r - top, iw = q - left;
        if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
        for (let ch = 0; ch < c; ch++) y[((i * oh + r) * ow + q) * c + ch] = x[((i * h + ih) * w + iw) * c + ch];
      }
    }
  }
  return y;
}

/** y[n, r, q] = x[n, ⌊r/sh⌋, ⌊q/sw⌋] (nearest-neighbour upsampling by whole factors). */
export function upsampleRef(x: Arr, n: number, h: number, w: number, c: number, sh: number, sw: number): Float64Array {
  const oh = h * sh, ow = w * sw;
  const y = new Float64Array(n * oh * ow * c);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        for (let ch = 0; ch < c; ch++) y[((i * oh + r) * ow + q) * c + ch] = x[((i * h + Math.floor(r / sh)) * w + Math.floor(q / sw)) * c + ch];
      }
    }
  }
  return y;
}

/** dx[n, ih, iw] = Σ dy over the outputs that copy x[n, ih, iw]: the transpose of upsampleRef. */
export function upsampleGradRef(dy: Arr, n: number, h: number, w: number, c: number, sh: number, sw: number): Float64Array {
  const oh = h * sh, ow = w * sw;
  const dx = new Float64Array(n * h * w * c);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < oh; r++) {
      for (let q = 0; q < ow; q++) {
        for (let ch = 0; ch < c; ch++) dx[((i * h + Math.floor(r / sh)) * w + Math.floor(q / sw)) * c + ch] += dy[((i * oh + r) * ow + q) * c + ch];
      }
    }
  }
  return dx;
}

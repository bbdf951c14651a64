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

/** TensorFlow's bilinear source cells and weight along one axis: lower, upper and the weight of upper. */
function axisWeights(o: number, size: number, out: number, half: boolean): [number, number, number] {
  const scale = size / out, s = half ? (o + 0.5) * scale - 0.5 : o * scale;
  return [Math.max(Math.floor(s), 0), Math.min(Math.ceil(s), size - 1), s - Math.floor(s)];
}

/** Each output cell with the four input cells it mixes and their weights (rows, then columns). */
function eachBilinear(n: number, h: number, w: number, c: number, oh: number, ow: number, half: boolean, visit: (out: number, cells: [number, number][]) => void): void {
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < oh; r++) {
      const [y0, y1, ly] = axisWeights(r, h, oh, half);
      for (let q = 0; q < ow; q++) {
        const [x0, x1, lx] = axisWeights(q, w, ow, half);
        const at = (y: number, x: number) => ((i * h + y) * w + x) * c;
        visit(((i * oh + r) * ow + q) * c, [[at(y0, x0), (1 - ly) * (1 - lx)], [at(y0, x1), (1 - ly) * lx], [at(y1, x0), ly * (1 - lx)], [at(y1, x1), ly * lx]]);
      }
    }
  }
}

/** y = Σ weight·x over each output cell's four input cells (TensorFlow's bilinear resize). */
export function resizeBilinearRef(x: Arr, n: number, h: number, w: number, c: number, oh: number, ow: number, half: boolean): Float64Array {
  const y = new Float64Array(n * oh * ow * c);
  eachBilinear(n, h, w, c, oh, ow, half, (out, cells) => {
    for (let ch = 0; ch < c; ch++) for (const [cell, wt] of cells) y[out + ch] += wt * x[cell + ch];
  });
  return y;
}

/** dx: the transpose of resizeBilinearRef. */
export function resizeBilinearGradRef(dy: Arr, n: number, h: number, w: number, c: number, oh: number, ow: number, half: boolean): Float64Array {
  const dx = new Float64Array(n * h * w * c);
  eachBilinear(n, h, w, c, oh, ow, half, (out, cells) => {
    for (let ch = 0; ch < c; ch++) for (const [cell, wt] of cells) dx[cell + ch] += wt * dy[out + ch];
  });
  return dx;
}

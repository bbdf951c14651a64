// Float64 references for assembly/f32-pool.ts: every window's real cells in window order (cells
// in the padding take no part), the geometry of src/wasm/conv.ts with f unused.
import type { ConvGeometry } from '../../src/wasm/conv.js';

type Arr = ArrayLike<number>;

/** The in-image element indices ((ih·W + iw)·C, channel 0) of output pixel (oh, ow)'s real cells. */
function windowCells(g: ConvGeometry, oh: number, ow: number): number[] {
  const cells: number[] = [];
  for (let kh = 0; kh < g.kh; kh++) {
    const ih = oh * g.sh - g.pt + kh * g.dh;
    if (ih < 0 || ih >= g.h) continue;
    for (let kw = 0; kw < g.kw; kw++) {
      const iw = ow * g.sw - g.pl + kw * g.dw;
      if (iw >= 0 && iw < g.w) cells.push((ih * g.w + iw) * g.c);
    }
  }
  return cells;
}

function eachOutput(g: ConvGeometry, visit: (n: number, o: number, cells: number[]) => void): void {
  for (let n = 0; n < g.n; n++) {
    for (let oh = 0; oh < g.oh; oh++) {
      for (let ow = 0; ow < g.ow; ow++) visit(n, ((n * g.oh + oh) * g.ow + ow) * g.c, windowCells(g, oh, ow));
    }
  }
}

/** y = window max (first NaN, else first of equals), argmax its in-image index; −Inf, −1 for none. */
export function maxPoolRef(g: ConvGeometry, x: Arr): { y: Float64Array; argmax: Int32Array } {
  const y = new Float64Array(g.n * g.oh * g.ow * g.c).fill(-Infinity);
  const argmax = new Int32Array(y.length).fill(-1);
  const image = g.h * g.w * g.c;
  eachOutput(g, (n, o, cells) => {
    for (let c = 0; c < g.c; c++) {
      for (const cell of cells) {
        const v = x[n * image + cell + c];
        const best = y[o + c];
        if (v > best || (Number.isNaN(v) && !Number.isNaN(best))) {
          y[o + c] = v;
          argmax[o + c] = cell + c;
        }
      }
    }
  });
  return { y, argmax };
}

/** dx: each dy added to the cell its argmax names (plus dx0: acc). */
export function maxPoolGradRef(g: ConvGeometry, dy: Arr, argmax: ArrayLike<number>, dx0: Arr | null = null): Float64Array {
  const image = g.h * g.w * g.c, outs = g.oh * g.ow * g.c;
  const dx = dx0 ? Float64Array.from(dx0) : new Float64Array(g.n * image);
  for (let n = 0; n < g.n; n++) {
    for (let o = 0; o < outs; o++) if (argmax[n * outs + o] >= 0) dx[n * image + argmax[n * outs + o]] += dy[n * outs + o];
  }
  return dx;
}

/** y = mean of the window's real cells; 0 for a window with none. */
export function avgPoolRef(g: ConvGeometry, x: Arr): Float64Array {
  const y = new Float64Array(g.n * g.oh * g.ow * g.c);
  const image = g.h * g.w * g.c;
  eachOutput(g, (n, o, cells) => {
    for (let c = 0; c < g.c; c++) {
      let s = 0;
      for (const cell of cells) s += x[n * image + cell + c];
      y[o + c] = cells.length ? s / cells.length : 0;
    }
  });
  return y;
}

/** dx: each dy divided by its window's count of real cells, added to each of them (plus dx0: acc). */
export function avgPoolGradRef(g: ConvGeometry, dy: Arr, dx0: Arr | null = null): Float64Array {
  const image = g.h * g.w * g.c;
  const dx = dx0 ? Float64Array.from(dx0) : new Float64Array(g.n * image);
  eachOutput(g, (n, o, cells) => {
    for (let c = 0; c < g.c; c++) for (const cell of cells) dx[n * image + cell + c] += dy[o + c] / cells.length;
  });
  return dx;
}

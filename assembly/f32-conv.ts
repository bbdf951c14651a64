// Single-precision 2-D convolution in the three forms training needs (DESIGN.md "Convolutional
// layers"), as implicit gemms on f32-gemm.ts's 4×8 micro-kernel and packing, with no im2col
// matrix: B (the weights, or dy for dW) is packed as the gemm packs it; A, the patches, is read
// in place by indirect tiles through four row pointers per tap when the source has ≥ 8 channels
// (a tap's channels are a contiguous run), else packed straight from the image into the gemm's
// 4-row panels, one k block of one row block at a time (the workspace bound below).
//
//   forward   y  = act(patches(x)·W + bias)       m = output pixels, n = F, k = KH·KW·C
//   dX        dx = Σ_taps dy·Wᵀ (col2im, gathered) m = input pixels,  n = C, k = taps·F
//   dW        dW = patches(x)ᵀ·dy                  m = KH·KW·C,       n = F, k = output pixels
//
// dX is computed in gather form, one output element by one thread: the input pixels are split
// into the sh×sw classes of (ih + pt) mod sh, (iw + pl) mod sw; in a class the taps that reach a
// pixel are the same for all its pixels (kh·dh ≡ rh mod sh), so each class is one gemm over just
// those taps, with no multiplications by the zeros a strided col2im would add. dX with a bias and
// activation epilogue is the transposed convolution (conv2dTranspose is the exact gradient of
// conv2d, DESIGN.md).
//
// Layouts (Keras, channels-last): x [N, H, W, C], y and dy [N, OH, OW, F], W [KH, KW, C, F]
// (conv2dTranspose's kernel [kh, kw, filters, inChannels] is this W of the conv it transposes),
// bias [F]. All dense, row-major. The geometry is a block of 16 i32 at `geom` (a byte offset):
//   n, h, w, c, oh, ow, f, kh, kw, sh, sw, dh, dw, pt, pl, (unused)
// with input pixel (ih, iw) = (oh·sh − pt + kh·dh, ow·sw − pl + kw·dw) read by output pixel
// (oh, ow) through tap (kh, kw); pixels outside the input are zeros ('same' padding: pt, pl are
// the padding above and left; below and right follow from oh, ow). src/wasm/conv.ts writes it.
//
// Summation order: as in f32-gemm.ts, by k blocks of 256 in k order, so an element's bits depend
// on the geometry alone, never on which rows (or, for dW, which rows or columns) a call computes:
// threads split the calls with results identical for any thread count. Aliasing: outputs may not
// alias inputs, ws or geom. ws: f32_conv2d_workspace(geom) bytes, 16-byte aligned. Tails: a row
// block's last panel, F, C not multiples of 4 or 8, and pixels in the padding are packed with
// (or read from) zeros; nothing outside the given tensors is read or written. NaN and Inf propagate as IEEE
// arithmetic does; a padded cell is a zero multiplied like any other (0·Inf is NaN).
//
// Fewer than 4 output columns (forward with F < 4, dX with C < 4: the one-channel image a
// decoder ends with) would leave most of the 4×8 tile idle; those run as dot products along k
// instead, four rows at a time, each sum over 4 lanes of the k runs (a tap's channels) plus a
// scalar for the runs' tails, per k block, in k order: again fixed by the geometry alone.

import { KC, MC, MR, NC, NR, cornerOut, edgeTile, fillEmptySum, fullTile, indirectTile, madd, maddLane, packPanel, roundUp, rowsTile, scratchTile } from './f32-gemm';
import { ACT_RELU } from './activation-math';
import { sumF32x4 } from './simd';

const FWD = 0;
const DX = 1;
const DW = 2;
/** Source channels from which A is read in place (indirect tiles) instead of packed. */
const INDIRECT_C = 8;

// Workspace: the plan, a table of up to 256 rows or pixels, the edge tile, KC zeros (read for the
// padding), then B and A panels.
const TABLE = 128;
const TABLE_ROWS = 256; // ≥ MC rows (forward, dX) and ≥ KC pixels (dW)
const TILE = TABLE + TABLE_ROWS * 16;
const ZERO = TILE + MR * NR * 4;
// Indirect tiles: a k block's segments (a tap's run of channels: length, th, tw, channel), and
// per 4-row panel of a row block the four row pointers of each segment.
const MAX_SEGS = KC / INDIRECT_C + 2;
const SEGS = ZERO + KC * 4;
const PTRS = SEGS + MAX_SEGS * 16;
const PANELS = PTRS + (MC / MR) * MAX_SEGS * 16;

/** The geometry block (16 i32) the caller passes (f32-pool.ts reads the same one). */
@unmanaged export class Geom {
  n: i32; h: i32; w: i32; c: i32; oh: i32; ow: i32; f: i32; kh: i32;
  kw: i32; sh: i32; sw: i32; dh: i32; dw: i32; pt: i32; pl: i32; unused: i32;
}

/**
 * One implicit gemm, kept at the start of ws (per call, per thread: no statics; 120 of the 128
 * bytes before TABLE). A's rows gather
 * from `src` (srcH × srcW pixels of srcC channels) through a grid of taps: tap t = jh·nw + jw of
 * a row with base pixel (bh, bw) reads pixel (bh + th0 + jh·thStep, bw + tw0 + jw·twStep).
 */
@unmanaged class Plan {
  form: i32; geom: usize;
  src: usize; srcH: i32; srcW: i32; srcC: i32;
  nw: i32; th0: i32; thStep: i32; tw0: i32; twStep: i32;
  b: usize; ldb: i32; b0: i32; //                   B: W (forward, dX) or dy (dW) from column b0
  kh0: i32; khStep: i32; kw0: i32; kwStep: i32; //   dX: the class's taps kh = kh0 + jh·khStep, ...
  q0: i32; dst: usize; ldDst: i32; //                forward: its first pixel; C: y or dx
  k0: i32; //                                        dW: first row of dW
  rh: i32; rw: i32; ih0: i32; iw0: i32; cH: i32; nqw: i32; g0: i32; // dX: the pixel class
  zero: usize; //                                    KC zero floats
}

// A table row: the source image's base, the row's base pixel, and where its output row goes.
@inline function rowBase(t: usize): usize { return load<usize>(t); }
@inline function rowBh(t: usize): i32 { return load<i32>(t, 4); }
@inline function rowBw(t: usize): i32 { return load<i32>(t, 8); }
@inline function rowDst(t: usize): usize { return load<usize>(t, 12); }

@inline function setRow(t: usize, base: usize, bh: i32, bw: i32, dst: usize): void {
  store<usize>(t, base);
  store<i32>(t, bh, 4);
  store<i32>(t, bw, 8);
  store<usize>(t, dst, 12);
}

/** Output pixels q0 … q0 + count − 1 (of N·OH·OW) into the table: x's image, (oh·sh − pt, ow·sw − pl), y's row. */
function fillPixels(p: Plan, q0: i32, count: i32, table: usize): void {
  const g = changetype<Geom>(p.geom);
  const plane = g.oh * g.ow;
  const image = <usize>g.h * g.w * g.c << 2;
  let n = q0 / plane;
  let oh = (q0 - n * plane) / g.ow;
  let ow = q0 - n * plane - oh * g.ow;
  let dst = p.dst + ((<usize>q0 * p.ldDst) << 2);
  const step = <usize>p.ldDst << 2;
  for (let i = 0; i < count; i++) {
    setRow(table + (<usize>i << 4), p.src + <usize>n * image, oh * g.sh - g.pt, ow * g.sw - g.pl, dst);
    dst += step;
    if (++ow == g.ow) {
      ow = 0;
      if (++oh == g.oh) {
        oh = 0;
        n++;
      }
    }
  }
}

/** Rows i0 … i0 + count − 1 of a dX class into the table: dy's image, the base pixel in dy, dx's row. */
function fillClassRows(p: Plan, i0: i32, count: i32, table: usize): void {
  const g = changetype<Geom>(p.geom);
  const image = <usize>g.oh * g.ow * g.f << 2;
  const cr = i0 / p.nqw;
  let qw = i0 - cr * p.nqw;
  const gr = p.g0 + cr; // the class's image rows, counted over the batch
  let n = gr / p.cH;
  let j = gr - n * p.cH; // the class's row within image n
  // Row j, column qw of the class reads dy's pixel (bh0 + j, bw0 + qw) and up.
  const bh0 = (p.ih0 + g.pt - p.rh) / g.sh, bw0 = (p.iw0 + g.pl - p.rw) / g.sw;
  for (let i = 0; i < count; i++) {
    const ih = p.ih0 + j * g.sh, iw = p.iw0 + qw * g.sw;
    const dst = p.dst + ((((<usize>n * g.h + ih) * g.w + iw) * g.c) << 2);
    setRow(table + (<usize>i << 4), p.src + <usize>n * image, bh0 + j, bw0 + qw, dst);
    if (++qw == p.nqw) {
      qw = 0;
      if (++j == p.cH) {
        j = 0;
        n++;
      }
    }
  }
}

/** Row entry t's pixel (bh + th, bw + tw), channel c, in the source; 0 in the padding. */
@inline function pixel(p: Plan, t: usize, th: i32, tw: i32, c: i32): usize {
  const ih = rowBh(t) + th, iw = rowBw(t) + tw;
  if (<u32>ih >= <u32>p.srcH || <u32>iw >= <u32>p.srcW) return 0;
  return rowBase(t) + ((((<usize>ih * p.srcW + iw) * p.srcC) + c) << 2);
}

/** dst[i·4 + l] = lane i of r_l, i, l < 4: a 4×4 transpose stored. */
@inline function storeTransposed(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(dst, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
  v128.store(dst, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
}

/**
 * One-channel sources (an MNIST image, a decoder's last map): the step d (1 or 2) between the
 * base columns of table rows t … t + 3 when they are four pixels of one row of one image, else 0.
 */
function runStep(t: usize): i32 {
  const base = rowBase(t), bh = rowBh(t), bw = rowBw(t);
  const d = rowBw(t + 16) - bw;
  if (d < 1 || d > 2) return 0;
  for (let l = 1; l < 4; l++) {
    const e = t + (<usize>l << 4);
    if (rowBase(e) != base || rowBh(e) != bh || rowBw(e) != bw + l * d) return 0;
  }
  return d;
}

/** Source pixels (bh + th, bw + l·d + tw), l < 4, of the run at table row t (one channel); 0 in the padding. */
function run4(p: Plan, t: usize, d: i32, th: i32, tw: i32): v128 {
  const ih = rowBh(t) + th, iw = rowBw(t) + tw;
  if (<u32>ih >= <u32>p.srcH) return f32x4.splat(0);
  const s = rowBase(t) + ((<usize>ih * p.srcW + iw) << 2);
  if (iw >= 0 && iw + 3 * d < p.srcW) {
    if (d == 1) return v128.load(s);
    return v128.shuffle<f32>(v128.load(s), v128.load(s, 12), 0, 2, 5, 7); // (iw, iw + 2) and (iw + 4, iw + 6)
  }
  const w = <u32>p.srcW, step = <usize>d << 2;
  let v = f32x4.splat(0);
  if (<u32>iw < w) v = f32x4.replace_lane(v, 0, load<f32>(s));
  if (<u32>(iw + d) < w) v = f32x4.replace_lane(v, 1, load<f32>(s + step));
  if (<u32>(iw + 2 * d) < w) v = f32x4.replace_lane(v, 2, load<f32>(s + 2 * step));
  if (<u32>(iw + 3 * d) < w) v = f32x4.replace_lane(v, 3, load<f32>(s + 3 * step));
  return v;
}

/** dst[q·4 + l] = s_l[q] for q < len ≤ 256, l < 4: four source rows (the zeros, in the padding) interleaved. */
function pack4(s0: usize, s1: usize, s2: usize, s3: usize, len: i32, dst: usize): void {
  let o: usize = 0;
  const end = <usize>len << 2;
  for (; o + 16 <= end; o += 16) {
    storeTransposed(v128.load(s0 + o), v128.load(s1 + o), v128.load(s2 + o), v128.load(s3 + o), dst);
    dst += 64;
  }
  for (; o < end; o += 4) {
    let v = f32x4.splat(load<f32>(s0 + o));
    v = f32x4.replace_lane(v, 1, load<f32>(s1 + o));
    v = f32x4.replace_lane(v, 2, load<f32>(s2 + o));
    v = f32x4.replace_lane(v, 3, load<f32>(s3 + o));
    v128.store(dst, v);
    dst += 16;
  }
}

/**
 * Forward and dX: the A panel of table rows t … t + mr − 1 over k = pc … pc + kc − 1, k = (tap,
 * source channel), tap by tap: dst[(k − pc)·4 + l].
 */
function packPatches(p: Plan, t: usize, mr: i32, pc: i32, kc: i32, dst: usize): void {
  const cs = p.srcC;
  const end = pc + kc;
  const d = cs == 1 && mr == MR ? runStep(t) : 0;
  if (d) {
    // One channel, four pixels along a row: a tap is one (or two) loads of the four.
    for (let q = pc; q < end; q++) {
      const jh = q / p.nw;
      v128.store(dst, run4(p, t, d, p.th0 + jh * p.thStep, p.tw0 + (q - jh * p.nw) * p.twStep));
      dst += 16;
    }
    return;
  }
  let q = pc;
  while (q < end) {
    const tap = q / cs;
    const c = q - tap * cs;
    const seg = min(cs - c, end - q);
    const jh = tap / p.nw;
    const th = p.th0 + jh * p.thStep;
    const tw = p.tw0 + (tap - jh * p.nw) * p.twStep;
    const zero = p.zero;
    const s0 = pixel(p, t, th, tw, c);
    const s1 = mr > 1 ? pixel(p, t + 16, th, tw, c) : 0;
    const s2 = mr > 2 ? pixel(p, t + 32, th, tw, c) : 0;
    const s3 = mr > 3 ? pixel(p, t + 48, th, tw, c) : 0;
    pack4(s0 ? s0 : zero, s1 ? s1 : zero, s2 ? s2 : zero, s3 ? s3 : zero, seg, dst);
    q += seg;
    dst += <usize>seg << 4;
  }
}

/**
 * dW: the A panel of dW rows r … r + mr − 1 (r = tap·C + c) over the kc output pixels in the
 * table: dst[e·4 + l] = x at pixel e's tap of row r + l.
 */
function packPatchesT(p: Plan, r: i32, mr: i32, kc: i32, table: usize, dst: usize): void {
  const g = changetype<Geom>(p.geom);
  const tap = r / g.c;
  const c = r - tap * g.c;
  if (mr == MR && c + MR <= g.c) {
    // One tap, four neighbouring channels: one load per pixel.
    const kh = tap / g.kw;
    const th = kh * g.dh, tw = (tap - kh * g.kw) * g.dw;
    for (let e = 0; e < kc; e++) {
      const s = pixel(p, table + (<usize>e << 4), th, tw, c);
      v128.store(dst + (<usize>e << 4), s ? v128.load(s) : f32x4.splat(0));
    }
    return;
  }
  // One channel: four taps of four pixels along a row, loaded as runs and transposed.
  const runs = g.c == 1 && mr == MR;
  const kh0 = r / g.kw, kh1 = (r + 1) / g.kw, kh2 = (r + 2) / g.kw, kh3 = (r + 3) / g.kw;
  const th0 = kh0 * g.dh, th1 = kh1 * g.dh, th2 = kh2 * g.dh, th3 = kh3 * g.dh;
  const tw0 = (r - kh0 * g.kw) * g.dw, tw1 = (r + 1 - kh1 * g.kw) * g.dw;
  const tw2 = (r + 2 - kh2 * g.kw) * g.dw, tw3 = (r + 3 - kh3 * g.kw) * g.dw;
  let e = 0;
  while (e < kc) {
    const t = table + (<usize>e << 4);
    const d = runs && e + 4 <= kc ? runStep(t) : 0;
    if (d) {
      storeTransposed(run4(p, t, d, th0, tw0), run4(p, t, d, th1, tw1), run4(p, t, d, th2, tw2), run4(p, t, d, th3, tw3), dst + (<usize>e << 4));
      e += 4;
      continue;
    }
    for (let l = 0; l < MR; l++) {
      let v: f32 = 0;
      if (l < mr) {
        const tl = (r + l) / g.c;
        const kh = tl / g.kw;
        const s = pixel(p, t, kh * g.dh, (tl - kh * g.kw) * g.dw, r + l - tl * g.c);
        if (s) v = load<f32>(s);
      }
      store<f32>(dst + (<usize>(e * MR + l) << 2), v);
    }
    e++;
  }
}

/** B panel of columns j … j + lanes − 1 over k = pc … pc + kc − 1. */
function packB(p: Plan, pc: i32, kc: i32, j: i32, lanes: i32, dst: usize): void {
  if (p.form != DX) {
    // W [K][F] (forward) or dy [pixels][F] (dW): rows of B, as the nn gemm packs them.
    packPanel(p.b + ((<usize>pc * p.ldb + p.b0 + j) << 2), 1, p.ldb, kc, NR, lanes, dst);
    return;
  }
  // dX: B(k = (tap, f), c) = W[kh][kw][c][f] over the class's taps, a transposed block per tap.
  const g = changetype<Geom>(p.geom);
  const end = pc + kc;
  let q = pc;
  while (q < end) {
    const tap = q / g.f;
    const f = q - tap * g.f;
    const seg = min(g.f - f, end - q);
    const jh = tap / p.nw;
    const kh = p.kh0 + jh * p.khStep;
    const kw = p.kw0 + (tap - jh * p.nw) * p.kwStep;
    packPanel(p.b + (((<usize>(kh * g.kw + kw) * g.c + j) * g.f + f) << 2), g.f, 1, seg, NR, lanes, dst);
    q += seg;
    dst += <usize>seg << 5;
  }
}

/** Column j of B over k = pc … pc + kc − 1, contiguous: dst[k − pc]. */
function packColumn(p: Plan, pc: i32, kc: i32, j: i32, dst: usize): void {
  const g = changetype<Geom>(p.geom);
  if (p.form == FWD) {
    for (let q = 0; q < kc; q++) store<f32>(dst + (<usize>q << 2), load<f32>(p.b + ((<usize>(pc + q) * p.ldb + j) << 2)));
    return;
  }
  // dX: a tap's run of F, as packB reads it.
  const end = pc + kc;
  let q = pc;
  while (q < end) {
    const tap = q / g.f;
    const f = q - tap * g.f;
    const seg = min(g.f - f, end - q);
    const jh = tap / p.nw;
    const kh = p.kh0 + jh * p.khStep;
    const kw = p.kw0 + (tap - jh * p.nw) * p.kwStep;
    memory.copy(dst, p.b + (((<usize>(kh * g.kw + kw) * g.c + j) * g.f + f) << 2), <usize>seg << 2);
    q += seg;
    dst += <usize>seg << 2;
  }
}

/**
 * The few-columns path: for table rows t … t + mr − 1, the dot product over k = pc … pc + kc − 1
 * of the rows' patches with the packed column b, into C's column at byte j of each row (=|+=,
 * then the epilogue, as cornerOut). Padded cells read the plan's zeros.
 */
function dotRows(p: Plan, t: usize, mr: i32, pc: i32, kc: i32, b: usize, j: usize, accum: bool, epi: bool, bias: usize, act: i32, alpha: f32, tile: usize): void {
  const zero = p.zero;
  const cs = p.srcC;
  const end = pc + kc;
  let v0 = f32x4.splat(0), v1 = v0, v2 = v0, v3 = v0;
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  const d = mr == MR ? runStep(t) : 0;
  let q = pc;
  while (q < end) {
    const tap = q / cs;
    const c = q - tap * cs;
    const seg = min(cs - c, end - q);
    const jh = tap / p.nw;
    const th = p.th0 + jh * p.thStep;
    const tw = p.tw0 + (tap - jh * p.nw) * p.twStep;
    let a0: usize, a1: usize, a2: usize, a3: usize;
    const ih = rowBh(t) + th, iw = rowBw(t) + tw;
    if (d && <u32>ih < <u32>p.srcH && iw >= 0 && iw + 3 * d < p.srcW) {
      // Four pixels along a row, all inside: one address and a stride.
      a0 = rowBase(t) + ((((<usize>ih * p.srcW + iw) * cs) + c) << 2);
      const step = <usize>(d * cs) << 2;
      a1 = a0 + step;
      a2 = a1 + step;
      a3 = a2 + step;
    } else {
      a0 = pixel(p, t, th, tw, c);
      a1 = mr > 1 ? pixel(p, t + 16, th, tw, c) : 0;
      a2 = mr > 2 ? pixel(p, t + 32, th, tw, c) : 0;
      a3 = mr > 3 ? pixel(p, t + 48, th, tw, c) : 0;
      if (!a0) a0 = zero;
      if (!a1) a1 = zero;
      if (!a2) a2 = zero;
      if (!a3) a3 = zero;
    }
    const bytes = <usize>seg << 2;
    let o: usize = 0;
    for (; o + 16 <= bytes; o += 16) {
      const w = v128.load(b + o);
      v0 = madd(v128.load(a0 + o), w, v0);
      v1 = madd(v128.load(a1 + o), w, v1);
      v2 = madd(v128.load(a2 + o), w, v2);
      v3 = madd(v128.load(a3 + o), w, v3);
    }
    for (; o < bytes; o += 4) {
      const w = load<f32>(b + o);
      s0 = maddLane(load<f32>(a0 + o), w, s0);
      s1 = maddLane(load<f32>(a1 + o), w, s1);
      s2 = maddLane(load<f32>(a2 + o), w, s2);
      s3 = maddLane(load<f32>(a3 + o), w, s3);
    }
    q += seg;
    b += bytes;
  }
  dotOut(sumF32x4(v0) + s0, rowDst(t) + j, accum, epi, bias, act, alpha, tile);
  if (mr > 1) dotOut(sumF32x4(v1) + s1, rowDst(t + 16) + j, accum, epi, bias, act, alpha, tile);
  if (mr > 2) dotOut(sumF32x4(v2) + s2, rowDst(t + 32) + j, accum, epi, bias, act, alpha, tile);
  if (mr > 3) dotOut(sumF32x4(v3) + s3, rowDst(t + 48) + j, accum, epi, bias, act, alpha, tile);
}

/**
 * C (=|+=) v, then the epilogue: cornerOut's arithmetic for one element (through cornerOut, and
 * the scratch tile, for the activations other than ReLU, whose code is large).
 */
function dotOut(v: f32, c: usize, accum: bool, epi: bool, bias: usize, act: i32, alpha: f32, tile: usize): void {
  if (epi && <u32>act > <u32>ACT_RELU) {
    store<f32>(tile, v);
    cornerOut(tile, c, 0, 1, 1, accum, epi, bias, act, alpha);
    return;
  }
  if (accum) v = load<f32>(c) + v;
  if (epi) {
    if (bias) v = v + load<f32>(bias);
    if (act) v = max<f32>(v, 0); // f32.max, as f32x4.max lane by lane: NaN stays NaN
  }
  store<f32>(c, v);
}

/** The segments of k = pc … pc + kc − 1 (a tap's run of source channels each) into segs; returns their count. */
function segments(p: Plan, pc: i32, kc: i32, segs: usize): i32 {
  const cs = p.srcC;
  const end = pc + kc;
  let q = pc, n = 0;
  while (q < end) {
    const tap = q / cs;
    const c = q - tap * cs;
    const seg = min(cs - c, end - q);
    const jh = tap / p.nw;
    const at = segs + (<usize>n << 4);
    store<i32>(at, seg);
    store<i32>(at, p.th0 + jh * p.thStep, 4);
    store<i32>(at, p.tw0 + (tap - jh * p.nw) * p.twStep, 8);
    store<i32>(at, c, 12);
    q += seg;
    n++;
  }
  return n;
}

/** The four row pointers (table rows t … t + mr − 1; the zeros past mr and in the padding) of each segment. */
function segmentRows(p: Plan, t: usize, mr: i32, nseg: i32, segs: usize, ptrs: usize): void {
  const zero = p.zero;
  for (let s = 0; s < nseg; s++) {
    const at = segs + (<usize>s << 4);
    const th = load<i32>(at, 4), tw = load<i32>(at, 8), c = load<i32>(at, 12);
    for (let l = 0; l < MR; l++) {
      const a = l < mr ? pixel(p, t + (<usize>l << 4), th, tw, c) : 0;
      store<usize>(ptrs + (<usize>(s * MR + l) << 2), a ? a : zero);
    }
  }
}

/**
 * C (m×n) (=|+=) A·B for the plan at ws: f32-gemm.ts's loop order and arithmetic, with A read
 * from the image (in place, packed, or as dot products for n < 4) and, for the forward and dX
 * forms, C's rows at the table's pointers (c, ldc: dW's contiguous C). acc, epi, bias, act, alpha
 * as in the gemm.
 */
function implicitGemm(ws: usize, m: i32, n: i32, k: i32, c: usize, ldc: i32, acc: bool, epi: bool, bias: usize, act: i32, alpha: f32): void {
  const p = changetype<Plan>(ws);
  if (m <= 0 || n <= 0) return;
  const table = ws + TABLE, tile = ws + TILE;
  const dw = p.form == DW;
  p.zero = ws + ZERO;
  memory.fill(p.zero, 0, KC << 2);
  if (k <= 0) {
    if (dw) fillEmptySum(m, n, c, ldc, acc, epi, bias, act, alpha);
    for (let i0 = 0; !dw && i0 < m; i0 += MC) {
      const cnt = min(MC, m - i0);
      if (p.form == FWD) fillPixels(p, p.q0 + i0, cnt, table);
      else fillClassRows(p, i0, cnt, table);
      for (let i = 0; i < cnt; i++) fillEmptySum(1, n, rowDst(table + (<usize>i << 4)), 0, acc, epi, bias, act, alpha);
    }
    return;
  }
  const kcMax = min(k, KC);
  const ncMax = min(roundUp(n, NR), NC);
  const bp = ws + PANELS;
  const ap = bp + ((<usize>kcMax * ncMax) << 2);
  if (!dw && n < 4) {
    // Few columns: dot products; B's columns packed contiguous.
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const doEpi = epi && pc + kc >= k;
      for (let j = 0; j < n; j++) packColumn(p, pc, kc, j, bp + ((<usize>j * kc) << 2));
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        if (p.form == FWD) fillPixels(p, p.q0 + ic, mc, table);
        else fillClassRows(p, ic, mc, table);
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = min(MR, mc - ir);
          const t = table + (<usize>ir << 4);
          for (let j = 0; j < n; j++) {
            const jb = <usize>j << 2;
            dotRows(p, t, mr, pc, kc, bp + ((<usize>j * kc) << 2), jb, acc || pc > 0, doEpi, bias ? bias + jb : 0, act, alpha, tile);
          }
        }
      }
    }
    return;
  }
  const indirect = !dw && p.srcC >= INDIRECT_C;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const accum = acc || pc > 0;
    const doEpi = epi && pc + kc >= k;
    if (dw) fillPixels(p, p.q0 + pc, kc, table);
    const nseg = indirect ? segments(p, pc, kc, ws + SEGS) : 0;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = min(NC, n - jc);
      for (let jr = 0; jr < nc; jr += NR) packB(p, pc, kc, jc + jr, min(NR, nc - jr), bp + ((<usize>jr * kc) << 2));
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        if (p.form == FWD) fillPixels(p, p.q0 + ic, mc, table);
        else if (!dw) fillClassRows(p, ic, mc, table);
        for (let ir = 0; ir < mc; ir += MR) {
          const panel = ap + ((<usize>ir * kc) << 2);
          if (dw) packPatchesT(p, p.k0 + ic + ir, min(MR, mc - ir), kc, table, panel);
          else if (indirect) segmentRows(p, table + (<usize>ir << 4), min(MR, mc - ir), nseg, ws + SEGS, ws + PTRS + ((<usize>(ir / MR) * nseg) << 4));
          else packPatches(p, table + (<usize>ir << 4), min(MR, mc - ir), pc, kc, panel);
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bPanel = bp + ((<usize>jr * kc) << 2);
          const j = <usize>(jc + jr) << 2;
          const biasJ = bias ? bias + j : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const aPanel = ap + ((<usize>ir * kc) << 2);
            const t = table + (<usize>ir << 4);
            if (dw) {
              // dW's rows are contiguous: the gemm's own tiles.
              const cij = c + ((<usize>(ic + ir) * ldc) << 2) + j;
              if (mr == MR && nr == NR) fullTile(kc, aPanel, bPanel, cij, ldc, accum, false, 0, 0, 0);
              else edgeTile(kc, aPanel, bPanel, cij, ldc, mr, nr, accum, false, 0, 0, 0, tile);
            } else if (indirect) {
              const ptrs = ws + PTRS + ((<usize>(ir / MR) * nseg) << 4);
              if (mr == MR && nr == NR) {
                indirectTile(nseg, ptrs, ws + SEGS, bPanel, j, 0, t, accum, doEpi, biasJ, act, alpha);
              } else {
                indirectTile(nseg, ptrs, ws + SEGS, bPanel, tile, NR, 0, false, false, 0, 0, 0);
                for (let l = 0; l < mr; l++) cornerOut(tile + (<usize>l << 5), rowDst(t + (<usize>l << 4)) + j, 0, 1, nr, accum, doEpi, biasJ, act, alpha);
              }
            } else if (mr == MR && nr == NR) {
              rowsTile(kc, aPanel, bPanel, j, t, accum, doEpi, biasJ, act, alpha);
            } else {
              scratchTile(kc, aPanel, bPanel, tile);
              for (let l = 0; l < mr; l++) cornerOut(tile + (<usize>l << 5), rowDst(t + (<usize>l << 4)) + j, 0, 1, nr, accum, doEpi, biasJ, act, alpha);
            }
          }
        }
      }
    }
  }
}

@inline function gemmBytes(m: i32, n: i32, k: i32): i32 {
  const kc = min(max(k, 1), KC);
  return (kc * min(roundUp(max(n, 1), NR), NC) + min(roundUp(max(m, 1), MR), MC) * kc) << 2;
}

/**
 * Bytes of workspace every kernel of this file needs for the geometry at geom, for any rows of
 * it: a plan, a 256-row table, a tile, 256 zeros and the indirect tiles' segments and row
 * pointers (23,328 bytes), then one k block of packed B and one row block of packed A, the larger
 * of the three forms': kc·roundUp(n, 8) + min(roundUp(m, 4), 128)·kc floats with kc = min(k, 256)
 * (n ≤ 1024 columns at a time). At most 1.2 MB, independent of the batch.
 */
export function f32_conv2d_workspace(geom: usize): i32 {
  const g = changetype<Geom>(geom);
  const taps = g.kh * g.kw;
  const fwd = gemmBytes(g.n * g.oh * g.ow, g.f, taps * g.c);
  const dx = gemmBytes(g.n * g.h * g.w, g.c, taps * g.f);
  const dw = gemmBytes(taps * g.c, g.f, g.n * g.oh * g.ow);
  return PANELS + max(fwd, max(dx, dw));
}

/**
 * y = act(conv(x, W) + bias) for output rows r0 … r0 + nr − 1 (rows of N·OH: the whole output is
 * 0, N·OH); x [N, H, W, C], W [KH, KW, C, F], y [N, OH, OW, F], bias [F] or 0; act, alpha as
 * f32_gemm_nn_bias_act. The file header has the geometry, order, aliasing, tails and NaN.
 */
export function f32_conv2d_bias_act(geom: usize, x: usize, w: usize, y: usize, bias: usize, act: i32, alpha: f32, r0: i32, nr: i32, ws: usize): void {
  if (nr <= 0) return;
  const g = changetype<Geom>(geom);
  const p = changetype<Plan>(ws);
  p.form = FWD; p.geom = geom;
  p.src = x; p.srcH = g.h; p.srcW = g.w; p.srcC = g.c;
  p.nw = g.kw; p.th0 = 0; p.thStep = g.dh; p.tw0 = 0; p.twStep = g.dw;
  p.b = w; p.ldb = g.f; p.b0 = 0;
  p.q0 = r0 * g.ow; p.dst = y; p.ldDst = g.f;
  implicitGemm(ws, nr * g.ow, g.f, g.kh * g.kw * g.c, 0, 0, false, true, bias, act, alpha);
}

@inline function gcd(a: i32, b: i32): i32 {
  while (b) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** ((a mod s) + s) mod s for s > 0. */
@inline function mod(a: i32, s: i32): i32 {
  const r = a % s;
  return r < 0 ? r + s : r;
}

/** Σ over a pixel's taps of dy·Wᵀ into dx rows r0 … r0 + nr − 1 (rows of N·H), class by class. */
function dxClasses(geom: usize, dy: usize, w: usize, dx: usize, acc: bool, epi: bool, bias: usize, act: i32, alpha: f32, r0: i32, nr: i32, ws: usize): void {
  if (nr <= 0) return;
  const g = changetype<Geom>(geom);
  const p = changetype<Plan>(ws);
  p.form = DX; p.geom = geom;
  p.src = dy; p.srcH = g.oh; p.srcW = g.ow; p.srcC = g.f;
  p.b = w; p.dst = dx;
  const ph = g.sh / gcd(g.sh, g.dh), pw = g.sw / gcd(g.sw, g.dw); // periods of kh·dh mod sh, kw·dw mod sw
  for (let rh = 0; rh < g.sh; rh++) {
    // Rows of class rh: ih ≡ rh − pt (mod sh); their taps kh ≡ kh0 (mod ph), kh0·dh ≡ rh (mod sh).
    let kh0 = 0;
    while (kh0 < ph && (kh0 * g.dh) % g.sh != rh) kh0++;
    const nh = kh0 < ph && kh0 < g.kh ? (g.kh - kh0 + ph - 1) / ph : 0;
    const ih0 = mod(rh - g.pt, g.sh);
    const cH = ih0 < g.h ? (g.h - ih0 + g.sh - 1) / g.sh : 0;
    // Class rows before image row r (of N·H), counted over the batch.
    const before0 = r0 % g.h, before1 = (r0 + nr) % g.h;
    const g0 = (r0 / g.h) * cH + (before0 > ih0 ? (before0 - ih0 + g.sh - 1) / g.sh : 0);
    const g1 = ((r0 + nr) / g.h) * cH + (before1 > ih0 ? (before1 - ih0 + g.sh - 1) / g.sh : 0);
    for (let rw = 0; rw < g.sw; rw++) {
      let kw0 = 0;
      while (kw0 < pw && (kw0 * g.dw) % g.sw != rw) kw0++;
      const nw = kw0 < pw && kw0 < g.kw ? (g.kw - kw0 + pw - 1) / pw : 0;
      const iw0 = mod(rw - g.pl, g.sw);
      const nqw = iw0 < g.w ? (g.w - iw0 + g.sw - 1) / g.sw : 0;
      p.nw = nw;
      p.kh0 = kh0; p.khStep = ph; p.kw0 = kw0; p.kwStep = pw;
      // Tap jh reads dy row (ih + pt − rh)/sh + (rh − kh·dh)/sh.
      p.th0 = (rh - kh0 * g.dh) / g.sh; p.thStep = -(ph * g.dh) / g.sh;
      p.tw0 = (rw - kw0 * g.dw) / g.sw; p.twStep = -(pw * g.dw) / g.sw;
      p.rh = rh; p.rw = rw; p.ih0 = ih0; p.iw0 = iw0; p.cH = cH; p.nqw = nqw; p.g0 = g0;
      implicitGemm(ws, (g1 - g0) * nqw, g.c, nh * nw * g.f, 0, 0, acc, epi, bias, act, alpha);
    }
  }
}

/**
 * dx (=|+=) the gradient of conv2d with respect to x, for dx rows r0 … r0 + nr − 1 (rows of N·H:
 * the whole of dx is 0, N·H): dx[n, ih, iw, c] = Σ dy[n, oh, ow, f]·W[kh, kw, c, f] over the
 * (kh, kw, oh, ow) with ih = oh·sh − pt + kh·dh, iw = ow·sw − pl + kw·dw. dy [N, OH, OW, F],
 * W [KH, KW, C, F], dx [N, H, W, C]; acc ≠ 0 adds to dx. Pixels no tap reaches (a stride larger
 * than the dilated kernel) get 0 (or keep dx with acc). File header: order, aliasing, tails, NaN.
 */
export function f32_conv2d_dx(geom: usize, dy: usize, w: usize, dx: usize, acc: i32, r0: i32, nr: i32, ws: usize): void {
  dxClasses(geom, dy, w, dx, acc != 0, false, 0, 0, 0, r0, nr, ws);
}

/**
 * y = act(conv2dTranspose(x, W) + bias): the transposed convolution, which is f32_conv2d_dx of
 * the conv it transposes with the epilogue. geom describes that conv: its input [N, H, W, C] is
 * y (C = filters), its output [N, OH, OW, F] is x (F = inChannels); W [KH, KW, C, F] is Keras's
 * conv2dTranspose kernel [kh, kw, filters, inChannels] as stored; bias [C] or 0. Rows r0 … r0 +
 * nr − 1 of y's N·H. Pixels no tap reaches get act(bias).
 */
export function f32_conv2d_transpose_bias_act(geom: usize, x: usize, w: usize, y: usize, bias: usize, act: i32, alpha: f32, r0: i32, nr: i32, ws: usize): void {
  dxClasses(geom, x, w, y, false, true, bias, act, alpha, r0, nr, ws);
}

/**
 * dW (=|+=) the gradient of conv2d with respect to W, for dW rows k0 … k0 + kn − 1 (a row is
 * (kh, kw, c): kh·KW·C + kw·C + c; all of them: 0, KH·KW·C) and columns f0 … f0 + fn − 1 (all:
 * 0, F): dW[kh, kw, c, f] = Σ over (n, oh, ow) of x[n, ih, iw, c]·dy[n, oh, ow, f]. x [N, H, W, C],
 * dy [N, OH, OW, F], dW [KH, KW, C, F]; acc ≠ 0 adds to dW. The bias gradient is
 * f32_col_sum(dy, db, N·OH·OW, F, acc). File header: order, aliasing, tails, NaN.
 */
export function f32_conv2d_dw(geom: usize, x: usize, dy: usize, dw: usize, acc: i32, k0: i32, kn: i32, f0: i32, fn: i32, ws: usize): void {
  if (kn <= 0 || fn <= 0) return;
  const g = changetype<Geom>(geom);
  const p = changetype<Plan>(ws);
  p.form = DW; p.geom = geom;
  p.src = x; p.srcH = g.h; p.srcW = g.w; p.srcC = g.c;
  p.b = dy; p.ldb = g.f; p.b0 = f0;
  p.dst = 0; p.ldDst = 0; p.k0 = k0; p.q0 = 0;
  implicitGemm(ws, kn, fn, g.n * g.oh * g.ow, dw + ((<usize>k0 * g.f + f0) << 2), g.f, acc != 0, false, 0, 0, 0);
}

/**
 * dW in parts over the output pixels: part s (s0 … s0 + ns − 1) is the whole of dW (KH·KW·C × F)
 * summed over the pixels s·seg … min((s + 1)·seg, N·OH·OW) − 1 only, written (never added) to
 * parts + s·KH·KW·C·F floats. f32_col_sum over the parts, in part order, then gives dW: a split
 * of the sum that threads share by parts, each reading its pixels' x and dy once (splitting dW
 * by rows or columns reads all of dy or all of x once per chunk, which costs more than it saves
 * when dW is small and the images are large). seg: a multiple of 256 (the k block), chosen from
 * the geometry alone (src/layers/conv-common.ts), so the bits never depend on the thread count.
 */
export function f32_conv2d_dw_parts(geom: usize, x: usize, dy: usize, parts: usize, seg: i32, s0: i32, ns: i32, ws: usize): void {
  const g = changetype<Geom>(geom);
  const p = changetype<Plan>(ws);
  const pixels = g.n * g.oh * g.ow, rows = g.kh * g.kw * g.c;
  for (let s = s0; s < s0 + ns; s++) {
    const q0 = s * seg;
    if (q0 >= pixels) break;
    p.form = DW; p.geom = geom;
    p.src = x; p.srcH = g.h; p.srcW = g.w; p.srcC = g.c;
    p.b = dy + ((<usize>q0 * g.f) << 2); p.ldb = g.f; p.b0 = 0;
    p.dst = 0; p.ldDst = 0; p.k0 = 0; p.q0 = q0;
    implicitGemm(ws, rows, g.f, min(seg, pixels - q0), parts + ((<usize>s * rows * g.f) << 2), g.f, false, false, 0, 0, 0);
  }
}

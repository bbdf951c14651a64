// Single-precision gemm in the three forms a dense layer needs (DESIGN.md "Kernels"), with the
// fused bias + activation epilogue of the forward pass. One 4x8 micro-kernel (4 rows × 8 columns,
// eight f32x4 accumulators: more spill registers in V8 and run slower) over packed panels, in the
// BLIS loop order: k in fixed blocks of KC, then columns in blocks of NC (B packed into kc×8
// column panels), then rows in blocks of MC (A packed into 4-row panels). The three forms differ
// only in how they pack.
//
// Summation order: C[i][j] is Σ over the k-blocks [0,KC), [KC,2KC), ... in order, each block's
// partial sum taken p = 0, 1, ... in one accumulator lane, then added to C. That order depends
// on k alone, never on m, n or on which rows a caller (a thread) asks for, so results do not
// depend on how rows are split. The plain build multiplies then adds (deterministic across
// engines); the relaxed build uses relaxed_madd (fused where the engine can).
//
// Shared by every export: pointers are byte offsets, strides in elements, row-major. C may not
// alias A, B or ws; ws (f32_gemm_workspace bytes, 16-byte aligned) may not alias anything. Only
// the m×n window of C is written: columns between n and ldc stay untouched. m = 0 or n = 0 touches
// no memory. k = 0 sets C to the empty sum (0, or C itself with acc, or act(bias)) without reading
// A or B. Tails (m % 4, n % 8, k % KC) are packed with zeros and their tile goes through ws, so
// nothing is read or written outside the given matrices. NaN and Inf propagate as IEEE arithmetic
// does (a NaN anywhere in row i of op(A) or column j of op(B) makes C[i][j] NaN).

import { ACT_RELU, actF32x4 } from './activation-math';

export const MR = 4;
export const NR = 8;
export const KC = 256; // 256×8 floats of B (8 KiB) stay in L1 while a 4-row A panel streams past
export const MC = 128; // 128×256 floats of A (128 KiB) stay in L2
export const NC = 1024;

@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

@inline export function roundUp(x: i32, r: i32): i32 {
  return (x + r - 1) / r * r;
}

/**
 * Bytes of packing workspace a gemm of this size needs: a kc×nc block of B, an mc×kc block of A
 * and one 4×8 edge tile, with kc, mc, nc the block sizes capped by k, m and n.
 */
export function f32_gemm_workspace(m: i32, n: i32, k: i32): i32 {
  const kc = min(max(k, 1), KC);
  const nc = min(roundUp(max(n, 1), NR), NC);
  const mc = min(roundUp(max(m, 1), MR), MC);
  return (kc * nc + mc * kc + MR * NR) << 2;
}

/**
 * Packs a w-lane panel (w = 4 for A, 8 for B) of kc steps: dst[p·w + l] = src[l·ls + p·ps] for
 * l < lanes, 0 for lanes ≤ l < w. One of the strides is 1: ls = 1 copies rows, ps = 1 transposes
 * 4×4 blocks.
 */
export function packPanel(src: usize, ls: i32, ps: i32, kc: i32, w: i32, lanes: i32, dst: usize): void {
  if (ls == 1 && lanes == w) {
    const step = <usize>ps << 2;
    if (w == 8) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += step;
        dst += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += step;
        dst += 16;
      }
    }
    return;
  }
  if (ps == 1 && lanes == w) {
    // Four lanes (rows of the source) at a time, 4×4 transposes along p.
    const row = <usize>ls << 2;
    const dstStep = <usize>w << 2;
    for (let g = 0; g < w; g += 4) {
      let s = src + <usize>g * row;
      let d = dst + (<usize>g << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const r0 = v128.load(s);
        const r1 = v128.load(s + row);
        const r2 = v128.load(s + 2 * row);
        const r3 = v128.load(s + 3 * row);
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
        const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
        v128.store(d + dstStep, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
        v128.store(d + 2 * dstStep, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
        v128.store(d + 3 * dstStep, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
        s += 16;
        d += 4 * dstStep;
      }
      for (; p < kc; p++) {
        for (let l = 0; l < 4; l++) store<f32>(d + (<usize>l << 2), load<f32>(s + <usize>l * row));
        s += 4;
        d += dstStep;
      }
    }
    return;
  }
  // Edge panel: fewer than w lanes.
  for (let p = 0; p < kc; p++) {
    for (let l = 0; l < w; l++) {
      const v: f32 = l < lanes ? load<f32>(src + ((<usize>l * ls + <usize>p * ps) << 2)) : 0;
      store<f32>(dst + ((<usize>p * w + l) << 2), v);
    }
  }
}

/**
 * The 4×8 micro-kernel: C[0:4, 0:8] (=|+=) Σ_p a[p·4 + i]·b[p·8 + j] over packed panels a, b.
 * accum: add to C instead of overwriting it. epi: then C = act(C + bias[j]) (bias 0: none).
 * Row i of C is at c + i·ldc, or, when rows ≠ 0, at c plus the pointer at rows + 16·i + 12 (the
 * row table of f32-conv.ts, whose rows are not equally spaced). When lens ≠ 0 the tile is
 * indirect (f32-conv.ts's convolutions, as XNNPACK's igemm): A is not packed but read in kc
 * segments, segment s of the i32 length at lens + 16·s from the four row pointers at a + 16·s,
 * with the packed path's arithmetic in the same k order. rows = 0 and lens = 0 fold away in the
 * gemm.
 */
@inline function tile4x8(kc: i32, a: usize, b: usize, c: usize, ldc: i32, accum: bool, epi: bool, bias: usize, act: i32, alpha: f32, rows: usize, lens: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let s = 0; lens && s < kc; s++) {
    const len = load<i32>(lens + (<usize>s << 4));
    let r0 = load<usize>(a), r1 = load<usize>(a, 4), r2 = load<usize>(a, 8), r3 = load<usize>(a, 12);
    a += 16;
    for (let q = 0; q < len; q++) {
      const b0 = v128.load(b);
      const b1 = v128.load(b, 16);
      const a0 = v128.load32_splat(r0);
      c00 = madd(a0, b0, c00);
      c01 = madd(a0, b1, c01);
      const a1 = v128.load32_splat(r1);
      c10 = madd(a1, b0, c10);
      c11 = madd(a1, b1, c11);
      const a2 = v128.load32_splat(r2);
      c20 = madd(a2, b0, c20);
      c21 = madd(a2, b1, c21);
      const a3 = v128.load32_splat(r3);
      c30 = madd(a3, b0, c30);
      c31 = madd(a3, b1, c31);
      r0 += 4;
      r1 += 4;
      r2 += 4;
      r3 += 4;
      b += 32;
    }
  }
  for (let p = 0; !lens && p < kc; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const a0 = v128.load32_splat(a);
    c00 = madd(a0, b0, c00);
    c01 = madd(a0, b1, c01);
    const a1 = v128.load32_splat(a, 4);
    c10 = madd(a1, b0, c10);
    c11 = madd(a1, b1, c11);
    const a2 = v128.load32_splat(a, 8);
    c20 = madd(a2, b0, c20);
    c21 = madd(a2, b1, c21);
    const a3 = v128.load32_splat(a, 12);
    c30 = madd(a3, b0, c30);
    c31 = madd(a3, b1, c31);
    a += 16;
    b += 32;
  }
  let c1: usize, c2: usize, c3: usize;
  if (rows) {
    c1 = c + load<usize>(rows, 28);
    c2 = c + load<usize>(rows, 44);
    c3 = c + load<usize>(rows, 60);
    c += load<usize>(rows, 12);
  } else {
    const row = <usize>ldc << 2;
    c1 = c + row;
    c2 = c + 2 * row;
    c3 = c + 3 * row;
  }
  if (accum) {
    c00 = f32x4.add(v128.load(c), c00);
    c01 = f32x4.add(v128.load(c, 16), c01);
    c10 = f32x4.add(v128.load(c1), c10);
    c11 = f32x4.add(v128.load(c1, 16), c11);
    c20 = f32x4.add(v128.load(c2), c20);
    c21 = f32x4.add(v128.load(c2, 16), c21);
    c30 = f32x4.add(v128.load(c3), c30);
    c31 = f32x4.add(v128.load(c3, 16), c31);
  }
  if (epi && <u32>act <= <u32>ACT_RELU) {
    // The common epilogues in registers (a short k, as a convolution's, would otherwise pay a
    // store and a reload of the tile): the same add, then max, as epilogue8.
    if (bias) {
      const b0 = v128.load(bias), b1 = v128.load(bias, 16);
      c00 = f32x4.add(c00, b0); c01 = f32x4.add(c01, b1);
      c10 = f32x4.add(c10, b0); c11 = f32x4.add(c11, b1);
      c20 = f32x4.add(c20, b0); c21 = f32x4.add(c21, b1);
      c30 = f32x4.add(c30, b0); c31 = f32x4.add(c31, b1);
    }
    if (act) {
      const z = f32x4.splat(0);
      c00 = f32x4.max(c00, z); c01 = f32x4.max(c01, z);
      c10 = f32x4.max(c10, z); c11 = f32x4.max(c11, z);
      c20 = f32x4.max(c20, z); c21 = f32x4.max(c21, z);
      c30 = f32x4.max(c30, z); c31 = f32x4.max(c31, z);
    }
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c1, c10);
  v128.store(c1, c11, 16);
  v128.store(c2, c20);
  v128.store(c2, c21, 16);
  v128.store(c3, c30);
  v128.store(c3, c31, 16);
  if (epi && <u32>act > <u32>ACT_RELU) {
    epilogue8(c, bias, act, alpha);
    epilogue8(c1, bias, act, alpha);
    epilogue8(c2, bias, act, alpha);
    epilogue8(c3, bias, act, alpha);
  }
}

/**
 * act(x) per lane, one copy called by the element-by-element epilogues (edge tiles, the k = 0
 * fill): each inlined copy of actF32x4 holds every activation (≈ 3.4 KB of .wasm). Its lane 0 on
 * a splat is the scalar form, the same bits as a full vector's lane. The full tiles' epilogue8
 * keeps its own inlined copy (no call per four outputs on the hot path).
 */
function actShared(x: v128, act: i32, alpha: f32): v128 {
  return actF32x4(x, act, alpha);
}

/** c[0:8] = act(c[0:8] + bias[0:8]) in place (bias 0: none). Out of the micro-kernel's body. */
function epilogue8(c: usize, bias: usize, act: i32, alpha: f32): void {
  for (let h = 0; h < 2; h++) {
    let v = v128.load(c);
    if (bias) {
      v = f32x4.add(v, v128.load(bias));
      bias += 16;
    }
    v128.store(c, actF32x4(v, act, alpha));
    c += 16;
  }
}

/** A full 4×8 tile straight into C. */
export function fullTile(kc: i32, a: usize, b: usize, c: usize, ldc: i32, accum: bool, epi: bool, bias: usize, act: i32, alpha: f32): void {
  tile4x8(kc, a, b, c, ldc, accum, epi, bias, act, alpha, 0, 0);
}

/** A full 4×8 tile into the rows of a row table (f32-conv.ts), j bytes into each row. */
export function rowsTile(kc: i32, a: usize, b: usize, j: usize, rows: usize, accum: bool, epi: bool, bias: usize, act: i32, alpha: f32): void {
  tile4x8(kc, a, b, j, 0, accum, epi, bias, act, alpha, rows, 0);
}

/**
 * An indirect 4×8 tile (nseg segments, see tile4x8) into the rows of a row table (rows ≠ 0, j
 * bytes into each) or into c with ldc (rows = 0).
 */
export function indirectTile(nseg: i32, ptrs: usize, lens: usize, b: usize, c: usize, ldc: i32, rows: usize, accum: bool, epi: bool, bias: usize, act: i32, alpha: f32): void {
  tile4x8(nseg, ptrs, b, c, ldc, accum, epi, bias, act, alpha, rows, lens);
}

/** The 4×8 tile of the panels a, b into the scratch tile t (ldc 8), overwritten, no epilogue. */
export function scratchTile(kc: i32, a: usize, b: usize, t: usize): void {
  tile4x8(kc, a, b, t, NR, false, false, 0, 0, 0, 0, 0);
}

/**
 * An edge tile (mr < 4 or nr < 8): computed whole into the scratch tile t (ldc 8), then its
 * mr×nr corner goes into C with the same arithmetic, element by element, as fullTile.
 */
export function edgeTile(kc: i32, a: usize, b: usize, c: usize, ldc: i32, mr: i32, nr: i32, accum: bool, epi: bool, bias: usize, act: i32, alpha: f32, t: usize): void {
  tile4x8(kc, a, b, t, NR, false, false, 0, 0, 0, 0, 0);
  cornerOut(t, c, ldc, mr, nr, accum, epi, bias, act, alpha);
}

/** C[0:mr, 0:nr] (=|+=) the scratch tile t (ldc 8), then the epilogue, element by element. */
export function cornerOut(t: usize, c: usize, ldc: i32, mr: i32, nr: i32, accum: bool, epi: bool, bias: usize, act: i32, alpha: f32): void {
  for (let i = 0; i < mr; i++) {
    const ci = c + ((<usize>i * ldc) << 2);
    const ti = t + ((<usize>i * NR) << 2);
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(ti + o);
      if (accum) v = load<f32>(ci + o) + v;
      if (epi) {
        if (bias) v = v + load<f32>(bias + o);
        if (act) v = f32x4.extract_lane(actShared(f32x4.splat(v), act, alpha), 0);
      }
      store<f32>(ci + o, v);
    }
  }
}

/** C (m×n, ldc) = v or act(bias) on every element: the k = 0 case. */
export function fillEmptySum(m: i32, n: i32, c: usize, ldc: i32, acc: bool, epi: bool, bias: usize, act: i32, alpha: f32): void {
  if (acc) return;
  for (let i = 0; i < m; i++) {
    const ci = c + ((<usize>i * ldc) << 2);
    for (let j = 0; j < n; j++) {
      let v: f32 = 0;
      if (epi) {
        if (bias) v = v + load<f32>(bias + (<usize>j << 2));
        if (act) v = f32x4.extract_lane(actShared(f32x4.splat(v), act, alpha), 0);
      }
      store<f32>(ci + (<usize>j << 2), v);
    }
  }
}

/** madd on lane 0 only: a scalar with exactly the arithmetic of a vector lane (fused or not). */
@inline export function maddLane(a: f32, b: f32, c: f32): f32 {
  return f32x4.extract_lane(madd(f32x4.splat(a), f32x4.splat(b), f32x4.splat(c)), 0);
}

/**
 * Fewer than 4 rows with B's rows contiguous (the nn and tn forms; a batch-1 prediction): B is
 * streamed row by row in place instead of packed (packing would copy all of B for one row of
 * output), four rows of B per pass over a row of partial sums t (n floats in ws). Every C[i][j]
 * gets the packed path's arithmetic: per k block a partial sum from 0 in p order, added to C,
 * then the epilogue, element by element as the edge tiles do.
 */
function gemmFewRows(m: i32, n: i32, k: i32, a: usize, as: i32, aps: i32, b: usize, bps: i32, c: usize, ldc: i32, acc: bool, epi: bool, bias: usize, act: i32, alpha: f32, ws: usize): void {
  const nv = <usize>(n & ~3) << 2;
  const nb = <usize>n << 2;
  const row = <usize>bps << 2;
  const astep = <usize>aps << 2;
  for (let i = 0; i < m; i++) {
    const ci = c + ((<usize>i * ldc) << 2);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      memory.fill(ws, 0, nb);
      let ap = a + ((<usize>i * as + <usize>pc * aps) << 2);
      let bp = b + ((<usize>pc * bps) << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s0 = load<f32>(ap), s1 = load<f32>(ap + astep), s2 = load<f32>(ap + 2 * astep), s3 = load<f32>(ap + 3 * astep);
        const x0 = f32x4.splat(s0), x1 = f32x4.splat(s1), x2 = f32x4.splat(s2), x3 = f32x4.splat(s3);
        const b1 = bp + row, b2 = bp + 2 * row, b3 = bp + 3 * row;
        let j: usize = 0;
        for (; j < nv; j += 16) {
          let t = v128.load(ws + j);
          t = madd(x0, v128.load(bp + j), t);
          t = madd(x1, v128.load(b1 + j), t);
          t = madd(x2, v128.load(b2 + j), t);
          t = madd(x3, v128.load(b3 + j), t);
          v128.store(ws + j, t);
        }
        for (; j < nb; j += 4) {
          let t = load<f32>(ws + j);
          t = maddLane(s0, load<f32>(bp + j), t);
          t = maddLane(s1, load<f32>(b1 + j), t);
          t = maddLane(s2, load<f32>(b2 + j), t);
          t = maddLane(s3, load<f32>(b3 + j), t);
          store<f32>(ws + j, t);
        }
        ap += 4 * astep;
        bp += 4 * row;
      }
      for (; p < kc; p++) {
        const s0 = load<f32>(ap);
        const x0 = f32x4.splat(s0);
        let j: usize = 0;
        for (; j < nv; j += 16) v128.store(ws + j, madd(x0, v128.load(bp + j), v128.load(ws + j)));
        for (; j < nb; j += 4) store<f32>(ws + j, maddLane(s0, load<f32>(bp + j), load<f32>(ws + j)));
        ap += astep;
        bp += row;
      }
      cornerOut(ws, ci, 0, 1, n, acc || pc > 0, epi && pc + kc >= k, bias, act, alpha);
    }
  }
}

/**
 * The driver for all forms. op(A)(i, p) = a[i·as + p·aps], op(B)(p, j) = b[p·bps + j·bs].
 */
function gemm(m: i32, n: i32, k: i32, a: usize, as: i32, aps: i32, b: usize, bps: i32, bs: i32, c: usize, ldc: i32, acc: bool, epi: bool, bias: usize, act: i32, alpha: f32, ws: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    fillEmptySum(m, n, c, ldc, acc, epi, bias, act, alpha);
    return;
  }
  if (m < MR && bs == 1) {
    gemmFewRows(m, n, k, a, as, aps, b, bps, c, ldc, acc, epi, bias, act, alpha, ws);
    return;
  }
  const kcMax = min(k, KC);
  const ncMax = min(roundUp(n, NR), NC);
  const mcMax = min(roundUp(m, MR), MC);
  const bp = ws;
  const ap = ws + ((<usize>kcMax * ncMax) << 2);
  const tile = ap + ((<usize>mcMax * kcMax) << 2);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    const accum = acc || pc > 0;
    const last = pc + kc >= k;
    const doEpi = epi && last;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = min(NC, n - jc);
      // Pack B[pc:pc+kc, jc:jc+nc] into kc×8 panels.
      for (let jr = 0; jr < nc; jr += NR) {
        const src = b + ((<usize>pc * bps + <usize>(jc + jr) * bs) << 2);
        packPanel(src, bs, bps, kc, NR, min(NR, nc - jr), bp + ((<usize>jr * kc) << 2));
      }
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        // Pack A[ic:ic+mc, pc:pc+kc] into 4-row panels.
        for (let ir = 0; ir < mc; ir += MR) {
          const src = a + ((<usize>(ic + ir) * as + <usize>pc * aps) << 2);
          packPanel(src, as, aps, kc, MR, min(MR, mc - ir), ap + ((<usize>ir * kc) << 2));
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bPanel = bp + ((<usize>jr * kc) << 2);
          const j = jc + jr;
          const biasJ = bias ? bias + (<usize>j << 2) : 0;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const aPanel = ap + ((<usize>ir * kc) << 2);
            const cij = c + ((<usize>(ic + ir) * ldc + j) << 2);
            if (mr == MR && nr == NR) fullTile(kc, aPanel, bPanel, cij, ldc, accum, doEpi, biasJ, act, alpha);
            else edgeTile(kc, aPanel, bPanel, cij, ldc, mr, nr, accum, doEpi, biasJ, act, alpha, tile);
          }
        }
      }
    }
  }
}

/**
 * C = A·B (acc = 0) or C += A·B (acc ≠ 0): Y = X·W, the dense forward.
 * A (m×k, lda ≥ k), B (k×n, ldb ≥ n), C (m×n, ldc ≥ n), ws of f32_gemm_workspace(m, n, k) bytes.
 * Aliasing, tails, k = 0 and NaN as in the file header.
 */
export function f32_gemm_nn(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32, ws: usize): void {
  gemm(m, n, k, a, lda, 1, b, ldb, 1, c, ldc, acc != 0, false, 0, 0, 0, ws);
}

/**
 * C = A·Bᵀ (acc = 0) or C += A·Bᵀ (acc ≠ 0): dX = dY·Wᵀ, the dense backward to the input.
 * A (m×k, lda ≥ k), B (n×k, ldb ≥ k), C (m×n, ldc ≥ n), ws of f32_gemm_workspace(m, n, k) bytes.
 * Aliasing, tails, k = 0 and NaN as in the file header.
 */
export function f32_gemm_nt(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32, ws: usize): void {
  gemm(m, n, k, a, lda, 1, b, 1, ldb, c, ldc, acc != 0, false, 0, 0, 0, ws);
}

/**
 * C = Aᵀ·B (acc = 0) or C += Aᵀ·B (acc ≠ 0): dW = Xᵀ·dY, the dense weight gradient.
 * A (k×m, lda ≥ m), B (k×n, ldb ≥ n), C (m×n, ldc ≥ n), ws of f32_gemm_workspace(m, n, k) bytes.
 * Aliasing, tails, k = 0 and NaN as in the file header.
 */
export function f32_gemm_tn(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, acc: i32, ws: usize): void {
  gemm(m, n, k, a, 1, lda, b, ldb, 1, c, ldc, acc != 0, false, 0, 0, 0, ws);
}

/**
 * C = act(A·B + bias): the fused dense forward. bias (n floats) or 0 for none; act an `Act` code
 * with alpha for leakyRelu/elu; the activation is activation-math.ts's, bit for bit the same as
 * f32_activation's. The bias is added once, after the full k sum. Shapes as f32_gemm_nn; C is
 * overwritten. Aliasing, tails, k = 0 (C = act(bias)) and NaN as in the file header.
 */
export function f32_gemm_nn_bias_act(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, bias: usize, act: i32, alpha: f32, ws: usize): void {
  gemm(m, n, k, a, lda, 1, b, ldb, 1, c, ldc, false, true, bias, act, alpha, ws);
}

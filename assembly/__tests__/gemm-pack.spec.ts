// The packing routine of f32-gemm.ts and the scalar activation math, tested inside the module.
import { packPanel } from '../f32-gemm';
import { actF32, ACT_RELU, ACT_SIGMOID, ACT_TANH, ACT_SOFTPLUS, ACT_ELU } from '../activation-math';

/** The value at (r, c) of every test matrix. */
function val(r: i32, c: i32): f32 {
  const v: i32 = 100 * r + c;
  return <f32>v;
}

/** A (rows×cols) matrix with val(r, c) at (r, c). */
function matrix(rows: i32, cols: i32): StaticArray<f32> {
  const a = new StaticArray<f32>(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) a[r * cols + c] = val(r, c);
  return a;
}

describe('packPanel', () => {
  it('copies 8 contiguous lanes per step (B of nn)', () => {
    const b = matrix(5, 11); // k = 5 rows, ld 11
    const dst = new StaticArray<f32>(5 * 8);
    packPanel(changetype<usize>(b) + 4 * 2, 1, 11, 5, 8, 8, changetype<usize>(dst));
    for (let p = 0; p < 5; p++) for (let l = 0; l < 8; l++) expect(dst[p * 8 + l]).toBe(val(p, 2 + l));
  });

  it('transposes 4 rows into a k-major panel, tail of k included (A of nn)', () => {
    const a = matrix(4, 7); // 4 rows, k = 7, ld 7: two 4×4 blocks' worth with a tail of 3
    const dst = new StaticArray<f32>(7 * 4);
    packPanel(changetype<usize>(a), 7, 1, 7, 4, 4, changetype<usize>(dst));
    for (let p = 0; p < 7; p++) for (let l = 0; l < 4; l++) expect(dst[p * 4 + l]).toBe(val(l, p));
  });

  it('transposes 8 rows of Bᵀ (B of nt)', () => {
    const bt = matrix(8, 9); // n = 8 rows, k = 9
    const dst = new StaticArray<f32>(9 * 8);
    packPanel(changetype<usize>(bt), 9, 1, 9, 8, 8, changetype<usize>(dst));
    for (let p = 0; p < 9; p++) for (let l = 0; l < 8; l++) expect(dst[p * 8 + l]).toBe(val(l, p));
  });

  it('pads missing lanes of an edge panel with zeros', () => {
    const a = matrix(3, 6); // 3 rows only, k = 6
    const dst = new StaticArray<f32>(6 * 4);
    for (let i = 0; i < dst.length; i++) dst[i] = -1;
    packPanel(changetype<usize>(a), 6, 1, 6, 4, 3, changetype<usize>(dst));
    for (let p = 0; p < 6; p++) {
      for (let l = 0; l < 3; l++) expect(dst[p * 4 + l]).toBe(val(l, p));
      expect(dst[p * 4 + 3]).toBe(0);
    }
  });
});

describe('activation math (scalar)', () => {
  it('relu keeps positives and NaN', () => {
    expect(actF32(2.5, ACT_RELU, 0)).toBe(2.5);
    expect(actF32(-2.5, ACT_RELU, 0)).toBe(0);
    expect(isNaN(actF32(NaN, ACT_RELU, 0))).toBe(true);
  });

  it('sigmoid and tanh saturate without overflow', () => {
    expect(actF32(0, ACT_SIGMOID, 0)).toBe(0.5);
    expect(actF32(1000, ACT_SIGMOID, 0)).toBe(1);
    expect(actF32(-1000, ACT_SIGMOID, 0)).toBe(0);
    expect(actF32(1000, ACT_TANH, 0)).toBe(1);
    expect(actF32(-1000, ACT_TANH, 0)).toBe(-1);
    expect(actF32(Infinity, ACT_TANH, 0)).toBe(1);
  });

  it('tanh, elu and softplus keep relative accuracy near 0 and far out', () => {
    expect(Mathf.abs(actF32(1e-4, ACT_TANH, 0) / <f32>1e-4 - 1)).toBeLessThan(1e-6);
    expect(Mathf.abs(actF32(-1e-4, ACT_ELU, 1) / <f32>-0.00009999500016666250 - 1)).toBeLessThan(1e-6);
    // softplus(−30) = log1p(e^−30) ≈ e^−30 = 9.357623e−14: not lost to 1 + u rounding.
    expect(Mathf.abs(actF32(-30, ACT_SOFTPLUS, 0) / <f32>9.357622968840175e-14 - 1)).toBeLessThan(1e-6);
    expect(actF32(100, ACT_SOFTPLUS, 0)).toBe(100);
  });
});

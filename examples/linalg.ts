// Small dense linear algebra in float64 for the examples: symmetric eigendecomposition (cyclic
// Jacobi), Gram–Schmidt, principal angles between subspaces, least squares by Gauss–Newton.

/** Eigenvalues (descending) and unit eigenvectors (as rows) of a symmetric n×n matrix (row-major). */
export function symmetricEigen(a: Float64Array, n: number): { values: number[]; vectors: number[][] } {
  const A = Float64Array.from(a), V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) {
      const apq = A[p * n + q];
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) { // columns p, q
        const akp = A[k * n + p], akq = A[k * n + q];
        A[k * n + p] = c * akp - s * akq; A[k * n + q] = s * akp + c * akq;
      }
      for (let k = 0; k < n; k++) { // rows p, q
        const apk = A[p * n + k], aqk = A[q * n + k];
        A[p * n + k] = c * apk - s * aqk; A[q * n + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < n; k++) {
        const vkp = V[k * n + p], vkq = V[k * n + q];
        V[k * n + p] = c * vkp - s * vkq; V[k * n + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => A[j * n + j] - A[i * n + i]);
  return { values: order.map((i) => A[i * n + i]), vectors: order.map((i) => Array.from({ length: n }, (_, k) => V[k * n + i])) };
}

/** An orthonormal basis (rows) of the span of the given vectors (modified Gram–Schmidt). */
export function orthonormalize(vs: number[][]): number[][] {
  const out: number[][] = [];
  for (const v of vs) {
    const u = [...v];
    for (const q of out) {
      const d = u.reduce((s, x, i) => s + x * q[i], 0);
      for (let i = 0; i < u.length; i++) u[i] -= d * q[i];
    }
    const norm = Math.hypot(...u);
    if (norm > 1e-12) out.push(u.map((x) => x / norm));
  }
  return out;
}

/** Principal angles in degrees between span(a) and span(b), smallest first. */
export function principalAngles(a: number[][], b: number[][]): number[] {
  const qa = orthonormalize(a), qb = orthonormalize(b);
  const k = qa.length, l = qb.length;
  // M = Qa·Qbᵀ (k×l); cosines are the singular values of M: eigenvalues of M·Mᵀ, square-rooted.
  const M = qa.map((u) => qb.map((v) => u.reduce((s, x, i) => s + x * v[i], 0)));
  const MMt = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) MMt[i * k + j] = M[i].reduce((s, x, t) => s + x * M[j][t], 0);
  const { values } = symmetricEigen(MMt, k);
  return values.slice(0, Math.min(k, l)).map((v) => (Math.acos(Math.min(1, Math.sqrt(Math.max(0, v)))) * 180) / Math.PI);
}

// The typed interface of every export of `assembly/index.ts`. Pointers are byte offsets into the
// one linear memory (16-byte aligned unless a header says otherwise), sizes are element counts,
// strides are in elements, matrices are row-major. A pointer argument of 0 means "absent" where a
// kernel's header says so (optional per-sample weights, optional outputs). The math, aliasing,
// tail and NaN rules of each kernel are in its header comment in `assembly/`.

import { ACT_ELU, ACT_HARD_SIGMOID, ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH } from './activation-codes.js';

/** Activation codes shared by the gemm epilogue and the elementwise kernels (their formulas in activation-codes.ts). */
export const Act = {
  linear: ACT_LINEAR,
  relu: ACT_RELU,
  sigmoid: ACT_SIGMOID,
  tanh: ACT_TANH,
  leakyRelu: ACT_LEAKY_RELU,
  elu: ACT_ELU,
  selu: ACT_SELU,
  softplus: ACT_SOFTPLUS,
} as const;

/**
 * hardSigmoid, clip(0.2·x + 0.5, 0, 1): f32_activation and f32_activation_grad take it (the
 * recurrent gates), the gemm and convolution epilogues do not, so it is not among `Act`.
 */
export const ACT_HARD_SIGMOID_CODE = ACT_HARD_SIGMOID;

export type ActCode = (typeof Act)[keyof typeof Act];

type Ptr = number;

export interface Kernels {
  lepton_heap_base(): Ptr;
  lepton_build(): number;

  // f32-gemm.ts. C (m×n) = op(A)·op(B) (+ C when acc ≠ 0). ws: packing workspace of at least
  // f32_gemm_workspace(m, n, k) bytes, 16-byte aligned, not overlapping A, B or C.
  f32_gemm_workspace(m: number, n: number, k: number): number;
  /** C = A·B; A (m×k, lda), B (k×n, ldb). Forward: Y = X·W. */
  f32_gemm_nn(m: number, n: number, k: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, acc: number, ws: Ptr): void;
  /** C = A·Bᵀ; A (m×k, lda), B (n×k, ldb). Backward: dX = dY·Wᵀ. */
  f32_gemm_nt(m: number, n: number, k: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, acc: number, ws: Ptr): void;
  /** C = Aᵀ·B; A (k×m, lda), B (k×n, ldb). Backward: dW = Xᵀ·dY. */
  f32_gemm_tn(m: number, n: number, k: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, acc: number, ws: Ptr): void;
  /** C = act(A·B + bias) with bias (n) or 0 for none; the fused dense forward. */
  f32_gemm_nn_bias_act(m: number, n: number, k: number, a: Ptr, lda: number, b: Ptr, ldb: number, c: Ptr, ldc: number, bias: Ptr, act: number, alpha: number, ws: Ptr): void;

  // f32-conv.ts: convolution as implicit gemms, channels-last. geom: the byte offset of a geometry
  // block (src/wasm/conv.ts writeGeometry: n, h, w, c, oh, ow, f, kh, kw, sh, sw, dh, dw, pt, pl):
  // x [n, h, w, c], y and dy [n, oh, ow, f], W [kh, kw, c, f]. ws: at least
  // f32_conv2d_workspace(geom) bytes (≤ 1.2 MB whatever the batch), 16-byte aligned, per thread.
  // Each call computes a range of rows; the whole tensor is the range from 0 to the count given.
  /** Workspace bytes for any kernel and any rows of this geometry. */
  f32_conv2d_workspace(geom: Ptr): number;
  /** y = act(conv(x, W) + bias) for output rows r0 … r0 + nr − 1 of n·oh; bias (f) or 0. */
  f32_conv2d_bias_act(geom: Ptr, x: Ptr, w: Ptr, y: Ptr, bias: Ptr, act: number, alpha: number, r0: number, nr: number, ws: Ptr): void;
  /** dx (+ dx when acc ≠ 0) = ∂(Σ dy·y)/∂x for dx rows r0 … r0 + nr − 1 of n·h. */
  f32_conv2d_dx(geom: Ptr, dy: Ptr, w: Ptr, dx: Ptr, acc: number, r0: number, nr: number, ws: Ptr): void;
  /**
   * conv2dTranspose: y [n, h, w, c] = act(f32_conv2d_dx(x [n, oh, ow, f]) + bias (c)) for rows r0 …
   * r0 + nr − 1 of n·h; geom is the conv it transposes (conv.ts convTransposeGeometry), W Keras's
   * conv2dTranspose kernel [kh, kw, filters = c, inChannels = f].
   */
  f32_conv2d_transpose_bias_act(geom: Ptr, x: Ptr, w: Ptr, y: Ptr, bias: Ptr, act: number, alpha: number, r0: number, nr: number, ws: Ptr): void;
  /**
   * dW (+ dW when acc ≠ 0) = Σ patches(x)ᵀ·dy for dW rows k0 … k0 + kn − 1 of kh·kw·c and columns
   * f0 … f0 + fn − 1 of f. The bias gradient is f32_col_sum(dy, db, n·oh·ow, f, acc).
   */
  f32_conv2d_dw(geom: Ptr, x: Ptr, dy: Ptr, dw: Ptr, acc: number, k0: number, kn: number, f0: number, fn: number, ws: Ptr): void;
  /**
   * dW summed over the output pixels s·seg … (s + 1)·seg − 1 only, written to parts + s·kh·kw·c·f
   * floats, for the parts s = s0 … s0 + ns − 1; f32_col_sum over the parts in order gives dW.
   * seg is a multiple of 256 fixed by the geometry (layers/conv-common.ts convDw).
   */
  f32_conv2d_dw_parts(geom: Ptr, x: Ptr, dy: Ptr, parts: Ptr, seg: number, s0: number, ns: number, ws: Ptr): void;

  // f32-pool.ts: pooling over windows of real cells (padding never takes part), the same geometry
  // block with f = c (kh, kw the pool size). A global pooling is the window of the whole image.
  /** y = window max; argmax (i32, or 0) its index (ih·w + iw)·c + ch within the image; rows r0 … of n·oh. */
  f32_maxpool2d(geom: Ptr, x: Ptr, y: Ptr, argmax: Ptr, r0: number, nr: number): void;
  /** dx (+ dx when acc ≠ 0): each dy at the cell its argmax names, for images n0 … n0 + nn − 1. */
  f32_maxpool2d_grad(geom: Ptr, dy: Ptr, argmax: Ptr, dx: Ptr, acc: number, n0: number, nn: number): void;
  /** y = mean of the window's real cells (TensorFlow's 'same'), rows r0 … r0 + nr − 1 of n·oh. */
  f32_avgpool2d(geom: Ptr, x: Ptr, y: Ptr, r0: number, nr: number): void;
  /** dx (+ dx when acc ≠ 0): each dy / (its window's real cells) to each of them, images n0 … */
  f32_avgpool2d_grad(geom: Ptr, dy: Ptr, dx: Ptr, acc: number, n0: number, nn: number): void;

  // f32-spatial.ts: copies of channels-last images x [n, h, w, c], outputs written whole.
  /** y [n, h + top + bottom, w + left + right, c] = x padded with zeros; a negative amount crops. */
  f32_pad2d(x: Ptr, y: Ptr, n: number, h: number, w: number, c: number, top: number, bottom: number, left: number, right: number): void;
  /** y [n, h·sh, w·sw, c]: each cell repeated over an sh × sw block (nearest-neighbour upsampling). */
  f32_upsample2d(x: Ptr, y: Ptr, n: number, h: number, w: number, c: number, sh: number, sw: number): void;
  /** dx [n, h, w, c] = the sum of dy [n, h·sh, w·sw, c] over each cell's block. */
  f32_upsample2d_grad(dy: Ptr, dx: Ptr, n: number, h: number, w: number, c: number, sh: number, sw: number): void;
  /** y [n, oh, ow, c] = x [n, h, w, c] resized bilinearly (TensorFlow's formula; half ≠ 0: half-pixel centers, Keras). */
  f32_resize_bilinear(x: Ptr, y: Ptr, n: number, h: number, w: number, c: number, oh: number, ow: number, half: number): void;
  /** dx [n, h, w, c]: the gradient of f32_resize_bilinear from dy [n, oh, ow, c]. */
  f32_resize_bilinear_grad(dy: Ptr, dx: Ptr, n: number, h: number, w: number, c: number, oh: number, ow: number, half: number): void;

  // f32-activations.ts. Elementwise over n contiguous floats; x and y may alias.
  /** y = act(x). */
  f32_activation(x: Ptr, y: Ptr, n: number, act: number, alpha: number): void;
  /** dx = dy ⊙ act'(x), written in terms of the forward output y; dy and dx may alias. */
  f32_activation_grad(y: Ptr, dy: Ptr, dx: Ptr, n: number, act: number, alpha: number): void;
  /** y = x > 0 ? x : alpha[j]·x over a (rows×cols) matrix, alpha (cols). */
  f32_prelu(x: Ptr, alpha: Ptr, y: Ptr, rows: number, cols: number): void;
  /** dx = dy·(x > 0 ? 1 : alpha[j]); dalpha[j] (+)= Σ_rows dy·(x > 0 ? 0 : x). */
  f32_prelu_grad(x: Ptr, alpha: Ptr, dy: Ptr, dx: Ptr, dalpha: Ptr, rows: number, cols: number, acc: number): void;

  // f32-softmax-xent.ts
  /** Row softmax of a (rows×cols) matrix, max-subtracted; x and y may alias. */
  f32_softmax(x: Ptr, y: Ptr, rows: number, cols: number): void;
  /** dx = y ⊙ (dy − Σ_j dy·y) per row. */
  f32_softmax_grad(y: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number): void;
  /**
   * Fused softmax + cross-entropy with dense (one-hot or probability) targets t (rows×cols).
   * Returns Σ_i w_i·Σ_j t_ij·(lse_i − z_ij) in f64; writes p = softmax(z) when p ≠ 0 and
   * dz = scale·w_i·(p_ij·Σ_j t_ij − t_ij) when dz ≠ 0. w: per-row weights or 0.
   */
  f32_softmax_xent(z: Ptr, t: Ptr, w: Ptr, p: Ptr, dz: Ptr, rows: number, cols: number, scale: number): number;
  /** As f32_softmax_xent with integer class labels (i32, rows) in [0, cols). */
  f32_sparse_softmax_xent(z: Ptr, labels: Ptr, w: Ptr, p: Ptr, dz: Ptr, rows: number, cols: number, scale: number): number;

  // f32-losses.ts. Each returns Σ_i w_i·Σ_j ℓ(yp_ij, yt_ij) in f64 (w = 0: all ones) and, when
  // dyp ≠ 0, writes dyp = scale·w_i·∂ℓ/∂yp. The host picks scale (Keras: 1/(rows·cols) for MSE).
  f32_mse(yp: Ptr, yt: Ptr, w: Ptr, dyp: Ptr, rows: number, cols: number, scale: number): number;
  f32_mae(yp: Ptr, yt: Ptr, w: Ptr, dyp: Ptr, rows: number, cols: number, scale: number): number;
  f32_huber(yp: Ptr, yt: Ptr, w: Ptr, dyp: Ptr, rows: number, cols: number, delta: number, scale: number): number;
  /** Binary cross-entropy on logits z: max(z,0) − z·t + log(1 + e^−|z|); gradient σ(z) − t. */
  f32_bce_logits(z: Ptr, t: Ptr, w: Ptr, dz: Ptr, rows: number, cols: number, scale: number): number;
  /** Binary cross-entropy on probabilities p clipped to [eps, 1 − eps] (Keras). */
  f32_bce(p: Ptr, t: Ptr, w: Ptr, dp: Ptr, rows: number, cols: number, eps: number, scale: number): number;
  /** Categorical cross-entropy on probabilities: −Σ t·log(clip(p, eps, 1)). */
  f32_cce(p: Ptr, t: Ptr, w: Ptr, dp: Ptr, rows: number, cols: number, eps: number, scale: number): number;

  // f32-reduce.ts
  /** y[j] (+)= Σ_i x[i·cols + j]: the bias gradient. */
  f32_col_sum(x: Ptr, y: Ptr, rows: number, cols: number, acc: number): void;
  /** Σ x² in f64. */
  f32_sumsq(x: Ptr, n: number): number;
  /** Σ|x| in f64; when g ≠ 0 also g += λ·sign(x), sign(0) = 0 (the L1 penalty's value and gradient). */
  f32_l1(x: Ptr, g: Ptr, n: number, lambda: number): number;

  // f32-vector.ts
  /** y += a·x. */
  f32_axpy(n: number, a: number, x: Ptr, y: Ptr): void;
  /** y = a·x; x and y may alias. */
  f32_scale(n: number, a: number, x: Ptr, y: Ptr): void;
  f32_copy(x: Ptr, y: Ptr, n: number): void;
  /** x = min(max(x, lo), hi) in place. */
  f32_clip(x: Ptr, n: number, lo: number, hi: number): void;
  /** dst[r, :] = src[idx[r], :] for r < nIdx; idx is i32; rows of cols floats. */
  f32_gather_rows(src: Ptr, idx: Ptr, nIdx: number, cols: number, dst: Ptr): void;
  /** z = x ⊙ y; any may alias exactly. */
  f32_mul(x: Ptr, y: Ptr, z: Ptr, n: number): void;
  /** dst[r·ldd + j] = src[r·lds + j] for r < rows, j < cols (strides in floats); no overlap. */
  f32_copy_2d(src: Ptr, lds: number, dst: Ptr, ldd: number, rows: number, cols: number): void;

  // f32-batchnorm.ts. (rows × cols) contiguous, one channel per column.
  /** Batch mean and biased variance per column, two passes, into mean and var (cols each). */
  f32_batchnorm_stats(x: Ptr, mean: Ptr, vr: Ptr, rows: number, cols: number): void;
  /** y = (x − mean)·γ/√(var + eps) + β; gamma/beta = 0: γ = 1, β = 0. y may alias x. */
  f32_batchnorm_apply(x: Ptr, y: Ptr, mean: Ptr, vr: Ptr, gamma: Ptr, beta: Ptr, rows: number, cols: number, eps: number): void;
  /**
   * Backward through the batch statistics: dβ (+)= Σdy, dγ (+)= Σdy·x̂ (skipped when 0),
   * dx = γ·r·(dy − mean(dy) − x̂·mean(dy·x̂)) unless dx = 0; dx may alias dy.
   */
  f32_batchnorm_grad(x: Ptr, dy: Ptr, dx: Ptr, mean: Ptr, vr: Ptr, gamma: Ptr, dgamma: Ptr, dbeta: Ptr, rows: number, cols: number, eps: number, acc: number): void;

  // f32-optimizers.ts. One call over the flat parameter slab p with gradients g (same layout).
  /** p −= lr·g. */
  f32_sgd(p: Ptr, g: Ptr, n: number, lr: number): void;
  /** Keras momentum: v = μ·v − lr·g; p += v (nesterov ≠ 0: p += μ·v − lr·g). */
  f32_sgd_momentum(p: Ptr, g: Ptr, v: Ptr, n: number, lr: number, momentum: number, nesterov: number): void;
  /**
   * Adam (seed 001 eq. 1.6): m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²; with AMSGrad (vmax ≠ 0)
   * vmax = max(vmax, v) is used for v; p −= lr·(m·c1)/(√(v·c2) + ε) where c1 = 1/(1−β₁ᵗ),
   * c2 = 1/(1−β₂ᵗ) come from the host in f64. wd ≠ 0: decoupled weight decay (AdamW),
   * p −= lr·wd·p before the update.
   */
  f32_adam(p: Ptr, g: Ptr, m: Ptr, v: Ptr, vmax: Ptr, n: number, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number, wd: number): void;
  /** RMSprop (Keras): s = ρ·s + (1−ρ)·g²; p −= lr·g/(√s + ε). */
  f32_rmsprop(p: Ptr, g: Ptr, s: Ptr, n: number, lr: number, rho: number, eps: number): void;
  /** Adagrad (Keras): s += g²; p −= lr·g/√(s + a), a = initialAccumulatorValue + ε (s holds Σg²). */
  f32_adagrad(p: Ptr, g: Ptr, s: Ptr, n: number, lr: number, a: number): void;
  /** Adamax (Keras): m = β₁m + (1−β₁)g; u = max(β₂u, |g|); p −= lr·c1·m/(u + ε), c1 = 1/(1−β₁ᵗ). */
  f32_adamax(p: Ptr, g: Ptr, m: Ptr, u: Ptr, n: number, lr: number, beta1: number, beta2: number, eps: number, c1: number): void;
  /** Nadam (Keras): m, v as Adam; p −= lr·(cm·m + cg·g)/(√(v·c2) + ε), the constants from the host in f64. */
  f32_nadam(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, beta1: number, beta2: number, eps: number, cm: number, cg: number, c2: number): void;

  // f32-random.ts
  /** Box–Muller over pairs of uniforms u in (0, 1] (f32, n): y = mean + std·z. u and y may alias. */
  f32_box_muller(u: Ptr, y: Ptr, n: number, mean: number, std: number): void;

  // f32-layernorm.ts (issue 18). (rows × cols) contiguous, each row normalized over its cols; stats 2 floats per row (mean, 1/√(var + eps)).
  /** y = (x − mean_row)/√(var_row + eps)·γ + β, two-pass row statistics into stats; gamma/beta = 0: γ = 1, β = 0. y may alias x. */
  f32_layernorm(x: Ptr, y: Ptr, stats: Ptr, gamma: Ptr, beta: Ptr, rows: number, cols: number, eps: number): void;
  /** dβ (+)= Σ_rows dy, dγ (+)= Σ_rows dy·x̂ (skipped when 0); dx = r·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ, unless dx = 0; dx may alias dy. */
  f32_layernorm_grad(x: Ptr, dy: Ptr, dx: Ptr, stats: Ptr, gamma: Ptr, dgamma: Ptr, dbeta: Ptr, rows: number, cols: number, acc: number): void;

  // f64-math.ts: scalar transcendentals computed in wasm, identical in every engine.
  f64_exp(x: number): number;
  f64_log(x: number): number;
  f64_cos(x: number): number;
  f64_sin(x: number): number;
  f64_log1p(x: number): number;

  // f32-recurrent.ts: SimpleRNN (cell 0), LSTM (1), GRU (2; 3 resetAfter false, aux [T, B, u] of r ⊙ h) over a whole sequence, time-major
  // (layouts in the file's header): zx [T, B, G·u] the input projections, U [u, G·u], hs [T + 1, B, u]
  // with slot 0 the initial state, aux LSTM's cell states [T + 1, B, u] or GRU's recurrent
  // projections [T, B, 3u], mask [T, B] or 0. ract/act: codes without alpha (hardSigmoid included).
  /** Forward: zx becomes the gate activations, hs (and aux) the states. bias: GRU's recurrent bias or 0. rmask: recurrent dropout [B, u] then B·u scratch, or 0. */
  f32_rnn_forward(cell: number, steps: number, batch: number, units: number, zx: Ptr, w: Ptr, bias: Ptr, mask: Ptr, rmask: Ptr, hs: Ptr, aux: Ptr, ract: number, act: number, ws: Ptr): void;
  /** Backward through time: dhs [T, B, u] (overwritten) in; dA in zx (GRU: dR in aux) out. tmp: B·u + 4u floats, its first B·u dc_T in (LSTM). init ≠ 0: dh_0 added into the block before dhs, LSTM's dc_0 left in tmp. */
  f32_rnn_backward(cell: number, steps: number, batch: number, units: number, zx: Ptr, w: Ptr, mask: Ptr, rmask: Ptr, hs: Ptr, aux: Ptr, dhs: Ptr, tmp: Ptr, ract: number, act: number, init: number, ws: Ptr): void;
  /** seq [B, T, w] ↔ time-major [T, B, w]; toTime ≠ 0: seq → time; rev ≠ 0 reverses time. */
  f32_seq_swap(seq: Ptr, time: Ptr, batch: number, steps: number, w: number, toTime: number, rev: number): void;
}

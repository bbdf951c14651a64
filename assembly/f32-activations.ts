// Elementwise activations and their gradients; codes and SELU constants from activation-math.ts.
// Every loop runs f32x4 over the first n & ~3 elements, then a scalar tail: nothing past
// element n − 1 is read or written, and pointers need not be 16-byte aligned.
import {
  actF32x4, actF32, ACT_ELU, ACT_HARD_SIGMOID, ACT_LEAKY_RELU, ACT_LINEAR, ACT_RELU, ACT_SELU, ACT_SIGMOID, ACT_SOFTPLUS, ACT_TANH, SELU_ALPHA, SELU_LAMBDA,
} from './activation-math';
import { expm1Lanes } from './simd';

// λ·α in float32: the product of the rounded constants rounds to the same float as λ·α in float64.
const SELU_LAMBDA_ALPHA: f32 = SELU_LAMBDA * SELU_ALPHA;

@inline function activationLoop(x: usize, y: usize, n: i32, act: i32, alpha: f32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  let i: usize = 0;
  for (; i < nv; i += 16) v128.store(y + i, actF32x4(v128.load(x + i), act, alpha));
  for (; i < nb; i += 4) store<f32>(y + i, actF32(load<f32>(x + i), act, alpha));
}

function forwardLinear(x: usize, y: usize, n: i32, alpha: f32): void { activationLoop(x, y, n, ACT_LINEAR, alpha); }
function forwardRelu(x: usize, y: usize, n: i32, alpha: f32): void { activationLoop(x, y, n, ACT_RELU, alpha); }
function forwardSigmoid(x: usize, y: usize, n: i32, alpha: f32): void { activationLoop(x, y, n, ACT_SIGMOID, alpha); }
function forwardTanh(x: usize, y: usize, n: i32, alpha: f32): void { activationLoop(x, y, n, ACT_TANH, alpha); }
function forwardLeakyRelu(x: usize, y: usize, n: i32, alpha: f32): void { activationLoop(x, y, n, ACT_LEAKY_RELU, alpha); }
function forwardElu(x: usize, y: usize, n: i32, alpha: f32): void { activationLoop(x, y, n, ACT_ELU, alpha); }
function forwardSelu(x: usize, y: usize, n: i32, alpha: f32): void { activationLoop(x, y, n, ACT_SELU, alpha); }
function forwardSoftplus(x: usize, y: usize, n: i32, alpha: f32): void { activationLoop(x, y, n, ACT_SOFTPLUS, alpha); }
// hardSigmoid is not in actF32x4 (the gemm and convolution epilogues do not take it): its own loop.
@inline function hardSigmoidF32x4(x: v128): v128 {
  return f32x4.max(f32x4.min(f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5)), f32x4.splat(1)), f32x4.splat(0));
}
function forwardHardSigmoid(x: usize, y: usize, n: i32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  let i: usize = 0;
  for (; i < nv; i += 16) v128.store(y + i, hardSigmoidF32x4(v128.load(x + i)));
  for (; i < nb; i += 4) v128.store32_lane(y + i, hardSigmoidF32x4(v128.load32_zero(x + i)), 0);
}

/**
 * y = act(x), n elements (f32). x and y may alias exactly (in place), not partially.
 * NaN in x gives NaN in y for every code; finite x gives finite y (sigmoid/tanh/softplus via e^−|x|).
 * Unknown act codes are linear. alpha: the leakyRelu slope and the elu scale; ignored otherwise.
 */
export function f32_activation(x: usize, y: usize, n: i32, act: i32, alpha: f32): void {
  // One function per code, so the code is a constant inside its loop (inlined into one function,
  // Binaryen's code folding merged the eight loops back into one with the switch inside).
  switch (act) {
    case ACT_RELU: forwardRelu(x, y, n, alpha); break;
    case ACT_SIGMOID: forwardSigmoid(x, y, n, alpha); break;
    case ACT_TANH: forwardTanh(x, y, n, alpha); break;
    case ACT_LEAKY_RELU: forwardLeakyRelu(x, y, n, alpha); break;
    case ACT_ELU: forwardElu(x, y, n, alpha); break;
    case ACT_SELU: forwardSelu(x, y, n, alpha); break;
    case ACT_SOFTPLUS: forwardSoftplus(x, y, n, alpha); break;
    case ACT_HARD_SIGMOID: forwardHardSigmoid(x, y, n); break;
    default: forwardLinear(x, y, n, alpha);
  }
}

// act'(x) written in terms of the forward output y = act(x).
@inline function gradScalar(y: f32, act: i32, alpha: f32): f32 {
  switch (act) {
    case ACT_RELU: return y > 0 ? 1 : 0;
    case ACT_SIGMOID: return y * (1 - y);
    case ACT_TANH: return (1 - y) * (1 + y); // 1 − y², without the cancellation near |y| = 1
    case ACT_LEAKY_RELU: return y > 0 ? 1 : alpha;
    case ACT_ELU: return y > 0 ? 1 : y + alpha;
    case ACT_SELU: return y > 0 ? SELU_LAMBDA : y + SELU_LAMBDA_ALPHA;
    case ACT_SOFTPLUS: return -Mathf.expm1(-y); // 1 − e^−y
    case ACT_HARD_SIGMOID: return y > 0 && y < 1 ? 0.2 : 0;
    default: return 1;
  }
}

@inline function gradF32x4(y: v128, act: i32, alpha: f32): v128 {
  const zero = f32x4.splat(0), one = f32x4.splat(1);
  switch (act) {
    case ACT_RELU: return v128.and(one, f32x4.gt(y, zero));
    case ACT_SIGMOID: return f32x4.mul(y, f32x4.sub(one, y));
    case ACT_TANH: return f32x4.mul(f32x4.sub(one, y), f32x4.add(one, y));
    case ACT_LEAKY_RELU: return v128.bitselect(one, f32x4.splat(alpha), f32x4.gt(y, zero));
    case ACT_ELU: return v128.bitselect(one, f32x4.add(y, f32x4.splat(alpha)), f32x4.gt(y, zero));
    case ACT_SELU: return v128.bitselect(f32x4.splat(SELU_LAMBDA), f32x4.add(y, f32x4.splat(SELU_LAMBDA_ALPHA)), f32x4.gt(y, zero));
    case ACT_SOFTPLUS: return f32x4.neg(expm1Lanes(f32x4.neg(y)));
    case ACT_HARD_SIGMOID: return v128.and(f32x4.splat(0.2), v128.and(f32x4.gt(y, zero), f32x4.lt(y, one)));
    default: return one;
  }
}

@inline function gradLoop(y: usize, dy: usize, dx: usize, n: i32, act: i32, alpha: f32): void {
  const nv = <usize>(n & ~3) << 2, nb = <usize>n << 2;
  let i: usize = 0;
  for (; i < nv; i += 16) v128.store(dx + i, f32x4.mul(v128.load(dy + i), gradF32x4(v128.load(y + i), act, alpha)));
  for (; i < nb; i += 4) store<f32>(dx + i, load<f32>(dy + i) * gradScalar(load<f32>(y + i), act, alpha));
}

function backwardLinear(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { gradLoop(y, dy, dx, n, ACT_LINEAR, alpha); }
function backwardRelu(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { gradLoop(y, dy, dx, n, ACT_RELU, alpha); }
function backwardSigmoid(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { gradLoop(y, dy, dx, n, ACT_SIGMOID, alpha); }
function backwardTanh(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { gradLoop(y, dy, dx, n, ACT_TANH, alpha); }
function backwardLeakyRelu(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { gradLoop(y, dy, dx, n, ACT_LEAKY_RELU, alpha); }
function backwardElu(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { gradLoop(y, dy, dx, n, ACT_ELU, alpha); }
function backwardSelu(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { gradLoop(y, dy, dx, n, ACT_SELU, alpha); }
function backwardSoftplus(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { gradLoop(y, dy, dx, n, ACT_SOFTPLUS, alpha); }
function backwardHardSigmoid(y: usize, dy: usize, dx: usize, n: i32, alpha: f32): void { gradLoop(y, dy, dx, n, ACT_HARD_SIGMOID, alpha); }

/**
 * dx = dy ⊙ act'(x), with act' written in terms of the forward output y: sigmoid y(1−y),
 * tanh 1−y², relu [y>0], leakyRelu y>0 ? 1 : α, elu y>0 ? 1 : y+α, selu y>0 ? λ : y+λα,
 * softplus 1−e^−y, hardSigmoid [0<y<1]·0.2, linear 1. n elements. dx may alias dy or y exactly.
 * NaN: dx = dy·act'(y) is a product, so NaN (or ±Inf times 0) in dy gives NaN; a NaN y gives NaN
 * except for relu, leakyRelu and linear, where it takes the y ≤ 0 slope (the forward already
 * made that element NaN).
 */
export function f32_activation_grad(y: usize, dy: usize, dx: usize, n: i32, act: i32, alpha: f32): void {
  switch (act) {
    case ACT_RELU: backwardRelu(y, dy, dx, n, alpha); break;
    case ACT_SIGMOID: backwardSigmoid(y, dy, dx, n, alpha); break;
    case ACT_TANH: backwardTanh(y, dy, dx, n, alpha); break;
    case ACT_LEAKY_RELU: backwardLeakyRelu(y, dy, dx, n, alpha); break;
    case ACT_ELU: backwardElu(y, dy, dx, n, alpha); break;
    case ACT_SELU: backwardSelu(y, dy, dx, n, alpha); break;
    case ACT_SOFTPLUS: backwardSoftplus(y, dy, dx, n, alpha); break;
    case ACT_HARD_SIGMOID: backwardHardSigmoid(y, dy, dx, n, alpha); break;
    default: backwardLinear(y, dy, dx, n, alpha);
  }
}

/**
 * y[i, j] = x[i, j] > 0 ? x[i, j] : alpha[j]·x[i, j]; x, y (rows×cols) row-major and contiguous,
 * alpha (cols). x and y may alias exactly. Each row: f32x4 over cols & ~3, scalar tail.
 * NaN in x or in alpha (where x ≤ 0) gives NaN.
 */
export function f32_prelu(x: usize, alpha: usize, y: usize, rows: i32, cols: i32): void {
  const zero = f32x4.splat(0);
  const nv = <usize>(cols & ~3) << 2, rowBytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    let j: usize = 0;
    for (; j < nv; j += 16) {
      const v = v128.load(x + off + j);
      v128.store(y + off + j, v128.bitselect(v, f32x4.mul(v128.load(alpha + j), v), f32x4.gt(v, zero)));
    }
    for (; j < rowBytes; j += 4) {
      const v = load<f32>(x + off + j);
      store<f32>(y + off + j, v > 0 ? v : load<f32>(alpha + j) * v);
    }
  }
}

/**
 * dx[i, j] = dy[i, j]·(x[i, j] > 0 ? 1 : alpha[j]);
 * dalpha[j] = (acc ≠ 0 ? dalpha[j] : 0) + Σ_i dy[i, j]·(x[i, j] > 0 ? 0 : x[i, j]), summed in
 * row order in f32. x, dy, dx (rows×cols) contiguous; alpha, dalpha (cols). dx = 0 or dalpha = 0:
 * that output is skipped. dx may alias dy or x exactly; dalpha aliases nothing.
 * NaN: products, so NaN in dy or x (or alpha where x ≤ 0) reaches dx and dalpha[j].
 */
export function f32_prelu_grad(x: usize, alpha: usize, dy: usize, dx: usize, dalpha: usize, rows: i32, cols: i32, acc: i32): void {
  const zero = f32x4.splat(0);
  const nv = <usize>(cols & ~3) << 2, rowBytes = <usize>cols << 2;
  if (dalpha != 0 && acc == 0) memory.fill(dalpha, 0, rowBytes);
  for (let r = 0; r < rows; r++) {
    const off = <usize>r * rowBytes;
    let j: usize = 0;
    for (; j < nv; j += 16) {
      const v = v128.load(x + off + j), g = v128.load(dy + off + j);
      const pos = f32x4.gt(v, zero);
      if (dalpha != 0) v128.store(dalpha + j, f32x4.add(v128.load(dalpha + j), f32x4.mul(g, v128.bitselect(zero, v, pos))));
      if (dx != 0) v128.store(dx + off + j, f32x4.mul(g, v128.bitselect(f32x4.splat(1), v128.load(alpha + j), pos)));
    }
    for (; j < rowBytes; j += 4) {
      const v = load<f32>(x + off + j), g = load<f32>(dy + off + j);
      if (dalpha != 0) store<f32>(dalpha + j, load<f32>(dalpha + j) + g * (v > 0 ? 0 : v));
      if (dx != 0) store<f32>(dx + off + j, g * (v > 0 ? 1 : load<f32>(alpha + j)));
    }
  }
}

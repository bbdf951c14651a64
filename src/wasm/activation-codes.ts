// The activation codes the kernels take and SELU's constants, in one file that both compilers read:
// TypeScript (src/wasm/kernels.ts builds `Act` from it) and AssemblyScript (assembly/activation-math.ts
// imports it). So it holds number constants only and imports nothing.

export const ACT_LINEAR = 0;
export const ACT_RELU = 1;
export const ACT_SIGMOID = 2;
export const ACT_TANH = 3;
export const ACT_LEAKY_RELU = 4; // y = x > 0 ? x : alpha·x
export const ACT_ELU = 5; //        y = x > 0 ? x : alpha·(eˣ − 1)
export const ACT_SELU = 6; //       y = λ·(x > 0 ? x : α·(eˣ − 1))
export const ACT_SOFTPLUS = 7; //   y = log(1 + eˣ)
export const ACT_HARD_SIGMOID = 8; // y = clip(0.2·x + 0.5, 0, 1) (TF.js's and Keras 2's; the recurrent gates)

// SELU's α and λ in full precision (Klambauer et al. 2017; DESIGN.md: the seeds round them). The
// kernels round them to float32; the ONNX export writes them as float32 too.
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_LAMBDA = 1.0507009873554805;

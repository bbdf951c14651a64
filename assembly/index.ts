// The one export list of lepton's kernels (STYLE.md: "one export list is the only place a kernel
// is registered"). Every file below is pointer-in, pointer-out: no allocation, no mutable statics.
export { lepton_heap_base, lepton_build } from './meta';
export {
  f32_gemm_workspace, f32_gemm_nn, f32_gemm_nt, f32_gemm_tn, f32_gemm_nn_bias_act,
} from './f32-gemm';
export { f32_box_muller } from './f32-random';

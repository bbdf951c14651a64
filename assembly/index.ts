// The one export list of lepton's kernels (STYLE.md: "one export list is the only place a kernel
// is registered"). Every file below is pointer-in, pointer-out: no allocation, no mutable statics.
export { lepton_heap_base, lepton_build } from './meta';
export {
  f32_gemm_workspace, f32_gemm_nn, f32_gemm_nt, f32_gemm_tn, f32_gemm_nn_bias_act,
} from './f32-gemm';
export {
  f32_conv2d_workspace, f32_conv2d_bias_act, f32_conv2d_dx, f32_conv2d_transpose_bias_act, f32_conv2d_dw, f32_conv2d_dw_parts,
} from './f32-conv';
export { f32_maxpool2d, f32_maxpool2d_grad, f32_avgpool2d, f32_avgpool2d_grad } from './f32-pool';
export { f32_activation, f32_activation_grad, f32_prelu, f32_prelu_grad } from './f32-activations';
export { f32_softmax, f32_softmax_grad, f32_softmax_xent, f32_sparse_softmax_xent } from './f32-softmax-xent';
export { f32_mse, f32_mae, f32_huber, f32_bce_logits, f32_bce, f32_cce } from './f32-losses';
export { f32_col_sum, f32_sumsq, f32_l1 } from './f32-reduce';
export { f32_axpy, f32_scale, f32_copy, f32_clip, f32_gather_rows, f32_mul, f32_copy_2d } from './f32-vector';
export { f32_sgd, f32_sgd_momentum, f32_adam, f32_rmsprop, f32_adagrad, f32_adamax, f32_nadam } from './f32-optimizers';
export { f32_box_muller } from './f32-random';
export { f32_batchnorm_stats, f32_batchnorm_apply, f32_batchnorm_grad } from './f32-batchnorm';
export { f32_pad2d, f32_upsample2d, f32_upsample2d_grad, f32_resize_bilinear, f32_resize_bilinear_grad } from './f32-spatial';
export { f64_exp, f64_log, f64_log1p, f64_cos, f64_sin } from './f64-math';
// issue 18: layer normalization
export { f32_layernorm, f32_layernorm_grad } from './f32-layernorm';
export { f32_rnn_forward, f32_rnn_backward, f32_seq_swap } from './f32-recurrent';

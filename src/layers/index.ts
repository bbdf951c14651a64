// The `layers` namespace of the public API: Keras names, camelCase.
import { Dense, type DenseArgs } from './dense.js';
import { activation, elu, leakyReLU, prelu, softmax } from './activation.js';
import { batchNormalization } from './batch-normalization.js';
import { dropout } from './dropout.js';
import { alphaDropout } from './alpha-dropout.js';
import { add, average, concatenate, multiply, subtract } from './merge.js';
import { flatten, reshape } from './reshape.js';
import { leading } from '../options.js';
import { conv2d, conv2dTranspose } from './conv2d.js';
import { averagePooling2d, maxPooling2d } from './pooling.js';
import { globalAveragePooling2d, globalMaxPooling2d } from './global-pooling.js';
import { upSampling2d } from './up-sampling.js';
import { cropping2d, zeroPadding2d } from './padding.js';
// issue 18
import { layerNormalization } from './layer-normalization.js';
import { gaussianNoise } from './gaussian-noise.js';
import { embedding } from './embedding.js';
import { simpleRNN } from './simple-rnn.js';
import { lstm } from './lstm.js';
import { gru } from './gru.js';
import { masking } from './masking.js';
import { bidirectional, timeDistributed } from './wrappers.js';

export const layers = {
  /** dense(8, { … }), or TF.js's dense({ units: 8, … }). */
  dense: (units: number | (DenseArgs & { units: number }), args?: DenseArgs) => new Dense(...leading<number, DenseArgs>('layers.dense', 'units', units, args)),
  activation,
  leakyReLU,
  elu,
  prelu,
  softmax,
  batchNormalization,
  dropout,
  alphaDropout,
  add,
  subtract,
  multiply,
  average,
  concatenate,
  reshape,
  flatten,
  // Convolutional layers (issue 14): channels-last images.
  conv2d,
  conv2dTranspose,
  maxPooling2d,
  averagePooling2d,
  // images [batch, height, width, channels]
  globalAveragePooling2d,
  globalMaxPooling2d,
  upSampling2d,
  zeroPadding2d,
  cropping2d,
  // issue 18
  layerNormalization,
  gaussianNoise,
  embedding,
  // recurrent (issue 17)
  simpleRNN,
  lstm,
  gru,
  masking,
  bidirectional,
  timeDistributed,
};

export { Layer, type Buf, type Ctx, type Weight, type Regularizer } from './layer.js';
export { Dense, type DenseArgs } from './dense.js';
export { Activation, PReLU } from './activation.js';
export { BatchNormalization, type BatchNormalizationArgs } from './batch-normalization.js';
export { Dropout, type DropoutArgs } from './dropout.js';
export { AlphaDropout } from './alpha-dropout.js';
export { ElementwiseMerge, Concatenate } from './merge.js';
export { Reshape } from './reshape.js';
export { Conv2D, Conv2DTranspose, type Conv2DArgs, type Conv2DTransposeArgs } from './conv2d.js';
export { Pooling2D, type Pooling2DArgs } from './pooling.js';
export { GlobalPooling2D, type GlobalPooling2DArgs } from './global-pooling.js';
export { UpSampling2D, type UpSampling2DArgs } from './up-sampling.js';
export { ZeroPadding2D, Cropping2D, type ZeroPadding2DArgs, type Cropping2DArgs } from './padding.js';
// issue 18
export { LayerNormalization, type LayerNormalizationArgs } from './layer-normalization.js';
export { GaussianNoise, type GaussianNoiseArgs } from './gaussian-noise.js';
export { Embedding, type EmbeddingArgs } from './embedding.js';
export { SimpleRNN } from './simple-rnn.js';
export { LSTM, type LSTMArgs } from './lstm.js';
export { GRU, type GRUArgs } from './gru.js';
export { Masking, type MaskingArgs } from './masking.js';
export { Recurrent, type RecurrentArgs, type GatedArgs } from './recurrent.js';
export { Bidirectional, TimeDistributed, type BidirectionalArgs, type MergeMode } from './wrappers.js';
// issue 17, second part: a recurrent call's options and result (initialState, returnState)
export type { RecurrentApplyArgs, RecurrentOutput } from './recurrent.js';

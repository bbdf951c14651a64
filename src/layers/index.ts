// The `layers` namespace of the public API: Keras names, camelCase.
import { Dense, type DenseArgs } from './dense.js';
import { activation, elu, leakyReLU, prelu, softmax } from './activation.js';
import { batchNormalization } from './batch-normalization.js';
import { dropout } from './dropout.js';
import { alphaDropout } from './alpha-dropout.js';
import { add, average, concatenate, multiply, subtract } from './merge.js';
import { flatten, reshape } from './reshape.js';
import { leading } from '../options.js';
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
export { SimpleRNN } from './simple-rnn.js';
export { LSTM, type LSTMArgs } from './lstm.js';
export { GRU, type GRUArgs } from './gru.js';
export { Masking, type MaskingArgs } from './masking.js';
export { Recurrent, type RecurrentArgs, type GatedArgs } from './recurrent.js';
export { Bidirectional, TimeDistributed, type BidirectionalArgs, type MergeMode } from './wrappers.js';

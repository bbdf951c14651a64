// The `layers` namespace of the public API: Keras names, camelCase.
import { Dense, type DenseArgs } from './dense.js';
import { activation, elu, leakyReLU, prelu, softmax } from './activation.js';

export const layers = {
  dense: (units: number, args?: DenseArgs) => new Dense(units, args),
  activation,
  leakyReLU,
  elu,
  prelu,
  softmax,
};

export { Layer, type Buf, type Ctx, type Weight, type Regularizer } from './layer.js';
export { Dense, type DenseArgs } from './dense.js';
export { Activation, PReLU } from './activation.js';

// Activation names (Keras's, camelCase) and what the kernels call them.
import { Act } from './wasm/kernels.js';

export const activationNames = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'selu', 'softplus', 'softmax'] as const;
export type ActivationName = (typeof activationNames)[number];

export interface ActivationSpec {
  name: ActivationName;
  /** Kernel code; softmax has none (it is a row operation, f32_softmax). */
  code: number;
  alpha: number;
}

const aliases: Record<string, ActivationName> = {
  linear: 'linear', relu: 'relu', sigmoid: 'sigmoid', tanh: 'tanh', leakyRelu: 'leakyRelu',
  leaky_relu: 'leakyRelu', leakyrelu: 'leakyRelu', elu: 'elu', selu: 'selu', softplus: 'softplus', softmax: 'softmax',
};

/**
 * `'leakyRelu'` as an activation name uses α = 0.2 (TensorFlow's default, seed 002); the
 * `leakyReLU` layer takes its own alpha (Keras default 0.3). ELU uses α = 1.
 */
export function getActivation(name: string | undefined | null, where: string): ActivationSpec {
  const key = name == null ? 'linear' : aliases[name];
  if (!key) throw new Error(`${where}: unknown activation '${name}'; expected one of ${activationNames.join(', ')}`);
  const code = key === 'softmax' ? -1 : Act[key];
  const alpha = key === 'leakyRelu' ? 0.2 : key === 'elu' ? 1 : 0;
  return { name: key, code, alpha };
}

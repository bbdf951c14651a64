// Activation names (Keras's, camelCase) and what the kernels call them.
import { looseLookup } from './options.js';
import { Act } from './wasm/kernels.js';

export const activationNames = ['linear', 'relu', 'sigmoid', 'tanh', 'leakyRelu', 'elu', 'selu', 'softplus', 'softmax'] as const;
export type ActivationName = (typeof activationNames)[number];

export interface ActivationSpec {
  name: ActivationName;
  /** Kernel code; softmax has none (it is a row operation, f32_softmax). */
  code: number;
  alpha: number;
}

// A Map, not an object literal: 'toString' or '__proto__' must be unknown names like any other.
const aliases = new Map<string, ActivationName>([
  ...activationNames.map((n): [string, ActivationName] => [n, n]),
  ['leaky_relu', 'leakyRelu'], ['leakyrelu', 'leakyRelu'],
]);

/**
 * `'leakyRelu'` as an activation name uses α = 0.2 (TensorFlow's default, seed 002); the
 * `leakyReLU` layer takes its own alpha (Keras default 0.3). ELU uses α = 1.
 */
export function getActivation(name: string | undefined | null, where: string): ActivationSpec {
  const key = name == null ? 'linear' : typeof name === 'string' ? looseLookup(aliases, name) : undefined;
  if (!key) throw new Error(`${where}: unknown activation '${name}'; expected one of ${activationNames.join(', ')}`);
  const code = key === 'softmax' ? -1 : Act[key];
  const alpha = key === 'leakyRelu' ? 0.2 : key === 'elu' ? 1 : 0;
  return { name: key, code, alpha };
}

// Readers of TF.js/Keras layer configs (snake_case), for the TF.js half of each entry in
// layers.ts: activations, initializers and regularizers by Keras's names, axes, and options lepton
// does not have. Initializers map when lepton has them (they matter only for retraining from
// scratch; the weights come from the file).

import { int, num, obj, str, type Json } from './check.js';
import { ModelFormatError } from './errors.js';

/** A TF.js layer being translated: its config, lepton's name and trainable, where it is in the file. */
export interface TfjsLayer {
  /** The TF.js class name (one entry may translate several: ReLU becomes an Activation). */
  cls: string;
  c: Json;
  base: { name: string; trainable: boolean };
  path: string;
  /** The index of the feature axis of the input, counting the batch axis (NaN when not known). */
  lastAxis: number;
}

const ACTIVATIONS = new Map([
  ['linear', 'linear'], ['relu', 'relu'], ['sigmoid', 'sigmoid'], ['tanh', 'tanh'], ['elu', 'elu'], ['selu', 'selu'],
  ['softplus', 'softplus'], ['softmax', 'softmax'], ['leaky_relu', 'leakyRelu'],
]);
const INITIALIZERS = new Map([
  ['GlorotUniform', 'glorotUniform'], ['GlorotNormal', 'glorotNormal'], ['HeNormal', 'heNormal'], ['HeUniform', 'heUniform'],
  ['LecunNormal', 'lecunNormal'], ['LecunUniform', 'lecunUniform'], ['Zeros', 'zeros'], ['Ones', 'ones'],
  ['Orthogonal', 'orthogonal'],
]);
const VARIANCE_SCALING = new Map([
  ['1/fan_avg/uniform', 'glorotUniform'], ['1/fan_avg/truncated_normal', 'glorotNormal'], ['1/fan_avg/normal', 'glorotNormal'],
  ['2/fan_in/truncated_normal', 'heNormal'], ['2/fan_in/uniform', 'heUniform'], ['1/fan_in/truncated_normal', 'lecunNormal'], ['1/fan_in/uniform', 'lecunUniform'],
]);

/** The lepton name of the activation in field `key` (absent: linear). */
export function activationOf(t: TfjsLayer, key = 'activation'): string {
  const v = t.c[key];
  const a = v === undefined || v === null ? 'linear' : str(v, `${t.path}.config.${key}`);
  const m = ACTIVATIONS.get(a);
  if (!m) throw new ModelFormatError(`${t.base.name}: activation '${a.slice(0, 80)}' is not one lepton has (${[...ACTIVATIONS.keys()].join(', ')})`);
  return m;
}

/** Refuses the options lepton does not have, when they are set. */
export function unsupported(t: TfjsLayer, keys: string[]): void {
  for (const k of keys) {
    if (t.c[k] !== undefined && t.c[k] !== null) throw new ModelFormatError(`${t.base.name} (${t.cls}): ${k} is not supported by lepton`);
  }
}

/** A number field, with Keras's default. */
export const numberOf = (t: TfjsLayer, key: string, fallback?: number): number => num(t.c[key] ?? fallback, `${t.path}.config.${key}`);

/** A Keras axis (a number, or a list of one as Keras 2 writes BatchNormalization's); lepton checks it at build. */
export function axisOf(t: TfjsLayer, key = 'axis', fallback = -1): number {
  const v = t.c[key];
  if (v === undefined || v === null) return fallback;
  const a = Array.isArray(v) ? (v.length === 1 ? v[0] : NaN) : v;
  return int(a, `${t.path}.config.${key}`, -1, 8);
}

/** The lepton initializer a Keras one is, or undefined (lepton's default) when lepton has no such initializer. */
export function initializerOf(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Json;
  const name = typeof o.class_name === 'string' ? o.class_name : '';
  const direct = INITIALIZERS.get(name);
  if (direct) return direct;
  if (name === 'VarianceScaling' && typeof o.config === 'object' && o.config !== null) {
    const { scale, mode, distribution } = o.config as Json;
    return VARIANCE_SCALING.get(`${scale}/${mode}/${distribution}`);
  }
  return undefined;
}

/** An L2 (or L1L2 with l1 = 0) regularizer as lepton's config; anything else is refused. */
export function regularizerOf(t: TfjsLayer, key: string): Json | null {
  const v = t.c[key];
  const path = `${t.base.name}.${key}`;
  if (v === undefined || v === null) return null;
  const o = obj(v, path);
  const c = obj(o.config ?? {}, `${path}.config`);
  if (o.class_name !== 'L1L2' && o.class_name !== 'L2' && o.class_name !== 'L1') {
    throw new ModelFormatError(`${path}: ${String(o.class_name).slice(0, 40)} is not a regularizer lepton has (L1, L2, L1L2)`);
  }
  const l1 = o.class_name === 'L2' ? 0 : num(c.l1 ?? 0, `${path}.config.l1`);
  const l2 = o.class_name === 'L1' ? 0 : num(c.l2 ?? 0, `${path}.config.l2`);
  if (l1 === 0) return { name: 'l2', config: { l2 } };
  return l2 === 0 ? { name: 'l1', config: { l1 } } : { name: 'l1l2', config: { l1, l2 } };
}

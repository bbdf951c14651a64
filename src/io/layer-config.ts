// Readers of what lepton layer configs share: name and trainable, initializers, regularizers (the
// forms Layer.getConfig writes with initializerConfig and regularizerConfig). Every value is
// checked: the file is untrusted.

import { initializers, type Initializer } from '../initializers.js';
import type { Regularizer } from '../layers/layer.js';
import { l1, l1l2, l2 } from '../regularizers.js';
import { bool, guard, num, obj, oneOf, opt, str, type Json } from './check.js';
import { ModelFormatError } from './errors.js';

/** name and trainable, which every layer config carries. */
export function baseArgs(c: Json, path: string): { name: string; trainable: boolean } {
  return { name: str(c.name, `${path}.name`), trainable: opt(c.trainable, bool, `${path}.trainable`) ?? true };
}

const initTable = new Map<string, (c: Json) => Initializer>(
  Object.entries(initializers).map(([k, make]) => [k, (c: Json) => (make as (c?: Json) => Initializer)(c)]),
);

export function initializerFromJson(v: unknown, path: string): Initializer | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return oneOf(initTable, v, path, 'initializer')({});
  const o = obj(v, path);
  const make = oneOf(initTable, o.name, `${path}.name`, 'initializer');
  const c = obj(o.config ?? {}, `${path}.config`);
  const clean: Json = {};
  for (const [k, x] of Object.entries(c)) clean[k] = num(x, `${path}.config.${k}`);
  return guard(path, () => make(clean));
}

export function regularizerFromJson(v: unknown, path: string): Regularizer | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, path);
  const c = obj(o.config ?? {}, `${path}.config`);
  const factor = (key: string) => num(c[key], `${path}.config.${key}`);
  switch (o.name) {
    case 'l2': return guard(path, () => l2(factor('l2')));
    case 'l1': return guard(path, () => l1(factor('l1')));
    case 'l1l2': return guard(path, () => l1l2({ l1: factor('l1'), l2: factor('l2') }));
    default: throw new ModelFormatError(`${path}.name: unknown regularizer ${JSON.stringify(o.name)?.slice(0, 80)}; this lepton knows l2, l1, l1l2`);
  }
}

/**
 * A layer's weight options as its config holds them: for each weight name (`'kernel'`, `'bias'`, …)
 * its `<name>Initializer` and `<name>Regularizer`, read and checked.
 */
export function weightOptions<W extends string>(c: Json, path: string, weights: readonly W[]): Record<`${W}Initializer`, Initializer | undefined> & Record<`${W}Regularizer`, Regularizer | undefined> {
  const out: Record<string, Initializer | Regularizer | undefined> = {};
  for (const w of weights) {
    out[`${w}Initializer`] = initializerFromJson(c[`${w}Initializer`], `${path}.${w}Initializer`);
    out[`${w}Regularizer`] = regularizerFromJson(c[`${w}Regularizer`], `${path}.${w}Regularizer`);
  }
  return out as Record<`${W}Initializer`, Initializer | undefined> & Record<`${W}Regularizer`, Regularizer | undefined>;
}

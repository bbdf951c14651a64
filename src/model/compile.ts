// compile's arguments resolved against the model's outputs: one loss, loss weight and metric list
// per output (given once for all, as a list in output order, or by output name), every name
// checked now, so a typo fails at compile and not at the first step.

import type { Layer } from '../layers/layer.js';
import { getLoss, type Loss } from '../losses.js';
import { getMetric } from '../metrics.js';
import { checkOptions } from '../options.js';
import { getOptimizer, type Optimizer } from '../optimizers/index.js';
import { compileKeys, type CompileArgs, type PerOutput } from './types.js';

export interface Compiled {
  optimizer: Optimizer;
  losses: Loss[];
  lossWeights: number[];
  metricNames: string[];
  /** The layers this model trains, by the `trainable` flags at compile (Keras: compile again to apply a change). */
  trained: Layer[];
}

const isLoss = (v: unknown): boolean => typeof v === 'string' || (typeof v === 'object' && v !== null && 'compute' in v);

/**
 * `outputs`: the outputs' names and unit counts, or null for a model not built yet (a sequential
 * without an input shape: one output, its units known later).
 */
export function resolveCompile(model: string, outputs: { name: string; units: number }[] | null, args: CompileArgs, trained: Layer[]): Compiled {
  checkOptions(`${model}.compile`, args, compileKeys);
  const { optimizer, loss, lossWeights, metrics = [] } = args ?? ({} as CompileArgs);
  if (optimizer === undefined || loss === undefined) throw new Error(`${model}.compile needs an optimizer and a loss, got optimizer ${optimizer} and loss ${loss}`);
  const opt = getOptimizer(optimizer);
  if (!outputs && (!isLoss(loss) || lossWeights !== undefined)) {
    throw new Error(`${model}.compile: per-output losses and lossWeights need a built model; give the first layer an inputShape`);
  }
  const names = outputs ? outputs.map((o) => o.name) : ['output'];
  const perOutput = <T>(v: PerOutput<T> | undefined, what: string, dflt: T | undefined, isOne: (v: unknown) => boolean): T[] => {
    if (v === undefined) return names.map(() => dflt!);
    if (isOne(v)) return names.map(() => v as T);
    if (Array.isArray(v)) {
      if (v.length !== names.length) throw new Error(`compile: ${what} has ${v.length} entries for ${names.length} outputs (${names.join(', ')})`);
      return v;
    }
    const rec = v as Record<string, T>;
    for (const key of Object.keys(rec)) if (!names.includes(key)) throw new Error(`compile: ${what} names '${key}', not an output (${names.join(', ')})`);
    return names.map((n) => {
      if (!Object.hasOwn(rec, n) && dflt === undefined) throw new Error(`compile: ${what} has nothing for output '${n}'`);
      return Object.hasOwn(rec, n) ? rec[n] : dflt!;
    });
  };
  const losses = perOutput<string | Loss>(loss, 'loss', undefined, isLoss).map(getLoss);
  const weights = perOutput<number>(lossWeights, 'lossWeights', 1, (v) => typeof v === 'number');
  weights.forEach((w, i) => {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`compile: lossWeights for ${names[i]} must be a finite number ≥ 0, got ${w}`);
  });
  if (!Array.isArray(metrics)) throw new TypeError(`compile: metrics must be an array of names, got ${typeof metrics}`);
  losses.forEach((l, o) => { for (const m of metrics) getMetric(m, l.name, outputs ? outputs[o].units : 1); });
  return { optimizer: opt, losses, lossWeights: weights, metricNames: [...metrics], trained };
}

// Losses, reduced as Keras does: the mean over the batch (sample weights multiply each sample's
// loss; the sum is still divided by the batch size), and for elementwise losses first the mean
// over the output units. Each kernel returns the weighted sum and writes the gradient already
// scaled by 1/(rows·cols) or 1/rows. The cross-entropies over classes sum over the last axis
// only: an output [n, …, classes] is n·… rows of classes to them (a class per timestep or pixel),
// and the mean is over those rows, each with its sample's weight (Keras's sum over batch size).

import { looseLookup } from './options.js';
import type { Kernels } from './wasm/kernels.js';

export interface Loss {
  /** Keras's camelCase name. */
  readonly name: string;
  /** Targets are integer class labels (sparse) rather than rows of the output's width. */
  readonly sparse: boolean;
  /** The output activation this loss computes from logits when the model ends in it. */
  readonly fusesWith?: 'softmax' | 'sigmoid';
  /** The loss itself takes logits (fromLogits): no fusion is needed. */
  readonly fromLogits: boolean;
  readonly config: Record<string, unknown>;
  /** The loss sums over the last axis (the classes) at each position of the output (lossPositions). */
  readonly reducesLastAxis?: boolean;
  /**
   * Mean loss over the batch; writes dL/dy (or dL/dlogits when `logits`) into dy unless dy = 0.
   * y: (rows × cols) predictions or logits; t: targets (f32 rows × cols, or i32 labels when sparse
   * and `logits`); w: per-row weights or 0.
   */
  compute(k: Kernels, y: number, t: number, w: number, dy: number, rows: number, cols: number, logits: boolean): number;
}

const EPS = 1e-7; // Keras's backend epsilon, the clip for probabilities.

function elementwise(name: string, fn: (k: Kernels, y: number, t: number, w: number, dy: number, r: number, c: number, s: number) => number, config: Record<string, unknown> = {}): Loss {
  return {
    name, sparse: false, fromLogits: false, config,
    compute(k, y, t, w, dy, rows, cols) {
      const scale = 1 / (rows * cols);
      return fn(k, y, t, w, dy, rows, cols, scale) * scale;
    },
  };
}

export const losses = {
  /** mean((y − t)²) over units and batch (seed 004; seed 000 eq. 1). */
  meanSquaredError: (): Loss => elementwise('meanSquaredError', (k, y, t, w, dy, r, c, sc) => k.f32_mse(y, t, w, dy, r, c, sc)),
  meanAbsoluteError: (): Loss => elementwise('meanAbsoluteError', (k, y, t, w, dy, r, c, sc) => k.f32_mae(y, t, w, dy, r, c, sc)),
  /** ½e² for |e| ≤ δ, else δ(|e| − ½δ); δ = 1 by default. */
  huber: ({ delta = 1 } = {}): Loss => {
    if (!(delta > 0)) throw new RangeError(`huber: delta must be > 0, got ${delta}`);
    return elementwise('huber', (k, y, t, w, dy, r, c, s) => k.f32_huber(y, t, w, dy, r, c, delta, s), { delta });
  },
  /**
   * −[t·log p + (1 − t)·log(1 − p)]. After a sigmoid output (or with fromLogits) it is computed
   * from the logits, stably; otherwise p is clipped to [1e-7, 1 − 1e-7] as Keras does.
   */
  binaryCrossentropy: ({ fromLogits = false } = {}): Loss => ({
    name: 'binaryCrossentropy', sparse: false, fusesWith: 'sigmoid', fromLogits, config: { fromLogits },
    compute(k, y, t, w, dy, rows, cols, logits) {
      const scale = 1 / (rows * cols);
      const sum = logits || fromLogits ? k.f32_bce_logits(y, t, w, dy, rows, cols, scale) : k.f32_bce(y, t, w, dy, rows, cols, EPS, scale);
      return sum * scale;
    },
  }),
  /** −Σ t·log p per sample; fused with a softmax output (log-sum-exp stable). */
  categoricalCrossentropy: ({ fromLogits = false } = {}): Loss => ({
    name: 'categoricalCrossentropy', sparse: false, fusesWith: 'softmax', fromLogits, config: { fromLogits }, reducesLastAxis: true,
    compute(k, y, t, w, dy, rows, cols, logits) {
      const scale = 1 / rows;
      const sum = logits || fromLogits ? k.f32_softmax_xent(y, t, w, 0, dy, rows, cols, scale) : k.f32_cce(y, t, w, dy, rows, cols, EPS, scale);
      return sum * scale;
    },
  }),
  /** As categoricalCrossentropy with integer labels; targets are i32 labels when fused, one-hot rows otherwise. */
  sparseCategoricalCrossentropy: ({ fromLogits = false } = {}): Loss => ({
    name: 'sparseCategoricalCrossentropy', sparse: true, fusesWith: 'softmax', fromLogits, config: { fromLogits }, reducesLastAxis: true,
    compute(k, y, t, w, dy, rows, cols, logits) {
      const scale = 1 / rows;
      const sum = logits || fromLogits ? k.f32_sparse_softmax_xent(y, t, w, 0, dy, rows, cols, scale) : k.f32_cce(y, t, w, dy, rows, cols, EPS, scale);
      return sum * scale;
    },
  }),
};

/**
 * Positions per sample at which `loss` sees a row of classes: for an output [n, t, classes] under
 * a loss that reduces the last axis, t (the loss and the metrics see n·t rows of `classes`); else 1.
 */
export function lossPositions(loss: Loss, shape: readonly number[]): number {
  if (!loss.reducesLastAxis || shape.length < 2) return 1;
  let p = 1;
  for (let i = 0; i < shape.length - 1; i++) p *= shape[i];
  return p;
}

// Keras's camelCase and snake_case names; a Map, so that 'toString' or '__proto__' is unknown.
const aliasList = [
  ['mse', 'meanSquaredError'], ['meanSquaredError', 'meanSquaredError'], ['mean_squared_error', 'meanSquaredError'],
  ['mae', 'meanAbsoluteError'], ['meanAbsoluteError', 'meanAbsoluteError'], ['mean_absolute_error', 'meanAbsoluteError'],
  ['huber', 'huber'], ['binaryCrossentropy', 'binaryCrossentropy'], ['binary_crossentropy', 'binaryCrossentropy'],
  ['categoricalCrossentropy', 'categoricalCrossentropy'], ['categorical_crossentropy', 'categoricalCrossentropy'],
  ['sparseCategoricalCrossentropy', 'sparseCategoricalCrossentropy'], ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'],
] as const satisfies readonly (readonly [string, keyof typeof losses])[];
const aliases = new Map<string, keyof typeof losses>(aliasList);

export type LossName = (typeof aliasList)[number][0];

export function getLoss(spec: string | Loss): Loss {
  if (typeof spec === 'object' && spec !== null && typeof spec.compute === 'function') return spec;
  const key = typeof spec === 'string' ? looseLookup(aliases, spec) : undefined; // Keras: 'mse', 'MSE', 'mean_squared_error'
  if (!key) throw new Error(`compile: unknown loss ${JSON.stringify(spec)}; expected one of ${[...aliases.keys()].join(', ')} or a losses.* object`);
  return losses[key]();
}

// What a training run leaves behind: the History fit resolves to, the error that stops a run whose
// loss or gradients stopped being finite, and the training state (RNG streams, optimizer slots)
// that save() writes beside the weights so that a resumed run continues as the uninterrupted one.

import type { Logs } from '../callbacks/types.js';
import type { Weight } from '../layers/layer.js';
import type { Loss } from '../losses.js';
import type { Compiled } from '../model/compile.js';
import type { ModelMemory } from '../model/memory.js';
import type { Random } from '../random.js';
import { ShapeError } from '../tensor.js';

/** Keras's History: one entry per epoch under each key of the epoch's logs, and fit's params. */
export class History {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  params: Record<string, number> = {};
  push(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

/** Training stopped because the loss or a gradient stopped being finite. */
export class TrainingError extends Error {
  history?: History;
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** What save needs beyond the public API (Model.getTrainingState / setTrainingState). */
export interface TrainingState {
  metrics: string[];
  /** The loss of each output and its weight in the total (empty before compile). */
  losses: Loss[];
  lossWeights: number[];
  /** xoshiro128** states of the three streams. */
  rng: { init: number[]; shuffle: number[]; step: number[] };
  /** optimizerSlots[slot][weight]: the optimizer's state, weights in Keras order. */
  optimizerSlots: Float32Array[][];
}

/** The model parts the training state lives in. */
interface StateHost {
  readonly name: string;
  readonly weights: readonly Weight[];
  readonly mem: ModelMemory;
  readonly rngs: { init: Random; shuffle: Random; step: Random };
  readonly compiled?: Compiled;
}

/** What getTrainingState returns: metric names, losses, RNG states, optimizer slots (Keras order). */
export function readTrainingState(m: StateHost): TrainingState {
  const a = m.mem.rt.arena;
  const slots = m.compiled?.optimizer.slots ?? 0;
  return {
    metrics: [...(m.compiled?.metricNames ?? [])],
    losses: [...(m.compiled?.losses ?? [])], // io: per-output losses and their weights, for save
    lossWeights: [...(m.compiled?.lossWeights ?? [])],
    rng: { init: m.rngs.init.getState(), shuffle: m.rngs.shuffle.getState(), step: m.rngs.step.getState() },
    optimizerSlots: Array.from({ length: slots }, (_, s) => m.weights.map((w) => {
      const ptr = m.mem.statePtr(w, s);
      return ptr ? Float32Array.from(a.f32(ptr, w.size)) : new Float32Array(w.size);
    })),
  };
}

/** Restores what readTrainingState returned (after compile, for the optimizer slots); checks everything first. */
export function writeTrainingState(m: StateHost, state: Partial<TrainingState>, prepare: () => void): void {
  if (state.optimizerSlots?.length) {
    const opt = m.compiled?.optimizer;
    if (!opt) throw new Error(`${m.name}.setTrainingState: compile the model first (model.compile({ optimizer, loss }))`);
    if (state.optimizerSlots.length !== opt.slots) throw new Error(`${m.name}.setTrainingState: ${opt.name} keeps ${opt.slots} state slots, got ${state.optimizerSlots.length}`);
    state.optimizerSlots.forEach((slot, s) => m.weights.forEach((w, i) => {
      if (slot[i]?.length !== w.size) throw new ShapeError(`${m.name}.setTrainingState: slot ${s} of ${w.name} needs ${w.size} values, got ${slot[i]?.length}`);
    }));
  }
  if (state.rng) {
    m.rngs.init.setState(state.rng.init);
    m.rngs.shuffle.setState(state.rng.shuffle);
    m.rngs.step.setState(state.rng.step);
  }
  if (state.optimizerSlots?.length) {
    prepare();
    const a = m.mem.rt.arena;
    state.optimizerSlots.forEach((slot, s) => m.weights.forEach((w, i) => {
      const ptr = m.mem.statePtr(w, s);
      if (ptr) a.f32(ptr, w.size).set(slot[i]);
    }));
  }
}

// Learning-rate schedules: functions of the step count (0 for the first update), Keras's names.
// Their transcendentals run in wasm (src/math.ts), so a schedule gives the same bits everywhere.

import { cos, pow } from '../math.js';

export interface Schedule {
  readonly name: string;
  readonly config: Record<string, unknown>;
  (step: number): number;
}

const schedule = (name: string, config: Record<string, unknown>, f: (step: number) => number): Schedule => {
  Object.defineProperty(f, 'name', { value: name });
  return Object.assign(f, { config }) as unknown as Schedule;
};

function positive(v: number, what: string): void {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${what} must be a finite number > 0, got ${v}`);
}

/** lr₀·rate^(step/decaySteps), floored exponent with staircase. */
export function exponentialDecay({ initialLearningRate, decaySteps, decayRate, staircase = false }:
  { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): Schedule {
  positive(initialLearningRate, 'exponentialDecay: initialLearningRate');
  positive(decaySteps, 'exponentialDecay: decaySteps');
  positive(decayRate, 'exponentialDecay: decayRate');
  return schedule('exponentialDecay', { initialLearningRate, decaySteps, decayRate, staircase }, (step) => {
    const p = step / decaySteps;
    return initialLearningRate * pow(decayRate, staircase ? Math.floor(p) : p);
  });
}

/** values[i] while step ≤ boundaries[i] (Keras: values has one more entry than boundaries). */
export function piecewiseConstant({ boundaries, values }: { boundaries: number[]; values: number[] }): Schedule {
  if (!Array.isArray(boundaries) || !Array.isArray(values) || values.length !== boundaries.length + 1) {
    throw new RangeError(`piecewiseConstant: values needs one more entry than boundaries, got ${values?.length} values and ${boundaries?.length} boundaries`);
  }
  for (let i = 1; i < boundaries.length; i++) {
    if (!(boundaries[i] > boundaries[i - 1])) throw new RangeError(`piecewiseConstant: boundaries must increase, got [${boundaries.join(', ')}]`);
  }
  return schedule('piecewiseConstant', { boundaries, values }, (step) => {
    let i = 0;
    while (i < boundaries.length && step > boundaries[i]) i++;
    return values[i];
  });
}

/** lr₀·((1 − α)·½(1 + cos(π·min(step, decaySteps)/decaySteps)) + α). */
export function cosineDecay({ initialLearningRate, decaySteps, alpha = 0 }: { initialLearningRate: number; decaySteps: number; alpha?: number }): Schedule {
  positive(initialLearningRate, 'cosineDecay: initialLearningRate');
  positive(decaySteps, 'cosineDecay: decaySteps');
  return schedule('cosineDecay', { initialLearningRate, decaySteps, alpha }, (step) => {
    const p = Math.min(step, decaySteps) / decaySteps;
    return initialLearningRate * ((1 - alpha) * 0.5 * (1 + cos(Math.PI * p)) + alpha);
  });
}

export const schedules = { exponentialDecay, piecewiseConstant, cosineDecay };

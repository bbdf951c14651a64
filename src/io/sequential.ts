// The sequential model type of lepton's format: layers in order, weights in Keras order, the
// optimizer's slots after them. (Apart from lepton.ts so that the model, which saves through
// lepton.ts, and the loader, which builds models here, import each other in one direction only.)
// The helpers below (weights check, values, training config, RNG) serve functional.ts as well.

import type { Loss } from '../losses.js';
import { Model, Sequential, type TrainingState } from '../model/index.js';
import type { Optimizer } from '../optimizers/index.js';
import { arr, checkFinite, guard, int, num, obj, readF32, shape, str, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { impliedWeights, layersFromJson, type WeightsSpec } from './lepton.js';
import type { ModelBuilder } from './tables.js';
import { lossFromJson, optimizerFromJson } from './registry.js';

/** The 'sequential' model type (io.ts registers it). */
export const buildSequential: ModelBuilder = (doc, spec, bytes) => {
  const inputShape = shape(doc.inputShape, 'inputShape');
  const seed = int(doc.seed, 'seed', 0, 2 ** 32 - 1);
  const name = str(doc.name ?? 'sequential', 'name');
  checkEntries(impliedWeights(doc, inputShape), spec);
  const { params, slots } = readValues(spec, bytes);
  const training = readTraining(doc, slots, 1);
  const rng = readRng(doc);
  return guard('model', () => {
    const model = new Sequential(layersFromJson(doc), { seed, name });
    model.build(inputShape);
    restore(model, doc, spec, params, slots, training, rng);
    return model;
  });
};

/** The weights the layers declare are exactly the entries of the file, in order. */
export function checkEntries(implied: { name: string; shape: number[] }[], spec: WeightsSpec): void {
  if (implied.length !== spec.entries.length) {
    throw new ModelFormatError(`weights.entries: the layers declare ${implied.length} weights (${implied.map((w) => w.name).join(', ').slice(0, 400)}), the file lists ${spec.entries.length}`);
  }
  implied.forEach((w, i) => {
    const e = spec.entries[i];
    if (e.name !== w.name || e.shape.length !== w.shape.length || e.shape.some((d, j) => d !== w.shape[j])) {
      throw new ModelFormatError(`weights.entries[${i}]: the layers declare ${w.name} [${w.shape.join(', ')}], the file lists ${e.name} [${e.shape.join(', ')}]`);
    }
  });
}

/** Values: parameters, then optimizer slots, all checked finite before anything is built. */
export function readValues(spec: WeightsSpec, bytes: Uint8Array): { params: Float32Array[]; slots: Float32Array[][] } {
  let offset = 0;
  const take = (what: string) => spec.entries.map((e) => {
    const v = readF32(bytes, offset, e.size);
    offset += e.size * 4;
    checkFinite(v, `${what}${e.name}`);
    return v;
  });
  const params = take('weight ');
  const slots = Array.from({ length: spec.optimizerSlots }, (_, k) => take(`optimizer slot ${k} of `));
  return { params, slots };
}

export interface TrainingConfig {
  optimizer: Optimizer;
  losses: Loss[];
  lossWeights?: number[];
  metrics: string[];
}

/** The training section: optimizer, one loss per output (`losses`, or `loss` for all), weights, metrics. */
export function readTraining(doc: Json, slots: Float32Array[][], outputs: number): TrainingConfig | undefined {
  if (doc.training === null || doc.training === undefined) return undefined;
  const training = obj(doc.training, 'training');
  const optimizer = optimizerFromJson(training.optimizer, 'training.optimizer');
  const loss = lossFromJson(training.loss, 'training.loss');
  let losses = Array.from({ length: outputs }, () => loss);
  if (training.losses !== undefined) {
    const list = arr(training.losses, 'training.losses', outputs);
    if (list.length !== outputs) throw new ModelFormatError(`training.losses has ${list.length} entries for ${outputs} outputs`);
    losses = list.map((l, i) => lossFromJson(l, `training.losses[${i}]`));
  }
  let lossWeights: number[] | undefined;
  if (training.lossWeights !== undefined) {
    const list = arr(training.lossWeights, 'training.lossWeights', outputs);
    if (list.length !== outputs) throw new ModelFormatError(`training.lossWeights has ${list.length} entries for ${outputs} outputs`);
    lossWeights = list.map((w, i) => {
      const v = num(w, `training.lossWeights[${i}]`);
      if (v < 0) throw new ModelFormatError(`training.lossWeights[${i}] must be ≥ 0, got ${v}`);
      return v;
    });
  }
  const metrics = arr(training.metrics ?? [], 'training.metrics', 32).map((m, i) => str(m, `training.metrics[${i}]`));
  if (slots.length && slots.length !== optimizer.slots) {
    throw new ModelFormatError(`weights.optimizerSlots: ${optimizer.name} keeps ${optimizer.slots} state slots, the file holds ${slots.length}`);
  }
  return { optimizer, losses, lossWeights, metrics };
}

export function readRng(doc: Json): TrainingState['rng'] | undefined {
  const rngDoc = doc.rng === undefined || doc.rng === null ? undefined : obj(doc.rng, 'rng');
  return rngDoc && { init: rngState(rngDoc.init, 'rng.init'), shuffle: rngState(rngDoc.shuffle, 'rng.shuffle'), step: rngState(rngDoc.step, 'rng.step') };
}

/** Weights, compile, optimizer and RNG state, preprocessing into a built model. */
export function restore(model: Model, doc: Json, spec: WeightsSpec, params: Float32Array[], slots: Float32Array[][], training: TrainingConfig | undefined, rng: TrainingState['rng'] | undefined): void {
  model.setWeights(params.map((data, i) => ({ data, shape: spec.entries[i].shape })));
  if (training) {
    const { optimizer, losses, lossWeights, metrics } = training;
    model.compile({ optimizer, loss: losses.length === 1 ? losses[0] : losses, lossWeights, metrics });
  }
  model.setTrainingState({ rng, optimizerSlots: slots.length ? slots : undefined });
  model.preprocessing = doc.preprocessing ?? null;
}

export function rngState(v: unknown, path: string): number[] {
  const s = arr(v, path, 4).map((x, i) => int(x, `${path}[${i}]`, 0, 2 ** 32 - 1));
  if (s.length !== 4 || s.every((x) => x === 0)) throw new ModelFormatError(`${path} must be four 32-bit words, not all zero`);
  return s;
}

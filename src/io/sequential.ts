// The sequential model type of lepton's format: layers in order, weights in Keras order, the
// optimizer's slots after them. (Apart from lepton.ts so that the model, which saves through
// lepton.ts, and the loader, which builds models here, import each other in one direction only.)

import { Sequential } from '../model.js';
import { arr, checkFinite, guard, int, obj, readF32, shape, str } from './check.js';
import { ModelFormatError } from './errors.js';
import { impliedWeights, layersFromJson, registerModelType } from './lepton.js';
import { lossFromJson, optimizerFromJson } from './registry.js';

registerModelType('sequential', (doc, spec, bytes) => {
  const inputShape = shape(doc.inputShape, 'inputShape');
  const seed = int(doc.seed, 'seed', 0, 2 ** 32 - 1);
  const name = str(doc.name ?? 'sequential', 'name');
  const implied = impliedWeights(doc, inputShape);
  if (implied.length !== spec.entries.length) {
    throw new ModelFormatError(`weights.entries: the layers declare ${implied.length} weights (${implied.map((w) => w.name).join(', ')}), the file lists ${spec.entries.length}`);
  }
  implied.forEach((w, i) => {
    const e = spec.entries[i];
    if (e.name !== w.name || e.shape.length !== w.shape.length || e.shape.some((d, j) => d !== w.shape[j])) {
      throw new ModelFormatError(`weights.entries[${i}]: the layers declare ${w.name} [${w.shape.join(', ')}], the file lists ${e.name} [${e.shape.join(', ')}]`);
    }
  });
  // Values: parameters, then optimizer slots, all checked finite before anything is built.
  let offset = 0;
  const take = (what: string) => spec.entries.map((e) => {
    const v = readF32(bytes, offset, e.size);
    offset += e.size * 4;
    checkFinite(v, `${what}${e.name}`);
    return v;
  });
  const params = take('weight ');
  const slots = Array.from({ length: spec.optimizerSlots }, (_, k) => take(`optimizer slot ${k} of `));

  const training = doc.training === null || doc.training === undefined ? undefined : obj(doc.training, 'training');
  const optimizer = training ? optimizerFromJson(training.optimizer, 'training.optimizer') : undefined;
  const loss = training ? lossFromJson(training.loss, 'training.loss') : undefined;
  const metrics = training ? arr(training.metrics ?? [], 'training.metrics', 32).map((m, i) => str(m, `training.metrics[${i}]`)) : [];
  if (optimizer && slots.length && slots.length !== optimizer.slots) {
    throw new ModelFormatError(`weights.optimizerSlots: ${optimizer.name} keeps ${optimizer.slots} state slots, the file holds ${slots.length}`);
  }
  const rngDoc = doc.rng === undefined || doc.rng === null ? undefined : obj(doc.rng, 'rng');
  const rng = rngDoc && {
    init: rngState(rngDoc.init, 'rng.init'), shuffle: rngState(rngDoc.shuffle, 'rng.shuffle'), step: rngState(rngDoc.step, 'rng.step'),
  };

  return guard('model', () => {
    const model = new Sequential(layersFromJson(doc), { seed, name });
    model.build(inputShape);
    model.setWeights(params.map((data, i) => ({ data, shape: spec.entries[i].shape })));
    if (optimizer && loss) model.compile({ optimizer, loss, metrics });
    model.setTrainingState({ rng, optimizerSlots: slots.length ? slots : undefined });
    model.preprocessing = doc.preprocessing ?? null;
    return model;
  });
});

function rngState(v: unknown, path: string): number[] {
  const s = arr(v, path, 4).map((x, i) => int(x, `${path}[${i}]`, 0, 2 ** 32 - 1));
  if (s.length !== 4 || s.every((x) => x === 0)) throw new ModelFormatError(`${path} must be four 32-bit words, not all zero`);
  return s;
}

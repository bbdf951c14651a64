// Names in a model file → constructors. Every table is a Map, so a name such as 'constructor' or
// '__proto__' finds nothing. Layer classes are looked up in the one list of them (layers.ts),
// after the classes users register (registerLayer, tables.ts), which win.

import type { Layer } from '../layers/layer.js';
import { losses, type Loss } from '../losses.js';
import { Adagrad, Adam, Adamax, AdamW, Nadam, Optimizer, RMSprop, SGD } from '../optimizers/index.js';
import { schedules, type Schedule } from '../optimizers/schedules.js';
import { builtinLayers } from './layers.js';
import { userLayers, type LayerSerializer } from './tables.js';
import { arr, bool, guard, int, num, obj, oneOf, opt, type Json } from './check.js';

export { baseArgs } from './layer-config.js';

/** The serializer of a class: the user's registration, else lepton's own. */
const serializerOf = (className: string): LayerSerializer | undefined => userLayers.get(className) ?? builtinLayers.get(className);

export function layerSerializer(className: unknown, path: string): LayerSerializer {
  // the merged table is built only to name the known classes in the error
  return (typeof className === 'string' && serializerOf(className)) || oneOf(new Map<string, LayerSerializer>([...builtinLayers, ...userLayers]), className, path, 'layer class');
}

/**
 * A layer as its file holds it: the config is the layer's getConfig() as it is (or a user
 * serializer's toConfig), and `trainable` is added only to a user's config that leaves it out.
 */
export function layerToJson(layer: Layer): Json {
  const s = serializerOf(layer.className);
  if (!s) throw new Error(`save: ${layer.name} is a ${layer.className}, a layer class lepton does not know how to save; register it first: registerLayer('${layer.className}', { fromConfig(config, path), toConfig?(layer) })`);
  const config = s.toConfig ? s.toConfig(layer) : layer.getConfig();
  return { className: layer.className, config: 'trainable' in config ? config : { ...config, trainable: layer.trainable } };
}

// ---- losses, optimizers, schedules -----------------------------------------------------------

const lossTable = new Map<string, (c: Json) => Loss>(Object.entries(losses).map(([k, make]) => [k, (c: Json) => (make as (c?: Json) => Loss)(c)]));

export function lossFromJson(v: unknown, path: string): Loss {
  const o = obj(v, path);
  const make = oneOf(lossTable, o.name, `${path}.name`, 'loss');
  const c = obj(o.config ?? {}, `${path}.config`);
  const clean: Json = {};
  if (c.fromLogits !== undefined) clean.fromLogits = bool(c.fromLogits, `${path}.config.fromLogits`);
  if (c.delta !== undefined) clean.delta = num(c.delta, `${path}.config.delta`);
  return guard(path, () => make(clean));
}

export const lossToJson = (l: Loss): Json => {
  if (!lossTable.has(l.name)) throw new Error(`save: the loss '${l.name}' is not one of lepton's (${[...lossTable.keys()].join(', ')}); a custom loss cannot be saved`);
  return { name: l.name, config: { ...l.config } };
};

const scheduleTable = new Map<string, (c: Json, path: string) => Schedule>([
  ['exponentialDecay', (c, p) => schedules.exponentialDecay({
    initialLearningRate: num(c.initialLearningRate, `${p}.initialLearningRate`), decaySteps: num(c.decaySteps, `${p}.decaySteps`),
    decayRate: num(c.decayRate, `${p}.decayRate`), staircase: opt(c.staircase, bool, `${p}.staircase`),
  })],
  ['piecewiseConstant', (c, p) => schedules.piecewiseConstant({
    boundaries: arr(c.boundaries, `${p}.boundaries`, 10_000).map((x, i) => num(x, `${p}.boundaries[${i}]`)),
    values: arr(c.values, `${p}.values`, 10_001).map((x, i) => num(x, `${p}.values[${i}]`)),
  })],
  ['cosineDecay', (c, p) => schedules.cosineDecay({
    initialLearningRate: num(c.initialLearningRate, `${p}.initialLearningRate`), decaySteps: num(c.decaySteps, `${p}.decaySteps`),
    alpha: opt(c.alpha, num, `${p}.alpha`),
  })],
]);

function learningRateFromJson(v: unknown, path: string): number | Schedule {
  if (typeof v === 'number') return num(v, path);
  const o = obj(v, path);
  const make = oneOf(scheduleTable, o.name, `${path}.name`, 'learning-rate schedule');
  return guard(path, () => make(o, path));
}

type OptimizerArgs = Record<string, unknown>;
const optimizerTable = new Map<string, (a: OptimizerArgs) => Optimizer>([
  ['sgd', (a) => new SGD(a)], ['adam', (a) => new Adam(a)], ['adamW', (a) => new AdamW(a)], ['rmsprop', (a) => new RMSprop(a)],
  ['adagrad', (a) => new Adagrad(a)], ['adamax', (a) => new Adamax(a)], ['nadam', (a) => new Nadam(a)],
]);
const optimizerNumbers = ['clipNorm', 'globalClipNorm', 'clipValue', 'momentum', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'rho', 'initialAccumulatorValue'];
const optimizerFlags = ['nesterov', 'amsgrad'];

export function optimizerFromJson(v: unknown, path: string): Optimizer {
  const o = obj(v, path);
  const make = oneOf(optimizerTable, o.name, `${path}.name`, 'optimizer');
  const c = obj(o.config ?? {}, `${path}.config`);
  const args: OptimizerArgs = {};
  if (c.learningRate !== undefined) args.learningRate = learningRateFromJson(c.learningRate, `${path}.config.learningRate`);
  for (const k of optimizerNumbers) if (c[k] !== undefined && c[k] !== null) args[k] = num(c[k], `${path}.config.${k}`);
  for (const k of optimizerFlags) if (c[k] !== undefined && c[k] !== null) args[k] = bool(c[k], `${path}.config.${k}`);
  const opt = guard(path, () => make(args));
  opt.iterations = int(o.iterations ?? 0, `${path}.iterations`, 0, Number.MAX_SAFE_INTEGER);
  return opt;
}

export function optimizerToJson(o: Optimizer): Json {
  if (!optimizerTable.has(o.name)) throw new Error(`save: the optimizer '${o.name}' is not one of lepton's; it cannot be saved`);
  // JSON drops the undefined options (clipNorm and friends when unset).
  return { name: o.name, config: JSON.parse(JSON.stringify(o.getConfig())), iterations: o.iterations };
}

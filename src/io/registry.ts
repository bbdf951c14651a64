// Names in a model file → constructors. Every table is a Map, so a name such as 'constructor' or
// '__proto__' finds nothing. A layer class is registered once, here or by the file that adds
// it: registerLayer('BatchNormalization', { fromConfig, toConfig }).

import { activation, Activation, elu, leakyReLU, PReLU, softmax } from '../layers/activation.js';
import { AlphaDropout } from '../layers/alpha-dropout.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Concatenate, ElementwiseMerge } from '../layers/merge.js';
import { Reshape } from '../layers/reshape.js';
import type { Layer, Regularizer } from '../layers/layer.js';
import { initializers, type Initializer } from '../initializers.js';
import { losses, type Loss } from '../losses.js';
import { Adam, AdamW, Optimizer, RMSprop, SGD } from '../optimizers/index.js';
import { schedules, type Schedule } from '../optimizers/schedules.js';
import { l2 } from '../regularizers.js';
import { ModelFormatError } from './errors.js';
import { userLayers, type LayerSerializer } from './tables.js';
import { arr, bool, guard, int, LIMITS, num, obj, oneOf, opt, str, type Json } from './check.js';

/** The built-in layer classes; a user's registerLayer of the same name wins (tables.ts). */
const builtins = new Map<string, LayerSerializer>();
const registerLayer = (className: string, s: LayerSerializer): void => void builtins.set(className, s);

/** The serializer of a class: the user's registration, else lepton's own. */
const serializerOf = (className: string): LayerSerializer | undefined => userLayers.get(className) ?? builtins.get(className);

export function layerSerializer(className: unknown, path: string): LayerSerializer {
  // the merged table is built only to name the known classes in the error
  return (typeof className === 'string' && serializerOf(className)) || oneOf(new Map([...builtins, ...userLayers]), className, path, 'layer class');
}

export function layerToJson(layer: Layer): Json {
  const s = serializerOf(layer.className);
  if (!s) throw new Error(`save: ${layer.name} is a ${layer.className}, a layer class lepton does not know how to save; register it first: registerLayer('${layer.className}', { fromConfig(config, path), toConfig?(layer) })`);
  const config = s.toConfig ? s.toConfig(layer) : layer.getConfig();
  return { className: layer.className, config: { ...config, trainable: layer.trainable } };
}

/** name and trainable, which every layer config carries. */
export function baseArgs(c: Json, path: string): { name: string; trainable: boolean } {
  return { name: str(c.name, `${path}.name`), trainable: opt(c.trainable, bool, `${path}.trainable`) ?? true };
}

// ---- initializers, regularizers ------------------------------------------------------------

const initTable = new Map<string, (c: Json) => Initializer>(
  Object.entries(initializers).map(([k, make]) => [k, (c: Json) => (make as (c?: Json) => Initializer)(c)]),
);

export const initializerToJson = (i: Initializer): Json | string => (Object.keys(i.config).length ? { name: i.name, config: { ...i.config } } : i.name);

export function initializerFromJson(v: unknown, path: string): Initializer | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return oneOf(initTable, v, path, 'initializer')({});
  const o = obj(v, path);
  const make = oneOf(initTable, o.name, `${path}.name`, 'initializer');
  const c = obj(o.config ?? {}, `${path}.config`);
  const clean: Json = {};
  for (const [k, x] of Object.entries(c)) clean[k] = num(x, `${path}.config.${k}`);
  return make(clean);
}

export const regularizerToJson = (r: Regularizer | undefined): Json | null => (r ? { name: r.name, config: { ...r.config } } : null);

export function regularizerFromJson(v: unknown, path: string): Regularizer | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, path);
  if (o.name !== 'l2') throw new ModelFormatError(`${path}.name: unknown regularizer ${JSON.stringify(o.name)?.slice(0, 80)}; this lepton knows l2`);
  const c = obj(o.config ?? {}, `${path}.config`);
  return guard(path, () => l2(num(c.l2, `${path}.config.l2`)));
}

// ---- layers ----------------------------------------------------------------------------------

registerLayer('Dense', {
  fromConfig(c, path) {
    return guard(path, () => new Dense(int(c.units, `${path}.units`, 1, LIMITS.dim), {
      ...baseArgs(c, path),
      activation: opt(c.activation, str, `${path}.activation`),
      useBias: opt(c.useBias, bool, `${path}.useBias`),
      kernelInitializer: initializerFromJson(c.kernelInitializer, `${path}.kernelInitializer`),
      biasInitializer: initializerFromJson(c.biasInitializer, `${path}.biasInitializer`),
      kernelRegularizer: regularizerFromJson(c.kernelRegularizer, `${path}.kernelRegularizer`),
      biasRegularizer: regularizerFromJson(c.biasRegularizer, `${path}.biasRegularizer`),
    }));
  },
  toConfig(layer) {
    const d = layer as Dense;
    return {
      name: d.name, units: d.units, activation: d.activation.name, useBias: d.useBias,
      kernelInitializer: initializerToJson(d.kernel.initializer),
      biasInitializer: d.bias ? initializerToJson(d.bias.initializer) : null,
      kernelRegularizer: regularizerToJson(d.kernel.regularizer),
      biasRegularizer: regularizerToJson(d.bias?.regularizer),
    };
  },
});

const alphaOf = (c: Json, path: string, fallback: number): number => opt(c.alpha, num, `${path}.alpha`) ?? fallback;
const activationConfig = (layer: Layer): Json => {
  const a = layer as Activation;
  return { name: a.name, activation: a.activation.name, alpha: a.activation.alpha };
};
registerLayer('Activation', {
  fromConfig: (c, path) => guard(path, () => activation(str(c.activation, `${path}.activation`), baseArgs(c, path))),
  toConfig: activationConfig,
});
registerLayer('LeakyReLU', { fromConfig: (c, path) => guard(path, () => leakyReLU({ ...baseArgs(c, path), alpha: alphaOf(c, path, 0.3) })), toConfig: activationConfig });
registerLayer('ELU', { fromConfig: (c, path) => guard(path, () => elu({ ...baseArgs(c, path), alpha: alphaOf(c, path, 1) })), toConfig: activationConfig });
registerLayer('Softmax', { fromConfig: (c, path) => guard(path, () => softmax(baseArgs(c, path))), toConfig: activationConfig });
registerLayer('PReLU', {
  fromConfig: (c, path) => guard(path, () => new PReLU({ ...baseArgs(c, path), alphaInitializer: initializerFromJson(c.alphaInitializer, `${path}.alphaInitializer`) })),
  toConfig: (layer) => {
    const p = layer as PReLU;
    return { name: p.name, alphaInitializer: initializerToJson(p.alpha.initializer) };
  },
});

// Batch normalization: the four initializers are saved (from the built weights) so that a loaded,
// untrained model is the same model; only the last axis can be the channel axis.
registerLayer('BatchNormalization', {
  fromConfig(c, path) {
    return guard(path, () => new BatchNormalization({
      ...baseArgs(c, path),
      axis: opt(c.axis, (v, p) => int(v, p, -1, 8), `${path}.axis`),
      momentum: opt(c.momentum, num, `${path}.momentum`),
      epsilon: opt(c.epsilon, num, `${path}.epsilon`),
      center: opt(c.center, bool, `${path}.center`),
      scale: opt(c.scale, bool, `${path}.scale`),
      gammaInitializer: initializerFromJson(c.gammaInitializer, `${path}.gammaInitializer`),
      betaInitializer: initializerFromJson(c.betaInitializer, `${path}.betaInitializer`),
      movingMeanInitializer: initializerFromJson(c.movingMeanInitializer, `${path}.movingMeanInitializer`),
      movingVarianceInitializer: initializerFromJson(c.movingVarianceInitializer, `${path}.movingVarianceInitializer`),
    }));
  },
  toConfig(layer) {
    const b = layer as BatchNormalization;
    const init = (w: { initializer: Parameters<typeof initializerToJson>[0] } | undefined) => (w ? initializerToJson(w.initializer) : null);
    return {
      name: b.name, axis: b.axis, momentum: b.momentum, epsilon: b.epsilon, center: b.center, scale: b.scale,
      gammaInitializer: init(b.gamma), betaInitializer: init(b.beta),
      movingMeanInitializer: init(b.movingMean), movingVarianceInitializer: init(b.movingVariance),
    };
  },
});

// Dropout layers: the rate, and for a layer with its own seed the seed and its mask stream's state
// (xoshiro128** words), so that training resumed from a file draws the masks it would have drawn.
const u32 = (v: unknown, p: string) => int(v, p, 0, 2 ** 32 - 1);
function dropoutFromConfig<T extends Dropout | AlphaDropout>(make: (rate: number, args: { name: string; trainable: boolean; seed?: number }) => T) {
  return (c: Json, path: string): T => {
    const rate = num(c.rate, `${path}.rate`);
    if (!(rate >= 0 && rate < 1)) throw new ModelFormatError(`${path}.rate must be in [0, 1), got ${rate}`);
    const seed = opt(c.seed, u32, `${path}.seed`);
    const state = opt(c.rngState, (v, p) => arr(v, p, 4).map((x, i) => u32(x, `${p}[${i}]`)), `${path}.rngState`);
    if (state && seed === undefined) throw new ModelFormatError(`${path}.rngState is only meaningful with a seed`);
    if (state && (state.length !== 4 || state.every((x) => x === 0))) throw new ModelFormatError(`${path}.rngState must be four 32-bit words, not all zero`);
    const layer = guard(path, () => make(rate, { ...baseArgs(c, path), seed }));
    if (state) layer.rng!.setState(state);
    return layer;
  };
}
const dropoutToConfig = (layer: Layer): Json => {
  const d = layer as Dropout | AlphaDropout;
  return { name: d.name, rate: d.rate, ...(d.seed !== undefined ? { seed: d.seed, rngState: d.rng!.getState() } : {}) };
};
registerLayer('Dropout', { fromConfig: dropoutFromConfig((rate, a) => new Dropout(rate, a)), toConfig: dropoutToConfig });
registerLayer('AlphaDropout', { fromConfig: dropoutFromConfig((rate, a) => new AlphaDropout(rate, a)), toConfig: dropoutToConfig });

// Reshape (a target shape of at most 8 axes, at most one −1) and Flatten.
registerLayer('Reshape', {
  fromConfig(c, path) {
    const target = arr(c.targetShape, `${path}.targetShape`, 8).map((d, i) => {
      const v = int(d, `${path}.targetShape[${i}]`, -1, LIMITS.dim);
      if (v === 0) throw new ModelFormatError(`${path}.targetShape[${i}] must be a positive whole number or −1, got 0`);
      return v;
    });
    if (target.length === 0) throw new ModelFormatError(`${path}.targetShape must have at least one axis`);
    return guard(path, () => new Reshape(target, baseArgs(c, path)));
  },
  toConfig: (layer) => ({ name: layer.name, targetShape: [...(layer as Reshape).targetShape!] }),
});
registerLayer('Flatten', {
  fromConfig: (c, path) => guard(path, () => new Reshape(null, baseArgs(c, path), 'Flatten', 'flatten')),
  toConfig: (layer) => ({ name: layer.name }),
});

// Merge layers: no options but Concatenate's axis (only the last can be concatenated).
const mergeOps = [['Add', 'add'], ['Subtract', 'subtract'], ['Multiply', 'multiply'], ['Average', 'average']] as const;
for (const [cls, op] of mergeOps) {
  registerLayer(cls, { fromConfig: (c, path) => guard(path, () => new ElementwiseMerge(op, cls, baseArgs(c, path))), toConfig: (layer) => ({ name: layer.name }) });
}
registerLayer('Concatenate', {
  fromConfig: (c, path) => guard(path, () => new Concatenate({ ...baseArgs(c, path), axis: opt(c.axis, (v, p) => int(v, p, -1, 8), `${path}.axis`) })),
  toConfig: (layer) => ({ name: layer.name, axis: (layer as Concatenate).axis }),
});

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
]);
const optimizerNumbers = ['clipNorm', 'globalClipNorm', 'clipValue', 'momentum', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'rho'];
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

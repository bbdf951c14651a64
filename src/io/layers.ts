// The one list of lepton's layer classes as files know them: for each class name, how its lepton
// config (what Layer.getConfig writes) becomes a layer again, and which TF.js/Keras classes
// become it and how (null where TF.js has no such layer). The lepton loader, the TF.js importer
// and the saver all read this list, after the classes users register (io/tables.ts), which win.
// A class here needs a row in test/layers/table.ts, whose coverage test reads this list.

import { activation, elu, leakyReLU, PReLU, softmax } from '../layers/activation.js';
import { AlphaDropout } from '../layers/alpha-dropout.js';
import { BatchNormalization } from '../layers/batch-normalization.js';
import { Dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Concatenate, ElementwiseMerge } from '../layers/merge.js';
import { Reshape } from '../layers/reshape.js';
import { GRU } from '../layers/gru.js';
import { LSTM } from '../layers/lstm.js';
import { Masking } from '../layers/masking.js';
import { SimpleRNN } from '../layers/simple-rnn.js';
import { Recurrent } from '../layers/recurrent.js';
import { Bidirectional, TimeDistributed, type MergeMode } from '../layers/wrappers.js';
import { arr, bool, guard, int, LIMITS, num, obj, opt, str, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { baseArgs, initializerFromJson, regularizerFromJson } from './layer-config.js';
import type { LayerSerializer } from './tables.js';
import { activationOf, axisOf, initializerOf, numberOf, regularizerOf, unsupported, type TfjsLayer } from './tfjs-config.js';

export interface LayerEntry extends LayerSerializer {
  /**
   * The TF.js/Keras class names that become this class, each with the translation of its config
   * into this class's lepton config; null when TF.js has no such layer.
   */
  tfjs: Record<string, (t: TfjsLayer) => Json> | null;
  /** The rank of the output, for a config whose output rank is not its input's (a later Softmax's axis). */
  rank?: (config: Json) => number;
}

/** lepton's own layer classes, by class name. */
export const builtinLayers = new Map<string, LayerEntry>();
const add = (className: string, e: LayerEntry): void => void builtinLayers.set(className, e);

const base = (t: TfjsLayer): Json => ({ ...t.base });

add('Dense', {
  fromConfig: (c, path) => guard(path, () => new Dense(int(c.units, `${path}.units`, 1, LIMITS.dim), {
    ...baseArgs(c, path),
    activation: opt(c.activation, str, `${path}.activation`),
    useBias: opt(c.useBias, bool, `${path}.useBias`),
    kernelInitializer: initializerFromJson(c.kernelInitializer, `${path}.kernelInitializer`),
    biasInitializer: initializerFromJson(c.biasInitializer, `${path}.biasInitializer`),
    kernelRegularizer: regularizerFromJson(c.kernelRegularizer, `${path}.kernelRegularizer`),
    biasRegularizer: regularizerFromJson(c.biasRegularizer, `${path}.biasRegularizer`),
  })),
  tfjs: {
    Dense(t) {
      unsupported(t, ['activity_regularizer', 'kernel_constraint', 'bias_constraint']);
      return {
        ...t.base, units: int(t.c.units, `${t.path}.config.units`, 1, LIMITS.dim), activation: activationOf(t), useBias: t.c.use_bias !== false,
        kernelInitializer: initializerOf(t.c.kernel_initializer), biasInitializer: initializerOf(t.c.bias_initializer),
        kernelRegularizer: regularizerOf(t, 'kernel_regularizer'), biasRegularizer: regularizerOf(t, 'bias_regularizer'),
      };
    },
  },
});

// Activations as layers: Activation reads the name, LeakyReLU and ELU their alpha (Keras's
// layer defaults 0.3 and 1), Softmax nothing (only the last axis).
const alphaOf = (c: Json, path: string, fallback: number): number => opt(c.alpha, num, `${path}.alpha`) ?? fallback;
add('Activation', {
  fromConfig: (c, path) => guard(path, () => activation(str(c.activation, `${path}.activation`), baseArgs(c, path))),
  tfjs: {
    Activation: (t) => ({ ...t.base, activation: activationOf(t) }),
    ReLU(t) {
      const plain = (t.c.max_value === undefined || t.c.max_value === null) && !t.c.threshold && !t.c.negative_slope;
      if (!plain) throw new ModelFormatError(`${t.base.name} (ReLU): max_value, threshold and negative_slope are not supported by lepton`);
      return { ...t.base, activation: 'relu' };
    },
  },
});
add('LeakyReLU', {
  fromConfig: (c, path) => guard(path, () => leakyReLU({ ...baseArgs(c, path), alpha: alphaOf(c, path, 0.3) })),
  tfjs: { LeakyReLU: (t) => ({ ...t.base, alpha: num(t.c.alpha ?? t.c.negative_slope ?? 0.3, `${t.path}.config.alpha`) }) },
});
add('ELU', {
  fromConfig: (c, path) => guard(path, () => elu({ ...baseArgs(c, path), alpha: alphaOf(c, path, 1) })),
  tfjs: { ELU: (t) => ({ ...t.base, alpha: numberOf(t, 'alpha', 1) }) },
});
add('Softmax', {
  fromConfig: (c, path) => guard(path, () => softmax(baseArgs(c, path))),
  tfjs: {
    Softmax(t) {
      const axis = Array.isArray(t.c.axis) && t.c.axis.length === 1 ? t.c.axis[0] : t.c.axis ?? -1;
      if (axis !== -1 && axis !== t.lastAxis) throw new ModelFormatError(`${t.base.name} (Softmax): only the last axis is supported, got axis ${JSON.stringify(t.c.axis)}`);
      return base(t);
    },
  },
});
add('PReLU', {
  fromConfig: (c, path) => guard(path, () => new PReLU({ ...baseArgs(c, path), alphaInitializer: initializerFromJson(c.alphaInitializer, `${path}.alphaInitializer`) })),
  tfjs: {
    PReLU(t) {
      unsupported(t, ['alpha_regularizer', 'alpha_constraint', 'shared_axes']);
      return { ...t.base, alphaInitializer: initializerOf(t.c.alpha_initializer) };
    },
  },
});

// Batch normalization: only the last axis can be the channel axis.
add('BatchNormalization', {
  fromConfig: (c, path) => guard(path, () => new BatchNormalization({
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
  })),
  tfjs: {
    BatchNormalization(t) {
      unsupported(t, ['beta_regularizer', 'gamma_regularizer', 'beta_constraint', 'gamma_constraint']);
      if (t.c.renorm === true || (t.c.virtual_batch_size !== undefined && t.c.virtual_batch_size !== null)) {
        throw new ModelFormatError(`${t.base.name} (BatchNormalization): renorm and virtual_batch_size are not supported by lepton`);
      }
      const init = (k: string) => initializerOf(t.c[k]) ?? null;
      return {
        ...t.base, axis: axisOf(t), momentum: numberOf(t, 'momentum', 0.99), epsilon: numberOf(t, 'epsilon', 1e-3),
        center: t.c.center !== false, scale: t.c.scale !== false,
        gammaInitializer: init('gamma_initializer'), betaInitializer: init('beta_initializer'),
        movingMeanInitializer: init('moving_mean_initializer'), movingVarianceInitializer: init('moving_variance_initializer'),
      };
    },
  },
});

// Dropout layers: the rate, and for a layer with its own seed the seed and its mask stream's state
// (xoshiro128** words). From TF.js the rate only (a Keras seed is not lepton's stream).
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
const dropoutFromTfjs = (t: TfjsLayer): Json => {
  unsupported(t, ['noise_shape']);
  return { ...t.base, rate: numberOf(t, 'rate') };
};
add('Dropout', { fromConfig: dropoutFromConfig((rate, a) => new Dropout(rate, a)), tfjs: { Dropout: dropoutFromTfjs } });
add('AlphaDropout', { fromConfig: dropoutFromConfig((rate, a) => new AlphaDropout(rate, a)), tfjs: { AlphaDropout: dropoutFromTfjs } });

// Reshape (a target shape of at most 8 axes, at most one −1) and Flatten.
add('Reshape', {
  fromConfig(c, path) {
    const target = arr(c.targetShape, `${path}.targetShape`, 8).map((d, i) => {
      const v = int(d, `${path}.targetShape[${i}]`, -1, LIMITS.dim);
      if (v === 0) throw new ModelFormatError(`${path}.targetShape[${i}] must be a positive whole number or −1, got 0`);
      return v;
    });
    if (target.length === 0) throw new ModelFormatError(`${path}.targetShape must have at least one axis`);
    return guard(path, () => new Reshape(target, baseArgs(c, path)));
  },
  tfjs: { Reshape: (t) => ({ ...t.base, targetShape: arr(t.c.target_shape, `${t.path}.config.target_shape`, 8) }) },
  rank: (c) => (c.targetShape as unknown[]).length,
});
add('Flatten', {
  fromConfig: (c, path) => guard(path, () => new Reshape(null, baseArgs(c, path), 'Flatten', 'flatten')),
  tfjs: {
    Flatten(t) {
      if (t.c.data_format === 'channels_first') throw new ModelFormatError(`${t.base.name} (Flatten): data_format channels_first is not supported by lepton`);
      return base(t);
    },
  },
  rank: () => 1,
});

// Merge layers: no options but Concatenate's axis (only the last can be concatenated). tfjs-layers
// has no Subtract; Keras writes it in the same form.
for (const [cls, op] of [['Add', 'add'], ['Subtract', 'subtract'], ['Multiply', 'multiply'], ['Average', 'average']] as const) {
  add(cls, { fromConfig: (c, path) => guard(path, () => new ElementwiseMerge(op, cls, baseArgs(c, path))), tfjs: { [cls]: base } });
}
add('Concatenate', {
  fromConfig: (c, path) => guard(path, () => new Concatenate({ ...baseArgs(c, path), axis: opt(c.axis, (v, p) => int(v, p, -1, 8), `${path}.axis`) })),
  tfjs: { Concatenate: (t) => ({ ...t.base, axis: axisOf(t) }) },
});

// Recurrent layers (issue 17): SimpleRNN, LSTM, GRU and Masking. From TF.js each keeps its own
// recurrent_activation (TF.js's default is hard_sigmoid, Keras 3's sigmoid); options lepton lacks
// (recurrent_dropout, return_state, stateful, constraints) are refused. TF.js's GRU is reset_after false
// only, which lepton's GRU is not: no TF.js translation for it.
const cellActOf = (t: TfjsLayer, key: string): string => (t.c[key] === 'hard_sigmoid' ? 'hardSigmoid' : activationOf(t, key));
function recurrentFromConfig(c: Json, path: string) {
  return {
    ...baseArgs(c, path),
    activation: opt(c.activation, str, `${path}.activation`),
    useBias: opt(c.useBias, bool, `${path}.useBias`),
    kernelInitializer: initializerFromJson(c.kernelInitializer, `${path}.kernelInitializer`),
    recurrentInitializer: initializerFromJson(c.recurrentInitializer, `${path}.recurrentInitializer`),
    biasInitializer: initializerFromJson(c.biasInitializer, `${path}.biasInitializer`),
    kernelRegularizer: regularizerFromJson(c.kernelRegularizer, `${path}.kernelRegularizer`),
    recurrentRegularizer: regularizerFromJson(c.recurrentRegularizer, `${path}.recurrentRegularizer`),
    biasRegularizer: regularizerFromJson(c.biasRegularizer, `${path}.biasRegularizer`),
    returnSequences: opt(c.returnSequences, bool, `${path}.returnSequences`),
    goBackwards: opt(c.goBackwards, bool, `${path}.goBackwards`),
    dropout: opt(c.dropout, num, `${path}.dropout`),
    recurrentActivation: opt(c.recurrentActivation, str, `${path}.recurrentActivation`),
  };
}
function recurrentFromTfjs(t: TfjsLayer, gated: boolean): Json {
  unsupported(t, ['activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint']);
  for (const k of ['return_state', 'stateful', 'unroll']) if (t.c[k] === true) throw new ModelFormatError(`${t.base.name} (${t.cls}): ${k} is not supported by lepton`);
  for (const k of ['recurrent_dropout']) if (t.c[k] !== undefined && t.c[k] !== 0) throw new ModelFormatError(`${t.base.name} (${t.cls}): ${k} is not supported by lepton`);
  return {
    ...t.base, units: int(t.c.units, `${t.path}.config.units`, 1, LIMITS.dim), activation: cellActOf(t, 'activation'), useBias: t.c.use_bias !== false,
    kernelInitializer: initializerOf(t.c.kernel_initializer) ?? null, recurrentInitializer: initializerOf(t.c.recurrent_initializer) ?? null,
    biasInitializer: initializerOf(t.c.bias_initializer) ?? null,
    kernelRegularizer: regularizerOf(t, 'kernel_regularizer'), recurrentRegularizer: regularizerOf(t, 'recurrent_regularizer'), biasRegularizer: regularizerOf(t, 'bias_regularizer'),
    returnSequences: t.c.return_sequences === true, goBackwards: t.c.go_backwards === true, dropout: numberOf(t, 'dropout', 0),
    ...(gated ? { recurrentActivation: cellActOf(t, 'recurrent_activation') } : {}),
  };
}
const seqRank = (c: Json): number => (c.returnSequences === true ? 2 : 1);
const unitsOf = (c: Json, path: string): number => int(c.units, `${path}.units`, 1, LIMITS.dim);
add('SimpleRNN', {
  fromConfig(c, path) {
    const { recurrentActivation, ...a } = recurrentFromConfig(c, path);
    if (recurrentActivation !== undefined) throw new ModelFormatError(`${path}.recurrentActivation: SimpleRNN has no gates`);
    return guard(path, () => new SimpleRNN(unitsOf(c, path), a));
  },
  tfjs: { SimpleRNN: (t) => recurrentFromTfjs(t, false) },
  rank: seqRank,
});
add('LSTM', {
  fromConfig: (c, path) => guard(path, () => new LSTM(unitsOf(c, path), { ...recurrentFromConfig(c, path), unitForgetBias: opt(c.unitForgetBias, bool, `${path}.unitForgetBias`) })),
  tfjs: {
    LSTM(t) {
      if (t.c.implementation != null && t.c.implementation !== 1 && t.c.implementation !== 2) throw new ModelFormatError(`${t.base.name} (LSTM): implementation ${JSON.stringify(t.c.implementation)}`);
      return { ...recurrentFromTfjs(t, true), unitForgetBias: t.c.unit_forget_bias !== false };
    },
  },
  rank: seqRank,
});
add('GRU', {
  fromConfig: (c, path) => guard(path, () => new GRU(unitsOf(c, path), { ...recurrentFromConfig(c, path), resetAfter: opt(c.resetAfter, bool, `${path}.resetAfter`) })),
  tfjs: null,
  rank: seqRank,
});
add('Masking', {
  fromConfig: (c, path) => guard(path, () => new Masking({ ...baseArgs(c, path), maskValue: opt(c.maskValue, num, `${path}.maskValue`) })),
  tfjs: { Masking: (t) => ({ ...t.base, maskValue: numberOf(t, 'mask_value', 0) }) },
});

// Wrappers (issue 17): Bidirectional around a recurrent layer, TimeDistributed around a row-wise
// layer; the wrapped layer's config nested as { className, config }, from TF.js translated by the
// wrapped class's own entry.
function wrappedFromConfig(c: Json, path: string) {
  const w = obj(c.layer, `${path}.layer`);
  const cls = str(w.className, `${path}.layer.className`);
  const entry = builtinLayers.get(cls);
  if (!entry || cls === 'Bidirectional' || cls === 'TimeDistributed') throw new ModelFormatError(`${path}.layer.className: '${cls.slice(0, 80)}' is not a layer lepton can wrap here`);
  return { layer: entry.fromConfig(obj(w.config, `${path}.layer.config`), `${path}.layer.config`), config: obj(w.config, `${path}.layer.config`), entry };
}
/** The wrapped layer of a TF.js wrapper, translated by its own class's entry. */
function wrappedFromTfjs(t: TfjsLayer): Json {
  const w = obj(t.c.layer, `${t.path}.config.layer`);
  const cls = str(w.class_name, `${t.path}.config.layer.class_name`);
  const hit = [...builtinLayers].find(([name, e]) => name !== 'Bidirectional' && name !== 'TimeDistributed' && e.tfjs && cls in e.tfjs);
  if (!hit) throw new ModelFormatError(`${t.base.name} (${t.cls}): lepton cannot wrap a ${cls.slice(0, 80)}`);
  const c = obj(w.config, `${t.path}.config.layer.config`);
  const base = { name: str(c.name, `${t.path}.config.layer.config.name`), trainable: c.trainable !== false };
  return { className: hit[0], config: hit[1].tfjs![cls]({ cls, c, base, path: `${t.path}.config.layer`, lastAxis: t.lastAxis - 1 }) };
}
add('Bidirectional', {
  fromConfig(c, path) {
    const { layer } = wrappedFromConfig(c, path);
    if (!(layer instanceof Recurrent)) throw new ModelFormatError(`${path}.layer: Bidirectional wraps SimpleRNN, LSTM or GRU, got ${layer.className}`);
    const mergeMode = opt(c.mergeMode, str, `${path}.mergeMode`) as MergeMode | undefined;
    return guard(path, () => new Bidirectional(layer, { ...baseArgs(c, path), mergeMode }));
  },
  tfjs: {
    Bidirectional(t) {
      unsupported(t, ['backward_layer']);
      const mode = t.c.merge_mode ?? 'concat';
      if (typeof mode !== 'string' || !['concat', 'sum', 'ave', 'mul'].includes(mode)) throw new ModelFormatError(`${t.base.name} (Bidirectional): merge_mode ${JSON.stringify(mode)} is not supported by lepton`);
      // TF.js names the directions forward_<name> and backward_<name>, and their weights so.
      const inner = wrappedFromTfjs(t);
      return { ...t.base, mergeMode: mode, layer: { ...inner, config: { ...(inner.config as Json), name: `forward_${(inner.config as Json).name}` } } };
    },
  },
  rank: (c) => ((c.layer as Json).config as Json).returnSequences === true ? 2 : 1,
});
add('TimeDistributed', {
  fromConfig(c, path) {
    const { layer } = wrappedFromConfig(c, path);
    return guard(path, () => new TimeDistributed(layer, baseArgs(c, path)));
  },
  tfjs: {
    TimeDistributed(t) { // TF.js names the wrapped layer's weights by the wrapper's name
      const inner = wrappedFromTfjs(t);
      return { ...t.base, layer: { ...inner, config: { ...(inner.config as Json), name: t.base.name } } };
    },
  },
});

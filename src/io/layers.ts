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
import { LayerNormalization } from '../layers/layer-normalization.js';
import { GaussianNoise } from '../layers/gaussian-noise.js';
import { Embedding } from '../layers/embedding.js';
import { arr, bool, guard, int, LIMITS, num, opt, str, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { baseArgs, initializerFromJson, regularizerFromJson, weightOptions } from './layer-config.js';
import { activationOf, axisOf, initializerOf, numberOf, regularizerOf, unsupported, type TfjsLayer } from './tfjs-config.js';

import { builtinLayers, type LayerEntry } from './layer-entry.js';
import { imageLayers } from './layers-image.js';
import { recurrentLayers } from './layers-recurrent.js';

export { builtinLayers, type LayerEntry };

const add = (className: string, e: LayerEntry): void => void builtinLayers.set(className, e);

const base = (t: TfjsLayer): Json => ({ ...t.base });

add('Dense', {
  fromConfig: (c, path) => guard(path, () => new Dense(int(c.units, `${path}.units`, 1, LIMITS.dim), {
    ...baseArgs(c, path),
    activation: opt(c.activation, str, `${path}.activation`),
    useBias: opt(c.useBias, bool, `${path}.useBias`),
    ...weightOptions(c, path, ['kernel', 'bias']),
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

// issue 18: layer normalization, Gaussian noise, embedding.
add('LayerNormalization', {
  fromConfig: (c, path) => guard(path, () => new LayerNormalization({
    ...baseArgs(c, path),
    axis: opt(c.axis, (v, p) => int(v, p, -1, 8), `${path}.axis`),
    epsilon: opt(c.epsilon, num, `${path}.epsilon`),
    center: opt(c.center, bool, `${path}.center`),
    scale: opt(c.scale, bool, `${path}.scale`),
    ...weightOptions(c, path, ['gamma', 'beta']),
  })),
  tfjs: {
    LayerNormalization(t) {
      unsupported(t, ['beta_constraint', 'gamma_constraint']);
      if (t.c.rms_scaling === true) throw new ModelFormatError(`${t.base.name} (LayerNormalization): rms_scaling is not supported by lepton`);
      return {
        ...t.base, axis: axisOf(t), epsilon: numberOf(t, 'epsilon', 1e-3), center: t.c.center !== false, scale: t.c.scale !== false,
        gammaInitializer: initializerOf(t.c.gamma_initializer) ?? null, betaInitializer: initializerOf(t.c.beta_initializer) ?? null,
        gammaRegularizer: regularizerOf(t, 'gamma_regularizer'), betaRegularizer: regularizerOf(t, 'beta_regularizer'),
      };
    },
  },
});
add('GaussianNoise', {
  // the stddev, and for a layer with its own seed the seed and its stream's state, as dropout's
  fromConfig(c, path) {
    const seed = opt(c.seed, u32, `${path}.seed`);
    const state = opt(c.rngState, (v, p) => arr(v, p, 4).map((x, i) => u32(x, `${p}[${i}]`)), `${path}.rngState`);
    if (state && seed === undefined) throw new ModelFormatError(`${path}.rngState is only meaningful with a seed`);
    if (state && (state.length !== 4 || state.every((x) => x === 0))) throw new ModelFormatError(`${path}.rngState must be four 32-bit words, not all zero`);
    const layer = guard(path, () => new GaussianNoise(num(c.stddev, `${path}.stddev`), { ...baseArgs(c, path), seed }));
    if (state) layer.rng!.setState(state);
    return layer;
  },
  // The stddev only (a Keras seed is not lepton's stream).
  tfjs: { GaussianNoise: (t) => ({ ...t.base, stddev: numberOf(t, 'stddev') }) },
});
add('Embedding', {
  fromConfig: (c, path) => guard(path, () => new Embedding({
    ...baseArgs(c, path),
    inputDim: int(c.inputDim, `${path}.inputDim`, 1, 2 ** 24),
    outputDim: int(c.outputDim, `${path}.outputDim`, 1, LIMITS.dim),
    embeddingsInitializer: initializerFromJson(c.embeddingsInitializer, `${path}.embeddingsInitializer`),
    embeddingsRegularizer: regularizerFromJson(c.embeddingsRegularizer, `${path}.embeddingsRegularizer`),
    inputLength: opt(c.inputLength, (v, p) => int(v, p, 1, LIMITS.dim), `${path}.inputLength`),
  })),
  tfjs: {
    Embedding(t) {
      unsupported(t, ['activity_regularizer', 'embeddings_constraint']);
      if (t.c.mask_zero === true) throw new ModelFormatError(`${t.base.name} (Embedding): mask_zero is not supported by lepton`);
      const length = t.c.input_length;
      return {
        ...t.base, inputDim: int(t.c.input_dim, `${t.path}.config.input_dim`, 1, 2 ** 24), outputDim: int(t.c.output_dim, `${t.path}.config.output_dim`, 1, LIMITS.dim),
        embeddingsInitializer: initializerOf(t.c.embeddings_initializer) ?? null, embeddingsRegularizer: regularizerOf(t, 'embeddings_regularizer'),
        ...(typeof length === 'number' ? { inputLength: length } : Array.isArray(length) && length.length === 1 ? { inputLength: length[0] } : {}),
      };
    },
  },
  rank: () => 2,
});

// The families kept in files of their own, after the entries above.
for (const [className, e] of [...imageLayers, ...recurrentLayers]) add(className, e);

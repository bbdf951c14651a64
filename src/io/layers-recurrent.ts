// The io entries of the recurrent layers and their wrappers (issue 17), read from lepton's files and
// TF.js's; io/layers.ts adds them to the one list.

import { GRU } from '../layers/gru.js';
import { LSTM } from '../layers/lstm.js';
import { Masking } from '../layers/masking.js';
import { SimpleRNN } from '../layers/simple-rnn.js';
import { Recurrent } from '../layers/recurrent.js';
import { Bidirectional, TimeDistributed, type MergeMode } from '../layers/wrappers.js';
import { bool, guard, int, LIMITS, num, obj, opt, str, type Json } from './check.js';
import { ModelFormatError } from './errors.js';
import { baseArgs, weightOptions } from './layer-config.js';
import { builtinLayers, type LayerEntries, type LayerEntry } from './layer-entry.js';
import { activationOf, initializerOf, numberOf, regularizerOf, unsupported, type TfjsLayer } from './tfjs-config.js';

export const recurrentLayers: LayerEntries = [];
const add = (className: string, e: LayerEntry): void => void recurrentLayers.push([className, e]);

// Recurrent layers (issue 17): SimpleRNN, LSTM, GRU and Masking. From TF.js each keeps its own
// recurrent_activation (TF.js's default is hard_sigmoid, Keras 3's sigmoid); options lepton lacks
// (stateful, constraints) are refused; recurrent_dropout is read (training only, so
// an import predicts as TF.js does; TF.js's GRU also drops h_{t−1} in z ⊙ h_{t−1}, lepton's as Keras 3's does not). TF.js's GRU is reset_after false
// (its only form; a file from Keras may say reset_after true), lepton's GRU resetAfter false.
const cellActOf = (t: TfjsLayer, key: string): string => (t.c[key] === 'hard_sigmoid' ? 'hardSigmoid' : activationOf(t, key));
function recurrentFromConfig(c: Json, path: string) {
  return {
    ...baseArgs(c, path),
    activation: opt(c.activation, str, `${path}.activation`),
    useBias: opt(c.useBias, bool, `${path}.useBias`),
    ...weightOptions(c, path, ['kernel', 'recurrent', 'bias']),
    returnSequences: opt(c.returnSequences, bool, `${path}.returnSequences`),
    goBackwards: opt(c.goBackwards, bool, `${path}.goBackwards`),
    dropout: opt(c.dropout, num, `${path}.dropout`),
    recurrentDropout: opt(c.recurrentDropout, num, `${path}.recurrentDropout`),
    returnState: opt(c.returnState, bool, `${path}.returnState`),
    recurrentActivation: opt(c.recurrentActivation, str, `${path}.recurrentActivation`),
  };
}
function recurrentFromTfjs(t: TfjsLayer, gated: boolean): Json {
  unsupported(t, ['activity_regularizer', 'kernel_constraint', 'recurrent_constraint', 'bias_constraint']);
  for (const k of ['stateful', 'unroll']) if (t.c[k] === true) throw new ModelFormatError(`${t.base.name} (${t.cls}): ${k} is not supported by lepton`);
  return {
    ...t.base, units: int(t.c.units, `${t.path}.config.units`, 1, LIMITS.dim), activation: cellActOf(t, 'activation'), useBias: t.c.use_bias !== false,
    kernelInitializer: initializerOf(t.c.kernel_initializer) ?? null, recurrentInitializer: initializerOf(t.c.recurrent_initializer) ?? null,
    biasInitializer: initializerOf(t.c.bias_initializer) ?? null,
    kernelRegularizer: regularizerOf(t, 'kernel_regularizer'), recurrentRegularizer: regularizerOf(t, 'recurrent_regularizer'), biasRegularizer: regularizerOf(t, 'bias_regularizer'),
    returnSequences: t.c.return_sequences === true, goBackwards: t.c.go_backwards === true, dropout: numberOf(t, 'dropout', 0),
    recurrentDropout: numberOf(t, 'recurrent_dropout', 0), returnState: t.c.return_state === true,
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
  tfjs: {
    GRU(t) {
      if (t.c.implementation != null && t.c.implementation !== 1 && t.c.implementation !== 2) throw new ModelFormatError(`${t.base.name} (GRU): implementation ${JSON.stringify(t.c.implementation)}`);
      const resetAfter = t.c.reset_after ?? false; // TF.js's default (and only form) is false
      if (typeof resetAfter !== 'boolean') throw new ModelFormatError(`${t.base.name} (GRU): reset_after must be true or false, got ${JSON.stringify(resetAfter).slice(0, 40)}`);
      return { ...recurrentFromTfjs(t, true), resetAfter };
    },
  },
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

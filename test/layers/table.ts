// The table that drives the layer tests (every-layer.test.ts): one row per layer class that
// src/io/layers.ts lists, each with a small model holding the layer (options away from their
// defaults where the layer has options) and, where TF.js has the layer, a tfjs-layers model holding
// it. A new layer class gets a row here; the coverage test fails until it has one.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initializers, input, layers, model, regularizers, sequential, type Model, type SymbolicTensor } from '../../src/index.js';

export interface TfjsCase {
  model: tfl.LayersModel;
  /** Edits the saved topology's layers before lepton reads it (a class Keras writes and tfjs-layers cannot). */
  edit?: (layers: { class_name: string; name: string }[]) => void;
  /** The expected outputs, when they are not the tfjs model's own predictions. */
  want?: (xs: tf.Tensor[]) => tf.Tensor;
}

export interface LayerRow {
  /** The class name, as src/io/layers.ts lists it. */
  className: string;
  /** A small model holding the layer; the tests set its weights at random. */
  model: () => Model;
  /** A tfjs-layers model holding the same kind of layer; null where TF.js has none (io/layers.ts says which). */
  tfjs: (() => TfjsCase) | null;
  /** Another draw of the tests' random data (weights, inputs, targets) for this row. */
  seed?: number;
}

const ap = (l: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => l.apply(x) as tfl.SymbolicTensor;
const rnd = (lo: number, hi: number, seed: number) => tfl.initializers.randomUniform({ minval: lo, maxval: hi, seed });
const tfDense = (units: number, args: Record<string, unknown> = {}) => tfl.layers.dense({ units, biasInitializer: 'randomNormal', ...args });

/** Two inputs, a dense layer on each, `merge` of them (and of a third branch when `three`), a dense head. */
function mergeNet(merge: (xs: SymbolicTensor[]) => SymbolicTensor, three: boolean): Model {
  const a = input({ shape: [4], name: 'a' });
  const b = input({ shape: [4], name: 'b' });
  const da = layers.dense(4, { activation: 'tanh' }).apply(a);
  const db = layers.dense(4).apply(b);
  const out = layers.dense(2).apply(merge(three ? [da, db, layers.dense(4, { activation: 'elu' }).apply(a)] : [da, db]));
  return model({ inputs: [a, b], outputs: out, seed: 3 });
}

function tfMergeNet(merge: (xs: tfl.SymbolicTensor[]) => tfl.SymbolicTensor, three: boolean): tfl.LayersModel {
  const a = tfl.input({ shape: [4], name: 'a' });
  const b = tfl.input({ shape: [4], name: 'b' });
  const da = ap(tfDense(4, { activation: 'tanh' }), a);
  const db = ap(tfDense(4), b);
  return tfl.model({ inputs: [a, b], outputs: ap(tfDense(2), merge(three ? [da, db, ap(tfDense(4, { activation: 'elu' }), a)] : [da, db])) });
}

const bnArgs = (seed: number) => ({
  gammaInitializer: rnd(0.5, 1.5, seed), betaInitializer: rnd(-0.5, 0.5, seed + 1),
  movingMeanInitializer: rnd(-0.3, 0.3, seed + 2), movingVarianceInitializer: rnd(0.5, 2, seed + 3),
});

export const rows: LayerRow[] = [
  {
    className: 'Dense',
    model: () => sequential([
      layers.dense(5, {
        inputShape: [4], activation: 'tanh', kernelInitializer: initializers.truncatedNormal({ stddev: 0.3 }), biasInitializer: initializers.constant({ value: 0.1 }),
        kernelRegularizer: regularizers.l2(0.01), biasRegularizer: regularizers.l2(0.001),
      }),
      layers.dense(4, { activation: 'selu', useBias: false, kernelInitializer: 'heNormal' }),
      layers.dense(4, { activation: 'softplus', trainable: false }),
      layers.dense(2, { activation: 'sigmoid' }),
    ], { seed: 1 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfDense(6, { inputShape: [4], activation: 'tanh', kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }) }),
      tfl.layers.dense({ units: 5, activation: 'selu', useBias: false }), tfDense(3, { activation: 'softmax' }),
    ] }) }),
  },
  {
    className: 'Activation',
    model: () => sequential([layers.dense(5, { inputShape: [4] }), layers.activation('tanh'), layers.dense(4), layers.activation('selu'), layers.dense(2), layers.activation('sigmoid')], { seed: 2 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfDense(5, { inputShape: [4] }), tfl.layers.activation({ activation: 'tanh' }), tfDense(4), tfl.layers.reLU(), tfDense(2),
    ] }) }),
  },
  {
    className: 'LeakyReLU',
    model: () => sequential([layers.dense(5, { inputShape: [4] }), layers.leakyReLU({ alpha: 0.1 }), layers.dense(2)], { seed: 3 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [tfDense(5, { inputShape: [4] }), tfl.layers.leakyReLU({ alpha: 0.1 }), tfDense(2)] }) }),
  },
  {
    className: 'ELU',
    model: () => sequential([layers.dense(5, { inputShape: [4] }), layers.elu({ alpha: 0.7 }), layers.dense(2)], { seed: 4 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [tfDense(5, { inputShape: [4] }), tfl.layers.elu(), tfDense(2)] }) }),
  },
  {
    // over the last axis: also of a reshaped input
    className: 'Softmax',
    model: () => sequential([layers.dense(6, { inputShape: [4] }), layers.reshape([2, 3]), layers.softmax(), layers.flatten(), layers.dense(3), layers.softmax()], { seed: 5 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfDense(6, { inputShape: [4] }), tfl.layers.reshape({ targetShape: [2, 3] }), tfl.layers.softmax({ axis: 2 }), tfl.layers.flatten(), tfDense(3), tfl.layers.softmax(),
    ] }) }),
  },
  {
    className: 'PReLU',
    model: () => sequential([layers.dense(5, { inputShape: [4] }), layers.prelu({ alphaInitializer: initializers.constant({ value: 0.25 }) }), layers.dense(2)], { seed: 6 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [tfDense(5, { inputShape: [4] }), tfl.layers.prelu({ alphaInitializer: rnd(0, 0.5, 6) }), tfDense(2)] }) }),
  },
  {
    // features only, and channels last after a reshape (ONNX's operator normalizes axis 1)
    className: 'BatchNormalization',
    model: () => sequential([
      layers.dense(6, { inputShape: [4] }),
      layers.batchNormalization({ momentum: 0.9, epsilon: 0.01, gammaInitializer: initializers.constant({ value: 1.2 }), movingVarianceInitializer: 'ones' }),
      layers.reshape([3, 2]),
      layers.batchNormalization({ center: false, scale: false }),
      layers.flatten(),
      layers.dense(2),
    ], { seed: 7 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfDense(6, { inputShape: [4] }), tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 0.01, ...bnArgs(7) }),
      tfl.layers.reshape({ targetShape: [3, 2] }), tfl.layers.batchNormalization({ center: false, scale: false, ...bnArgs(11) }), tfl.layers.flatten(), tfDense(2),
    ] }) }),
  },
  {
    // a layer with its own seed and one drawing from the model's generator
    className: 'Dropout',
    model: () => sequential([layers.dense(6, { inputShape: [4] }), layers.dropout(0.3, { seed: 5 }), layers.dense(5), layers.dropout(0.2), layers.dense(2)], { seed: 8 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [tfDense(6, { inputShape: [4] }), tfl.layers.dropout({ rate: 0.4 }), tfDense(2)] }) }),
  },
  {
    // between smooth activations (selu's kink at 0 would make the finite differences the weak part)
    className: 'AlphaDropout',
    model: () => sequential([
      layers.dense(6, { inputShape: [4], activation: 'tanh' }), layers.alphaDropout(0.2, { seed: 9 }), layers.dense(5, { activation: 'tanh' }), layers.alphaDropout(0.1), layers.dense(2),
    ], { seed: 9 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [tfDense(6, { inputShape: [4], activation: 'selu' }), tfl.layers.alphaDropout({ rate: 0.2 }), tfDense(2)] }) }),
  },
  {
    className: 'Reshape',
    model: () => sequential([layers.dense(6, { inputShape: [4] }), layers.reshape([2, -1]), layers.reshape([6]), layers.dense(2)], { seed: 10 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.reshape({ targetShape: [2, 3], inputShape: [6] }), tfl.layers.reshape({ targetShape: [6] }), tfDense(2),
    ] }) }),
  },
  {
    className: 'Flatten',
    model: () => sequential([layers.flatten({ inputShape: [2, 3] }), layers.dense(2)], { seed: 11 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [tfl.layers.flatten({ inputShape: [2, 3] }), tfDense(2)] }) }),
  },
  {
    className: 'Add',
    model: () => mergeNet((xs) => layers.add().apply(xs), true),
    tfjs: () => ({ model: tfMergeNet((xs) => ap(tfl.layers.add(), xs), true) }),
  },
  {
    // tfjs-layers has no Subtract, Keras writes it in the same form: an Add edited into one
    className: 'Subtract',
    model: () => mergeNet((xs) => layers.subtract().apply(xs), false),
    tfjs: () => {
      const a = tfl.input({ shape: [4], name: 'a' });
      const b = tfl.input({ shape: [4], name: 'b' });
      const d = tfDense(4, { name: 'd' });
      const m = tfl.model({ inputs: [a, b], outputs: ap(tfl.layers.add({ name: 'merge' }), [ap(d, a), b]) });
      const branch = tfl.model({ inputs: a, outputs: d.apply(a) as tfl.SymbolicTensor });
      return {
        model: m,
        edit: (ls) => { ls.find((l) => l.name === 'merge')!.class_name = 'Subtract'; },
        want: ([xa, xb]) => tf.sub(branch.predict(xa) as tf.Tensor, xb),
      };
    },
  },
  {
    className: 'Multiply',
    model: () => mergeNet((xs) => layers.multiply().apply(xs), true),
    tfjs: () => ({ model: tfMergeNet((xs) => ap(tfl.layers.multiply(), xs), true) }),
  },
  {
    className: 'Average',
    model: () => mergeNet((xs) => layers.average().apply(xs), true),
    tfjs: () => ({ model: tfMergeNet((xs) => ap(tfl.layers.average(), xs), true) }),
  },
  {
    className: 'Concatenate',
    model: () => {
      const a = input({ shape: [4], name: 'a' });
      const b = input({ shape: [3], name: 'b' });
      const h = layers.dense(3, { activation: 'tanh' }).apply(a);
      return model({ inputs: [a, b], outputs: layers.dense(2).apply(layers.concatenate({ axis: -1 }).apply([h, b, h])), seed: 16 });
    },
    tfjs: () => {
      const a = tfl.input({ shape: [4], name: 'a' });
      const b = tfl.input({ shape: [3], name: 'b' });
      return { model: tfl.model({ inputs: [a, b], outputs: ap(tfDense(2), ap(tfl.layers.concatenate(), [ap(tfDense(3, { activation: 'tanh' }), a), b])) }) };
    },
  },
  // Recurrent layers (issue 17): sequences [batch, 4 timesteps, 3 features]; a returnSequences
  // layer feeding a goBackwards one; TF.js's own recurrentActivation kept on import.
  {
    className: 'SimpleRNN',
    model: () => sequential([
      layers.simpleRNN(5, { inputShape: [4, 3], returnSequences: true, kernelRegularizer: regularizers.l2(0.01), dropout: 0.25 }),
      layers.simpleRNN(3, { goBackwards: true, activation: 'sigmoid', useBias: false }), layers.dense(2),
    ], { seed: 17 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.simpleRNN({ recurrentInitializer: 'glorotNormal', units: 5, inputShape: [4, 3], returnSequences: true, biasInitializer: 'randomNormal', dropout: 0.3 }),
      tfl.layers.simpleRNN({ recurrentInitializer: 'glorotNormal', units: 3, goBackwards: true, activation: 'sigmoid' }), tfDense(2),
    ] }) }),
  },
  {
    className: 'LSTM',
    model: () => sequential([
      layers.lstm(5, { inputShape: [4, 3], returnSequences: true, unitForgetBias: false, recurrentRegularizer: regularizers.l2(0.01) }),
      layers.lstm(3, { goBackwards: true, recurrentActivation: 'hardSigmoid' }), layers.dense(2),
    ], { seed: 18 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.lstm({ recurrentInitializer: 'glorotNormal', units: 5, inputShape: [4, 3], returnSequences: true, recurrentActivation: 'sigmoid', biasInitializer: 'randomNormal' }),
      tfl.layers.lstm({ recurrentInitializer: 'glorotNormal', units: 3, goBackwards: true, recurrentActivation: 'hardSigmoid', biasInitializer: 'randomNormal' }), tfDense(2),
    ] }) }),
  },
  {
    className: 'GRU',
    model: () => sequential([
      layers.gru(5, { inputShape: [4, 3], returnSequences: true }),
      layers.gru(3, { goBackwards: true, recurrentActivation: 'hardSigmoid', recurrentInitializer: 'glorotUniform' }), layers.dense(2),
    ], { seed: 19 }),
    tfjs: null,
  },
  {
    // random inputs are never exactly the mask value: the masked steps are recurrent.test.ts's
    className: 'Masking',
    model: () => sequential([layers.masking({ inputShape: [4, 3], maskValue: 0.5 }), layers.lstm(3), layers.dense(2)], { seed: 20 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.masking({ inputShape: [4, 3], maskValue: 0.5 }), tfl.layers.lstm({ recurrentInitializer: 'glorotNormal', units: 3, recurrentActivation: 'sigmoid' }), tfDense(2),
    ] }) }),
  },
  {
    // every merge mode; a masked input through both directions
    className: 'Bidirectional',
    model: () => sequential([
      layers.masking({ inputShape: [4, 3], maskValue: 0.5 }),
      layers.bidirectional(layers.lstm(3, { returnSequences: true }), { mergeMode: 'concat' }),
      layers.bidirectional(layers.simpleRNN(2, { returnSequences: true }), { mergeMode: 'sum' }),
      layers.bidirectional(layers.gru(2, { returnSequences: true, recurrentActivation: 'hardSigmoid' }), { mergeMode: 'ave' }),
      layers.bidirectional(layers.lstm(2), { mergeMode: 'mul' }), layers.dense(2),
    ], { seed: 21 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.bidirectional({ inputShape: [4, 3], mergeMode: 'concat', layer: tfl.layers.lstm({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'glorotNormal', biasInitializer: 'randomNormal' }) as tfl.layers.RNN }),
      tfl.layers.bidirectional({ mergeMode: 'ave', layer: tfl.layers.simpleRNN({ units: 2, returnSequences: true, recurrentInitializer: 'glorotNormal' }) as tfl.layers.RNN }),
      tfl.layers.bidirectional({ mergeMode: 'mul', layer: tfl.layers.lstm({ units: 2, recurrentActivation: 'hardSigmoid', recurrentInitializer: 'glorotNormal' }) as tfl.layers.RNN }), tfDense(2),
    ] }) }),
  },
  {
    className: 'TimeDistributed',
    model: () => sequential([
      layers.timeDistributed(layers.dense(4, { activation: 'tanh' }), { inputShape: [4, 3] }), layers.lstm(3, { returnSequences: true }),
      layers.timeDistributed(layers.dense(2)), layers.flatten(), layers.dense(2),
    ], { seed: 22 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.timeDistributed({ inputShape: [4, 3], layer: tfDense(4, { activation: 'tanh' }) }),
      tfl.layers.simpleRNN({ units: 3, returnSequences: true, recurrentInitializer: 'glorotNormal' }), tfl.layers.timeDistributed({ layer: tfDense(2) }), tfl.layers.flatten(), tfDense(2),
    ] }) }),
  },
];

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
  /**
   * The model's inputs are ids in [0, ids) (an embedding): the tests draw whole numbers, and the
   * input gradient is checked to be 0 (ids get none) instead of by finite differences.
   */
  ids?: number;
}

const ap = (l: tfl.layers.Layer, x: tfl.SymbolicTensor | tfl.SymbolicTensor[]) => l.apply(x) as tfl.SymbolicTensor;
const rnd = (lo: number, hi: number, seed: number) => tfl.initializers.randomUniform({ minval: lo, maxval: hi, seed });
// Seeded, so that a tfjs model's weights are the same on every run (unseeded, the LayerNormalization
// row's comparison failed one run in a few, 1.8e-6 off where 1.3e-6 was allowed).
let tfSeed = 1;
const tfDense = (units: number, args: Record<string, unknown> = {}) => tfl.layers.dense({
  units, kernelInitializer: tfl.initializers.glorotUniform({ seed: tfSeed++ }), biasInitializer: tfl.initializers.randomNormal({ seed: tfSeed++ }), ...args,
});

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

/** An image [4, 3, 6] pooled twice, the second layer's class edited into Keras's alias; a dense head on both. */
function tfGlobalNet(pool: (a: { name: string }) => tfl.layers.Layer, alias: string): TfjsCase {
  const x = tfl.input({ shape: [4, 3, 6] });
  const both = ap(tfl.layers.concatenate(), [ap(pool({ name: 'pool' }), x), ap(pool({ name: 'alias' }), x)]);
  return { model: tfl.model({ inputs: x, outputs: ap(tfDense(2), both) }), edit: (ls) => { ls.find((l) => l.name === 'alias')!.class_name = alias; } };
}

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
    // features only, channels last after a reshape (ONNX's operator normalizes axis 1), and on
    // images [batch, 1, 3, 2] (statistics over batch × height × width)
    className: 'BatchNormalization',
    model: () => sequential([
      layers.dense(6, { inputShape: [4] }),
      layers.batchNormalization({ momentum: 0.9, epsilon: 0.01, gammaInitializer: initializers.constant({ value: 1.2 }), movingVarianceInitializer: 'ones' }),
      layers.reshape([3, 2]),
      layers.batchNormalization({ center: false, scale: false }),
      layers.reshape([1, 3, 2]),
      layers.batchNormalization({ momentum: 0.8, epsilon: 0.005 }),
      layers.flatten(),
      layers.dense(2),
    ], { seed: 7 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfDense(6, { inputShape: [4] }), tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 0.01, ...bnArgs(7) }),
      tfl.layers.reshape({ targetShape: [3, 2] }), tfl.layers.batchNormalization({ center: false, scale: false, ...bnArgs(11) }),
      tfl.layers.reshape({ targetShape: [1, 3, 2] }), tfl.layers.batchNormalization({ epsilon: 0.005, ...bnArgs(15) }), tfl.layers.flatten(), tfDense(2),
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
  // Layers on images [batch, height, width, channels] (issue 14), fed images directly so that the
  // input gradient checks each layer's backward, with a dense head after them.
  {
    className: 'GlobalAveragePooling2D',
    model: () => sequential([layers.globalAveragePooling2d({ inputShape: [3, 4, 5] }), layers.dense(3, { activation: 'tanh' }), layers.dense(2)], { seed: 31 }),
    tfjs: () => tfGlobalNet((a) => tfl.layers.globalAveragePooling2d(a), 'GlobalAvgPool2D'),
  },
  {
    className: 'GlobalMaxPooling2D',
    model: () => sequential([layers.globalMaxPooling2d({ inputShape: [3, 4, 5] }), layers.dense(3, { activation: 'tanh' }), layers.dense(2)], { seed: 32 }),
    tfjs: () => tfGlobalNet((a) => tfl.layers.globalMaxPooling2d(a), 'GlobalMaxPool2D'),
  },
  {
    className: 'UpSampling2D',
    // nearest, and bilinear with (Keras) and without (TF.js) half-pixel centers (a small image: the
    // dense head's finite differences lose digits when its outputs grow with its inputs)
    model: () => sequential([
      layers.upSampling2d({ size: [2, 1], inputShape: [2, 2, 2] }), layers.upSampling2d({ interpolation: 'bilinear' }),
      layers.upSampling2d([1, 2], { interpolation: 'bilinear', halfPixelCenters: false }), layers.flatten(), layers.dense(2),
    ], { seed: 33 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.upSampling2d({ size: [2, 3], inputShape: [2, 3, 2] }), tfl.layers.upSampling2d({}),
      tfl.layers.upSampling2d({ size: [3, 2], interpolation: 'bilinear' }), tfl.layers.flatten(), tfDense(2),
    ] }) }),
  },
  {
    className: 'ZeroPadding2D',
    model: () => sequential([layers.zeroPadding2d({ padding: [[1, 0], [2, 1]], inputShape: [3, 4, 2] }), layers.zeroPadding2d(), layers.flatten(), layers.dense(2)], { seed: 34 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.zeroPadding2d({ padding: [[0, 2], [1, 3]], inputShape: [3, 4, 2] }), tfl.layers.zeroPadding2d({ padding: [1, 2] }), tfl.layers.flatten(), tfDense(2),
    ] }) }),
  },
  {
    // seed 000's patches: an image cut into four by croppings, each flattened, concatenated
    className: 'Cropping2D',
    model: () => {
      const x = input({ shape: [4, 6, 2], name: 'image' });
      const quarters = ([[[0, 2], [0, 3]], [[0, 2], [3, 0]], [[2, 0], [0, 3]], [[2, 0], [3, 0]]] as [[number, number], [number, number]][])
        .map((c) => layers.flatten().apply(layers.cropping2d({ cropping: c }).apply(x)));
      const middle = layers.flatten().apply(layers.cropping2d([1, 2]).apply(x));
      return model({ inputs: x, outputs: layers.dense(2).apply(layers.concatenate().apply([...quarters, middle])), seed: 35 });
    },
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.cropping2D({ cropping: [[1, 0], [2, 1]], inputShape: [4, 6, 2] }), tfl.layers.cropping2D({ cropping: 1 }), tfl.layers.flatten(), tfDense(2),
    ] }) }),
  },
  // issue 18
  {
    // features only, and the last axis after a reshape; γ and β learned, then neither
    className: 'LayerNormalization',
    model: () => sequential([
      layers.dense(6, { inputShape: [4] }),
      layers.layerNormalization({ epsilon: 0.01, gammaInitializer: initializers.constant({ value: 1.2 }), betaRegularizer: regularizers.l2(0.01) }),
      layers.reshape([3, 2]),
      layers.layerNormalization({ center: false, scale: false }),
      layers.flatten(),
      layers.dense(2),
    ], { seed: 18 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfDense(6, { inputShape: [4] }), tfl.layers.layerNormalization({ epsilon: 0.01, gammaInitializer: rnd(0.5, 1.5, 18), betaInitializer: rnd(-0.5, 0.5, 19) }),
      tfl.layers.reshape({ targetShape: [3, 2] }), tfl.layers.layerNormalization({ center: false, scale: false }), tfl.layers.flatten(), tfDense(2),
    ] }) }),
  },
  {
    className: 'GaussianNoise',
    // a layer with its own seed and one drawing from the model's generator
    model: () => sequential([
      layers.dense(6, { inputShape: [4], activation: 'tanh' }), layers.gaussianNoise(0.3, { seed: 4 }), layers.dense(5, { activation: 'tanh' }), layers.gaussianNoise(0.1), layers.dense(2),
    ], { seed: 19 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [tfDense(6, { inputShape: [4] }), tfl.layers.gaussianNoise({ stddev: 0.2 }), tfDense(2)] }) }),
  },
  {
    // ids [batch, 5] into a table of 7 rows; a regularized table
    className: 'Embedding',
    model: () => sequential([
      layers.embedding({ inputDim: 7, outputDim: 3, inputLength: 5, embeddingsRegularizer: regularizers.l2(0.01) }), layers.flatten(), layers.dense(2, { activation: 'tanh' }),
    ], { seed: 20 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.embedding({ inputDim: 7, outputDim: 3, inputLength: 5, embeddingsInitializer: rnd(-1, 1, 20) }), tfl.layers.flatten(), tfDense(2),
    ] }) }),
    ids: 7,
  },
  // Recurrent layers (issue 17): sequences [batch, 4 timesteps, 3 features]; a returnSequences
  // layer feeding a goBackwards one; TF.js's own recurrentActivation kept on import.
  {
    className: 'SimpleRNN',
    model: () => sequential([
      layers.simpleRNN(5, { inputShape: [4, 3], returnSequences: true, kernelRegularizer: regularizers.l2(0.01), dropout: 0.25, recurrentDropout: 0.4 }),
      layers.simpleRNN(3, { goBackwards: true, activation: 'sigmoid', useBias: false }), layers.dense(2),
    ], { seed: 17 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfl.layers.simpleRNN({ recurrentInitializer: 'glorotNormal', units: 5, inputShape: [4, 3], returnSequences: true, biasInitializer: 'randomNormal', dropout: 0.3, recurrentDropout: 0.2 }),
      tfl.layers.simpleRNN({ recurrentInitializer: 'glorotNormal', units: 3, goBackwards: true, activation: 'sigmoid' }), tfDense(2),
    ] }) }),
  },
  {
    // an encoder–decoder: the encoder's returnState [sequence, h, c] starts the decoder (initialState),
    // h also feeds the head directly (two consumers of a state)
    className: 'LSTM',
    model: () => {
      const x = input({ shape: [4, 3], name: 'x' }), yd = input({ shape: [3, 2], name: 'y_in' });
      const [seq, h, c] = layers.lstm(5, { returnSequences: true, returnState: true, unitForgetBias: false, recurrentRegularizer: regularizers.l2(0.01), recurrentDropout: 0.3 }).apply(x);
      const dec = layers.lstm(5, { returnSequences: true }).apply(yd, { initialState: [h, c] });
      const last = layers.lstm(3, { goBackwards: true, recurrentActivation: 'hardSigmoid' }).apply(dec);
      const enc = layers.simpleRNN(2).apply(seq);
      return model({ inputs: [x, yd], outputs: layers.dense(2).apply(layers.concatenate().apply([last, h, enc])), seed: 18 });
    },
    tfjs: () => {
      const x = tfl.input({ shape: [4, 3] }), yd = tfl.input({ shape: [3, 2] });
      const lstm = (args: Record<string, unknown>) => tfl.layers.lstm({ recurrentInitializer: 'glorotNormal', recurrentActivation: 'sigmoid', biasInitializer: 'randomNormal', ...args } as never);
      const [seq, h, c] = lstm({ units: 5, returnSequences: true, returnState: true, recurrentDropout: 0.25 }).apply(x) as tfl.SymbolicTensor[];
      const dec = lstm({ units: 5, returnSequences: true }).apply(yd, { initialState: [h, c] }) as tfl.SymbolicTensor;
      const last = ap(lstm({ units: 3, goBackwards: true, recurrentActivation: 'hardSigmoid' }), dec);
      const enc = ap(tfl.layers.simpleRNN({ units: 2, recurrentInitializer: 'glorotNormal' }), seq);
      return { model: tfl.model({ inputs: [x, yd], outputs: ap(tfDense(2), ap(tfl.layers.concatenate(), [last, h, enc])) }) };
    },
  },
  {
    className: 'GRU',
    // resetAfter true (Keras 3's default) into resetAfter false (Keras 2's and TF.js's), padded units (6, 3)
    model: () => sequential([
      layers.gru(5, { inputShape: [4, 3], returnSequences: true, recurrentDropout: 0.3 }),
      layers.gru(6, { returnSequences: true, resetAfter: false, recurrentDropout: 0.4 }),
      layers.gru(3, { goBackwards: true, recurrentActivation: 'hardSigmoid', recurrentInitializer: 'glorotUniform', resetAfter: false }), layers.dense(2),
    ], { seed: 19 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [ // TF.js's GRU is resetAfter false
      tfl.layers.gru({ recurrentInitializer: 'glorotNormal', units: 5, inputShape: [4, 3], returnSequences: true, recurrentActivation: 'sigmoid', biasInitializer: 'randomNormal' }),
      tfl.layers.gru({ recurrentInitializer: 'glorotNormal', units: 3, goBackwards: true, biasInitializer: 'randomNormal', recurrentDropout: 0.3 }), tfDense(2),
    ] }) }),
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

// Convolutional layers (issue 14): small images so that the finite differences stay quick; each
// model sets the options away from their defaults ('same' with an odd total padding, strides,
// dilation, a softmax over channels, outputPadding).
const tfConv = (filters: number, args: Record<string, unknown>) => tfl.layers.conv2d({ filters, kernelSize: 3, biasInitializer: 'randomNormal', ...args } as never);
const tfConvT = (filters: number, args: Record<string, unknown>) => tfl.layers.conv2dTranspose({ filters, kernelSize: 3, biasInitializer: 'randomNormal', ...args } as never);
/** Renames the nth layer of a class to an alias Keras also writes (MaxPool2D for MaxPooling2D). */
const alias = (cls: string, to: string, nth = 1) => (ls: { class_name: string }[]) => { ls.filter((l) => l.class_name === cls)[nth].class_name = to; };

rows.push(
  {
    className: 'Conv2D',
    model: () => sequential([
      layers.conv2d(3, {
        inputShape: [5, 6, 2], kernelSize: [3, 2], strides: [2, 1], padding: 'same', activation: 'tanh',
        kernelRegularizer: regularizers.l2(0.01), biasInitializer: initializers.constant({ value: 0.1 }),
      }),
      layers.conv2d(2, { kernelSize: 2, dilationRate: [2, 1], useBias: false, activation: 'elu', kernelInitializer: 'heNormal' }),
      layers.conv2d(3, { kernelSize: 1, activation: 'softmax' }),
      layers.flatten(),
      layers.dense(2),
    ], { seed: 31 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfConv(4, { inputShape: [9, 10, 3], strides: 2, padding: 'same', activation: 'relu', kernelRegularizer: tfl.regularizers.l2({ l2: 0.01 }) }),
      tfConv(3, { kernelSize: [2, 3], dilationRate: 2, activation: 'tanh' }),
      tfConv(2, { kernelSize: 1, useBias: false, activation: 'softmax' }),
      tfl.layers.flatten(), tfDense(2),
    ] }) }),
  },
  {
    className: 'Conv2DTranspose',
    model: () => sequential([
      layers.conv2dTranspose(2, { inputShape: [2, 3, 2], kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh', biasInitializer: 'ones' }),
      layers.conv2dTranspose(2, { kernelSize: [2, 3], strides: [2, 3], outputPadding: [1, 0], useBias: false }),
      layers.conv2dTranspose(1, { kernelSize: 2, dilationRate: 2, padding: 'same', activation: 'sigmoid', kernelRegularizer: regularizers.l2(0.02) }),
      layers.flatten(),
      layers.dense(2),
    ], { seed: 32 }),
    tfjs: () => ({ model: tfl.sequential({ layers: [
      tfConvT(3, { inputShape: [4, 3, 2], strides: 2, padding: 'same', activation: 'relu' }),
      tfConvT(2, { kernelSize: [2, 3], strides: [1, 2], activation: 'tanh' }),
      tfl.layers.flatten(), tfDense(2),
    ] }) }),
  },
  {
    className: 'MaxPooling2D',
    model: () => sequential([
      layers.conv2d(2, { inputShape: [7, 7, 2], kernelSize: 2 }),
      layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      layers.maxPooling2d({ poolSize: [2, 1], strides: 1 }),
      layers.flatten(),
      layers.dense(2),
    ], { seed: 33 }),
    seed: 2, // the default draw puts two cells of a window within a finite-difference step of each other
    tfjs: () => ({
      model: tfl.sequential({ layers: [
        tfConv(3, { inputShape: [9, 8, 2], padding: 'same' }), tfl.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.maxPooling2d({ poolSize: [2, 1] }), tfl.layers.flatten(), tfDense(2),
      ] }),
      edit: alias('MaxPooling2D', 'MaxPool2D'),
    }),
  },
  {
    className: 'AveragePooling2D',
    model: () => sequential([
      layers.conv2d(2, { inputShape: [7, 7, 2], kernelSize: 2 }),
      layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
      layers.averagePooling2d({ poolSize: [2, 1], strides: 1 }),
      layers.flatten(),
      layers.dense(2),
    ], { seed: 34 }),
    tfjs: () => ({
      model: tfl.sequential({ layers: [
        tfConv(3, { inputShape: [9, 8, 2], padding: 'same' }), tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.averagePooling2d({ poolSize: [2, 1], strides: [1, 2] }), tfl.layers.flatten(), tfDense(2),
      ] }),
      edit: alias('AveragePooling2D', 'AvgPool2D'),
    }),
  },
);

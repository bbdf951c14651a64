// Options objects across the public API (src/options.ts): an unknown key is an error naming the
// function, the key and the nearest known key; the Keras/TF.js call forms (a leading value or the
// same value in the options, `inputDim`, a positional learning rate) build what the other form
// builds. Driven by the namespaces themselves: a layer, optimizer, initializer, regularizer or
// callback added later without a row here fails the coverage tests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callbacks, data, init, initializers, input, layers, model, optimizers, regularizers, schedules, sequential, type Layer } from '../src/index.js';

test.before(async () => {
  await init(new URL('../build/lepton.wasm', import.meta.url));
});

/** How to call each layer factory: its leading value (key and value, TF.js's name for it) and options it needs. */
interface LayerCall {
  lead?: [string, unknown];
  needs?: Record<string, unknown>;
  /** false where `inputDim` means something else (embedding: the vocabulary size). */
  inputDim?: boolean;
}
const layerCalls: Record<string, LayerCall> = {
  dense: { lead: ['units', 3] },
  activation: { lead: ['activation', 'tanh'] },
  leakyReLU: {}, elu: {}, prelu: {}, softmax: {},
  batchNormalization: {},
  dropout: { lead: ['rate', 0.3] },
  alphaDropout: { lead: ['rate', 0.3] },
  add: {}, subtract: {}, multiply: {}, average: {}, concatenate: {},
  reshape: { lead: ['targetShape', [2, 2]] },
  flatten: {},
  // Convolutional layers (issue 14)
  conv2d: { lead: ['filters', 3], needs: { kernelSize: 2 } },
  conv2dTranspose: { lead: ['filters', 3], needs: { kernelSize: 2 } },
  maxPooling2d: {}, averagePooling2d: {},
  globalAveragePooling2d: {}, globalMaxPooling2d: {},
  upSampling2d: { lead: ['size', [2, 3]] },
  zeroPadding2d: { lead: ['padding', [[1, 0], [2, 2]]] },
  cropping2d: { lead: ['cropping', [1, 2]] },
  // issue 18
  layerNormalization: {},
  gaussianNoise: { lead: ['stddev', 0.1] },
  embedding: { needs: { inputDim: 10, outputDim: 3 }, inputDim: false },
};

type Factory = (...a: unknown[]) => Layer;
const factory = (name: string): Factory => (layers as unknown as Record<string, Factory>)[name];
const callLayer = (name: string, opts: Record<string, unknown>): Layer => {
  const c = layerCalls[name];
  return c.lead ? factory(name)(c.lead[1], { ...c.needs, ...opts }) : factory(name)({ ...c.needs, ...opts });
};

test('every layer factory has a row here and every row a factory', () => {
  assert.equal(Object.keys(layers).sort(), Object.keys(layerCalls).sort());
});

for (const name of Object.keys(layerCalls)) {
  test(`layers.${name}: unknown keys are errors with a did-you-mean; the Keras/TF.js forms`, () => {
    assert.throws(() => callLayer(name, { nmae: 'x' }), (e: Error) => e instanceof TypeError && e.message.includes(`layers.${name}: unknown option 'nmae'; did you mean 'name'?`), 'a near miss');
    assert.throws(() => callLayer(name, { trainabel: false }), (e: Error) => e.message.includes(`did you mean 'trainable'?`));
    assert.throws(() => callLayer(name, { input_shape: [4] }), (e: Error) => e.message.includes(`did you mean 'inputShape'?`), 'snake_case');
    assert.throws(() => callLayer(name, { zzzqqq: 1 }), (e: Error) => e.message.includes(`layers.${name}: unknown option 'zzzqqq' (known: `));
    const c = layerCalls[name];
    if (c.inputDim !== false) assert.equal(callLayer(name, { inputDim: 4 }).declaredInputShape, [4], 'inputDim is inputShape [n]');
    if (c.lead) {
      const [key, value] = c.lead;
      const a = factory(name)(value, { ...c.needs, name: `${name}_pos` }).getConfig();
      const b = factory(name)({ [key]: value, ...c.needs, name: `${name}_obj` }).getConfig();
      assert.equal({ ...b, name: '' }, { ...a, name: '' }, 'the object form builds the same layer');
      assert.throws(() => factory(name)({ [key]: value }, {}), /either first/);
    }
  });
}

test('dense(8, { inputDim: 2 }) builds a model (Keras/TF.js); inputDim and inputShape must agree', () => {
  const net = sequential([layers.dense(8, { inputDim: 2, activation: 'tanh' }), layers.dense(1)]);
  assert.is(net.countParams(), 2 * 8 + 8 + 8 + 1);
  assert.equal(net.predict([[1, 2]]).shape, [1, 1]);
  assert.throws(() => layers.dense(8, { inputDim: 2, inputShape: [3] }), /inputDim 2 disagrees with inputShape \[3\]/);
  assert.throws(() => layers.dense(8, { inputDim: 0 }), /inputDim must be a whole number > 0/);
  assert.throws(() => layers.dense(8, 'relu' as never), /layers\.dense: options must be an object/);
});

const optimizerKeys: Record<string, string> = { sgd: 'momentum', adam: 'beta1', adamW: 'weightDecay', rmsprop: 'rho', adagrad: 'initialAccumulatorValue', adamax: 'epsilon', nadam: 'epsilon' };
type OptFactory = (...a: unknown[]) => { learningRate: unknown; getConfig(): Record<string, unknown> };

test('every optimizer has a row here', () => {
  assert.equal(Object.keys(optimizers).sort(), Object.keys(optimizerKeys).sort());
});

for (const name of Object.keys(optimizerKeys)) {
  test(`optimizers.${name}: a positional learning rate; unknown keys are errors`, () => {
    const f = (optimizers as unknown as Record<string, OptFactory>)[name];
    assert.is(f(0.05).learningRate, 0.05);
    assert.equal(f(0.05).getConfig(), f({ learningRate: 0.05 }).getConfig());
    const own = optimizerKeys[name];
    assert.equal(f(0.05, { [own]: 0.5 }).getConfig(), f({ learningRate: 0.05, [own]: 0.5 }).getConfig());
    const cosine = schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 10 });
    assert.is(f(cosine).learningRate, cosine, 'a schedule first');
    assert.throws(() => f({ lr: 0.01 }), (e: Error) => e instanceof TypeError && e.message.includes(`optimizers.${name}: unknown option 'lr'; did you mean 'learningRate'?`));
    assert.throws(() => f(0.01, { learningRate: 0.02 }), /given twice/);
    assert.throws(() => f({ learningRate: 0.01 }, {}), /the first argument is the learning rate/);
    assert.throws(() => f({ [own.slice(0, -1)]: 0.5 }), (e: Error) => e.message.includes(`did you mean '${own}'?`));
  });
}

test('compile takes optimizer names as Keras does: Adam, SGD, RMSprop, adam_w', () => {
  for (const [spec, name] of [['Adam', 'adam'], ['SGD', 'sgd'], ['RMSprop', 'rmsprop'], ['adam_w', 'adamW'], ['ADAMW', 'adamW']]) {
    const net = sequential([layers.dense(1, { inputShape: [1] })]);
    net.compile({ optimizer: spec, loss: 'mse' });
    assert.is(net.optimizer!.name, name, spec);
  }
  const net = sequential([layers.dense(1, { inputShape: [1] })]);
  assert.throws(() => net.compile({ optimizer: 'adamm', loss: 'mse' }), /unknown optimizer "adamm"/);
});

const initializerNear: Record<string, [string, string] | null> = {
  glorotUniform: null, glorotNormal: null, heNormal: null, heUniform: null, lecunNormal: null, lecunUniform: null, zeros: null, ones: null,
  truncatedNormal: ['stdev', 'stddev'], randomNormal: ['maen', 'mean'], randomUniform: ['minVal', 'minval'], constant: ['valu', 'value'],
};

test('every initializer has a row here; unknown keys are errors', () => {
  assert.equal(Object.keys(initializers).sort(), Object.keys(initializerNear).sort());
  for (const [name, near] of Object.entries(initializerNear)) {
    const f = (initializers as unknown as Record<string, (a?: unknown) => unknown>)[name];
    f();
    assert.throws(() => f({ seed: 1 }), (e: Error) => e.message.startsWith(`initializers.${name}: unknown option 'seed'`), name);
    if (near) assert.throws(() => f({ [near[0]]: 1 }), (e: Error) => e.message.includes(`did you mean '${near[1]}'?`), name);
  }
  assert.equal((initializers.constant(0.5) as { config: unknown }).config, { value: 0.5 }, 'Keras Constant(value)');
  assert.is(layers.dense(2, { kernelInitializer: 'glorot_uniform' as never }).kernelInitializer.name, 'glorotUniform', 'Keras snake_case names');
});

test('every regularizer has a row here; TF.js object form; unknown keys are errors', () => {
  const rows: Record<string, (f: (a?: unknown) => { config: Record<string, number> }) => void> = {
    l2: (f) => {
      assert.equal(f({ l2: 0.3 }).config, f(0.3).config);
      assert.throws(() => f({ l3: 0.1 }), /regularizers\.l2: unknown option 'l3'; did you mean 'l2'\?/);
    },
    l1: (f) => {
      assert.equal(f({ l1: 0.3 }).config, f(0.3).config);
      assert.throws(() => f({ l: 0.1 }), /regularizers\.l1: unknown option 'l'; did you mean 'l1'\?/);
    },
    l1l2: (f) => {
      assert.equal(f({ l1: 0.3 }).config, { l1: 0.3, l2: 0.01 });
      assert.throws(() => f({ L_1: 0.1 }), /regularizers\.l1l2: unknown option 'L_1'; did you mean 'l1'\?/);
    },
  };
  assert.equal(Object.keys(regularizers).sort(), Object.keys(rows).sort());
  for (const [name, check] of Object.entries(rows)) check((regularizers as unknown as Record<string, (a?: unknown) => { config: Record<string, number> }>)[name]);
});

/** Each callback with the arguments before its options, and a near miss of one of its keys. */
const callbackCalls: Record<string, { lead: unknown[]; near: [string, string] } | 'function'> = {
  earlyStopping: { lead: [], near: ['patiense', 'patience'] },
  reduceLROnPlateau: { lead: [], near: ['min_lr', 'minLr'] },
  lambda: { lead: [], near: ['onEpochEnds', 'onEpochEnd'] },
  progressBar: { lead: [], near: ['mod', 'mode'] },
  modelCheckpoint: { lead: ['out/ckpt'], near: ['save_best_only', 'saveBestOnly'] },
  learningRateScheduler: 'function',
  csvLogger: { lead: ['out/log.csv'], near: ['seperator', 'separator'] },
};

test('every callback has a row here; unknown keys are errors with a did-you-mean', () => {
  assert.equal(Object.keys(callbacks).sort(), Object.keys(callbackCalls).sort());
  for (const [name, c] of Object.entries(callbackCalls)) {
    const f = (callbacks as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
    if (c === 'function') {
      assert.throws(() => f({ schedule: () => 1 }), new RegExp(`callbacks\\.${name}: expected a function`));
      continue;
    }
    f(...c.lead, {});
    assert.throws(() => f(...c.lead, { [c.near[0]]: 1 }), (e: Error) => e.message.includes(`callbacks.${name}: unknown option '${c.near[0]}'; did you mean '${c.near[1]}'?`), name);
  }
  const cb = callbacks.modelCheckpoint({ path: 'out/a', period: 2 });
  assert.ok(cb);
});

test('sequential, model, input, compile, fit, evaluate, predict, trainOnBatch: unknown keys are errors', async () => {
  const x = [[0], [1], [2], [3]], y = [[0], [1], [4], [9]];
  assert.throws(() => sequential([layers.dense(1, { inputShape: [1] })], { sed: 1 } as never), /sequential: unknown option 'sed'; did you mean 'seed'\?/);
  const viaObject = sequential({ layers: [layers.dense(2, { inputShape: [1] })], seed: 4 });
  assert.is(viaObject.seed, 4, "TF.js's sequential({ layers })");
  const i = input({ shape: [1] });
  assert.throws(() => input({ shape: [1], nam: 'x' } as never), /input: unknown option 'nam'; did you mean 'name'\?/);
  assert.throws(() => model({ inputs: i, outputs: layers.dense(1).apply(i), seeds: 1 } as never), /model: unknown option 'seeds'; did you mean 'seed'\?/);
  const net = sequential([layers.dense(1, { inputShape: [1] })], { seed: 1 });
  assert.throws(() => net.compile({ optimizer: 'sgd', loss: 'mse', metric: ['mae'] } as never), /sequential\.compile: unknown option 'metric'; did you mean 'metrics'\?/);
  net.compile({ optimizer: 'sgd', loss: 'mse' });
  let err = '';
  try { await net.fit(x, y, { epoch: 2 } as never); } catch (e) { err = (e as Error).message; }
  assert.match(err, /sequential\.fit: unknown option 'epoch'; did you mean 'epochs'\?/);
  err = '';
  try { await net.fit(data.fromArrays(x, y), { batchsize: 2 } as never); } catch (e) { err = (e as Error).message; }
  assert.match(err, /sequential\.fit: unknown option 'batchsize'; did you mean 'batchSize'\?/);
  assert.throws(() => net.evaluate(x, y, { batch_size: 2 } as never), /sequential\.evaluate: unknown option 'batch_size'; did you mean 'batchSize'\?/);
  assert.throws(() => net.predict(x, { trainig: true } as never), /sequential\.predict: unknown option 'trainig'; did you mean 'training'\?/);
  assert.throws(() => net.trainOnBatch(x, y, { sampleWeights: [1, 1, 1, 1] } as never), /sequential\.trainOnBatch: unknown option 'sampleWeights'; did you mean 'sampleWeight'\?/);
  assert.throws(() => net.computeGradients(x, y, { input: true } as never), /did you mean 'inputs'\?/);
  assert.throws(() => net.summary({ prnt: false } as never), /did you mean 'print'\?/);
  net.evaluate(x, y, { verbose: 0 });
  net.predict(x, { verbose: 0 });
});

test('Keras habits: loss, metric and activation names as Keras spells them', () => {
  const net = sequential([layers.dense(2, { inputShape: [1], activation: 'leaky_relu' }), layers.dense(1, { activation: 'Sigmoid' })]);
  net.compile({ optimizer: 'Adam', loss: 'binary_crossentropy', metrics: ['Accuracy'] });
  assert.is(net.loss!.name, 'binaryCrossentropy');
  const reg = sequential([layers.dense(1, { inputShape: [1] })]);
  reg.compile({ optimizer: 'SGD', loss: 'mean_squared_error', metrics: ['MAE'] });
  assert.is(reg.loss!.name, 'meanSquaredError');
  assert.equal(Object.keys(reg.evaluate([[1]], [[1]])).sort(), ['MAE', 'loss'], 'the metric keeps the name as typed');
  assert.throws(() => reg.compile({ optimizer: 'sgd', loss: 'mean_squared_eror' }), /unknown loss "mean_squared_eror"/);
});

test('layer.getWeights() and setWeights() in Keras order; [] before build; clear errors', () => {
  const d = layers.dense(3, { inputShape: [2] });
  assert.equal(d.getWeights(), [], 'not built: no weights (Keras)');
  const net = sequential([d, layers.dense(1)], { seed: 5 });
  net.countParams(); // a sequential builds at its first use
  const ws = d.getWeights();
  assert.equal(ws.map((w) => w.shape), [[2, 3], [3]]);
  assert.equal(ws, net.getWeights().slice(0, 2));
  d.setWeights([{ data: Float32Array.of(1, 0, 0, 0, 1, 0), shape: [2, 3] }, [[0.5], [0], [0]].flat()]);
  assert.equal(Array.from(d.getWeights()[0].data), [1, 0, 0, 0, 1, 0]);
  assert.equal(Array.from(net.getWeights()[1].data), [0.5, 0, 0], 'the model sees the layer\'s weights');
  assert.throws(() => d.setWeights([ws[0]]), /dense(_\d+)?\.setWeights expects 2 arrays/);
  assert.throws(() => d.setWeights([ws[1], ws[0]]), /has shape \[2, 3\], got \[3\]/);
  assert.throws(() => d.setWeights([{ data: Float32Array.of(NaN, 0, 0, 0, 0, 0), shape: [2, 3] }, ws[1]]), /NaN/);
  const lone = layers.dense(2);
  lone.apply(input({ shape: [4] }));
  assert.throws(() => lone.getWeights(), /when a model is built around the layer/);
});

test.run();

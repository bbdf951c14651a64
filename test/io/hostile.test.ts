// Hostile and broken files: each is rejected with a ModelFormatError that says what is wrong,
// without a crash, a hang, a giant allocation or code evaluation; then the fuzzer's CI run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, loadModel, ModelFormatError, optimizers, sequential } from '../../src/index.js';
import { crc32 } from '../../src/io/check.js';
import { runtime } from '../../src/wasm/runtime.js';
import { fuzz } from './fuzz.js';

let base: { json: string; weights: Uint8Array };
test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  const m = sequential([layers.dense(4, { inputShape: [3], activation: 'relu', name: 'dense' }), layers.dense(2, { name: 'dense_1' })], { seed: 1 });
  m.compile({ optimizer: optimizers.sgd({ momentum: 0.9 }), loss: 'mse' });
  await m.fit({ data: new Float32Array(6).fill(0.5), shape: [2, 3] }, { data: new Float32Array(4), shape: [2, 2] }, { epochs: 1, verbose: 0 });
  base = await m.save();
});

type Doc = Record<string, any>;
const edit = (f: (d: Doc) => void): string => {
  const d = JSON.parse(base.json);
  f(d);
  return JSON.stringify(d);
};
/** Weights changed by `f`, with the CRC in the JSON updated so that only the content is wrong. */
const reweigh = (f: (v: Float32Array) => void): { json: string; weights: Uint8Array } => {
  const weights = base.weights.slice();
  f(new Float32Array(weights.buffer));
  return { json: edit((d) => { d.weights.crc32 = crc32(weights); }), weights };
};

async function rejects(source: Parameters<typeof loadModel>[0], pattern: RegExp) {
  try {
    await loadModel(source);
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw new Error(`expected a ModelFormatError matching ${pattern}, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.match(e.message, pattern);
    return;
  }
  assert.unreachable(`loaded; expected a rejection matching ${pattern}`);
}

const cases: [string, () => { json: string; weights: Uint8Array }, RegExp][] = [
  ['not JSON', () => ({ json: '\x89PNG\r\n\x1a\n', weights: base.weights }), /not valid JSON/],
  ['empty', () => ({ json: '', weights: base.weights }), /not valid JSON/],
  ['a JSON array', () => ({ json: '[1,2,3]', weights: base.weights }), /model\.json must be an object/],
  ['wrong format', () => ({ json: edit((d) => { d.format = 'keras'; }), weights: base.weights }), /neither a lepton model \(format: 'lepton'\) nor a TF.js layers model/],
  ['a newer format version', () => ({ json: edit((d) => { d.formatVersion = 2; }), weights: base.weights }), /format version 2 .* reads up to version 1/],
  ['a lying byteLength', () => ({ json: edit((d) => { d.weights.byteLength = 1e12; }), weights: base.weights }), /weights\.byteLength must be a whole number/],
  ['a truncated binary', () => ({ json: base.json, weights: base.weights.subarray(0, 40) }), /describes \d+ bytes, the weights file has 40/],
  ['entries that do not add up', () => ({ json: edit((d) => { d.weights.entries[0].shape = [3, 5]; }), weights: base.weights }), /need \d+ bytes; byteLength says/],
  ['a terabyte layer', () => ({ json: edit((d) => { d.layers[0].config.units = 2 ** 28; d.inputShape = [2 ** 28]; }), weights: base.weights }), /the layers declare dense\/kernel \[268435456, 268435456\]/],
  ['an absurd unit count', () => ({ json: edit((d) => { d.layers[0].config.units = 1e15; }), weights: base.weights }), /units must be a whole number in \[1, 268435456\]/],
  ['NaN weights', () => reweigh((v) => { v[3] = NaN; }), /weight dense\/kernel holds NaN at flat index 3/],
  ['Inf in optimizer state', () => reweigh((v) => { v[v.length - 1] = -Infinity; }), /optimizer slot 0 of dense_1\/bias holds -Infinity/],
  ['a bit flip in the binary', () => ({ json: base.json, weights: base.weights.map((b, i) => (i === 7 ? b ^ 4 : b)) }), /CRC-32/],
  ['__proto__ in a config', () => ({ json: base.json.replace('"units":4', '"units":4,"__proto__":{"polluted":true}'), weights: base.weights }), /the key '__proto__' is not allowed/],
  ['constructor.prototype', () => ({ json: base.json.replace('"seed":1', '"seed":1,"constructor":{"prototype":{"polluted":true}}'), weights: base.weights }), /the key 'constructor' is not allowed/],
  ['an unknown layer with code in it', () => ({ json: edit((d) => { d.layers[1] = { className: 'Lambda', config: { name: 'l', function: 'process.exit(1)' } }; }), weights: base.weights }), /unknown layer class "Lambda"; this lepton knows Dense/],
  ['a prototype name as a class', () => ({ json: edit((d) => { d.layers[0].className = 'constructor'; }), weights: base.weights }), /unknown layer class "constructor"/],
  ['a prototype name as an optimizer', () => ({ json: edit((d) => { d.training.optimizer.name = '__proto__'; }), weights: base.weights }), /unknown optimizer "__proto__"/],
  ['an unknown loss', () => ({ json: edit((d) => { d.training.loss.name = 'toString'; }), weights: base.weights }), /unknown loss "toString"/],
  ['an unknown activation', () => ({ json: edit((d) => { d.layers[0].config.activation = 'gelu'; }), weights: base.weights }), /unknown activation 'gelu'/],
  ['a weights file outside the directory', () => ({ json: edit((d) => { d.weights.file = '../../etc/passwd'; }), weights: base.weights }), /plain file name/],
  ['deep nesting', () => ({ json: base.json.replace('"preprocessing":null', `"preprocessing":${'['.repeat(100000)}${']'.repeat(100000)}`), weights: base.weights }), /nested deeper than 64/],
  ['an all-zero RNG state', () => ({ json: edit((d) => { d.rng.shuffle = [0, 0, 0, 0]; }), weights: base.weights }), /rng\.shuffle must be four 32-bit words, not all zero/],
  ['a negative seed', () => ({ json: edit((d) => { d.seed = -3; }), weights: base.weights }), /seed must be a whole number/],
  ['duplicate layer names', () => ({ json: edit((d) => { d.layers[1].config.name = 'dense'; }), weights: base.weights }), /the layer name 'dense' is used twice/],
  ['an unknown model type', () => ({ json: edit((d) => { d.modelType = 'subclassed'; }), weights: base.weights }), /modelType: "subclassed" is not a model type this lepton loads \(sequential, functional\)/],
  ['a sequential file read as functional', () => ({ json: edit((d) => { d.modelType = 'functional'; }), weights: base.weights }), /inputs must be an array/],
  ['wrong optimizer slot count', () => ({ json: edit((d) => { d.training.optimizer.name = 'adam'; delete d.training.optimizer.config.momentum; delete d.training.optimizer.config.nesterov; }), weights: base.weights }), /adam keeps 2 state slots, the file holds 1/],
  ['an option the optimizer does not take', () => ({ json: edit((d) => { d.training.optimizer.name = 'adam'; }), weights: base.weights }), /optimizers\.adam: unknown option 'momentum'/],
  ['a huge TF.js weight', () => ({ json: JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Dense', config: { name: 'd', units: 4, batch_input_shape: [null, 3] } }] } },
    weightsManifest: [{ paths: [], weights: [{ name: 'd/kernel', shape: [100000, 100000, 100000], dtype: 'float32' }] }] }), weights: new Uint8Array(8) }), /must be a whole number in \[1, 268435456\]|need \d+ bytes, the shards hold 8/],
];

for (const [name, make, pattern] of cases) {
  test(`rejected with a clear error: ${name}`, async () => {
    const used = runtime().arena.used();
    await rejects(make(), pattern);
    assert.ok(runtime().arena.used() - used < 1 << 20, 'no large allocation');
    assert.is(({} as Record<string, unknown>).polluted, undefined);
  });
}

// Convolutional configs (issue 14): refused before anything is allocated for them.
let convBase: { json: string; weights: Uint8Array };
const convEdit = (f: (d: Doc) => void) => {
  const d = JSON.parse(convBase.json);
  f(d);
  return { json: JSON.stringify(d), weights: convBase.weights };
};
const convCases: [string, () => { json: string; weights: Uint8Array }, RegExp][] = [
  ['a kernel larger than its input', () => convEdit((d) => { d.inputShape = [2, 6, 2]; }), /conv: its 3×3 kernel spans 3 rows with 'valid' padding, more than the input's height of 2/],
  ['a pool larger than its input', () => convEdit((d) => { d.layers[1].config.poolSize = [20, 2]; }), /pool: its 20×2 pool spans 20 rows with 'valid' padding, more than the input's height of 4/],
  ['zero filters', () => convEdit((d) => { d.layers[0].config.filters = 0; }), /layers\[0\]\.config\.filters must be a whole number in \[1, 268435456\], got 0/],
  ['10⁹ filters', () => convEdit((d) => { d.layers[0].config.filters = 1e9; }), /filters must be a whole number in \[1, 268435456\], got 1000000000/],
  ['2²⁸ filters', () => convEdit((d) => { d.layers[0].config.filters = 2 ** 28; }), /conv: filters must be a whole number in \[1, 1048576\], got 268435456/],
  ['negative strides', () => convEdit((d) => { d.layers[0].config.strides = [-1, 1]; }), /layers\[0\]\.config\.strides\[0\] must be a whole number in \[1, 268435456\], got -1/],
  ['a fractional stride', () => convEdit((d) => { d.layers[0].config.strides = [1, 1.5]; }), /strides\[1\] must be a whole number/],
  ['an unknown padding', () => convEdit((d) => { d.layers[0].config.padding = 'causal'; }), /padding must be 'valid' or 'same', got "causal"/],
  ['an outputPadding not less than the stride', () => convEdit((d) => { d.layers[2].config.outputPadding = [2, 0]; }), /outputPadding must be less than the strides/],
  ['a channels_first TF.js conv', () => ({ json: JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: 'Conv2D', config: {
    name: 'c', filters: 2, kernel_size: [3, 3], data_format: 'channels_first', batch_input_shape: [null, 1, 8, 8] } }] } }, weightsManifest: [{ paths: [], weights: [] }] }), weights: new Uint8Array(0) }),
  /data_format "channels_first" is not supported; lepton's images are channels_last/],
];
for (const [name, make, pattern] of convCases) {
  test(`rejected with a clear error before any allocation: ${name}`, async () => {
    convBase ??= await (async () => {
      const m = sequential([
        layers.conv2d(3, { kernelSize: 3, inputShape: [6, 6, 2], name: 'conv' }), layers.maxPooling2d({ name: 'pool' }),
        layers.conv2dTranspose(2, { kernelSize: 2, strides: 2, name: 'deconv' }), layers.flatten({ name: 'flat' }), layers.dense(2, { name: 'd' }),
      ], { seed: 1 });
      m.compile({ optimizer: optimizers.adam(), loss: 'mse' });
      await m.fit({ data: new Float32Array(2 * 72).fill(0.5), shape: [2, 6, 6, 2] }, { data: new Float32Array(4), shape: [2, 2] }, { epochs: 1, verbose: 0 });
      return m.save();
    })();
    const made = make();
    const used = runtime().arena.used();
    await rejects(made, pattern);
    assert.is(runtime().arena.used(), used, 'nothing allocated');
  });
}

// Layers on images (issue 14): absurd sizes, paddings and croppings are refused before anything
// is allocated for them (a layer bounds the image it makes at 2²⁶ values a sample when it is built).
let spatialBase: { json: string; weights: Uint8Array };
const spatialEdit = (f: (d: Doc) => void) => {
  const d = JSON.parse(spatialBase.json);
  f(d);
  return { json: JSON.stringify(d), weights: spatialBase.weights };
};
const tfjsImage = (cls: string, config: Doc) => ({
  json: JSON.stringify({ modelTopology: { class_name: 'Sequential', config: { layers: [{ class_name: cls, config: { name: 'l', batch_input_shape: [null, 4, 4, 2], ...config } }] } }, weightsManifest: [{ paths: [], weights: [] }] }),
  weights: new Uint8Array(0),
});
const spatialCases: [string, () => { json: string; weights: Uint8Array }, RegExp][] = [
  ['an upsampling size of 10⁹', () => spatialEdit((d) => { d.layers[1].config.size = [1e9, 2]; }), /layers\[1\]\.config\.size\[0\] must be a whole number in \[1, 268435456\], got 1000000000/],
  ['an upsampling to 10¹¹ values a sample', () => spatialEdit((d) => { d.layers[1].config.size = [65536, 65536]; }), /up: size \[65536, 65536\] makes an image of 393216×524288×2 = \d+ values per sample out of \[6, 8, 2\]; the most is 2\^26/],
  ['a zero upsampling size', () => spatialEdit((d) => { d.layers[1].config.size = 0; }), /layers\[1\]\.config\.size must be a whole number in \[1, 268435456\], got 0/],
  ['a padding of 10⁹', () => spatialEdit((d) => { d.layers[0].config.padding = [[1e9, 0], [0, 0]]; }), /layers\[0\]\.config\.padding\[0\]\[0\] must be a whole number in \[0, 268435456\]/],
  ['a padding to 2⁴⁹ values', () => spatialEdit((d) => { d.layers[0].config.padding = [[2 ** 24, 0], [2 ** 24, 0]]; }), /pad: padding \[\[16777216, 0\], \[16777216, 0\]\] makes an image of .* values per sample out of \[5, 6, 2\]; the most is 2\^26/],
  ['a negative padding', () => spatialEdit((d) => { d.layers[0].config.padding = [[0, -1], [0, 0]]; }), /layers\[0\]\.config\.padding\[0\]\[1\] must be a whole number in \[0, 268435456\], got -1/],
  ['three sides of padding', () => spatialEdit((d) => { d.layers[0].config.padding = [[0, 1, 2], [0, 0]]; }), /padding\[0\] must be an array of at most 2 entries/],
  ['cropping more than the image', () => spatialEdit((d) => { d.layers[2].config.cropping = [[3, 3], [0, 0]]; }), /crop: cropping \[\[3, 3\], \[0, 0\]\] leaves nothing of a 6×16 image \(it would be 0×16\)/],
  ['a cropping of 10⁹', () => spatialEdit((d) => { d.layers[2].config.cropping = 1e9; }), /layers\[2\]\.config\.cropping must be a whole number in \[0, 268435456\]/],
  ['bicubic upsampling', () => spatialEdit((d) => { d.layers[1].config.interpolation = 'bicubic'; }), /interpolation: "bicubic" is not supported by lepton; it has 'nearest' and 'bilinear'/],
  ['halfPixelCenters on a nearest upsampling', () => spatialEdit((d) => { d.layers[1].config.halfPixelCenters = false; }), /up: halfPixelCenters is true or false, with interpolation 'bilinear'; got false with 'nearest'/],
  ['a channels_first TF.js ZeroPadding2D', () => tfjsImage('ZeroPadding2D', { padding: [[1, 1], [1, 1]], data_format: 'channels_first' }), /data_format "channels_first" is not supported; lepton's images are channels_last/],
  ['a TF.js global pooling with keepdims', () => tfjsImage('GlobalAveragePooling2D', { keepdims: true }), /l \(GlobalAveragePooling2D\): keepdims true is not supported by lepton/],
  ['a TF.js bicubic UpSampling2D', () => tfjsImage('UpSampling2D', { size: [2, 2], interpolation: 'bicubic' }), /l \(UpSampling2D\): interpolation "bicubic" is not supported by lepton/],
  ['a TF.js Cropping2D larger than its input', () => tfjsImage('Cropping2D', { cropping: [[0, 0], [2, 3]] }), /cropping \[\[0, 0\], \[2, 3\]\] leaves nothing of a 4×4 image/],
];
for (const [name, make, pattern] of spatialCases) {
  test(`rejected with a clear error before any allocation: ${name}`, async () => {
    spatialBase ??= await (async () => {
      const m = sequential([
        layers.zeroPadding2d({ padding: [[1, 0], [0, 2]], inputShape: [5, 6, 2], name: 'pad' }), layers.upSampling2d({ size: [1, 2], name: 'up' }),
        layers.cropping2d({ cropping: 1, name: 'crop' }), layers.batchNormalization({ name: 'bn' }), layers.globalAveragePooling2d({ name: 'gap' }), layers.dense(2, { name: 'd' }),
      ], { seed: 1 });
      m.compile({ optimizer: optimizers.adam(), loss: 'mse' });
      await m.fit({ data: new Float32Array(2 * 60).fill(0.5), shape: [2, 5, 6, 2] }, { data: new Float32Array(4), shape: [2, 2] }, { epochs: 1, verbose: 0 });
      return m.save();
    })();
    const made = make();
    const used = runtime().arena.used();
    await rejects(made, pattern);
    assert.is(runtime().arena.used(), used, 'nothing allocated');
  });
}

test('an oversized model.json is refused before parsing', async () => {
  await rejects({ json: ' '.repeat(64 * 1024 * 1024 + 1), weights: base.weights }, /the limit is/);
});

test('fuzz (CI size): every mutated file loads or is rejected with a ModelFormatError', async () => {
  const r = await fuzz(400, 7);
  assert.equal(r.failures, []);
  assert.is(r.byOutcome.failure, 0);
  assert.is(r.byOutcome.identical + r.byOutcome.loadedDifferent + r.byOutcome.rejected, 400);
  assert.ok(r.byOutcome.rejected > 200 && r.byOutcome.identical > 0, JSON.stringify(r.byOutcome));
});

test.run();

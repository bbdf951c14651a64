// Bad input to the convolutional layers (issue 14): each error names the layer, what it expected
// and what it got, and comes before any kernel runs (the arena is untouched).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, sequential } from '../../src/index.js';
import { runtime } from '../../src/wasm/runtime.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

const lenet = () => sequential([
  layers.conv2d(4, { kernelSize: 5, padding: 'same', activation: 'relu', inputShape: [28, 28, 1] }),
  layers.maxPooling2d({ poolSize: 2 }), layers.flatten(), layers.dense(10, { activation: 'softmax' }),
], { seed: 1, name: 'lenet' });

/** `f` throws an error matching `pattern`, and the arena grew by nothing while it ran. */
function refuses(f: () => unknown, pattern: RegExp): void {
  const before = runtime().arena.used();
  assert.throws(f, (e: Error) => pattern.test(e.message) || assert.unreachable(`got: ${e.message}`));
  assert.is(runtime().arena.used(), before, 'nothing allocated');
}

test('a 2-D x into a conv model: images are [batch, height, width, channels], and the reshape', () => {
  const m = lenet();
  m.getWeights(); // built and placed before the call measured
  m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const flat = { data: new Float32Array(5 * 784), shape: [5, 784] };
  const msg = /conv2d\w* expects input \[\*, 28, 28, 1\], got x of shape \[5, 784\]; images are \[batch, height, width, channels\]: reshape it, \{ data: x\.data, shape: \[5, 28, 28, 1\] \}/;
  refuses(() => m.predict(flat), msg);
  refuses(() => m.evaluate(flat, { data: new Float32Array(50), shape: [5, 10] }), msg);
});

test('a channel mismatch names the channels expected and given', () => {
  const m = lenet();
  m.getWeights();
  refuses(() => m.predict({ data: new Float32Array(2 * 28 * 28 * 3), shape: [2, 28, 28, 3] }), /expects input \[\*, 28, 28, 1\], got x of shape \[2, 28, 28, 3\]; images are \[batch, height, width, channels\]: it expects 1 channel, x has 3/);
});

test("a 'valid' kernel or pool larger than its input, at build", () => {
  refuses(() => sequential([layers.conv2d(2, { kernelSize: [3, 7], inputShape: [5, 5, 1], name: 'wide' })]).getWeights(),
    /wide: its 3×7 kernel spans 7 columns with 'valid' padding, more than the input's width of 5; use padding 'same' or a smaller window/);
  refuses(() => sequential([layers.conv2d(2, { kernelSize: 3, dilationRate: 3, inputShape: [6, 9, 1], name: 'dil' })]).getWeights(),
    /dil: its 3×3 kernel \(dilated by 3×3\) spans 7 rows with 'valid' padding, more than the input's height of 6/);
  refuses(() => sequential([layers.maxPooling2d({ poolSize: 4, inputShape: [3, 8, 2], name: 'mp' })]).getWeights(),
    /mp: its 4×4 pool spans 4 rows with 'valid' padding, more than the input's height of 3/);
});

test('a flat input into a conv layer says it expects images, with the reshape when the size is a square', () => {
  refuses(() => sequential([layers.conv2d(2, { kernelSize: 3, inputShape: [784], name: 'c' })]).getWeights(),
    /c expects images \[\*, height, width, channels\], got \[\*, 784\] \(a flat 784 is a 28×28 image of one channel: add layers\.reshape\(\[28, 28, 1\]\) before it\)/);
  refuses(() => sequential([layers.dense(10, { inputShape: [4] }), layers.averagePooling2d({ name: 'ap' })]).getWeights(), /ap expects images \[\*, height, width, channels\], got \[\*, 10\]$/);
});

test('option errors name the layer, the option and the value', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => layers.conv2d(4, { kernelSize: 3, strides: 1.5, name: 'a' }), /a: strides must be a whole number in \[1, 1048576\] or two of them \[rows, cols\], got 1\.5/],
    [() => layers.conv2d(4, { kernelSize: [3, 0], name: 'b' }), /b: kernelSize must be a whole number .* got \[3,0\]/],
    [() => layers.conv2d(0, { kernelSize: 3, name: 'c' }), /c: filters must be a whole number in \[1, 1048576\], got 0/],
    [() => layers.conv2d(4, { name: 'd' } as never), /d: kernelSize is required/],
    [() => layers.conv2d(4, { kernelSize: 3, padding: 'causal' as never, name: 'e' }), /e: padding must be 'valid' or 'same', got "causal"/],
    [() => layers.conv2d(4, { kernelSize: 3, dataFormat: 'channelsFirst', name: 'f' }), /f: lepton's images are channels-last .* dataFormat "channelsFirst" is not supported/],
    [() => layers.conv2dTranspose(4, { kernelSize: 3, strides: 2, outputPadding: 2, name: 'g' }), /g: outputPadding must be less than the strides/],
    [() => layers.conv2dTranspose(4, { kernelSize: 3, strides: 2, dilationRate: 2, name: 'h' }), /h: a dilationRate other than 1 cannot go with strides other than 1/],
    [() => layers.maxPooling2d({ poolSize: -2, name: 'i' }), /i: poolSize must be a whole number in \[1, 1048576\]/],
    [() => layers.averagePooling2d({ strides: [2, 2.5], name: 'j' }), /j: strides must be a whole number/],
  ];
  for (const [f, pattern] of cases) refuses(f, pattern);
});

test.run();

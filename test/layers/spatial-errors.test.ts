// Bad input to the layers on images (issue 14): global poolings, upSampling2d, zeroPadding2d,
// cropping2d. Each error names the layer, what it expected and what it got, and comes before any
// kernel runs (the arena is untouched).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, layers, sequential } from '../../src/index.js';
import { runtime } from '../../src/wasm/runtime.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

/** `f` throws an error matching `pattern`, and the arena grew by nothing while it ran. */
function refuses(f: () => unknown, pattern: RegExp): void {
  const before = runtime().arena.used();
  assert.throws(f, (e: Error) => pattern.test(e.message) || assert.unreachable(`got: ${e.message}`));
  assert.is(runtime().arena.used(), before, 'nothing allocated');
}

const build = (...ls: ReturnType<typeof layers.flatten>[]) => () => sequential(ls).getWeights();

test('a flat or 4-D input: each layer says it expects images [*, height, width, channels], with the reshape for a square', () => {
  const makers: [string, (a: { name: string; inputShape: number[] }) => ReturnType<typeof layers.flatten>][] = [
    ['gap', (a) => layers.globalAveragePooling2d(a)], ['gmp', (a) => layers.globalMaxPooling2d(a)],
    ['up', (a) => layers.upSampling2d(a)], ['pad', (a) => layers.zeroPadding2d(a)], ['crop', (a) => layers.cropping2d(a)],
  ];
  for (const [name, make] of makers) {
    refuses(build(make({ name, inputShape: [784] })), new RegExp(`^${name} expects images \\[\\*, height, width, channels\\], got \\[\\*, 784\\] \\(a flat 784 is a 28×28 image of one channel: add layers\\.reshape\\(\\[28, 28, 1\\]\\) before it\\)`));
    refuses(build(make({ name, inputShape: [2, 3, 4, 5] })), new RegExp(`^${name} expects images \\[\\*, height, width, channels\\], got \\[\\*, 2, 3, 4, 5\\]$`));
  }
});

test('cropping more than the image names the cropping and both sizes', () => {
  refuses(build(layers.cropping2d({ cropping: [[0, 14], [0, 14]], inputShape: [14, 28, 1], name: 'patch' })),
    /^patch: cropping \[\[0, 14\], \[0, 14\]\] leaves nothing of a 14×28 image \(it would be 0×14\); the cropping must leave at least one row and one column$/);
  refuses(build(layers.cropping2d({ cropping: 3, inputShape: [8, 6, 2], name: 'c' })), /c: cropping \[\[3, 3\], \[3, 3\]\] leaves nothing of a 8×6 image \(it would be 2×0\)/);
  // seed 000's split of a 28×28 image: each quarter is 14×14
  const quarter = sequential([layers.cropping2d({ cropping: [[14, 0], [0, 14]], inputShape: [28, 28, 1] })]);
  quarter.getWeights();
  assert.equal(quarter.outputShape, [14, 14, 1]);
});

test('an image larger than 2^26 values a sample is refused when the layer is built', () => {
  refuses(build(layers.upSampling2d({ size: 1024, inputShape: [28, 28, 3], name: 'up' })),
    /^up: size \[1024, 1024\] makes an image of 28672×28672×3 = 2466250752 values per sample out of \[28, 28, 3\]; the most is 2\^26/);
  refuses(build(layers.zeroPadding2d({ padding: [[0, 0], [0, 2 ** 20]], inputShape: [100, 1, 1], name: 'wide' })), /^wide: padding \[\[0, 0\], \[0, 1048576\]\] makes an image of 100×1048577×1/);
});

test('bad options name the layer, the option, what it takes and what it got', () => {
  const cases: [() => unknown, RegExp][] = [
    [() => layers.upSampling2d({ size: 0, name: 'u' }), /^u: size must be a whole number in \[1, 1048576\] or two of them \[rows, cols\], got 0$/],
    [() => layers.upSampling2d([2, 1.5], { name: 'u' }), /^u: size must be a whole number in \[1, 1048576\] or two of them \[rows, cols\], got \[2,1\.5\]$/],
    [() => layers.upSampling2d({ interpolation: 'bicubic' as never, name: 'u' }), /^u: interpolation "bicubic" is not supported by lepton; it has 'nearest' \(Keras's default\) and 'bilinear'$/],
    [() => layers.upSampling2d({ halfPixelCenters: false, name: 'u' }), /^u: halfPixelCenters is true or false, with interpolation 'bilinear'; got false with 'nearest'$/],
    [() => layers.zeroPadding2d(-1, { name: 'p' }), /^p: padding must be a whole number ≥ 0, \[rows, cols\], or \[\[top, bottom\], \[left, right\]\], got -1$/],
    [() => layers.zeroPadding2d([[1, 2, 3], [0, 0]] as never, { name: 'p' }), /^p: padding must be .*, got \[\[1,2,3\],\[0,0\]\]$/],
    [() => layers.cropping2d({ cropping: [1, 'x'] as never, name: 'c' }), /^c: cropping must be .*, got \[1,"x"\]$/],
    [() => layers.globalMaxPooling2d({ dataFormat: 'channelsFirst', name: 'g' }), /^g: lepton's images are channels-last \[batch, height, width, channels\]; dataFormat "channelsFirst" is not supported$/],
    [() => layers.cropping2d({ croping: 1 } as never), /layers\.cropping2d: unknown option 'croping'; did you mean 'cropping'\?/],
  ];
  for (const [f, pattern] of cases) refuses(f, pattern);
});

test('an image of the wrong size into a built model: the layer says what it expects', () => {
  const m = sequential([layers.zeroPadding2d({ inputShape: [4, 4, 2] }), layers.globalAveragePooling2d()], { seed: 1 });
  m.getWeights();
  refuses(() => m.predict({ data: new Float32Array(2 * 5 * 4 * 2), shape: [2, 5, 4, 2] }), /expects input \[\*, 4, 4, 2\], got x of shape \[2, 5, 4, 2\]/);
});

test.run();

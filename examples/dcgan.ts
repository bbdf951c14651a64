// Seed 002's generative adversarial networks on images: a DCGAN (Radford et al.) on Fashion-MNIST.
// Radford et al.'s practice: pixels scaled to [−1, 1] and a tanh output; the generator G maps noise
// z through dense → reshape 7×7×C → conv2dTranspose (stride 2) → 14×14 → conv2dTranspose (stride
// 2) → a 28×28×1 image, with batch norm and ReLU between; the discriminator D is two stride-2
// conv2d with leaky ReLU 0.2 → flatten → dense 1 sigmoid; Adam 2e-4, β₁ = 0.5; no label smoothing.
// G's samples for D's step are drawn in training mode (batch statistics, as in G's own step). They
// are trained with the Keras trainable-at-compile recipe of examples/gan-ring.ts and the
// non-saturating generator loss −log D(G(z)). A small CNN Fashion-MNIST classifier, trained here on
// the real images, scores the samples (an Inception-score-like pair): the fraction it classifies
// with confidence ≥ 0.9, and the entropy of its predicted-class histogram (log 10 ≈ 2.303 nats when
// all 10 classes are equally frequent); the same pair on real test images is the reference.
//   npx tsx examples/dcgan.ts [--epochs N] [--subset N]
import { init, input, layers, model, optimizers, schedules, sequential, type Model, type Sequential, type Tensor } from '../src/index.js';
import * as report from '../src/report/index.js';
import { fashionMnist } from '../src/data/idx.js';
import { normals } from '../src/initializers.js';
import { Random } from '../src/random.js';
import { CLASSES } from './fashion-mnist.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';
import { Loop } from './loop.js';

export const LATENT = 64, BATCH = 64, PIXELS = 784;
/** The generator's channels at 7×7 and at 14×14, the discriminator's at 14×14 and 7×7. */
const G_CHANNELS = [128, 64], D_CHANNELS = [64, 64];
/** Generated items the classifier scores (from fixed noise), and those drawn per epoch. */
export const SCORED = 1000, SHOWN = 16;
/** A sample is recognised when the classifier's top probability is at least this. */
export const CONFIDENT = 0.9;
/** A class is covered when at least this fraction of the scored samples fall in it. */
export const COVERED = 0.02;

export interface DcganOptions extends ExampleOptions {
  /** Real training images per epoch (the first ones of the training set). */
  subset?: number;
  /** Epochs of the scoring classifier (on all 60,000 training images). */
  classifierEpochs?: number;
  /** Training images of the scoring classifier (60,000 in the full run). */
  classifierSubset?: number;
}

function networks(seed: number): { g: Sequential; d: Sequential; gan: Model } {
  const [c7, c14] = G_CHANNELS;
  const g = sequential([
    layers.dense(7 * 7 * c7, { useBias: false, inputShape: [LATENT] }),
    layers.batchNormalization({ momentum: 0.8 }),
    layers.activation('relu'),
    layers.reshape([7, 7, c7]),
    layers.conv2dTranspose(c14, { kernelSize: 4, strides: 2, padding: 'same', useBias: false }),
    layers.batchNormalization({ momentum: 0.8 }),
    layers.activation('relu'),
    layers.conv2dTranspose(1, { kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }),
  ], { name: 'generator', seed });
  const d = sequential([
    layers.conv2d(D_CHANNELS[0], { kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }),
    layers.leakyReLU({ alpha: 0.2 }),
    layers.conv2d(D_CHANNELS[1], { kernelSize: 4, strides: 2, padding: 'same' }),
    layers.leakyReLU({ alpha: 0.2 }),
    layers.flatten(),
    layers.dense(1, { activation: 'sigmoid' }),
  ], { name: 'discriminator', seed: seed + 1 });
  // Adam 2e-4, β₁ = 0.5: Radford et al.'s settings.
  d.compile({ optimizer: optimizers.adam({ learningRate: 2e-4, beta1: 0.5 }), loss: 'binaryCrossentropy' });
  d.trainable = false; // takes effect at the next compile: the combined model's, not D's own
  const z = input({ shape: [LATENT] });
  const gan = model({ inputs: z, outputs: d.apply(g.apply(z)), name: 'dcgan', seed: seed + 2 });
  gan.compile({ optimizer: optimizers.adam({ learningRate: 2e-4, beta1: 0.5 }), loss: 'binaryCrossentropy' });
  return { g, d, gan };
}

/** The scoring classifier, a small CNN on the real training images in [0, 1] (shape [n, 28, 28, 1]). */
async function classifier(seed: number, epochs: number, x: Tensor, y: Int32Array, verbose: number): Promise<Sequential> {
  const net = sequential([
    layers.conv2d(32, { kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.conv2d(64, { kernelSize: 3, activation: 'relu' }),
    layers.maxPooling2d({ poolSize: 2 }),
    layers.flatten(),
    layers.dense(128, { activation: 'relu' }),
    layers.dense(10, { activation: 'softmax' }),
  ], { name: 'scorer', seed: seed + 3 });
  const learningRate = schedules.cosineDecay({ initialLearningRate: 1e-3, decaySteps: Math.ceil(y.length / 128) * epochs });
  net.compile({ optimizer: optimizers.adam({ learningRate }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  await net.fit(x, { data: Float32Array.from(y), shape: [y.length] }, { epochs, batchSize: 128, verbose: verbose ? 2 : 0 });
  return net;
}

/** The Inception-score-like pair for n images of 784 pixels in [0, 1], and the class histogram. */
export function score(net: Sequential, images: Float32Array): { confident: number; entropy: number; inception: number; histogram: number[]; predicted: Int32Array; confidence: Float32Array } {
  const n = images.length / PIXELS;
  const p = (net.predict({ data: images, shape: [n, 28, 28, 1] }, { batchSize: 500 }) as Tensor).data;
  const histogram = new Array<number>(10).fill(0), predicted = new Int32Array(n), confidence = new Float32Array(n);
  let confident = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < 10; j++) if (p[i * 10 + j] > p[i * 10 + best]) best = j;
    predicted[i] = best;
    confidence[i] = p[i * 10 + best];
    histogram[best]++;
    if (p[i * 10 + best] >= CONFIDENT) confident++;
  }
  for (let k = 0; k < 10; k++) histogram[k] /= n;
  const entropy = Math.max(0, -histogram.reduce((s, f) => s + (f > 0 ? f * Math.log(f) : 0), 0));
  // The Inception score exp(E_x KL(p(y|x) ‖ p(y))), p(y) the mean of p(y|x): 1 when every sample
  // gets the same distribution, 10 when each is certain and the classes are equally frequent.
  const mean = new Array<number>(10).fill(0);
  for (let i = 0; i < n * 10; i++) mean[i % 10] += p[i] / n;
  let kl = 0;
  for (let i = 0; i < n * 10; i++) if (p[i] > 0) kl += (p[i] * Math.log(p[i] / mean[i % 10])) / n;
  return { confident: confident / n, entropy, inception: Math.exp(kl), histogram, predicted, confidence };
}

const images = (t: Tensor): Tensor => ({ data: t.data, shape: [t.data.length / PIXELS, 28, 28, 1] });
/** G's tanh range [−1, 1] back to the pixel range [0, 1] the scorer and the pictures read. */
export const toPixels = (x: Float32Array): Float32Array => x.map((v) => (v + 1) / 2);

export async function run({ epochs = 8, seed = 1, verbose = 0, callbacks = [], subset = 20000, classifierEpochs = 4, classifierSubset = 60000 }: DcganOptions = {}): Promise<ExampleResult> {
  await init();
  const data = await fashionMnist(); // a clear error naming the apt package when it is missing
  const nc = Math.min(classifierSubset, data.yTrain.length);
  const scorer = await classifier(seed, classifierEpochs, images({ data: data.xTrain.data.subarray(0, nc * PIXELS), shape: [nc, PIXELS] }), data.yTrain.subarray(0, nc), verbose);
  const scorerAccuracy = scorer.evaluate(images(data.xTest), { data: Float32Array.from(data.yTest), shape: [data.yTest.length] }, { batchSize: 500 }).accuracy;
  const realScore = score(scorer, data.xTest.data.subarray(0, SCORED * PIXELS));
  if (verbose) console.log(`scorer: test accuracy ${scorerAccuracy.toFixed(4)}, real test images confident ${realScore.confident.toFixed(3)}`);
  const n = Math.min(subset, data.yTrain.length), steps = Math.floor(n / BATCH);
  const real = data.xTrain.data.subarray(0, n * PIXELS).map((v) => 2 * v - 1); // [0, 1] → [−1, 1], G's tanh range
  const rng = new Random(seed), order = Int32Array.from({ length: n }, (_, i) => i);
  const { g, d, gan } = networks(seed);
  const ones = { data: new Float32Array(BATCH).fill(1), shape: [BATCH, 1] };
  // D's batch: BATCH real images labelled 1, then BATCH generated ones labelled 0 (J⁽ᴰ⁾).
  const dLabels = { data: Float32Array.from({ length: 2 * BATCH }, (_, i) => (i < BATCH ? 1 : 0)), shape: [2 * BATCH, 1] };
  const zFixed = { data: normals(SCORED * LATENT, new Random(seed + 100)), shape: [SCORED, LATENT] };
  const generate = () => toPixels((g.predict(zFixed, { batchSize: 250 }) as Tensor).data);
  const history: Record<string, number[]> = { 'D loss': [], 'G loss': [], 'fraction confident (≥ 0.9)': [], 'class-histogram entropy (nats)': [], 'Inception score': [] };
  const grids: { epoch: number; svg: string }[] = [];
  const record = (epoch: number) => {
    const samples = generate(), s = score(scorer, samples);
    history['fraction confident (≥ 0.9)'].push(s.confident);
    history['class-histogram entropy (nats)'].push(s.entropy);
    history['Inception score'].push(s.inception);
    grids.push({ epoch, svg: grid(samples, s, epoch) });
    return { samples, s };
  };
  const initial = record(0);
  const loop = new Loop(callbacks, gan, { epochs, steps, samples: steps * BATCH, verbose });
  await loop.begin();
  let epoch = 1, last = initial;
  const t0 = performance.now();
  for (; epoch <= epochs && !loop.stopped; epoch++) {
    await loop.epochBegin(epoch - 1);
    rng.shuffle(order);
    let dl = 0, gl = 0;
    for (let s = 0; s < steps; s++) {
      const both = new Float32Array(2 * BATCH * PIXELS);
      for (let i = 0; i < BATCH; i++) both.set(real.subarray(order[s * BATCH + i] * PIXELS, (order[s * BATCH + i] + 1) * PIXELS), i * PIXELS);
      both.set((g.predict({ data: normals(BATCH * LATENT, rng), shape: [BATCH, LATENT] }, { training: true }) as Tensor).data, BATCH * PIXELS);
      dl += d.trainOnBatch(images({ data: both, shape: [2 * BATCH, PIXELS] }), dLabels);
      // Non-saturating: G minimizes −log D(G(z)), the cross-entropy against the label "real".
      gl += gan.trainOnBatch({ data: normals(BATCH * LATENT, rng), shape: [BATCH, LATENT] }, ones);
      loop.batchEnd(s, { size: BATCH, 'D loss': dl / (s + 1), 'G loss': gl / (s + 1) });
    }
    history['D loss'].push(dl / steps);
    history['G loss'].push(gl / steps);
    last = record(epoch);
    await loop.epochEnd(epoch - 1, { 'D loss': dl / steps, 'G loss': gl / steps, 'fraction confident': last.s.confident });
    if (verbose) console.log(`epoch ${epoch}/${epochs}: D ${(dl / steps).toFixed(3)}, G ${(gl / steps).toFixed(3)}, confident ${last.s.confident.toFixed(3)}, entropy ${last.s.entropy.toFixed(3)}, IS ${last.s.inception.toFixed(3)}, ${(performance.now() - t0) / 1000 | 0} s`);
  }
  await loop.end();
  const ran = epoch - 1; // fewer than epochs after a Ctrl-C
  const covered = last.s.histogram.filter((f) => f >= COVERED).length;
  let change = 0;
  for (let i = 0; i < last.samples.length; i++) change += Math.abs(last.samples[i] - initial.samples[i]);
  const results: Record<string, number | string> = {
    'fraction of samples classified with confidence ≥ 0.9': Number(last.s.confident.toFixed(4)),
    'entropy of the predicted-class histogram (nats; log 10 = 2.303)': Number(last.s.entropy.toFixed(4)),
    'classes with ≥ 2 % of the samples': covered,
    'Inception score (with the scorer; 1..10)': Number(last.s.inception.toFixed(3)),
    'predicted-class histogram': last.s.histogram.map((f, k) => `${CLASSES[k]} ${(100 * f).toFixed(1)}%`).join(', '),
    'epoch 0 (untrained G): fraction confident / entropy / Inception score': `${initial.s.confident.toFixed(4)} / ${initial.s.entropy.toFixed(4)} / ${initial.s.inception.toFixed(3)}`,
    'scorer: test accuracy (all 10,000 test images)': Number(scorerAccuracy.toFixed(4)),
    'real test images: fraction confident / entropy / Inception score': `${realScore.confident.toFixed(4)} / ${realScore.entropy.toFixed(4)} / ${realScore.inception.toFixed(3)}`,
    'mean |pixel change| of the fixed-noise samples since epoch 0': Number((change / last.samples.length).toFixed(4)),
    'final D loss': ran ? history['D loss'][ran - 1] : NaN,
    'final G loss': ran ? history['G loss'][ran - 1] : NaN,
  };
  const pass = last.s.confident >= 0.5 && covered === 10;
  return {
    results,
    target: { description: 'the classifier recognises most samples (≥ 0.5 with confidence ≥ 0.9) and every class receives ≥ 2 % of them', value: last.s.confident, pass },
    report: {
      title: 'DCGAN on Fashion-MNIST (seed 002)',
      results: { ...results, epochs: ran },
      settings: {
        data: `the first ${n} Fashion-MNIST training images per epoch, pixels scaled to [−1, 1]`,
        generator: `z ~ N(0, I${LATENT}) → dense ${7 * 7 * G_CHANNELS[0]} → BN → ReLU → 7×7×${G_CHANNELS[0]} → conv2dTranspose ${G_CHANNELS[1]} 4×4 /2 → BN → ReLU → conv2dTranspose 1 4×4 /2 tanh → 28×28×1; D's generated half drawn in training mode (batch statistics)`,
        discriminator: `28×28×1 → conv2d ${D_CHANNELS[0]} 4×4 /2 → leaky ReLU → conv2d ${D_CHANNELS[1]} 4×4 /2 → leaky ReLU → flatten → dense 1 sigmoid`,
        optimizer: 'Adam 2e-4, β₁ = 0.5, for each model; leaky ReLU α = 0.2 in D; batch-norm momentum 0.8; labels 1 and 0 (no smoothing)',
        'steps per epoch': `${steps} (a D step on ${BATCH} real + ${BATCH} generated, then a G step on ${BATCH})`,
        scorer: `conv2d 32 3×3 relu → max pool 2 → conv2d 64 3×3 relu → max pool 2 → dense 128 relu → dense 10 softmax, Adam 1e-3 with cosine decay, batch 128, ${classifierEpochs} epochs on ${nc} training images (test accuracy ${scorerAccuracy.toFixed(4)}); scores ${SCORED} samples from fixed noise and the first ${SCORED} test images`,
      },
      figures: [
        ...grids.map((x) => ({ name: `samples-epoch-${x.epoch}`, svg: x.svg, caption: `The first ${SHOWN} of the ${SCORED} fixed-noise samples ${x.epoch ? `after epoch ${x.epoch}` : 'before training'}, each under the scorer's class and confidence (each image scaled to its own range).` })),
        ...report.historyPlots(history).map((f) => ({ name: `history-${f.name.replace(/[^\w]+/g, '-')}`, svg: f.svg })),
      ],
      history,
      summary: gan.summary({ print: false }),
    },
  };
}

function grid(samples: Float32Array, s: { predicted: Int32Array; confidence: Float32Array }, epoch: number): string {
  const shown = Array.from({ length: SHOWN }, (_, k) => ({
    data: samples.subarray(k * PIXELS, (k + 1) * PIXELS),
    title: `${CLASSES[s.predicted[k]]} ${(100 * s.confidence[k]).toFixed(0)}%`,
  }));
  return report.imageGrid(shown, 28, 28, 8, epoch ? `Generated items after epoch ${epoch}` : 'Generated items before training');
}

if (isMain(import.meta.url)) {
  const arg = (name: string) => Number(process.argv[process.argv.indexOf(name) + 1]) || undefined;
  const r = await run({ epochs: arg('--epochs'), subset: arg('--subset'), classifierEpochs: arg('--classifier-epochs'), verbose: 1 });
  console.log(r.results, r.target);
}

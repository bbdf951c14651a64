// Seed 002's generative adversarial networks on the classic toy: a ring of 8 Gaussians in 2-D.
// A generator G (noise z → a point) and a discriminator D (a point → the probability it is data)
// are trained as the seed's min-max game, J⁽ᴰ⁾ = −½ E log D(x) − ½ E log(1 − D(G(z))), with the
// generator maximizing log D(G(z)) (the non-saturating loss: D rejects early samples with high
// confidence, where log(1 − D(G(z))) has no gradient). The Keras recipe: compile D; freeze it
// (D.trainable = false); compile the combined G→D model, which then trains G only, while D's own
// trainOnBatch still trains D. Reported: the samples over the data as the epochs go, the mode
// coverage (how many modes receive ≥ 2 % of the samples within 3σ of their centre) and the fraction
// of samples within 3σ of some mode. Beside it, the same seeds with the saturating loss (G minimizes
// log(1 − D(G(z))) itself, the min-max game's J⁽ᴳ⁾ = −J⁽ᴰ⁾), to show what the seed warns of: the
// mode coverage of both, and the norm of G's gradient in the early epochs. Keras has no negative
// sample weight, so that G step takes the gradient of the cross-entropy against "fake" (which is
// −log(1 − D(G(z)))) from computeGradients and applies the same Adam update to its negative.
//   npx tsx examples/gan-ring.ts [--epochs N] [--seed N]
import { init, input, layers, model, optimizers, sequential, type Model, type Tensor } from '../src/index.js';
import * as report from '../src/report/index.js';
import { normals } from '../src/initializers.js';
import { Random } from '../src/random.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';
import type { Callback } from '../src/callbacks/types.js';
import { Loop } from './loop.js';

export const MODES = 8, RADIUS = 2, SIGMA = 0.05;
const LATENT = 8, HIDDEN = 128, BATCH = 128, STEPS_PER_EPOCH = 100, SAMPLES = 2000, LR = 1e-3, BETA1 = 0.5;
/** The epochs whose G-gradient norms the report tabulates. */
export const EARLY = 5;
/** A sample is near a mode when it is within NEAR = 3σ of its centre. */
export const NEAR = 3 * SIGMA;
/** A mode is covered when at least this fraction of the samples are near it. */
export const COVERED = 0.02;

const centre = (k: number): [number, number] => [RADIUS * Math.cos((2 * Math.PI * k) / MODES), RADIUS * Math.sin((2 * Math.PI * k) / MODES)];

/** n points of the mixture: a mode chosen uniformly, then N(centre, σ²I). */
export function ring(n: number, rng: Random): Float32Array {
  const noise = normals(2 * n, rng, 0, SIGMA);
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [cx, cy] = centre(rng.below(MODES));
    out[2 * i] = cx + noise[2 * i];
    out[2 * i + 1] = cy + noise[2 * i + 1];
  }
  return out;
}

/** Per mode, the fraction of the points within NEAR of its centre; and the fraction near any. */
export function modeStats(points: ArrayLike<number>): { perMode: number[]; covered: number; near: number } {
  const n = points.length / 2, counts = new Array<number>(MODES).fill(0);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < MODES; k++) {
      const [cx, cy] = centre(k);
      if (Math.hypot(points[2 * i] - cx, points[2 * i + 1] - cy) <= NEAR) { counts[k]++; break; }
    }
  }
  const perMode = counts.map((c) => c / n);
  return { perMode, covered: perMode.filter((f) => f >= COVERED).length, near: counts.reduce((s, c) => s + c, 0) / n };
}

function networks(seed: number): { g: Model; d: Model; gan: Model } {
  const g = sequential([
    layers.dense(HIDDEN, { activation: 'relu', inputShape: [LATENT] }),
    layers.dense(HIDDEN, { activation: 'relu' }),
    layers.dense(2),
  ], { name: 'generator', seed });
  const d = sequential([
    layers.dense(HIDDEN, { activation: 'relu', inputShape: [2] }),
    layers.dense(HIDDEN, { activation: 'relu' }),
    layers.dense(1, { activation: 'sigmoid' }),
  ], { name: 'discriminator', seed: seed + 1 });
  // Adam with β₁ = 0.5, the usual choice for GANs (Radford et al.): less momentum in a moving game.
  d.compile({ optimizer: optimizers.adam({ learningRate: LR, beta1: BETA1 }), loss: 'binaryCrossentropy' });
  d.trainable = false; // takes effect at the next compile: the combined model's, not D's own
  const z = input({ shape: [LATENT] });
  const gan = model({ inputs: z, outputs: d.apply(g.apply(z)), name: 'gan', seed: seed + 2 });
  gan.compile({ optimizer: optimizers.adam({ learningRate: LR, beta1: BETA1 }), loss: 'binaryCrossentropy' });
  return { g, d, gan };
}

const tensor = (data: Float32Array, cols: number): Tensor => ({ data, shape: [data.length / cols, cols] });

export type GeneratorLoss = 'non-saturating' | 'saturating';

export interface GanRingOptions extends ExampleOptions {
  /** Also train with the saturating loss on the same seed, for the comparison (default true). */
  compare?: boolean;
}

/**
 * Adam's update (lepton's and Keras's form, p −= lr·m̂/(√v̂ + ε)) on `weights` with the gradient
 * `grads`, for the saturating loss's own G step; frozen weights have zero gradients and stay put.
 */
export class HandAdam {
  private m: Float64Array[] = [];
  private v: Float64Array[] = [];
  private t = 0;
  step(weights: Tensor[], grads: Tensor[]): Tensor[] {
    if (!this.m.length) {
      this.m = weights.map((w) => new Float64Array(w.data.length));
      this.v = weights.map((w) => new Float64Array(w.data.length));
    }
    this.t++;
    const c1 = 1 / (1 - BETA1 ** this.t), c2 = 1 / (1 - 0.999 ** this.t);
    return weights.map((w, k) => {
      const m = this.m[k], v = this.v[k], g = grads[k].data, p = Float32Array.from(w.data);
      for (let i = 0; i < p.length; i++) {
        m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        p[i] -= (LR * m[i] * c1) / (Math.sqrt(v[i] * c2) + 1e-7);
      }
      return { data: p, shape: w.shape };
    });
  }
}

const norm = (ts: Tensor[]) => Math.sqrt(ts.reduce((s, t) => s + t.data.reduce((a, x) => a + x * x, 0), 0));

interface Trained { history: Record<string, number[]>; snapshots: { epoch: number; points: Float32Array }[]; final: ReturnType<typeof modeStats>; ran: number; gan: Model }

/** Trains one GAN of the example with the given generator loss; the history has G's gradient norm per epoch. */
export async function train(loss: GeneratorLoss, epochs: number, seed: number, verbose = 0, callbacks: Callback[] = []): Promise<Trained> {
  const rng = new Random(seed);
  const { g, d, gan } = networks(seed);
  const ones = tensor(new Float32Array(BATCH).fill(1), 1), zeros = tensor(new Float32Array(BATCH), 1);
  // D's batch: BATCH real points labelled 1, then BATCH generated ones labelled 0; its mean
  // binary cross-entropy is the seed's J⁽ᴰ⁾.
  const dLabels = tensor(Float32Array.from({ length: 2 * BATCH }, (_, i) => (i < BATCH ? 1 : 0)), 1);
  const zFixed = tensor(normals(SAMPLES * LATENT, new Random(seed + 100)), LATENT);
  const history: Record<string, number[]> = { 'D loss': [], 'G loss': [], 'modes covered': [], 'fraction near a mode': [], 'G gradient norm': [] };
  const snapshots: { epoch: number; points: Float32Array }[] = [];
  const shots = new Set([1, Math.round(epochs / 4), Math.round(epochs / 2), epochs].filter((e) => e >= 1));
  const adam = new HandAdam();
  const loop = new Loop(callbacks, gan, { epochs, steps: STEPS_PER_EPOCH, samples: STEPS_PER_EPOCH * BATCH, verbose });
  await loop.begin();
  let epoch = 1;
  for (; epoch <= epochs && !loop.stopped; epoch++) {
    await loop.epochBegin(epoch - 1);
    let dl = 0, gl = 0, gn = 0;
    for (let s = 0; s < STEPS_PER_EPOCH; s++) {
      const fake = g.predict(tensor(normals(BATCH * LATENT, rng), LATENT)) as Tensor;
      const both = new Float32Array(4 * BATCH);
      both.set(ring(BATCH, rng));
      both.set(fake.data, 2 * BATCH);
      dl += d.trainOnBatch(tensor(both, 2), dLabels);
      const z = tensor(normals(BATCH * LATENT, rng), LATENT);
      if (loss === 'non-saturating') {
        // G minimizes −log D(G(z)), the cross-entropy against the label "real"; the gradient is
        // the one this trainOnBatch applies (the same weights and batch; nothing is updated by it).
        gn += norm(gan.computeGradients(z, ones).grads);
        gl += gan.trainOnBatch(z, ones);
      } else {
        // G minimizes log(1 − D(G(z))) = −(cross-entropy against "fake"): Adam on minus its gradient.
        const { loss: bce, grads } = gan.computeGradients(z, zeros);
        gn += norm(grads);
        gl -= bce;
        gan.setWeights(adam.step(gan.getWeights(), grads.map((t) => ({ data: t.data.map((x) => -x), shape: t.shape }))));
      }
      loop.batchEnd(s, { size: BATCH, 'D loss': dl / (s + 1), 'G loss': gl / (s + 1) });
    }
    const stats = modeStats((g.predict(zFixed) as Tensor).data);
    history['D loss'].push(dl / STEPS_PER_EPOCH);
    history['G loss'].push(gl / STEPS_PER_EPOCH);
    history['modes covered'].push(stats.covered);
    history['fraction near a mode'].push(stats.near);
    history['G gradient norm'].push(gn / STEPS_PER_EPOCH);
    if (shots.has(epoch)) snapshots.push({ epoch, points: Float32Array.from((g.predict(zFixed) as Tensor).data) });
    await loop.epochEnd(epoch - 1, { 'D loss': dl / STEPS_PER_EPOCH, 'G loss': gl / STEPS_PER_EPOCH, 'modes covered': stats.covered });
    if (verbose) console.log(`${loss}, epoch ${epoch}/${epochs}: D ${(dl / STEPS_PER_EPOCH).toFixed(3)}, G ${(gl / STEPS_PER_EPOCH).toFixed(3)}, |∇G| ${(gn / STEPS_PER_EPOCH).toExponential(2)}, modes ${stats.covered}/${MODES}, near ${stats.near.toFixed(3)}`);
  }
  await loop.end();
  const ran = epoch - 1; // fewer than epochs after a Ctrl-C
  if (ran && snapshots[snapshots.length - 1]?.epoch !== ran) snapshots.push({ epoch: ran, points: Float32Array.from((g.predict(zFixed) as Tensor).data) });
  return { history, snapshots, final: modeStats((g.predict(zFixed) as Tensor).data), ran, gan };
}

export async function run({ epochs = 60, seed = 1, verbose = 0, callbacks = [], compare = true }: GanRingOptions = {}): Promise<ExampleResult> {
  await init();
  const { history, snapshots, final, ran, gan } = await train('non-saturating', epochs, seed, verbose, callbacks);
  const results: Record<string, number | string> = {
    'modes covered (≥ 2 % of samples within 3σ)': final.covered,
    'fraction of samples within 3σ of a mode': Number(final.near.toFixed(4)),
    'samples per mode (within 3σ)': final.perMode.map((f) => `${(100 * f).toFixed(1)}%`).join(' '),
    'final D loss': history['D loss'][ran - 1],
    'final G loss': history['G loss'][ran - 1],
  };
  const figures: { name: string; svg: string; caption?: string }[] = [];
  if (compare && ran === epochs) { // not after a Ctrl-C of the first run
    const sat = await train('saturating', epochs, seed, verbose);
    const early = Math.min(EARLY, ran, sat.ran);
    Object.assign(results, {
      'saturating loss: modes covered': sat.final.covered,
      'saturating loss: fraction of samples within 3σ of a mode': Number(sat.final.near.toFixed(4)),
      'saturating loss: samples per mode (within 3σ)': sat.final.perMode.map((f) => `${(100 * f).toFixed(1)}%`).join(' '),
      ...Object.fromEntries(Array.from({ length: early }, (_, i) => [`epoch ${i + 1}: mean |∇G| non-saturating / saturating`, `${history['G gradient norm'][i].toExponential(3)} / ${sat.history['G gradient norm'][i].toExponential(3)}`])),
      ...Object.fromEntries(Array.from({ length: early }, (_, i) => [`epoch ${i + 1}: modes covered non-saturating / saturating`, `${history['modes covered'][i]} / ${sat.history['modes covered'][i]}`])),
    });
    const x = history['G gradient norm'].map((_, i) => i + 1);
    figures.push(
      { name: 'loss-comparison-gradient-norm', svg: report.plot({ title: 'Mean norm of G’s gradient per epoch', xLabel: 'epoch', yLabel: '|∇θG J⁽ᴳ⁾|', integerX: true, logY: true,
        series: [{ name: 'non-saturating: −log D(G(z))', x, y: history['G gradient norm'] }, { name: 'saturating: log(1 − D(G(z)))', x: sat.history['G gradient norm'].map((_, i) => i + 1), y: sat.history['G gradient norm'] }] }),
        caption: `The same seed (${seed}), networks, data and Adam for both; the norm over all of G's weights, averaged over the ${STEPS_PER_EPOCH} G steps of each epoch.` },
      { name: 'loss-comparison-modes', svg: report.plot({ title: 'Modes covered per epoch', xLabel: 'epoch', yLabel: `modes (of ${MODES})`, integerX: true, yRange: [0, MODES],
        series: [{ name: 'non-saturating', x, y: history['modes covered'] }, { name: 'saturating', x: sat.history['modes covered'].map((_, i) => i + 1), y: sat.history['modes covered'] }] }) },
      ...sat.snapshots.filter((s) => s.epoch === 1 || s.epoch === sat.ran).map((s) => ({ name: `saturating-samples-epoch-${s.epoch}`, svg: samplesPlot(s.points, s.epoch, 'saturating loss: '), caption: `The saturating loss after epoch ${s.epoch}.` })),
    );
    history['saturating: G gradient norm'] = sat.history['G gradient norm'];
    history['saturating: modes covered'] = sat.history['modes covered'];
  }
  return {
    results,
    target: { description: `≥ 7 of ${MODES} modes covered`, value: final.covered, pass: final.covered >= 7 },
    report: {
      title: 'GAN on a ring of 8 Gaussians (seed 002)',
      results: { ...results, epochs: ran },
      settings: {
        data: `${MODES} Gaussians on a circle of radius ${RADIUS}, σ = ${SIGMA}`,
        generator: `z ~ N(0, I${LATENT}) → ${HIDDEN} relu → ${HIDDEN} relu → 2`,
        discriminator: `2 → ${HIDDEN} relu → ${HIDDEN} relu → 1 sigmoid`,
        optimizer: `Adam ${LR}, β₁ = ${BETA1}, for each model`,
        'steps per epoch': `${STEPS_PER_EPOCH} (a D step on ${BATCH} real + ${BATCH} generated, then a G step on ${BATCH})`,
        'samples scored': `${SAMPLES}, from fixed noise`,
        ...(compare && ran === epochs ? { 'saturating loss': 'the same seed; G\'s step: the gradient of −log(1 − D(G(z))) from computeGradients, negated, through the same Adam update (Adam 1e-3, β₁ 0.5, β₂ 0.999, ε 1e-7) written out in the example' } : {}),
      },
      figures: [
        ...snapshots.map((s) => ({ name: `samples-epoch-${s.epoch}`, svg: samplesPlot(s.points, s.epoch), caption: `${SAMPLES} generated points (from fixed noise) over 1,000 data points after epoch ${s.epoch}; a sample is near a mode within 3σ = ${NEAR} of its centre.` })),
        ...figures,
        ...report.historyPlots(history).map((f) => ({ name: `history-${f.name.replace(/\s+/g, '-')}`, svg: f.svg })),
      ],
      history,
      summary: gan.summary({ print: false }),
    },
  };
}

function samplesPlot(points: Float32Array, epoch: number, prefix = ''): string {
  const data = ring(1000, new Random(7));
  const centres = Array.from({ length: MODES }, (_, k) => centre(k));
  const xs = (p: ArrayLike<number>) => Array.from(p).filter((_, i) => i % 2 === 0), ys = (p: ArrayLike<number>) => Array.from(p).filter((_, i) => i % 2 === 1);
  return report.plot({
    title: prefix ? `${prefix}generated samples after epoch ${epoch}` : `Generated samples after epoch ${epoch}`, xLabel: 'x₁', yLabel: 'x₂', square: true, xRange: [-3, 3], yRange: [-3, 3],
    series: [
      { name: 'data', x: xs(data), y: ys(data), kind: 'points', color: '#999', size: 1.5 },
      { name: 'generated', x: xs(points), y: ys(points), kind: 'points', color: '#d62728', size: 1.5 },
      { name: 'mode centres', x: centres.map((c) => c[0]), y: centres.map((c) => c[1]), kind: 'points', color: '#000', size: 2.5 },
    ],
  });
}

if (isMain(import.meta.url)) {
  const arg = (name: string) => Number(process.argv[process.argv.indexOf(name) + 1]) || undefined;
  const r = await run({ epochs: arg('--epochs'), seed: arg('--seed'), verbose: 1 });
  console.log(r.results, r.target);
}

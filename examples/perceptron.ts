// Seed 002's first pages: Rosenblatt's perceptron, a threshold unit y = 1 if w·x + θ > 0 else 0,
// trained by the perceptron learning rule (w ← w + η(t − y)x, θ ← θ + η(t − y), one sample at a
// time). On a linearly separable set it converges in a finite number of updates (Novikoff); on XOR
// no line separates the classes, so it never converges (Minsky & Papert): every pass still makes
// a mistake. A one-hidden-layer MLP trained by backpropagation (lepton's fit) solves XOR: its
// hidden units draw two lines, the output combines them. Pictures of the decision boundaries.
//   npx tsx examples/perceptron.ts [--epochs N]
import { init, layers, optimizers, sequential, type Tensor } from '../src/index.js';
import * as report from '../src/report/index.js';
import { Random } from '../src/random.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';

export interface Perceptron { w: [number, number]; theta: number }

const fire = (p: Perceptron, x1: number, x2: number) => (p.w[0] * x1 + p.w[1] * x2 + p.theta > 0 ? 1 : 0);

/**
 * The perceptron learning rule, passes over the samples in order until a pass makes no update or
 * `maxPasses` are done. Returns the unit, the number of updates, the passes run, whether the last
 * pass was clean, and the mistakes made in each pass.
 */
export function trainPerceptron(x: ArrayLike<number>, t: ArrayLike<number>, maxPasses: number, eta = 1):
  { unit: Perceptron; updates: number; passes: number; converged: boolean; mistakes: number[] } {
  const unit: Perceptron = { w: [0, 0], theta: 0 };
  const mistakes: number[] = [];
  let updates = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    let wrong = 0;
    for (let i = 0; i < t.length; i++) {
      const e = t[i] - fire(unit, x[2 * i], x[2 * i + 1]);
      if (e === 0) continue;
      unit.w[0] += eta * e * x[2 * i];
      unit.w[1] += eta * e * x[2 * i + 1];
      unit.theta += eta * e;
      wrong++;
    }
    mistakes.push(wrong);
    updates += wrong;
    if (wrong === 0) return { unit, updates, passes: pass + 1, converged: true, mistakes };
  }
  return { unit, updates, passes: maxPasses, converged: false, mistakes };
}

/** n points in [−1, 1]², labelled by the side of the line x₂ = 0.5·x₁ + 0.1, kept ≥ `margin` away from it. */
export function separable(n: number, seed: number, margin = 0.1): { x: Float32Array; t: Float32Array } {
  const rng = new Random(seed), x = new Float32Array(2 * n), t = new Float32Array(n);
  for (let i = 0; i < n;) {
    const a = 2 * rng.uniform() - 1, b = 2 * rng.uniform() - 1;
    const d = (b - 0.5 * a - 0.1) / Math.hypot(0.5, 1); // signed distance to the line
    if (Math.abs(d) < margin) continue;
    x[2 * i] = a; x[2 * i + 1] = b; t[i] = d > 0 ? 1 : 0;
    i++;
  }
  return { x, t };
}

/**
 * Novikoff's bound on the number of updates, (R/γ)², with R the largest norm of an augmented
 * sample (x₁, x₂, 1) and γ its smallest margin from the generating line's unit normal.
 */
export function novikoffBound(x: ArrayLike<number>, t: ArrayLike<number>): number {
  const u = [-0.5, 1, -0.1], norm = Math.hypot(...u);
  let r = 0, gamma = Infinity;
  for (let i = 0; i < t.length; i++) {
    const a = [x[2 * i], x[2 * i + 1], 1];
    r = Math.max(r, Math.hypot(...a));
    gamma = Math.min(gamma, ((2 * t[i] - 1) * (u[0] * a[0] + u[1] * a[1] + u[2] * a[2])) / norm);
  }
  return (r / gamma) ** 2;
}

/** XOR on the corners of the unit square: 1 when exactly one input is 1. */
export const XOR = { x: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), t: Float32Array.from([0, 1, 1, 0]) };

const accuracyOf = (predict: (a: number, b: number) => number, x: ArrayLike<number>, t: ArrayLike<number>) => {
  let right = 0;
  for (let i = 0; i < t.length; i++) right += predict(x[2 * i], x[2 * i + 1]) === t[i] ? 1 : 0;
  return right / t.length;
};

export async function run({ epochs = 2000, seed = 1, verbose = 0, callbacks }: ExampleOptions = {}): Promise<ExampleResult> {
  await init();
  const lin = separable(100, seed, 0.02);
  const p1 = trainPerceptron(lin.x, lin.t, 1000);
  const p2 = trainPerceptron(XOR.x, XOR.t, 1000);
  // The MLP: 2 → 8 tanh → 1 sigmoid, binary cross-entropy, Adam, the four corners as one batch.
  const mlp = sequential([layers.dense(8, { activation: 'tanh', inputShape: [2] }), layers.dense(1, { activation: 'sigmoid' })], { seed });
  mlp.compile({ optimizer: optimizers.adam({ learningRate: 0.02 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const xorX: Tensor = { data: XOR.x, shape: [4, 2] }, xorY: Tensor = { data: XOR.t, shape: [4, 1] };
  const h = await mlp.fit(xorX, xorY, { epochs, batchSize: 4, verbose, callbacks });
  const out = (mlp.predict(xorX) as Tensor).data;
  const mlpClass = (a: number, b: number) => ((mlp.predict({ data: Float32Array.from([a, b]), shape: [1, 2] }) as Tensor).data[0] > 0.5 ? 1 : 0);
  const results: Record<string, number | string> = {
    'separable set (100 points): perceptron updates until a clean pass': p1.updates,
    'separable set: passes': p1.passes,
    "separable set: Novikoff's bound (R/γ)² on the updates": Math.round(novikoffBound(lin.x, lin.t)),
    'separable set: training accuracy': accuracyOf((a, b) => fire(p1.unit, a, b), lin.x, lin.t),
    'XOR: perceptron converged within 1000 passes': p2.converged ? 'yes' : 'no',
    'XOR: fewest mistakes in a pass (of 4)': Math.min(...p2.mistakes),
    'XOR: perceptron accuracy after 1000 passes': accuracyOf((a, b) => fire(p2.unit, a, b), XOR.x, XOR.t),
    'XOR: MLP 2-8-1 accuracy': accuracyOf(mlpClass, XOR.x, XOR.t),
    'XOR: MLP outputs at (0,0) (0,1) (1,0) (1,1)': Array.from(out, (v) => v.toFixed(3)).join(' '),
    'XOR: MLP final loss': h.history.loss[h.history.loss.length - 1],
  };
  const pass = p1.converged && p1.updates <= novikoffBound(lin.x, lin.t) && !p2.converged && results['XOR: MLP 2-8-1 accuracy'] === 1;
  return {
    results,
    target: { description: 'the perceptron converges on the separable set (within Novikoff\'s bound), never on XOR; the MLP classifies XOR exactly', value: Number(pass), pass },
    report: {
      title: "Rosenblatt's perceptron and XOR (seed 002)",
      results: { ...results, 'MLP epochs': epochs },
      figures: [
        { name: 'perceptron-separable', svg: regions('Perceptron on a linearly separable set', (a, b) => fire(p1.unit, a, b), lin, [-1.1, 1.1]), caption: `Converged after ${p1.updates} updates in ${p1.passes} passes; the shading is the unit's decision.` },
        { name: 'perceptron-xor', svg: regions('Perceptron on XOR after 1000 passes', (a, b) => fire(p2.unit, a, b), XOR, [-0.3, 1.3]), caption: 'No line separates XOR: every pass misclassifies at least one corner.' },
        { name: 'mlp-xor', svg: regions('MLP 2-8-1 (tanh, sigmoid) on XOR', mlpClass, XOR, [-0.3, 1.3]), caption: 'Backpropagation: the hidden units place two lines, the output unit combines them.' },
        { name: 'perceptron-mistakes', svg: report.plot({ title: 'Perceptron mistakes per pass', xLabel: 'pass', yLabel: 'mistakes', integerX: true,
          series: [{ name: 'separable set', x: p1.mistakes.map((_, i) => i + 1), y: p1.mistakes }, { name: 'XOR', x: p2.mistakes.slice(0, 30).map((_, i) => i + 1), y: p2.mistakes.slice(0, 30) }] }), caption: 'XOR: the first 30 of 1000 passes.' },
        ...report.historyPlots(h.history).map((f) => ({ name: `mlp-${f.name}`, svg: f.svg })),
      ],
      history: h.history,
      summary: mlp.summary({ print: false }),
    },
  };
}

/** The decision regions as a shaded grid, with the samples over them. */
function regions(title: string, decide: (a: number, b: number) => number, set: { x: Float32Array; t: Float32Array }, [lo, hi]: [number, number]): string {
  const g: [number[], number[]][] = [[[], []], [[], []]];
  const steps = 40;
  for (let i = 0; i <= steps; i++) for (let j = 0; j <= steps; j++) {
    const a = lo + ((hi - lo) * i) / steps, b = lo + ((hi - lo) * j) / steps, c = decide(a, b);
    g[c][0].push(a);
    g[c][1].push(b);
  }
  const pts = (c: number) => [Array.from(set.x).filter((_, k) => k % 2 === 0 && set.t[k >> 1] === c), Array.from(set.x).filter((_, k) => k % 2 === 1 && set.t[k >> 1] === c)];
  const [x0, y0] = pts(0), [x1, y1] = pts(1);
  return report.plot({
    title, xLabel: 'x₁', yLabel: 'x₂', square: true, xRange: [lo, hi], yRange: [lo, hi],
    series: [
      { name: 'decided 0', x: g[0][0], y: g[0][1], kind: 'points', color: '#9ecae1', size: 4 },
      { name: 'decided 1', x: g[1][0], y: g[1][1], kind: 'points', color: '#fc9272', size: 4 },
      { name: 'class 0', x: x0, y: y0, kind: 'points', color: '#08519c', size: set.t.length > 10 ? 3 : 7 },
      { name: 'class 1', x: x1, y: y1, kind: 'points', color: '#a50f15', size: set.t.length > 10 ? 3 : 7 },
    ],
  });
}

if (isMain(import.meta.url)) {
  const r = await run({ epochs: Number(process.argv[process.argv.indexOf('--epochs') + 1]) || undefined });
  console.log(r.results, r.target);
}

// Seed 002's jet flavour classification (after Guest et al. 2016): experts trained on the tracks,
// on the secondary vertices or on both, each as a feed-forward network on fixed per-jet summaries
// (seed 002's list: leading d0/z0 significances, tracks above 1.8σ, JETPROB, widths; vertex count,
// tracks, combined significance, decay-chain mass, energy fraction, ΔR) or as an LSTM over the
// masked sequence of tracks (ordered by d0 significance) or of vertices; then a committee machine
// ("experts trained to address a specific issue, used as inputs to a final network"): the frozen
// experts' class probabilities, concatenated in one functional graph, feed a small final network.
// The jets come from examples/jet-sim.ts (its header says how they are made and why it is
// plausible). Three classes (b, c, light), softmax; the figure of merit is the b-versus-light AUC
// of p_b / (p_b + p_light) on the test b and light jets, ± the Hanley–McNeil error.
// examples/peers/jet_torch.py trains the same networks in PyTorch on lepton's dump of the jets.
//   npx tsx examples/jet-flavour.ts [--epochs N] [--train N] [--test N] [--out DIR] [--dump DIR]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { init, input, layers, model, optimizers, rocAuc, type Model, type SymbolicTensor, type Tensor } from '../src/index.js';
import * as report from '../src/report/index.js';
import { escapeXml } from '../src/report/svg.js';
import { Random } from '../src/random.js';
import { argNumber } from './cnn-common.js';
import { isMain, type ExampleOptions, type ExampleResult } from './example.js';
import { MAX_TRACKS, MAX_VERTICES, simulateJets, TRACK_FEATURES, TRACK_SUMMARY, VERTEX_FEATURES, VERTEX_SUMMARY, type Jets } from './jet-sim.js';

export interface JetOptions extends ExampleOptions {
  /** Training jets (40,000 in the full run). */
  trainSize?: number;
  /** Test jets (20,000 in the full run). */
  testSize?: number;
  /** Writes the preprocessed jets here for examples/peers/jet_torch.py. */
  dump?: string;
}

/** The CI budget (test/examples-jet.test.ts) and the full one (the defaults). */
export const BUDGETS = { ci: { trainSize: 6000, testSize: 6000, epochs: 4 }, full: { trainSize: 40000, testSize: 20000, epochs: 12 } };
export const BATCH = 128, LSTM_UNITS = 24, HIDDEN = 32, COMMITTEE_HIDDEN = 16;

/**
 * Hanley & McNeil (1982): the standard error of an AUC A from nPos positives and nNeg negatives,
 * √[(A(1−A) + (nPos−1)(Q1−A²) + (nNeg−1)(Q2−A²)) / (nPos·nNeg)], Q1 = A/(2−A), Q2 = 2A²/(1+A).
 */
export function hanleyMcNeil(auc: number, nPos: number, nNeg: number): number {
  const q1 = auc / (2 - auc), q2 = (2 * auc * auc) / (1 + auc);
  return Math.sqrt((auc * (1 - auc) + (nPos - 1) * (q1 - auc * auc) + (nNeg - 1) * (q2 - auc * auc)) / (nPos * nNeg));
}

/** The inputs as the networks see them. */
export interface JetInputs { trackSummary: Tensor; tracks: Tensor; vertexSummary: Tensor; vertices: Tensor; y: Tensor; label: Int32Array }

// Significances span 0 to hundreds: sign(x)·ln(1 + |x|) before standardizing; so is −log10 JETPROB.
const SLOG = { tracks: [0, 1], vertices: [1], trackSummary: [0, 1, 2, 3, 5], vertexSummary: [2] };
const slog = (x: number) => Math.sign(x) * Math.log1p(Math.abs(x));

/** Per-feature mean and deviation over the real rows (padding rows, all zero, are left out and stay 0). */
function fitScale(a: Float32Array, f: number, logCols: number[]): { mean: number[]; std: number[] } {
  const sum = new Float64Array(f), sq = new Float64Array(f);
  let n = 0;
  for (let r = 0; r < a.length / f; r++) {
    if (a.subarray(r * f, r * f + f).every((v) => v === 0)) continue;
    n++;
    for (let j = 0; j < f; j++) { const v = logCols.includes(j) ? slog(a[r * f + j]) : a[r * f + j]; sum[j] += v; sq[j] += v * v; }
  }
  const mean = Array.from(sum, (s) => s / n), std = Array.from(sq, (s, j) => Math.sqrt(Math.max(s / n - mean[j] ** 2, 1e-12)));
  return { mean, std };
}

function applyScale(a: Float32Array, f: number, logCols: number[], s: { mean: number[]; std: number[] }): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < a.length / f; r++) {
    if (a.subarray(r * f, r * f + f).every((v) => v === 0)) continue; // padding: the mask value
    for (let j = 0; j < f; j++) {
      const v = ((logCols.includes(j) ? slog(a[r * f + j]) : a[r * f + j]) - s.mean[j]) / s.std[j];
      out[r * f + j] = v === 0 ? 1e-6 : v; // a real row is never all zero (that would read as padding)
    }
  }
  return out;
}

/** The jets' inputs, scaled with the training jets' statistics. */
export function prepare(train: Jets, test: Jets): { train: JetInputs; test: JetInputs } {
  const spec = [['tracks', 4, [MAX_TRACKS, 4]], ['vertices', 5, [MAX_VERTICES, 5]], ['trackSummary', TRACK_SUMMARY.length, [TRACK_SUMMARY.length]], ['vertexSummary', VERTEX_SUMMARY.length, [VERTEX_SUMMARY.length]]] as const;
  const scales = spec.map(([k, f]) => fitScale(train[k], f, SLOG[k]));
  const make = (j: Jets): JetInputs => {
    const t = Object.fromEntries(spec.map(([k, f, shape], i) => [k, { data: applyScale(j[k], f, SLOG[k], scales[i]), shape: [j.n, ...shape] }]));
    return { ...(t as Omit<JetInputs, 'y' | 'label'>), y: { data: Float32Array.from(j.label), shape: [j.n, 1] }, label: j.label };
  };
  return { train: make(train), test: make(test) };
}

type InputName = 'trackSummary' | 'tracks' | 'vertexSummary' | 'vertices';
/** `net` ends in softmax; `logits` shares its layers and stops before the softmax (the committee reads it). */
export interface Expert { key: string; inputs: string; technique: string; uses: InputName[]; net: Model; logits: Model }

const dense = (units: number, activation: 'relu' | 'softmax', x: SymbolicTensor) => layers.dense(units, { activation }).apply(x);
const ff = (x: SymbolicTensor, width = HIDDEN) => dense(HIDDEN, 'relu', dense(width, 'relu', x));
const recurrent = (x: SymbolicTensor) => layers.lstm(LSTM_UNITS).apply(layers.masking().apply(x));

/** The six experts of the table: (tracks, vertices, both) × (feed-forward, LSTM). */
export function experts(seed: number): Expert[] {
  const inputs = {
    trackSummary: () => input({ shape: [TRACK_SUMMARY.length], name: 'track_summary' }), tracks: () => input({ shape: [MAX_TRACKS, 4], name: 'tracks' }),
    vertexSummary: () => input({ shape: [VERTEX_SUMMARY.length], name: 'vertex_summary' }), vertices: () => input({ shape: [MAX_VERTICES, 5], name: 'vertices' }),
  };
  const build = (key: string, what: string, technique: string, uses: InputName[], body: (x: SymbolicTensor[]) => SymbolicTensor, i: number): Expert => {
    const xs = uses.map((u) => inputs[u]());
    const z = layers.dense(3).apply(body(xs));
    const net = model({ inputs: xs, outputs: layers.activation('softmax').apply(z), seed: seed * 100 + i, name: key });
    net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    return { key, inputs: what, technique, uses, net, logits: model({ inputs: xs, outputs: z, name: `${key}_logits` }) };
  };
  const cat = (a: SymbolicTensor, b: SymbolicTensor) => layers.concatenate().apply([a, b]);
  return [
    build('tracks_ff', 'tracks', 'feed-forward', ['trackSummary'], ([t]) => ff(t), 1),
    build('tracks_lstm', 'tracks', 'LSTM', ['tracks'], ([t]) => dense(HIDDEN, 'relu', recurrent(t)), 2),
    build('vertices_ff', 'vertices', 'feed-forward', ['vertexSummary'], ([v]) => ff(v), 3),
    build('vertices_lstm', 'vertices', 'LSTM', ['vertices'], ([v]) => dense(HIDDEN, 'relu', recurrent(v)), 4),
    build('both_ff', 'both', 'feed-forward', ['trackSummary', 'vertexSummary'], ([t, v]) => ff(cat(t, v), 2 * HIDDEN), 5),
    build('both_lstm', 'both', 'LSTM', ['tracks', 'vertices'], ([t, v]) => dense(HIDDEN, 'relu', cat(recurrent(t), recurrent(v))), 6),
  ];
}

/**
 * The committee: the trained experts, frozen, applied in one graph to the four inputs; their
 * outputs before the softmax (logits: log-odds add where evidence is independent, where
 * probabilities saturate at 0 and 1), concatenated, feed dense 16 ReLU → dense 3 softmax.
 */
export function committee(members: Expert[], seed: number, name: string): Model {
  const xs: Record<InputName, SymbolicTensor> = {
    trackSummary: input({ shape: [TRACK_SUMMARY.length], name: 'track_summary' }), tracks: input({ shape: [MAX_TRACKS, 4], name: 'tracks' }),
    vertexSummary: input({ shape: [VERTEX_SUMMARY.length], name: 'vertex_summary' }), vertices: input({ shape: [MAX_VERTICES, 5], name: 'vertices' }),
  };
  const outs = members.map((e) => { e.logits.trainable = false; return e.logits.apply(e.uses.map((u) => xs[u])) as SymbolicTensor; });
  const out = dense(3, 'softmax', dense(COMMITTEE_HIDDEN, 'relu', layers.concatenate().apply(outs)));
  const net = model({ inputs: [xs.trackSummary, xs.tracks, xs.vertexSummary, xs.vertices], outputs: out, seed, name });
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return net;
}

/** p_b / (p_b + p_light) on the b and light jets, and whether each is a b. */
export function bVersusLight(p: Float32Array, label: Int32Array): { score: number[]; isB: number[] } {
  const score: number[] = [], isB: number[] = [];
  for (let i = 0; i < label.length; i++) {
    if (label[i] === 1) continue;
    score.push(p[i * 3] / Math.max(p[i * 3] + p[i * 3 + 2], 1e-30));
    isB.push(label[i] === 0 ? 1 : 0);
  }
  return { score, isB };
}

const pick = (d: JetInputs, uses: InputName[]) => uses.map((u) => d[u]);

/** Writes the scaled jets as raw little-endian float32 / int32 files and a meta.json. */
function dumpJets(dir: string, sets: Record<string, JetInputs>, o: Record<string, number>): void {
  mkdirSync(dir, { recursive: true });
  const meta: Record<string, unknown> = { ...o, batch: BATCH, lstmUnits: LSTM_UNITS, hidden: HIDDEN, committeeHidden: COMMITTEE_HIDDEN, files: {} };
  for (const [split, d] of Object.entries(sets)) {
    for (const k of ['trackSummary', 'tracks', 'vertexSummary', 'vertices'] as const) {
      writeFileSync(`${dir}/${split}_${k}.f32`, Buffer.from(d[k].data.buffer, d[k].data.byteOffset, d[k].data.byteLength));
      (meta.files as Record<string, number[]>)[`${split}_${k}`] = d[k].shape;
    }
    writeFileSync(`${dir}/${split}_label.i32`, Buffer.from(d.label.buffer, d.label.byteOffset, d.label.byteLength));
    (meta.files as Record<string, number[]>)[`${split}_label`] = [d.label.length];
  }
  writeFileSync(`${dir}/meta.json`, JSON.stringify(meta, null, 1));
}

interface Scored { name: string; auc: number; err: number; fpr: number[]; tpr: number[]; score: number[]; isB: number[] }

/**
 * AUC(a) − AUC(b) on the same jets, and its deviation over `n` bootstrap resamples of the jets
 * (paired: both scored on each resample, so the test set's own fluctuation cancels).
 */
export function pairedBootstrap(a: number[], b: number[], isB: number[], n: number, seed: number): { diff: number; err: number } {
  const r = new Random(seed), m = isB.length, diffs: number[] = [];
  const sa = new Float64Array(m), sb = new Float64Array(m), lab = new Uint8Array(m);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < m; i++) { const j = r.below(m); sa[i] = a[j]; sb[i] = b[j]; lab[i] = isB[j]; }
    diffs.push(rocAuc(sa, lab) - rocAuc(sb, lab));
  }
  const mean = diffs.reduce((x, y) => x + y, 0) / n;
  return { diff: rocAuc(a, isB) - rocAuc(b, isB), err: Math.sqrt(diffs.reduce((x, y) => x + (y - mean) ** 2, 0) / (n - 1)) };
}

function score(name: string, p: Float32Array, label: Int32Array): Scored {
  const { score: s, isB } = bVersusLight(p, label);
  const nB = isB.reduce((a, b) => a + b, 0), auc = rocAuc(s, isB), roc = report.rocCurve(s, isB);
  return { name, auc, err: hanleyMcNeil(auc, nB, isB.length - nB), fpr: roc.fpr, tpr: roc.tpr, score: s, isB };
}

const pm = (s: { auc: number; err: number }) => `${s.auc.toFixed(4)} ± ${s.err.toFixed(4)}`;

/** A table as SVG (the report's own tables are two columns): a header row, then the rows. */
export function tableSvg(rows: string[][], title: string): string {
  const cw = rows[0].map((_, c) => 16 + 7.2 * Math.max(...rows.map((r) => (r[c] ?? '').length))), h = 24;
  const w = Math.max(cw.reduce((a, b) => a + b, 0), 16 + 7.6 * title.length); // bold title: a little wider a character
  const x = (c: number) => cw.slice(0, c).reduce((a, b) => a + b, 0) + 8;
  const cells = rows.flatMap((r, i) => r.map((t, c) => `<text x="${x(c).toFixed(1)}" y="${(h * (i + 2) - 8).toFixed(1)}"${i === 0 ? ' font-weight="bold"' : ''}>${escapeXml(t)}</text>`));
  const lines = rows.map((_, i) => `<line x1="0" x2="${w.toFixed(1)}" y1="${h * (i + 2) - 4}" y2="${h * (i + 2) - 4}" stroke="#ccc"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w.toFixed(0)}" height="${h * (rows.length + 1) + 4}" font-family="monospace" font-size="12">` +
    `<text x="8" y="16" font-weight="bold">${escapeXml(title)}</text>${lines.join('')}${cells.join('')}</svg>`;
}

/** Light-jet rejection 1/ε_light against b-jet efficiency (the b-tagging plot), log scale. */
function rejectionPlot(curves: Scored[]): string {
  const series = curves.map((c) => {
    const keep = c.tpr.map((_, i) => i).filter((i) => c.fpr[i] > 0 && c.tpr[i] >= 0.3);
    return { name: c.name, x: keep.map((i) => c.tpr[i]), y: keep.map((i) => 1 / c.fpr[i]) };
  });
  return report.plot({ title: 'Light-jet rejection', xLabel: 'b-jet efficiency', yLabel: '1 / light-jet efficiency', series, logY: true, xRange: [0.3, 1] });
}

/** PyTorch's figures for the same networks (examples/peers/results/jet_torch.json), if they are for this budget. */
function torchFigures(o: { trainSize: number; testSize: number; epochs: number; seed: number }): Record<string, { AUC: number; 'AUC error': number }> | undefined {
  const path = new URL('./peers/results/jet_torch.json', import.meta.url);
  if (!existsSync(path)) return undefined;
  const t = JSON.parse(readFileSync(path, 'utf8'));
  const s = t.settings;
  return s['training jets'] === o.trainSize && s['test jets'] === o.testSize && s.epochs === o.epochs && (s.seed ?? 1) === o.seed ? t : undefined;
}

export async function run(o: JetOptions = {}): Promise<ExampleResult> {
  const { trainSize = BUDGETS.full.trainSize, testSize = BUDGETS.full.testSize, epochs = BUDGETS.full.epochs, seed = 1, verbose = 0, callbacks } = o;
  await init();
  const t0 = performance.now();
  const raw = { train: simulateJets(trainSize, seed), test: simulateJets(testSize, seed + 1000) };
  const d = prepare(raw.train, raw.test);
  if (o.dump) dumpJets(o.dump, d, { trainSize, testSize, epochs, seed });
  const fit = (net: Model, uses: InputName[]) => net.fit(pick(d.train, uses), d.train.y, { epochs, batchSize: BATCH, verbose, callbacks });
  const predict = (net: Model, uses: InputName[]) => (net.predict(pick(d.test, uses), { batchSize: 1000 }) as Tensor).data as Float32Array;
  const all: InputName[] = ['trackSummary', 'tracks', 'vertexSummary', 'vertices'];
  const ex = experts(seed), scored: Record<string, Scored> = {};
  for (const e of ex) {
    await fit(e.net, e.uses);
    scored[e.key] = score(`${e.inputs}, ${e.technique}`, predict(e.net, e.uses), d.test.label);
  }
  // two committees: the four single-input experts, and all six
  const groups = { committee_4: ex.filter((e) => e.inputs !== 'both'), committee_6: ex };
  for (const [key, members] of Object.entries(groups)) {
    const net = committee(members, seed * 100 + 7 + members.length, key);
    await fit(net, all);
    scored[key] = score(`committee of ${members.length} experts`, predict(net, all), d.test.label);
  }
  const seconds = (performance.now() - t0) / 1000;
  const expertKeys = ex.map((e) => e.key), best = expertKeys.reduce((a, k) => (scored[k].auc > scored[a].auc ? k : a));
  const results: Record<string, number | string> = {};
  for (const [k, s] of Object.entries(scored)) { results[`${k}: AUC`] = s.auc; results[`${k}: AUC error`] = s.err; }
  const lab = raw.test.label, nB = lab.filter((l) => l === 0).length, nL = lab.filter((l) => l === 2).length;
  Object.assign(results, { 'best expert': best, epochs, 'training jets': trainSize, 'test jets': testSize, 'test b jets': nB, 'test light jets': nL, 'training time (s)': Math.round(seconds) });
  const gain = pairedBootstrap(scored.committee_6.score, scored[best].score, scored.committee_6.isB, 200, seed);
  results['LSTM on tracks beats FF on track summaries'] = scored.tracks_lstm.auc > scored.tracks_ff.auc ? 'yes' : 'no';
  results['committee of 6 − best expert: AUC'] = `${gain.diff.toFixed(4)} ± ${gain.err.toFixed(4)} (paired bootstrap, 200 resamples)`;
  const c6 = scored.committee_6.auc, lstmWins = scored.tracks_lstm.auc > scored.tracks_ff.auc, committeeWins = expertKeys.every((k) => c6 > scored[k].auc);
  const row = (what: string, key1: string, key2: string) => `| ${what} | ${pm(scored[key1])} | ${pm(scored[key2])} |`;
  results.table = ['| inputs | feed-forward | LSTM |', '| --- | --- | --- |', row('tracks', 'tracks_ff', 'tracks_lstm'), row('vertices', 'vertices_ff', 'vertices_lstm'), row('tracks + vertices', 'both_ff', 'both_lstm'),
    `| committee of the 4 single-input experts | ${pm(scored.committee_4)} | |`, `| committee of all 6 experts | ${pm(scored.committee_6)} | |`].join('\n');
  const torch = torchFigures({ trainSize, testSize, epochs, seed });
  const names: [string, string][] = [['tracks_ff', 'tracks, feed-forward (summaries)'], ['tracks_lstm', 'tracks, LSTM'], ['vertices_ff', 'vertices, feed-forward (summaries)'], ['vertices_lstm', 'vertices, LSTM'],
    ['both_ff', 'both, feed-forward (summaries)'], ['both_lstm', 'both, LSTM'], ['committee_4', 'committee of the 4 single-input experts'], ['committee_6', 'committee of all 6 experts']];
  const tableRows = [['network', 'lepton AUC ± HM', ...(torch ? ['PyTorch AUC ± HM', 'lepton − PyTorch'] : [])],
    ...names.map(([k, label]) => [label, pm(scored[k]), ...(torch ? [pm({ auc: torch[k].AUC, err: torch[k]['AUC error'] }), (scored[k].auc - torch[k].AUC).toFixed(4)] : [])])];
  if (torch) for (const [k] of names) results[`${k}: lepton − PyTorch AUC`] = scored[k].auc - torch[k].AUC;
  const rocCurves = [{ ...scored[best], name: `best expert: ${scored[best].name}` }, { ...scored.committee_6, name: 'committee of all 6' }, { ...scored.tracks_ff, name: 'tracks, feed-forward (summaries)' }];
  return {
    results,
    target: {
      description: 'b-vs-light AUC: the LSTM on tracks beats the feed-forward network on track summaries, and the committee of all six beats every expert',
      value: c6 - scored[best].auc,
      pass: lstmWins && committeeWins,
    },
    report: {
      title: 'Jet flavour: experts and a committee machine (seed 002)',
      // the per-network AUCs are in the table figure; here the verdicts and the budget
      results: Object.fromEntries(Object.entries(results).filter(([k]) => !/: (AUC|AUC error|lepton − PyTorch AUC)$/.test(k) && k !== 'table')),
      settings: {
        'track summaries': TRACK_SUMMARY.join(', '), 'track inputs (per track, ≤ 15, masked)': TRACK_FEATURES.join(', '),
        'vertex summaries': VERTEX_SUMMARY.join(', '), 'vertex inputs (per vertex, ≤ 3, masked)': VERTEX_FEATURES.join(', '),
        'feed-forward experts': `dense ${HIDDEN} relu, dense ${HIDDEN} relu (both: ${2 * HIDDEN}, ${HIDDEN}), dense 3 softmax`,
        'LSTM experts': `masking, lstm ${LSTM_UNITS} (each sequence), dense ${HIDDEN} relu, dense 3 softmax`,
        committee: `the frozen experts' logits concatenated, dense ${COMMITTEE_HIDDEN} relu, dense 3 softmax`,
        optimizer: 'Adam 0.001', 'batch size': BATCH, loss: 'sparse categorical cross-entropy (b, c, light)',
      },
      figures: [
        { name: 'auc-table', svg: tableSvg(tableRows, `b-vs-light AUC ± Hanley–McNeil error (${nB} b, ${nL} light test jets)`), caption: torch ? 'PyTorch: examples/peers/jet_torch.py on the same jets (lepton\'s --dump), the same networks, initialisers, optimizer, batch and epochs.' : 'PyTorch\'s figures (examples/peers/results/jet_torch.json) are for another budget; not shown.' },
        { name: 'roc', svg: report.rocPlot(rocCurves), caption: 'b-jet efficiency against light-jet efficiency, test jets, discriminant p_b / (p_b + p_light).' },
        { name: 'rejection', svg: rejectionPlot(rocCurves), caption: 'The same curves as light-jet rejection against b-jet efficiency (log scale), as b-tagging reports them; the flat tops are one or two light jets left, the test set\'s limit.' },
      ],
      notes: [
        'AUC errors: Hanley & McNeil (1982), SE = √[(A(1−A) + (n_b−1)(Q1−A²) + (n_l−1)(Q2−A²)) / (n_b·n_l)], Q1 = A/(2−A), Q2 = 2A²/(1+A).',
        'The committee is trained on the same training jets as its experts, with the experts frozen (trainable = false before compile).',
        'Jets: examples/jet-sim.ts. A b-jet carries a B hadron (cτ 455 µm) that decays in its rest frame (isotropic momenta, balanced and scaled to its mass, boosted by p/m) into pions, neutrals and a D meson that flies on (cτ 123 or 312 µm) and decays in turn; a c-jet carries the D alone; any jet may hold a K_S (cτ 26.8 mm). A decay product\'s angle is ~ m/p and the flight ~ (p/m)·cτ, so its impact parameter is ~ cτ whatever the boost, which is why d0 significance tags b and c jets in real detectors. Tracks: pT > 1 GeV, ΔR < 0.4, 90 % efficiency, σ(d0) = 30 µm ⊕ 120 µm/pT with tails more frequent for soft tracks (the prompt tracks with resolution tails that fake displaced ones in light jets). Vertices: tracks with S(d0) > 2 grouped by origin (B and D merged when close; K_S and prompt-tail fakes apart).',
        'The feed-forward experts see seed 002\'s summaries, which leave out the leading track and each track\'s pT and ΔR; the LSTMs see every track (or vertex).',
      ],
    },
  };
}

if (isMain(import.meta.url)) {
  const dump = process.argv.includes('--dump') ? process.argv[process.argv.indexOf('--dump') + 1] : undefined;
  const r = await run({ epochs: argNumber('epochs'), trainSize: argNumber('train'), testSize: argNumber('test'), dump, verbose: 0 });
  console.log(r.results, r.target);
  if (process.argv.includes('--out')) await report.writeReport(process.argv[process.argv.indexOf('--out') + 1], r.report);
}

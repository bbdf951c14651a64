// Training throughput, samples/s, of lepton and TensorFlow.js on the two benchmark MLPs:
//   fashion    784-256-128-10 ReLU, softmax cross-entropy, Adam 1e-3, batch 128, Fashion-MNIST
//   earthquake 8-64-64-64-2 tanh, MSE, Adam 1e-3, batch 32, random data
// and, for fashion, lepton with a batch-norm layer after each hidden dense layer: issue 4 asks
// for ≥ 80% of the rate without (PyTorch loses ~20% there, TF.js wasm ~35%).
// Each side: warm-up, then three timed runs of at least `seconds`, median. Host data in, as fit takes it.
//   npx tsx bench/train-mlp.bench.ts [--quick]

import { MODELS, median, tfjsTrainRate, trainingData, type BenchModel } from './peers/tfjs-train.js';

export interface Row {
  model: BenchModel;
  name: string;
  /** Median samples/s, or undefined when the side could not run. */
  samplesPerSec?: number;
  runs?: number[];
  note?: string;
}

export interface RunOptions {
  /** Shorter runs (0.5 s instead of 2 s each): a smoke test, not a measurement. */
  quick?: boolean;
  models?: BenchModel[];
}

const LEPTON = 'lepton (plain, 1 thread)';
const LEPTON_BN = 'lepton + batch norm';

/**
 * lepton's side through its public API only (DESIGN.md): sequential + compile + fit on host arrays.
 * Times whole `fit` calls over a slice of the data sized to last at least `seconds`.
 */
async function leptonRate(model: BenchModel, seconds: number, batchNorm = false): Promise<Row> {
  const name = batchNorm ? LEPTON_BN : LEPTON;
  let api: any;
  try {
    api = await import('../src/index.js' as string);
    if (typeof api.sequential !== 'function') throw new Error('no sequential export');
  } catch {
    return { model, name, note: 'lepton: model API not available yet' };
  }
  const { init, sequential, layers, optimizers } = api;
  await init();
  const spec = MODELS[model];
  const u = spec.units;
  const bn = () => (batchNorm ? [layers.batchNormalization()] : []);
  const net = sequential(
    [
      layers.dense(u[1], { activation: spec.activation, inputShape: [u[0]] }),
      ...bn(),
      ...u.slice(2, -1).flatMap((n) => [layers.dense(n, { activation: spec.activation }), ...bn()]),
      layers.dense(u[u.length - 1], model === 'fashion' ? { activation: 'softmax' } : {}),
    ],
    { seed: 1 },
  );
  net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: spec.loss });
  const d = await trainingData(model);
  const slice = (n: number) => ({
    x: { data: d.x.subarray(0, n * d.inputs), shape: [n, d.inputs] },
    y: model === 'fashion'
      ? { data: d.y.subarray(0, n), shape: [n] }
      : { data: d.y.subarray(0, n * d.outputs), shape: [n, d.outputs] },
  });
  const fit = async (n: number, epochs: number): Promise<number> => {
    const { x, y } = slice(n);
    const t0 = performance.now();
    await net.fit(x, y, { epochs, batchSize: spec.batchSize, shuffle: true, verbose: 0 });
    return (performance.now() - t0) / 1000;
  };
  const warm = Math.min(d.n, 16 * spec.batchSize);
  await fit(warm, 1);
  const rate = warm / (await fit(warm, 1));
  // Whole batches, at most the data set; more epochs when one pass is shorter than `seconds`.
  const n = Math.min(d.n - (d.n % spec.batchSize), Math.max(warm, Math.ceil((rate * seconds) / spec.batchSize) * spec.batchSize));
  const epochs = Math.max(1, Math.ceil((rate * seconds) / n));
  const runs: number[] = [];
  for (let r = 0; r < 3; r++) runs.push((n * epochs) / (await fit(n, epochs)));
  return { model, name, samplesPerSec: median(runs), runs };
}

async function peerRow(model: BenchModel, backend: 'wasm' | 'cpu', seconds: number): Promise<Row> {
  const name = backend === 'wasm' ? 'tfjs wasm (1 thread)' : 'tfjs cpu';
  try {
    const r = await tfjsTrainRate({ backend, threads: 1, model, seconds });
    return { model, name, samplesPerSec: r.samplesPerSec, runs: r.runs };
  } catch (e) {
    return { model, name, note: `${name}: ${(e as Error).message}` };
  }
}

export async function run(opts: RunOptions = {}): Promise<Row[]> {
  const seconds = opts.quick ? 0.5 : 2;
  const rows: Row[] = [];
  for (const model of opts.models ?? (['fashion', 'earthquake'] as BenchModel[])) {
    for (const batchNorm of model === 'fashion' ? [false, true] : [false]) {
      try {
        rows.push(await leptonRate(model, seconds, batchNorm));
      } catch (e) {
        rows.push({ model, name: batchNorm ? LEPTON_BN : LEPTON, note: `lepton: ${(e as Error).message}` });
      }
    }
    rows.push(await peerRow(model, 'wasm', seconds));
    rows.push(await peerRow(model, 'cpu', seconds));
  }
  return rows;
}

/** One line per row; the peers' lines carry lepton/peer when both ran, the batch-norm line its share of lepton's rate. */
export function table(rows: Row[]): string {
  const lines = [`${'model'.padEnd(11)} ${'implementation'.padEnd(26)} ${'samples/s'.padStart(10)}  ${'lepton/peer'.padStart(11)}  runs`];
  for (const r of rows) {
    const lepton = rows.find((x) => x.model === r.model && x.name === LEPTON)?.samplesPerSec;
    const rate = r.samplesPerSec === undefined ? '—' : Math.round(r.samplesPerSec).toString();
    const ratio = !lepton || !r.samplesPerSec || r.name === LEPTON ? ''
      : r.name === LEPTON_BN ? `${Math.round((100 * r.samplesPerSec) / lepton)}% of it` : (lepton / r.samplesPerSec).toFixed(2) + '×';
    const runs = r.note ?? (r.runs ?? []).map((x) => Math.round(x)).join(' ');
    lines.push(`${r.model.padEnd(11)} ${r.name.padEnd(26)} ${rate.padStart(10)}  ${ratio.padStart(11)}  ${runs}`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('train-mlp.bench.ts')) {
  const quick = process.argv.includes('--quick');
  console.log(`train-mlp: samples/s, median of 3 runs of ≥ ${quick ? 0.5 : 2} s each${quick ? ' (--quick)' : ''}; node ${process.version}`);
  console.log(table(await run({ quick })));
}

// `lepton`: train an example or a CSV, evaluate and predict with a saved model, export it to ONNX,
// list the examples. Progress and results go to stdout; errors are one line on stderr, with exit
// code 2 for usage mistakes (a bad option, a missing file) and 1 for failures.
import { examples } from '../../examples/index.js';
import { LEPTON_VERSION } from '../io/version.js';
import { writeReport } from '../report/html.js';
import { helpText, parseArgs, UsageError, type CommandSpec } from './args.js';
import { evaluateCsv, exportOnnx, predictCsv, trainCsv } from './csv-model.js';

const train: CommandSpec = {
  name: 'train',
  usage: 'lepton train <data.csv | example-name> [options]',
  summary: 'Trains a fully-connected network on a CSV (--target names the columns to predict; the other\n' +
    'columns are the inputs, standardized on the training rows), or runs one of the examples\n' +
    '(lepton examples lists them). Prints the results, writes a report, and for a CSV saves the model\n' +
    'to <out>/model. Ctrl-C stops after the current batch and saves what was trained.',
  positionals: ['source'],
  flags: {
    target: { type: 'list', help: 'CSV: the target column(s)' },
    layers: { type: 'numbers', help: 'CSV: hidden layer widths', default: [64, 64, 64] },
    activation: { type: 'string', help: 'CSV: hidden activation', default: 'tanh' },
    'batch-norm': { type: 'boolean', help: 'CSV: batch normalization after each hidden layer' },
    loss: { type: 'string', help: 'CSV: mse, mae, huber, binaryCrossentropy or sparseCategoricalCrossentropy', default: 'mse' },
    optimizer: { type: 'string', help: 'CSV: adam, sgd, adamW or rmsprop', default: 'adam' },
    lr: { type: 'number', help: 'CSV: learning rate', default: 1e-3 },
    epochs: { type: 'int', help: 'training epochs (CSV default 20; each example has its own)' },
    'batch-size': { type: 'int', help: 'CSV: mini-batch size', default: 32 },
    'validation-split': { type: 'number', help: 'CSV: share of the last rows kept for validation', default: 0.1 },
    seed: { type: 'int', help: 'seed for initialization and shuffling', default: 1 },
    out: { type: 'string', help: 'directory for report.html, the .svg figures, history.json (and the CSV model)' },
    quiet: { type: 'boolean', help: 'no progress output' },
  },
};

const evaluate: CommandSpec = {
  name: 'evaluate', usage: 'lepton evaluate <model-dir> <data.csv>',
  summary: 'Loss and metrics of a model saved by `lepton train <file.csv>` on a CSV with the same columns.',
  positionals: ['model', 'data'], flags: {},
};
const predict: CommandSpec = {
  name: 'predict', usage: 'lepton predict <model-dir> <data.csv> [--out preds.csv]',
  summary: 'Predictions of a saved model for every row of a CSV (its feature columns; target columns are ignored).',
  positionals: ['model', 'data'], flags: { out: { type: 'string', help: 'write the predictions as CSV here instead of stdout' } },
};
const exportCmd: CommandSpec = {
  name: 'export', usage: 'lepton export <model-dir> <model.onnx>',
  summary: 'Writes a saved model as an ONNX file (for ONNX Runtime, Triton and the rest of that ecosystem).',
  positionals: ['model', 'out'], flags: {},
};
const list: CommandSpec = { name: 'examples', usage: 'lepton examples', summary: 'Lists the examples.', positionals: [], flags: {} };
// A Map: `lepton constructor` is an unknown command, not Object.
const commands = new Map([train, evaluate, predict, exportCmd, list].map((c) => [c.name, c]));

const top = `Usage: lepton <command> [options]

Commands:
  train <data.csv | example>      train on a CSV or an example; report and model in --out dir
  evaluate <model-dir> <data.csv> loss and metrics of a saved model on a CSV
  predict <model-dir> <data.csv>  predictions for a CSV (--out preds.csv)
  export <model-dir> <file.onnx>  the saved model as ONNX
  examples                        list the examples

lepton <command> --help shows a command's options; lepton --version prints the version.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(`lepton ${LEPTON_VERSION}`);
    return 0;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(top);
    return name ? 0 : 2;
  }
  const spec = commands.get(name);
  if (!spec) throw new UsageError(`lepton: unknown command '${name}'; expected one of ${[...commands.keys()].join(', ')}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(helpText(spec));
    return 0;
  }
  const args = parseArgs(spec, rest);
  if (spec === list) {
    const w = Math.max(...examples.map((e) => e.name.length));
    for (const e of examples) console.log(`${e.name.padEnd(w)}  ${e.description} (${e.source})`);
    return 0;
  }
  const need = (k: number) => {
    if (args.positionals.length < spec.positionals.length) throw new UsageError(`lepton ${spec.name}: missing <${spec.positionals[args.positionals.length]}> (usage: ${spec.usage})`);
    return args.positionals[k];
  };
  if (spec === evaluate) return evaluateCsv(need(0), need(1)).then(() => 0);
  if (spec === predict) return predictCsv(need(0), need(1), args.flags.out as string | undefined).then(() => 0);
  if (spec === exportCmd) return exportOnnx(need(0), need(1)).then(() => 0);
  const [source] = args.positionals;
  if (!source) throw new UsageError(`lepton train: which data or example? (usage: ${train.usage}; lepton examples lists the examples)`);
  if (/\.(csv|tsv|txt)$/i.test(source)) {
    const f = args.flags;
    await trainCsv(source, {
      target: (f.target as string[] | undefined) ?? [], layers: f.layers as number[], activation: f.activation as string,
      batchNorm: !!f.batchNorm, loss: f.loss as string, optimizer: f.optimizer as string, lr: f.lr as number,
      epochs: (f.epochs as number | undefined) ?? 20, batchSize: f.batchSize as number, validationSplit: f.validationSplit as number,
      seed: f.seed as number, out: (f.out as string | undefined) ?? 'out/train', quiet: !!f.quiet,
    });
    return 0;
  }
  const entry = examples.find((e) => e.name === source);
  if (!entry) throw new UsageError(`lepton train: '${source}' is neither a .csv file nor an example; examples: ${examples.map((e) => e.name).join(', ')}`);
  const { run } = await entry.load();
  const r = await run({ epochs: args.flags.epochs as number | undefined, seed: args.flags.seed as number, verbose: args.flags.quiet ? 0 : 2 });
  for (const [k, v] of Object.entries(r.results)) console.log(`${k}: ${typeof v === 'number' ? Number(v.toPrecision(5)) : v}`);
  console.log(`target (${r.target.description}): ${r.target.pass ? 'met' : 'missed'}`);
  if (args.flags.out) {
    const files = await writeReport(args.flags.out as string, r.report);
    console.log(`report: ${files[0]} (+${files.length - 1} files)`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: Error) => {
    console.error(e instanceof UsageError ? e.message : `lepton: ${e.message}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);

// `lepton`: train an example or a CSV, evaluate and predict with a saved model, export it to ONNX,
// list the examples. Progress and results go to stdout; errors are one line on stderr, with exit
// code 2 for usage mistakes (a bad option, a missing file), 1 for failures and 130 for a run
// stopped by Ctrl-C. Every option is checked before any data is read or any training starts.
import { examples } from '../../examples/index.js';
import { activationNames } from '../activations.js';
import { optimizerNames } from '../optimizers/index.js';
import { LEPTON_VERSION } from '../io/version.js';
import { writeReport } from '../report/html.js';
import { closest, helpText, parseArgs, UsageError, type CommandSpec, type FlagSpec } from './args.js';
import { evaluateCsv, exportOnnx, predictCsv, trainCsv } from './csv-model.js';
import { interruptOnSigint, progress } from './progress.js';
import { delimiterArg } from './table.js';
import { AMBIGUOUS_CLASSES, LOSSES } from './task.js';

const delimiter: FlagSpec = { type: 'string', help: 'the column separator: one character, or tab, comma, semicolon, space, pipe (default: the most frequent of , tab ; | in the header line)' };

// Flags that shape the network and the data, which only a CSV run takes (an example has its own).
const csvOnly = ['target', 'task', 'layers', 'activation', 'batch-norm', 'loss', 'optimizer', 'lr', 'batch-size', 'validation-split', 'delimiter'];

const train: CommandSpec = {
  name: 'train',
  usage: 'lepton train <data.csv | data.tsv | example-name> [options]',
  summary: 'Trains a fully-connected network on a CSV or TSV (--target names the columns to predict; the\n' +
    'other columns are the inputs, standardized on the training rows), or runs one of the examples\n' +
    '(lepton examples lists them). Prints the results, writes a report, and for a file saves the\n' +
    'model to <out>/model.\n\n' +
    'The task: a target column with text in it (setosa, virginica) is classification; so is\n' +
    `--task classification or a cross-entropy --loss. Whole numbers with at most ${AMBIGUOUS_CLASSES} distinct values\n` +
    '(0/1, 1-5) could be class labels or a quantity: lepton asks for --task. Other numbers are\n' +
    'regression. Ctrl-C stops after the current batch, saves the model and the report, and exits 130.',
  positionals: ['source'],
  flags: {
    target: { type: 'list', help: 'the target column(s)' },
    task: { type: 'string', help: 'what the targets are (default: see above)', choices: ['classification', 'regression'] },
    layers: { type: 'numbers', help: 'hidden layer widths', default: [64, 64, 64] },
    activation: { type: 'string', help: 'hidden activation', default: 'tanh', choices: activationNames },
    'batch-norm': { type: 'boolean', help: 'batch normalization after each hidden layer' },
    loss: { type: 'string', help: 'the loss (default: mse for regression, binaryCrossentropy for two classes, sparseCategoricalCrossentropy for more)', choices: LOSSES },
    optimizer: { type: 'string', help: 'the optimizer', default: 'adam', choices: [...optimizerNames.keys()] },
    lr: { type: 'number', help: 'learning rate', default: 1e-3, above: 0 },
    epochs: { type: 'int', help: 'training epochs (a file: default 20; each example has its own)', min: 1 },
    'batch-size': { type: 'int', help: 'mini-batch size', default: 32, min: 1 },
    'validation-split': { type: 'number', help: 'share of the rows kept for validation, drawn at random with --seed (by class for classification)', default: 0.1, min: 0, below: 1 },
    delimiter,
    seed: { type: 'int', help: 'seed for initialization, the validation split and shuffling', default: 1, min: 0 },
    out: { type: 'string', help: 'directory for report.html, the .svg figures, history.json (and a file run\'s model)' },
    quiet: { type: 'boolean', help: 'no progress output' },
  },
};

const evaluate: CommandSpec = {
  name: 'evaluate', usage: 'lepton evaluate <model-dir> <data.csv> [--delimiter x]',
  summary: 'Loss and metrics of a model saved by `lepton train <file.csv>` on a CSV with the same columns.',
  positionals: ['model', 'data'], flags: { delimiter },
};
const predict: CommandSpec = {
  name: 'predict', usage: 'lepton predict <model-dir> <data.csv> [--out preds.csv] [--delimiter x]',
  summary: 'Predictions of a saved model for every row of a CSV (its feature columns; target columns are ignored).\n' +
    'A classifier writes one probability per class (p_<class>) and the predicted class under the target\'s name.',
  positionals: ['model', 'data'], flags: { out: { type: 'string', help: 'write the predictions as CSV here instead of stdout' }, delimiter },
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
  train <data.csv | example>      train on a CSV/TSV or an example; report and model in --out dir
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
  if (!spec) {
    const near = closest(name, [...commands.keys()]);
    throw new UsageError(`lepton: unknown command '${name}'; expected one of ${[...commands.keys()].join(', ')}${near ? `; did you mean '${near}'?` : ''}`);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(helpText(spec));
    return 0;
  }
  const args = parseArgs(spec, rest);
  const f = args.flags;
  if (spec === list) {
    const w = Math.max(...examples.map((e) => e.name.length));
    for (const e of examples) console.log(`${e.name.padEnd(w)}  ${e.description} (${e.source})`);
    return 0;
  }
  const need = (k: number) => {
    if (args.positionals.length < spec.positionals.length) throw new UsageError(`lepton ${spec.name}: missing <${spec.positionals[args.positionals.length]}> (usage: ${spec.usage})`);
    return args.positionals[k];
  };
  const delim = f.delimiter === undefined ? undefined : delimiterArg(spec.name, f.delimiter as string);
  if (spec === evaluate) return evaluateCsv(need(0), need(1), delim).then(() => 0);
  if (spec === predict) return predictCsv(need(0), need(1), f.out as string | undefined, delim).then(() => 0);
  if (spec === exportCmd) return exportOnnx(need(0), need(1)).then(() => 0);
  const [source] = args.positionals;
  if (!source) throw new UsageError(`lepton train: which data or example? (usage: ${train.usage}; lepton examples lists the examples)`);
  if (/\.(csv|tsv|txt)$/i.test(source)) {
    return trainCsv(source, {
      target: (f.target as string[] | undefined) ?? [], task: f.task as 'classification' | 'regression' | undefined,
      layers: f.layers as number[], activation: f.activation as string, batchNorm: !!f.batchNorm, loss: f.loss as string | undefined,
      optimizer: f.optimizer as string, lr: f.lr as number, epochs: (f.epochs as number | undefined) ?? 20, batchSize: f.batchSize as number,
      validationSplit: f.validationSplit as number, seed: f.seed as number, out: (f.out as string | undefined) ?? 'out/train', quiet: !!f.quiet,
      delimiter: delim,
    });
  }
  const entry = examples.find((e) => e.name === source);
  if (!entry) {
    const near = closest(source, examples.map((e) => e.name));
    throw new UsageError(`lepton train: '${source}' is neither a .csv/.tsv file nor an example${near ? `; did you mean '${near}'?` : ''} (examples: ${examples.map((e) => e.name).join(', ')})`);
  }
  const given = csvOnly.filter((flag) => rest.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`)));
  if (given.length) throw new UsageError(`lepton train: --${given[0]} is for training on a file; the example ${source} has its own settings (only --epochs, --seed, --out and --quiet apply)`);
  const { run } = await entry.load();
  const stop = interruptOnSigint('stopping after this batch; the results so far will be reported');
  let r;
  try {
    r = await run({
      epochs: f.epochs as number | undefined, seed: f.seed as number, verbose: 0,
      callbacks: [stop.callback, ...(f.quiet ? [] : [progress({ tty: !!process.stdout.isTTY, columns: process.stdout.columns })])],
    });
  } finally {
    stop.dispose();
  }
  for (const [k, v] of Object.entries(r.results)) console.log(`${k}: ${typeof v === 'number' ? Number(v.toPrecision(5)) : v}`);
  console.log(`target (${r.target.description}): ${stop.interrupted ? 'not judged (interrupted)' : r.target.pass ? 'met' : 'missed'}`);
  if (f.out) {
    if (stop.interrupted) {
      r.report.title += ' (interrupted)';
      r.report.status = 'Interrupted (Ctrl-C): training stopped early, so these figures are from an unfinished run.';
    }
    const files = await writeReport(f.out as string, r.report);
    console.log(`report: ${files[0]} (+${files.length - 1} files)`);
  }
  return stop.interrupted ? 130 : 0;
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: Error) => {
    console.error(e instanceof UsageError ? e.message : `lepton: ${e.message}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);

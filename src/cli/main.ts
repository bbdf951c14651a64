// `lepton`: train an example or a CSV, list the examples. Progress goes to stderr-free stdout;
// errors are one line on stderr with exit code 2 for usage mistakes and 1 for failures.
import { examples } from '../../examples/index.js';
import { writeReport } from '../report/html.js';
import { helpText, parseArgs, UsageError, type CommandSpec } from './args.js';

const train: CommandSpec = {
  name: 'train',
  usage: 'lepton train <example-name> [options]',
  summary: 'Trains one of the examples (lepton examples lists them), prints its results and target, and writes a report.',
  positionals: ['source'],
  flags: {
    epochs: { type: 'int', help: 'training epochs (each example has its own default)' },
    seed: { type: 'int', help: 'seed for initialization and shuffling', default: 1 },
    out: { type: 'string', help: 'directory for report.html, the .svg figures and history.json' },
    quiet: { type: 'boolean', help: 'no progress output' },
  },
};

const list: CommandSpec = { name: 'examples', usage: 'lepton examples', summary: 'Lists the examples.', positionals: [], flags: {} };
const commands = { train, examples: list };

const top = `Usage: lepton <command> [options]

Commands:
  train <example>   train an example, print its results, write a report (--out dir)
  examples          list the examples

lepton <command> --help shows a command's options.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(top);
    return name ? 0 : 2;
  }
  const spec = commands[name as keyof typeof commands];
  if (!spec) throw new UsageError(`lepton: unknown command '${name}'; expected one of ${Object.keys(commands).join(', ')}`);
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
  const [source] = args.positionals;
  if (!source) throw new UsageError(`lepton train: which example? (usage: ${train.usage}; lepton examples lists them)`);
  const entry = examples.find((e) => e.name === source);
  if (!entry) throw new UsageError(`lepton train: '${source}' is not an example; expected one of ${examples.map((e) => e.name).join(', ')}`);
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

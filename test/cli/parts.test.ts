// The CLI's parts without a process: option checks with did-you-mean, delimiter detection and
// quoted fields, the task rule, the progress output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { closest, parseArgs, UsageError, type CommandSpec } from '../../src/cli/args.js';
import { progress } from '../../src/cli/progress.js';
import { columnText, csvField, delimiterArg, detectDelimiter, header, records } from '../../src/cli/table.js';
import { chooseTask } from '../../src/cli/task.js';

const spec: CommandSpec = {
  name: 'train', usage: 'lepton train', summary: '', positionals: ['source'],
  flags: {
    epochs: { type: 'int', help: 'epochs', min: 1 },
    'batch-size': { type: 'int', help: 'batch', default: 32, min: 1 },
    lr: { type: 'number', help: 'lr', above: 0 },
    'validation-split': { type: 'number', help: 'split', min: 0, below: 1 },
    optimizer: { type: 'string', help: 'opt', choices: ['sgd', 'adam', 'adamW', 'rmsprop'] },
  },
};
const usage = (argv: string[]): string => {
  try {
    parseArgs(spec, argv);
  } catch (e) {
    assert.instance(e, UsageError);
    return (e as Error).message;
  }
  return '';
};

test('options are checked when parsed: ranges, choices, unknown names with did-you-mean', () => {
  assert.is(usage(['--batch-size', '0']), 'lepton train: --batch-size must be at least 1, got 0');
  assert.is(usage(['--epochs', '0']), 'lepton train: --epochs must be at least 1, got 0 (0 epochs would train nothing)');
  assert.is(usage(['--epochs', '-5']), 'lepton train: --epochs must be at least 1, got -5');
  assert.is(usage(['--epochs', '2.5']), "lepton train: --epochs expects a whole number, got '2.5'");
  assert.is(usage(['--lr=0']), 'lepton train: --lr must be above 0, got 0');
  assert.is(usage(['--validation-split', '1']), 'lepton train: --validation-split must be below 1, got 1');
  assert.is(usage(['--batchsize', '8']), 'lepton train: unknown option --batchsize; did you mean --batch-size? (see lepton train --help)');
  assert.is(usage(['--epoch', '8']), 'lepton train: unknown option --epoch; did you mean --epochs? (see lepton train --help)');
  assert.is(usage(['--frobnicate']), 'lepton train: unknown option --frobnicate (see lepton train --help)');
  assert.is(usage(['--optimizer', 'Adam']), "lepton train: --optimizer must be one of sgd, adam, adamW, rmsprop, got 'Adam'; did you mean adam?");
  assert.equal(parseArgs(spec, ['x.csv', '--epochs', '3']).flags, { batchSize: 32, epochs: 3 });
  assert.is(closest('valdation-split', ['validation-split', 'seed']), 'validation-split');
  assert.is(closest('xyz', ['validation-split', 'seed']), undefined);
  assert.is(closest('val', ['validation-split', 'seed']), 'validation-split', 'a prefix');
});

test('delimiters: detected from the header line, or named', () => {
  assert.is(detectDelimiter('a,b,c'), ',');
  assert.is(detectDelimiter('a\tb\tc'), '\t');
  assert.is(detectDelimiter('a;b;"c,d"'), ';', 'a comma inside quotes does not count');
  assert.is(detectDelimiter('"x;y",b,c'), ',');
  assert.is(detectDelimiter('only', 'data.tsv'), '\t');
  assert.is(detectDelimiter('only', 'data.csv'), ',');
  assert.is(delimiterArg('train', 'tab'), '\t');
  assert.is(delimiterArg('train', '\\t'), '\t');
  assert.is(delimiterArg('train', ';'), ';');
  assert.throws(() => delimiterArg('train', ';;'), /--delimiter expects one character/);
  assert.equal(header('x;y;label\r\n1;2;a\r\n', 'f.csv'), { names: ['x', 'y', 'label'], delimiter: ';' });
});

test('records: RFC 4180 quotes, CRLF, blank lines skipped as data.csv skips them', () => {
  const text = 'a,b,label\r\n1,2,"Iris ""setosa"""\r\n\r\n3, 4 ,  virginica \n5,6,"two\nlines, and a comma"\n';
  assert.equal([...records(text, ',')], [['a', 'b', 'label'], ['1', '2', 'Iris "setosa"'], ['3', '4', 'virginica'], ['5', '6', 'two\nlines, and a comma']]);
  assert.equal(columnText(text, ',', 2, 'f.csv'), ['Iris "setosa"', 'virginica', 'two\nlines, and a comma']);
  assert.is(csvField('plain'), 'plain');
  assert.is(csvField('a,b'), '"a,b"');
  assert.is(csvField('say "hi"'), '"say ""hi"""');
});

test('the task: text is classification, ambiguous whole numbers need --task, other numbers are regression', () => {
  const text = (values: string[]) => ({ kind: 'text' as const, values });
  const numbers = (v: number[], cols = 1) => ({ kind: 'numbers' as const, data: Float32Array.from(v), cols });
  const iris = chooseTask(['species'], text(['virginica', 'setosa', 'versicolor', 'setosa']));
  assert.is(iris.task, 'multiclass');
  assert.is(iris.loss, 'sparseCategoricalCrossentropy');
  assert.equal(iris.classNames, ['setosa', 'versicolor', 'virginica'], 'sorted, as LabelEncoder sorts');
  assert.equal(Array.from(iris.ids!), [2, 0, 1, 0]);
  const yesNo = chooseTask(['spam'], text(['no', 'yes', 'no']));
  assert.equal([yesNo.task, yesNo.loss, yesNo.classNames], ['binary', 'binaryCrossentropy', ['no', 'yes']]);
  assert.throws(() => chooseTask(['species'], text(['a', 'b']), 'regression'), /regression needs numbers, but column 'species' holds "a"/);
  assert.throws(() => chooseTask(['label'], numbers([0, 1, 1, 0])), /column 'label' holds 2 distinct whole numbers \("0", "1"\): class labels or a quantity\? say --task classification or --task regression/);
  assert.throws(() => chooseTask(['rating'], numbers([1, 2, 3, 4, 5, 3])), /--task/);
  const ids = chooseTask(['digit'], numbers([3, 7, 5, 3, 5]), 'classification');
  assert.equal([ids.task, ids.classNames, Array.from(ids.ids!)], ['multiclass', ['3', '5', '7'], [0, 2, 1, 0, 1]]);
  assert.is(chooseTask(['label'], numbers([0, 1, 1]), undefined, 'binaryCrossentropy').task, 'binary', 'a cross-entropy loss says classification');
  assert.is(chooseTask(['label'], numbers([0, 1, 1]), 'regression').task, 'regression');
  assert.is(chooseTask(['label'], numbers([0, 1, 1]), undefined, 'mse').task, 'regression', 'a regression loss says regression');
  assert.is(chooseTask(['year'], numbers(Array.from({ length: 40 }, (_, i) => 1980 + i))).task, 'regression', 'many whole numbers: a quantity');
  assert.is(chooseTask(['y'], numbers([0.5, 1.25, 3])).task, 'regression');
  assert.throws(() => chooseTask(['y'], numbers([0.5, 1.25]), 'classification'), /holds 0\.5; say --task regression/);
  assert.throws(() => chooseTask(['y'], numbers([0, 1]), 'regression', 'binaryCrossentropy'), /--task regression does not go with --loss binaryCrossentropy/);
  assert.throws(() => chooseTask(['c'], text(['a', 'a'])), /one class only/);
  assert.throws(() => chooseTask(['c'], text(['a', 'b', 'c']), undefined, 'binaryCrossentropy'), /needs two classes/);
});

test('progress: one redrawn line on a terminal, a line every ⌈N/10⌉ epochs elsewhere', () => {
  const run = (tty: boolean, epochs: number) => {
    let out = '';
    const cb = progress({ tty, write: (s) => { out += s; } });
    cb.setParams!({ epochs, steps: 4, samples: 128, verbose: 0 });
    cb.onTrainBegin!();
    for (let e = 0; e < epochs; e++) {
      cb.onEpochBegin!(e);
      for (let b = 0; b < 4; b++) cb.onBatchEnd!(b, { batch: b, size: 32, loss: 1 / (e + 1) });
      cb.onEpochEnd!(e, { loss: 1 / (e + 1), val_loss: 1.1 / (e + 1) });
    }
    cb.onTrainEnd!();
    return out;
  };
  const piped = run(false, 200).trim().split('\n');
  assert.is(piped.length, 11, piped.join('\n')); // epoch 1, then 20, 40, …, 200
  assert.match(piped[0], /^epoch 1\/200 · [\d.]+s · loss 1\.0000 · val_loss 1\.1000$/);
  assert.match(piped[1], /^epoch 20\/200 /);
  assert.match(piped[10], /^epoch 200\/200 /);
  const terminal = run(true, 200);
  assert.is(terminal.split('\n').length, 2, 'one line, ended once');
  assert.ok(terminal.endsWith('\n'));
  assert.match(terminal, /\r\x1b\[2Kepoch 200\/200 \[=+\] ETA 0\.0s · loss 0\.0050 · val_loss 0\.0055 · \d+ samples\/s\n$/);
});

test.run();

// The CLI as a user runs it: a spawned process, its exit codes, output and files.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from './helpers.js';
import { covered, dataPoints, legendOf, wellFormed } from './report/svg-check.js';

const root = new URL('..', import.meta.url).pathname;
const lepton = (...args: string[]) => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('lepton with no command prints usage and exits 2; --help exits 0', () => {
  const none = lepton();
  assert.is(none.code, 2);
  assert.match(none.out, /Usage: lepton <command>/);
  const help = lepton('--help');
  assert.is(help.code, 0);
  const trainHelp = lepton('train', '--help');
  assert.is(trainHelp.code, 0);
  assert.match(trainHelp.out, /--epochs <n>\s+training epochs/);
});

test('lepton examples lists every example', () => {
  const r = lepton('examples');
  assert.is(r.code, 0);
  for (const name of ['earthquake', 'x-squared', 'autoencoder-pca', 'fashion-mnist', 'galaxy-spin', 'signal-vs-background', 'deep-sigmoid-vs-selu', 'perceptron', 'adversarial', 'gan-ring', 'lenet', 'resolution', 'conv-autoencoders', 'split-autoencoders', 'dcgan', 'jet-flavour', 'split16']) assert.match(r.out, new RegExp(`^${name} `, 'm'));
});

test('bad commands and options are one-line errors with exit code 2', () => {
  for (const [args, re] of [
    [['frobnicate'], /^lepton: unknown command 'frobnicate'; expected one of train, evaluate, predict, export, examples$/],
    [['train', 'nope'], /^lepton train: 'nope' is neither a .csv\/.tsv file nor an example \(examples: earthquake/],
    [['train', 'x-squared', '--epochs', 'ten'], /^lepton train: --epochs expects a whole number, got 'ten'/],
    [['train', 'x-squared', '--epochs', '0'], /^lepton train: --epochs must be at least 1, got 0 \(0 epochs would train nothing\)/],
    [['train', 'x-squared', '--wat'], /^lepton train: unknown option --wat/],
    [['train', 'x-squared', '--seeed', '3'], /^lepton train: unknown option --seeed; did you mean --seed\?/],
    [['train', 'x-squared', '--layers', '8'], /^lepton train: --layers is for training on a file; the example x-squared has its own settings/],
    [['train', 'x-sqared'], /^lepton train: 'x-sqared' is neither a .csv\/.tsv file nor an example; did you mean 'x-squared'\?/],
    [['evalute'], /^lepton: unknown command 'evalute'; expected one of train, evaluate, predict, export, examples; did you mean 'evaluate'\?$/],
    [['train', 'x-squared', '--out'], /^lepton train: --out needs a value/],
  ] as const) {
    const r = lepton(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err.trim(), re);
    assert.is(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  }
});

test('lepton --version prints the package version', () => {
  const r = lepton('--version');
  assert.is(r.code, 0);
  assert.is(r.out, `lepton ${JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version}\n`);
});

test('lepton train writes a report: well-formed SVG and HTML, history.json', () => {
  const out = tempDir('lepton-cli-');
  const r = lepton('train', 'x-squared', '--epochs', '3', '--out', out, '--quiet');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /1:50:50:1 RMS error vs x² \(test\): [\d.]+/);
  assert.match(r.out, /report: .*report\.html/);
  for (const f of ['report.html', 'fit.svg', 'loss.svg', 'history.json']) assert.ok(existsSync(join(out, f)), f);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.not.match(html, /<script/i, 'self-contained, no script');
  for (const f of ['fit.svg', 'loss.svg']) wellFormed(readFileSync(join(out, f), 'utf8'), f);
  const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
  assert.is(history['loss 1:50:1'].length, 3);
});

/** y = 2·a − b + 0.5·c², and a class label from the sign of a + b: a CSV as users export it. */
function writeCsv(dir: string, rows = 600): string {
  const lines = ['a,b,c,y,label'];
  let r = 7;
  const u = () => ((r = (r * 16807) % 2147483647) / 2147483647) * 2 - 1;
  for (let i = 0; i < rows; i++) {
    const a = u(), b = u(), c = u();
    lines.push(`${a.toFixed(5)},${b.toFixed(5)},${c.toFixed(5)},${(2 * a - b + 0.5 * c * c).toFixed(5)},${a + b > 0 ? 1 : 0}`);
  }
  const file = join(dir, 'train.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('train on a CSV, then evaluate, predict and export the saved model', () => {
  const dir = tempDir('lepton-csv-');
  const csv = writeCsv(dir);
  const out = join(dir, 'run');
  const t = lepton('train', csv, '--target', 'y', '--layers', '32,32', '--epochs', '30', '--out', out, '--quiet');
  assert.is(t.code, 0, t.err);
  assert.match(t.out, /^val_loss: [\d.e-]+$/m);
  const model = join(out, 'model');
  assert.ok(existsSync(join(model, 'model.json')));
  assert.ok(readdirSync(model).some((f) => /^weights-.*\.bin$/.test(f)));
  const e = lepton('evaluate', model, csv);
  assert.is(e.code, 0, e.err);
  const mae = Number(/^mae \(target units\): ([\d.e-]+)$/m.exec(e.out)![1]);
  assert.ok(mae < 0.15, `mae ${mae} in the target's units (y spans about ±3.5)`);
  const preds = join(dir, 'preds.csv');
  const p = lepton('predict', model, csv, '--out', preds);
  assert.is(p.code, 0, p.err);
  const rows = readFileSync(preds, 'utf8').trim().split('\n');
  assert.is(rows[0], 'y');
  assert.is(rows.length, 601);
  const x = lepton('export', model, join(dir, 'm.onnx'));
  assert.is(x.code, 0, x.err);
  assert.ok(readFileSync(join(dir, 'm.onnx')).length > 1000);
  // classification from the same file
  const c = lepton('train', csv, '--target', 'label', '--loss', 'binaryCrossentropy', '--epochs', '10', '--out', join(dir, 'clf'), '--quiet');
  assert.is(c.code, 0, c.err);
  const acc = Number(/^val_accuracy: ([\d.]+)$/m.exec(c.out)![1]);
  assert.ok(acc > 0.9, `validation accuracy ${acc}`);
});

test('CSV mistakes are one-line errors with exit code 2, before any training', () => {
  const dir = tempDir('lepton-csv-');
  const csv = writeCsv(dir, 20);
  for (const [args, re] of [
    [['train', csv, '--target', 'y', '--batch-size', '0'], /^lepton train: --batch-size must be at least 1, got 0$/],
    [['train', csv, '--target', 'y', '--epochs', '-2'], /^lepton train: --epochs must be at least 1, got -2$/],
    [['train', csv, '--target', 'y', '--lr', '-0.1'], /^lepton train: --lr must be above 0, got -0.1$/],
    [['train', csv, '--target', 'y', '--optimizer', 'adma'], /^lepton train: --optimizer must be one of sgd, adam, .*, got 'adma'; did you mean adam\?$/],
    [['train', csv, '--target', 'y', '--loss', 'crossentropy'], /^lepton train: --loss must be one of .*, got 'crossentropy'/],
    [['train', csv, '--target', 'yy'], /^lepton train: .*train\.csv has no target column 'yy'; did you mean 'y'\? \(its columns, split at ',': a, b, c, y, label\)$/],
    [['train', csv, '--target', 'label'], /^lepton train: column 'label' holds 2 distinct whole numbers \("0", "1"\): class labels or a quantity\? say --task classification or --task regression$/],
    [['train', csv, '--target', 'y', '--validation-split', '1'], /^lepton train: --validation-split must be below 1, got 1$/],
    [['train', csv, '--target', 'y', '--delimiter', 'ab'], /^lepton train: --delimiter expects one character/],
    [['train', join(dir, 'missing.csv'), '--target', 'y'], /^lepton: no such file: .*missing\.csv$/],
    [['train', csv], /^lepton train: a CSV needs --target/],
    [['train', csv, '--target', 'y', '--layers', '64,x'], /^lepton train: --layers expects comma-separated whole numbers/],
    [['evaluate', join(dir, 'nomodel'), csv], /^lepton: no saved model at /],
    [['predict', join(dir, 'nomodel')], /^lepton predict: missing <data>/],
  ] as const) {
    const r = lepton(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err.trim(), re);
    assert.is(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  }
});

/** 150 flowers of three species, iris-like (four measurements drawn around each species' means), sorted by species. */
function writeIris(dir: string, name = 'iris.csv', delim = ','): string {
  const species: [string, number[]][] = [['setosa', [5.0, 3.4, 1.5, 0.25]], ['versicolor', [5.9, 2.8, 4.3, 1.3]], ['virginica', [6.6, 3.0, 5.5, 2.0]]];
  let r = 11;
  const u = () => (r = (r * 16807) % 2147483647) / 2147483647;
  const normal = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const lines = [['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'].join(delim)];
  for (const [s, mean] of species) {
    for (let i = 0; i < 50; i++) lines.push([...mean.map((m, j) => (m + normal() * (j < 2 ? 0.3 : 0.2)).toFixed(1)), s].join(delim));
  }
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('a text label column is classification: class names kept, predict writes the predicted class; .tsv and ; files', () => {
  const dir = tempDir('lepton-iris-');
  const csv = writeIris(dir);
  const out = join(dir, 'run');
  const t = lepton('train', csv, '--target', 'species', '--layers', '16', '--epochs', '40', '--out', out, '--quiet');
  assert.is(t.code, 0, t.err);
  assert.match(t.out, /^accuracy \(validation rows\): /m);
  const model = join(out, 'model');
  const prep = JSON.parse(readFileSync(join(model, 'model.json'), 'utf8')).preprocessing;
  assert.equal(prep.classNames, ['setosa', 'versicolor', 'virginica']);
  assert.is(prep.task, 'multiclass');
  // the same flowers as TSV and with semicolons: the delimiter comes from the header line
  const tsv = writeIris(dir, 'iris.tsv', '\t'), semi = writeIris(dir, 'iris-semicolon.csv', ';');
  for (const file of [csv, tsv, semi]) {
    const e = lepton('evaluate', model, file);
    assert.is(e.code, 0, e.err);
    const acc = Number(/^accuracy: ([\d.]+)$/m.exec(e.out)![1]);
    assert.ok(acc > 0.9, `${file}: accuracy ${acc}`);
  }
  const preds = join(dir, 'preds.csv');
  const p = lepton('predict', model, semi, '--out', preds);
  assert.is(p.code, 0, p.err);
  const rows = readFileSync(preds, 'utf8').trim().split('\n');
  assert.is(rows[0], 'p_setosa,p_versicolor,p_virginica,species');
  assert.is(rows.length, 151);
  const cells = rows.slice(1).map((l) => l.split(','));
  for (const c of cells) assert.ok(Math.abs(c.slice(0, 3).map(Number).reduce((a, b) => a + b, 0) - 1) < 1e-5, c.join(','));
  const right = cells.filter((c, i) => c[3] === ['setosa', 'versicolor', 'virginica'][Math.floor(i / 50)]).length;
  assert.ok(right >= 135, `${right} of 150 predicted classes right`);
  // an explicit delimiter that the file does not use finds one column only
  const wrong = lepton('evaluate', model, tsv, '--delimiter', ',');
  assert.is(wrong.code, 2);
  assert.match(wrong.err, /has no feature column 'sepal_length'.*split at ','/);
  // a label the model never saw
  writeFileSync(join(dir, 'new.csv'), 'sepal_length,sepal_width,petal_length,petal_width,species\n5,3,1.4,0.2,iris-nova\n');
  const unseen = lepton('evaluate', model, join(dir, 'new.csv'));
  assert.is(unseen.code, 2);
  assert.match(unseen.err, /data row 1 has the label "iris-nova", which the model was not trained on/);

  // the report of a classification: settings, a confusion matrix and an ROC curve, legends clear of data
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  for (const s of ['<h2>Settings</h2>', '16 tanh', 'adam', 'learning rate', '<td>40</td>', '150 rows, 4 input columns', 'stratified by class', 'into 3 classes (setosa, versicolor, virginica)']) assert.ok(html.includes(s), s);
  for (const f of ['confusion-matrix.svg', 'roc.svg', 'history-loss.svg', 'history-accuracy.svg']) {
    const svg = readFileSync(join(out, f), 'utf8');
    wellFormed(svg, f);
    if (f !== 'confusion-matrix.svg') assert.equal(covered(legendOf(svg), dataPoints(svg)), [], `${f}: the legend covers data`);
  }
  assert.match(readFileSync(join(out, 'confusion-matrix.svg'), 'utf8'), />virginica</);
  assert.match(readFileSync(join(out, 'roc.svg'), 'utf8'), /virginica vs rest \(AUC [01]\.\d{3}\)/);
});

test('a regression report: predicted against true and residuals in the target\'s units, the settings', () => {
  const dir = tempDir('lepton-reg-');
  const csv = writeCsv(dir, 300);
  const out = join(dir, 'run');
  const t = lepton('train', csv, '--target', 'y', '--layers', '16', '--epochs', '15', '--out', out);
  assert.is(t.code, 0, t.err);
  // not a TTY: epoch 1, then every ⌈15/10⌉ = 2nd epoch and the last: 1, 2, 4, …, 14, 15
  const epochs = [...t.out.matchAll(/^epoch (\d+)\/15 /gm)].map((m) => Number(m[1]));
  assert.equal(epochs, [1, 2, 4, 6, 8, 10, 12, 14, 15]);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  for (const s of ['<h2>Settings</h2>', 'regression of y', 'y: RMSE (validation rows)', 'y: R² (validation rows)', "MSE (y&apos;s units, squared), last epoch", 'target scaling']) assert.ok(html.includes(s), s);
  assert.not.match(html, /class="status"/, 'not interrupted');
  for (const f of ['predicted-vs-true-1.svg', 'residuals-1.svg', 'history-loss.svg', 'history-mae.svg']) {
    const svg = readFileSync(join(out, f), 'utf8');
    wellFormed(svg, f);
    assert.equal(covered(legendOf(svg), dataPoints(svg)), [], `${f}: the legend covers data`);
  }
  assert.match(readFileSync(join(out, 'predicted-vs-true-1.svg'), 'utf8'), />true y</);
  // in the target's units: the validation MAE of the last epoch (on standardized targets) times y's deviation
  const std = JSON.parse(readFileSync(join(out, 'model/model.json'), 'utf8')).preprocessing.yStd[0];
  const valMae = Number(/^val_mae: ([\d.e-]+)$/m.exec(t.out)![1]), mae = Number(/^y: MAE \(validation rows\): ([\d.e-]+)$/m.exec(t.out)![1]);
  assert.ok(std > 1.1 && Math.abs(mae - valMae * std) < 1e-3 * mae, `MAE ${mae} = val_mae ${valMae} × σ ${std}`);
});

test('Ctrl-C during training stops after the current batch, saves the model, marks the report, exits 130', async () => {
  const dir = tempDir('lepton-int-');
  const csv = writeCsv(dir, 2000);
  const out = join(dir, 'run');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'train', csv, '--target', 'y', '--epochs', '100000', '--batch-size', '8', '--out', out], { cwd: root });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => { if (/^epoch 1\/100000 /m.test(stdout)) { clearInterval(poll); resolve(); } }, 50);
  });
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.is(code, 130, stderr);
  assert.match(stderr, /stopping after this batch; the model and the report will be saved/);
  assert.match(stdout, /training interrupted; saved after the last completed batch/);
  assert.ok(existsSync(join(out, 'model', 'model.json')));
  assert.not.ok(readdirSync(join(out, 'model')).some((f) => f.includes('.tmp')), 'no temporary files left');
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<p class="status">Interrupted \(Ctrl-C\) during epoch \d+ of 100000/);
  assert.match(html, /<title>lepton train .* \(interrupted\)<\/title>/);
  const e = lepton('evaluate', join(out, 'model'), csv);
  assert.is(e.code, 0, e.err);
});

test.run();

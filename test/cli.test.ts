// The CLI as a user runs it: a spawned process, its exit codes, output and files.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir } from './helpers.js';

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
  for (const name of ['earthquake', 'x-squared', 'autoencoder-pca', 'fashion-mnist', 'galaxy-spin', 'signal-vs-background', 'deep-sigmoid-vs-selu']) assert.match(r.out, new RegExp(`^${name} `, 'm'));
});

test('bad commands and options are one-line errors with exit code 2', () => {
  for (const [args, re] of [
    [['frobnicate'], /^lepton: unknown command 'frobnicate'/],
    [['train', 'nope'], /^lepton train: 'nope' is neither a .csv file nor an example/],
    [['train', 'x-squared', '--epochs', 'ten'], /^lepton train: --epochs expects a whole number ≥ 0, got 'ten'/],
    [['train', 'x-squared', '--wat'], /^lepton train: unknown option --wat/],
    [['train', 'x-squared', '--out'], /^lepton train: --out needs a value/],
  ] as const) {
    const r = lepton(...args);
    assert.is(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, re);
    assert.is(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
  }
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

/** Every tag closes in order and attribute values are quoted: the XML an SVG viewer needs. */
function wellFormed(xml: string, what: string): void {
  assert.match(xml, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${what}: an svg root`);
  const stack: string[] = [];
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) assert.is(stack.pop(), name, `${what}: </${name}> closes the open element`);
    else stack.push(name);
  }
  assert.equal(stack, [], `${what}: every element closed`);
  const stripped = xml.replace(/<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, '');
  assert.not.match(stripped, /[<>]/, `${what}: no stray angle brackets or malformed tags`);
}

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

test('CSV mistakes are one-line errors with exit code 2', () => {
  const dir = tempDir('lepton-csv-');
  const csv = writeCsv(dir, 20);
  for (const [args, re] of [
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

test('Ctrl-C during training stops after the current batch and saves the model', async () => {
  const dir = tempDir('lepton-int-');
  const csv = writeCsv(dir, 2000);
  const out = join(dir, 'run');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'train', csv, '--target', 'y', '--epochs', '100000', '--batch-size', '8', '--out', out], { cwd: root });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => { if (/Epoch 2\//.test(stdout)) { clearInterval(poll); resolve(); } }, 50);
  });
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.is(code, 0, stderr);
  assert.match(stderr, /stopping after this batch and saving the model/);
  assert.match(stdout, /training interrupted; saved after the last completed batch/);
  assert.ok(existsSync(join(out, 'model', 'model.json')));
  const e = lepton('evaluate', join(out, 'model'), csv);
  assert.is(e.code, 0, e.err);
});

test.run();

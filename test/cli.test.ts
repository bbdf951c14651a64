// The CLI as a user runs it: a spawned process, its exit codes, output and files.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

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
  for (const name of ['earthquake', 'x-squared', 'autoencoder-pca', 'fashion-mnist', 'deep-sigmoid-vs-selu']) assert.match(r.out, new RegExp(`^${name} `, 'm'));
});

test('bad commands and options are one-line errors with exit code 2', () => {
  for (const [args, re] of [
    [['frobnicate'], /^lepton: unknown command 'frobnicate'/],
    [['train', 'nope'], /^lepton train: 'nope' is not an example/],
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
  const out = mkdtempSync(join(tmpdir(), 'lepton-cli-'));
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

test.run();

#!/usr/bin/env node
// Runs every test/**/*.test.ts in a process of its own (uvu under tsx, as `npm run test:only`
// runs them all in one), so that a file leaning on another file's side effects (a V8 flag, an
// init() call) fails here. Prints one line per file and a summary; exits 1 if any file fails.
//
//   node scripts/test-alone.mjs [--jobs N] [file-or-dir ...]
//
// The children's uvu summaries ("Total:", "Passed:") are never printed: .ci/run adds those lines
// up across the log, and the same tests already count once in the full run. A failing file's
// output is printed without them, and the exit status fails the run.
//
// A file whose header has a line `// test-alone: exclusive (why)` runs after the others with
// nothing beside it: one that asserts on timing (the playground's responsiveness) would otherwise
// share the two cores with another file's training.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const uvu = join(repo, 'node_modules/uvu/bin.js');
const PER_FILE_MS = 10 * 60_000;

const args = process.argv.slice(2);
let jobs = 2;
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--jobs' || args[i] === '-j') jobs = Number(args[++i]);
  else roots.push(args[i]);
}
if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a whole number from 1, got ${jobs}`);

function testFiles(path) {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => {
    const p = join(path, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = (roots.length ? roots : ['test']).flatMap((r) => testFiles(resolve(repo, r))).map((f) => relative(repo, f)).sort();
if (files.length === 0) throw new Error(`no *.test.ts under ${roots.join(', ') || 'test'}`);

const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
const summaryLine = /^\s*(Total|Passed|Skipped|Duration):/;
const count = (out, label) => Number(out.match(new RegExp(`^\\s*${label}:\\s+(\\d+)`, 'm'))?.[1] ?? NaN);

/** Runs one file: uvu given its folder and a pattern that matches its name only. */
function runAlone(file) {
  const escaped = basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const t0 = Date.now();
  return new Promise((done) => {
    // detached: its own process group, so a timeout also ends what it started (workerd, chromium).
    const child = spawn(process.execPath, ['--import', 'tsx', uvu, dirname(file), `^${escaped}$`, '--no-color'], {
      cwd: repo,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, PER_FILE_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      out = strip(out);
      const total = count(out, 'Total'), passed = count(out, 'Passed');
      // uvu sets exit code 1 on a failed test; a file that dies before its summary has no counts.
      const ok = code === 0 && !timedOut && Number.isFinite(total) && passed === total;
      const why = timedOut ? `timed out after ${PER_FILE_MS / 1000} s` : !Number.isFinite(total) ? `exit ${code ?? signal}, no uvu summary` : `exit ${code ?? signal}, ${passed} of ${total} passed`;
      done({ file, ok, total, passed, ms: Date.now() - t0, why, out });
    });
  });
}

const exclusive = new Set(files.filter((f) => /^\/\/ test-alone: exclusive\b/m.test(readFileSync(join(repo, f), 'utf8'))));
const t0 = Date.now();
const results = [];
async function worker(queue) {
  while (queue.length) {
    const r = await runAlone(queue.shift());
    results.push(r);
    const secs = (r.ms / 1000).toFixed(1).padStart(6);
    if (r.ok) console.log(`alone ok   ${secs} s  ${r.file} (${r.total} tests)`);
    else {
      console.log(`alone FAIL ${secs} s  ${r.file} (${r.why}):`);
      console.log(r.out.split('\n').filter((l) => !summaryLine.test(l)).map((l) => `  | ${l}`).join('\n'));
    }
  }
}
const shared = files.filter((f) => !exclusive.has(f));
await Promise.all(Array.from({ length: Math.min(jobs, shared.length) }, () => worker(shared)));
await worker(files.filter((f) => exclusive.has(f)));

const failed = results.filter((r) => !r.ok);
const tests = results.reduce((s, r) => s + (Number.isFinite(r.total) ? r.total : 0), 0);
const wall = ((Date.now() - t0) / 1000).toFixed(1);
const slowest = [...results].sort((a, b) => b.ms - a.ms).slice(0, 3).map((r) => `${r.file} ${(r.ms / 1000).toFixed(1)} s`).join(', ');
console.log(`\nalone: ${results.length - failed.length} of ${results.length} files pass by themselves (${tests} tests), ${failed.length} fail; ${wall} s with ${jobs} jobs; slowest: ${slowest}`);
if (failed.length) {
  console.log(`alone: failing by themselves: ${failed.map((r) => r.file).join(', ')}`);
  process.exitCode = 1;
}

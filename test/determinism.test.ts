// DESIGN.md "Determinism": with the plain build and a fixed seed, training the same model on the
// same data gives bit-identical weights in Node, in headless Chromium and in workerd, with 1 and 2
// threads. Each runtime runs test/determinism/case.js from the dist bundle; the SHA-256 of the
// final weights must agree across all of them.
//
// Chromium runs the case twice per thread count: on a cross-origin-isolated page's main thread
// (which cannot Atomics.wait: the pool's caller spins) and in a dedicated module Worker of that
// page (as the playground trains; there the caller may block). With 2 threads every run must
// report 2 threads started and kernel calls that the pool really split (runtime.parallelJobs),
// so a silent fall-back to one thread fails the test. workerd has no Worker: it runs 1 thread.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serve } from '../web/serve.mjs';
import { browserFor, ensureDist, launchChromium, repo, startWorkerd, type Workerd } from './runtimes.js';
import { jsRuntimeArgs, jsRuntimeFor, type JsRuntime } from './runtimes.js';

interface CaseResult { hash: string; loss: number; head: number[] }
interface Result { build: string; threads: number; ready: number; parallelJobs: number; threadsReason?: string; cases: Record<string, CaseResult>; error?: string }

// The thread counts to compare: every runtime below receives `threads`, and one that cannot run
// that many (workerd: no Worker) leaves itself out.
const THREADS = [1, 2];

const browser = browserFor('determinism in Chromium');
let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
let server: Awaited<ReturnType<typeof serve>> | undefined;
let workerd: Workerd | undefined;

const runtimes: Record<string, { threads: (n: number) => boolean; run: (n: number) => Promise<Result> }> = {
  node: {
    threads: () => true,
    run: async (n) => {
      // A fresh process per run: a runtime is initialized once per program.
      const r = spawnSync(process.execPath, [join(repo, 'test/determinism/node.mjs'), String(n)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`node run failed:\n${r.stderr}`);
      return JSON.parse(r.stdout);
    },
  },
  workerd: {
    threads: (n) => n === 1,
    run: async (n) => {
      const res = await fetch(`${workerd!.url}?threads=${n}`);
      if (!res.ok) throw new Error(`workerd answered ${res.status}: ${await res.text()}\n${workerd!.log()}`);
      return res.json();
    },
  },
};
/** The case in Chromium: on the page's main thread or in a dedicated Worker of it. */
const inChromium = (where: 'page' | 'worker') => async (n: number): Promise<Result> => {
  const page = await chromium!.newPage();
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${server!.url}case/index.html?threads=${n}&in=${where}`);
    await page.waitForFunction(() => (window as any).result !== undefined, undefined, { timeout: 60000 });
    const result = await page.evaluate(() => (window as any).result);
    if (result.error || errors.length) throw new Error(`chromium ${where}: ${result.error ?? errors.join('\n')}`);
    return result;
  } finally {
    await page.close();
  }
};
// issue 18: Deno and Bun run the Node script (node:worker_threads threads in both).
const jsMissing: string[] = [];
for (const name of ['deno', 'bun'] as JsRuntime[]) {
  const rt = jsRuntimeFor(name, `determinism in ${name}`);
  if (rt.missing) jsMissing.push(rt.missing);
  if (!rt.path) continue;
  runtimes[name] = {
    threads: () => true,
    run: async (n) => {
      const r = spawnSync(rt.path!, jsRuntimeArgs(name, join(repo, 'test/determinism/node.mjs'), [String(n)]), { cwd: repo, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${name} run failed:\n${r.stderr}`);
      return JSON.parse(r.stdout);
    },
  };
}
for (const m of jsMissing) test('a runtime is installed', () => assert.unreachable(m));
if (browser.path) {
  runtimes['chromium page'] = { threads: () => true, run: inChromium('page') };
  runtimes['chromium worker'] = { threads: () => true, run: inChromium('worker') };
}

test.before(async () => {
  ensureDist();
  [workerd, chromium, server] = await Promise.all([
    startWorkerd('test/determinism/workerd.capnp'),
    browser.path ? launchChromium(browser.path) : undefined,
    browser.path ? serve({ mounts: { '/dist/': 'dist', '/case/': 'test/determinism' } }) : undefined,
  ]);
});

test.after(async () => {
  await Promise.all([workerd?.stop(), chromium?.close(), server?.close()]);
});

if (browser.missing) test('chromium is installed', () => assert.unreachable(browser.missing));
if (!browser.path && !browser.missing) test.skip('chromium runs (skipped: no chromium on this machine)', () => {});

const results: Record<string, Result> = {};
for (const threads of THREADS) {
  for (const [name, rt] of Object.entries(runtimes)) {
    if (!rt.threads(threads)) continue;
    test(`${name}, ${threads} thread(s): trains every case with the plain build`, async () => {
      const t0 = Date.now();
      const r = await rt.run(threads);
      assert.is(r.build, 'simd');
      assert.is(r.threads, threads, 'threads the runtime reports');
      if (threads > 1) {
        assert.is(r.ready, threads, 'every thread started');
        assert.ok(r.parallelJobs > 0, `the pool split kernel calls across threads (${r.parallelJobs})`);
      } else {
        assert.is(r.parallelJobs, 0, 'one thread splits nothing');
      }
      for (const [name, c] of Object.entries(r.cases)) {
        assert.ok(Number.isFinite(c.loss), `finite loss, got ${c.loss}`);
        assert.is(c.reloadedHash, c.hash, `${name}: save() then loadModel() gives back the same weights`);
      }
      results[`${name} × ${threads}`] = r;
      console.log(`  ${name} × ${threads}: ${Date.now() - t0} ms, ${r.parallelJobs} split kernel calls`);
    });
  }
}

test('workerd, asked for 2 threads, runs on 1 and says why', async () => {
  const r = await runtimes.workerd.run(2);
  assert.is(r.threads, 1);
  // The wasm binding is compiled for an unshared memory (and workerd has no Worker anyway).
  assert.ok(r.threadsReason, `a reason is given: ${JSON.stringify({ ...r, cases: undefined })}`);
  results['workerd asked for 2'] = r;
});

test('every runtime and thread count gives bit-identical weights', () => {
  const runs = Object.entries(results);
  assert.ok(runs.length >= 2, `at least two runs to compare, got ${runs.map(([k]) => k).join(', ')}`);
  console.log(`  compared: ${runs.map(([k]) => k).join('; ')}`);
  const [refName, ref] = runs[0];
  for (const [name, r] of runs.slice(1)) {
    for (const [c, want] of Object.entries(ref.cases)) {
      const got = r.cases[c];
      assert.ok(got, `${name} ran case ${c}`);
      assert.is(got.hash, want.hash, `${c}: ${name} weights differ from ${refName}'s; first weights ${got.head} vs ${want.head}, loss ${got.loss} vs ${want.loss}`);
    }
  }
});

test.run();

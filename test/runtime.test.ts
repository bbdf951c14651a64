import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, resetForTests, runtime } from '../src/wasm/runtime.js';
// issue 18: Deno and Bun
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureDist, jsRuntimeArgs, jsRuntimeFor, repo, type JsRuntime } from './runtimes.js';
import { tempDir } from './helpers.js';

const plainPath = new URL('../build/lepton.wasm', import.meta.url);
const relaxedPath = new URL('../build/lepton-relaxed.wasm', import.meta.url);

// Other test files in the same uvu process may have initialized the runtime already.
test.before(() => resetForTests());
test.after.each(() => resetForTests());

test('runtime() before init() is a clear error', () => {
  resetForTests(); // other test files in this process may have initialized it
  assert.throws(() => runtime(), /call `await init\(\)`/);
});

test('init takes bytes', async () => {
  const rt = await init(readFileSync(plainPath));
  assert.is(rt.build, 'simd');
  assert.ok(rt.arena.alloc(100) % 16 === 0);
});

test('init takes an ArrayBuffer', async () => {
  const b = readFileSync(plainPath);
  const rt = await init(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  assert.is(rt.build, 'simd');
});

test('init takes a file URL and a path string', async () => {
  assert.is((await init(pathToFileURL(plainPath.pathname))).build, 'simd');
  resetForTests();
  assert.is((await init(plainPath.pathname)).build, 'simd');
});

test('init takes a Response and a promise of one', async () => {
  const bytes = readFileSync(plainPath);
  const response = () => new Response(bytes, { headers: { 'content-type': 'application/wasm' } });
  assert.is((await init(response())).build, 'simd');
  resetForTests();
  assert.is((await init(Promise.resolve(response()))).build, 'simd');
});

test('init takes a compiled WebAssembly.Module (the workerd form)', async () => {
  const module = new WebAssembly.Module(readFileSync(plainPath));
  const rt = await init(module);
  assert.is(rt.build, 'simd');
  assert.is(rt.fallbackReason, undefined);
});

test('init with no source finds the .wasm beside the module, or in build/ from the source tree', async () => {
  // From src/wasm/runtime.ts there is no lepton.wasm beside it; the source-tree fallback is
  // ../../build/. (test/dist.test.ts checks that the built bundle finds the file beside itself.)
  const rt = await init();
  assert.is(rt.build, 'simd');
  assert.type(rt.kernels.f32_gemm_nn, 'function');
});

test('init({ fast: true }) runs the relaxed build when the engine accepts it', async () => {
  const rt = await init(relaxedPath, { fast: true });
  assert.is(rt.build, 'relaxed-simd');
  assert.is(rt.fallbackReason, undefined);
});

test('init({ fast: true }) with a plain module reports the fallback', async () => {
  const rt = await init(plainPath, { fast: true });
  assert.is(rt.build, 'simd');
  assert.ok(rt.fallbackReason);
});

test('calling init twice returns the same runtime', async () => {
  const a = await init(plainPath);
  const b = await init(plainPath);
  const c = await init();
  assert.is(a.memory, c.memory);
  assert.is(a, b);
  assert.is(a, c);
  // Another source of the same build, even bytes: the running runtime, not a second instance.
  assert.is(await init(new Uint8Array(readFileSync(plainPath))), a);
});

test('concurrent init calls share one instantiation', async () => {
  const [a, b] = await Promise.all([init(plainPath), init(plainPath)]);
  assert.is(a, b);
});

test('asking for another build after init is a clear error', async () => {
  await init(plainPath);
  try {
    await init({ fast: true, fastSource: relaxedPath });
    assert.unreachable('expected an error');
  } catch (e) {
    assert.match((e as Error).message, /already initialized with the simd build/);
  }
});

test('bad sources are clear errors', async () => {
  for (const [source, re] of [
    [new Uint8Array([0, 1, 2, 3]), /not a WebAssembly module/],
    [new URL('file:///nonexistent/lepton.wasm'), /ENOENT/],
    [new Response('nope', { status: 404 }), /HTTP 404/],
  ] as const) {
    resetForTests();
    try {
      await init(source as never);
      assert.unreachable('expected an error');
    } catch (e) {
      assert.match((e as Error).message, re);
    }
  }
});

test('a wasm module that is not lepton is rejected by name', async () => {
  // (module (memory (import "env" "memory") 1)) — valid, but no lepton exports.
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 2, 15, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 0, 1]);
  try {
    await init(bytes);
    assert.unreachable('expected an error');
  } catch (e) {
    assert.match((e as Error).message, /not a lepton kernel build/);
  }
});

// issue 18: the dist bundle in Deno and Bun (test/js-runtimes/smoke.mjs): init() finds the .wasm
// beside the bundle, the plain and the fast build, two threads on node:worker_threads, a CSV from
// disk, training, save() to a directory and loadModel() from it, toOnnx().
for (const name of ['deno', 'bun'] as JsRuntime[]) {
  const rt = jsRuntimeFor(name, `the bundle in ${name}`);
  if (rt.missing) test(`${name} is installed`, () => assert.unreachable(rt.missing));
  if (!rt.path) continue;
  for (const mode of ['plain', 'fast']) {
    test(`${name}: the dist bundle, ${mode} build: init() finds its .wasm, 2 threads, CSV, training, save to and load from a directory, ONNX`, () => {
      ensureDist();
      const dir = tempDir(`lepton-${name}-`);
      const r = spawnSync(rt.path!, jsRuntimeArgs(name, join(repo, 'test/js-runtimes/smoke.mjs'), [dir, mode]), { cwd: repo, encoding: 'utf8', timeout: 120_000 });
      assert.is(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.is(out.build, mode === 'fast' ? 'relaxed-simd' : 'simd', `build (${out.fallbackReason})`);
      assert.is(out.threads, 2);
      assert.is(out.ready, 2, 'both threads started');
      assert.is(out.rows, 256, 'the CSV was read');
      assert.ok(out.loss < 0.01, `loss ${out.loss} after training y = x²`);
      assert.ok(out.reloaded, 'the model loaded from the directory predicts the same');
      assert.ok(out.onnxBytes > 1000, `ONNX file of ${out.onnxBytes} bytes`);
    });
  }
}

test.run();

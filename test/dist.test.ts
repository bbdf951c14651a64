// The package as a user gets it: `npm pack`, installed from the tarball into a fresh folder,
// imported by its name from Node (init() finding its own .wasm), type-checked against its .d.ts,
// and bundled by esbuild for the browser.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureDist, npm, repo, run } from './runtimes.js';
import { jsRuntimeArgs, jsRuntimeFor, type JsRuntime } from './runtimes.js';

let dir: string;
let app: string;
let tarball: string;

// uvu reports nothing when a before hook throws; the first test does the setup so a failure shows.
test('npm pack, then npm install of the tarball into a fresh folder', () => {
  ensureDist();
  dir = mkdtempSync(join(tmpdir(), 'lepton-dist-'));
  run(...npm(['pack', '--silent', '--pack-destination', dir]));
  tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
  app = join(dir, 'app');
  cpSync(join(repo, 'test/fixtures/dist-app'), app, { recursive: true });
  run(...npm(['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, tarball)]), app);
});

test.after(() => dir && rmSync(dir, { recursive: true, force: true }));

test('the tarball holds the bundle, both .wasm builds and the types, and no sources', () => {
  const files = run('tar', ['-tzf', join(dir, tarball)]).split('\n').filter(Boolean);
  for (const f of ['package/dist/lepton.js', 'package/dist/lepton-core.js', 'package/dist/lepton-io.js', 'package/dist/lepton-report.js', 'package/dist/types/report/index.d.ts', 'package/dist/lepton.wasm', 'package/dist/lepton-relaxed.wasm', 'package/dist/types/index.d.ts', 'package/package.json',
    'package/bin/lepton.mjs', 'package/dist/lepton-cli.js', 'package/dist/lepton-examples.js', 'package/dist/lepton-csv-parser.js', 'package/dist/lepton-idx-load.js', 'package/dist/lepton-workers.js', 'package/dist/lepton-onnx.js']) {
    assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(', ')}`);
  }
  assert.not.ok(files.some((f) => /^package\/(src|assembly|test|build)\//.test(f)), 'no sources or tests in the tarball');
});

test('import("lepton") shows the public names only, not the chunks\' shared internals', () => {
  const names = JSON.parse(run(process.execPath, ['--input-type=module', '-e', "console.log(JSON.stringify(Object.keys(await import('lepton'))))"], app)) as string[];
  const source = readFileSync(join(repo, 'src/index.ts'), 'utf8');
  // the value exports of src/index.ts: `export { a, b as c, type T }` and `export * as ns`
  const expected = [...source.matchAll(/^export \{([^}]*)\}/gm)].flatMap((m) => m[1].split(','))
    .map((s) => s.trim()).filter((s) => s && !s.startsWith('type ')).map((s) => s.split(/\s+as\s+/).pop()!)
    .concat([...source.matchAll(/^export \* as (\w+)/gm)].map((m) => m[1]));
  assert.equal([...names].sort(), [...new Set(expected)].sort());
});

test("'lepton/report' draws with its own file; the core does not carry the plots", () => {
  const svg = run(process.execPath, ['--input-type=module', '-e', "const r = await import('lepton/report'); console.log(r.plot({ title: 'loss', series: [{ name: 'train', x: [1, 2], y: [1, 0.5] }] }))"], app);
  assert.ok(svg.startsWith('<svg') && svg.includes('loss'), svg.slice(0, 200));
  const core = readFileSync(join(app, 'node_modules/lepton/dist/lepton-core.js'), 'utf8');
  assert.not.ok(core.includes('<svg'), 'lepton-core.js draws no SVG');
  assert.not.ok(/lepton-report\.js/.test(core), 'and does not import the report');
});

test('the CSV parser and the IDX loaders are chunks of their own, imported by the first read, and read from the package', () => {
  const core = readFileSync(join(app, 'node_modules/lepton/dist/lepton-core.js'), 'utf8');
  for (const chunk of ['lepton-csv-parser.js', 'lepton-idx-load.js']) {
    assert.ok(core.includes(`import('./${chunk}')`), `lepton-core.js imports ${chunk} dynamically`);
    assert.not.ok(new RegExp(`^import .* from '\\./${chunk.replace('.', '\\.')}'`, 'm').test(core), `and never statically (${chunk})`);
  }
  const program = [
    "import { init, data } from 'lepton'; import { writeFileSync } from 'node:fs';",
    'await init();',
    "writeFileSync('t.csv', 'a,b,y\\n1,2,3\\n4,5.5,6\\n');",
    "const { x, y } = await data.csv('t.csv', { label: 'y' }).toArrays();",
    // an IDX file: magic 00 00 08 01 (uint8, one dimension), length 3, the bytes 7 8 9
    'const t = await data.idx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]));',
    'console.log(JSON.stringify({ x: [...x.data], y: [...y.data], idx: [...t.data] }));',
  ].join('\n');
  const out = JSON.parse(run(process.execPath, ['--input-type=module', '-e', program], app));
  assert.equal(out, { x: [1, 2, 4, 5.5], y: [3, 6], idx: [7, 8, 9] });
});

test('the core bundle leaves saving and loading to the io chunk, which it imports on demand', () => {
  const core = readFileSync(join(app, 'node_modules/lepton/dist/lepton-core.js'), 'utf8');
  const io = readFileSync(join(app, 'node_modules/lepton/dist/lepton-io.js'), 'utf8');
  assert.ok(core.includes("import('./lepton-io.js')"), 'lepton-core.js imports the io chunk dynamically');
  assert.not.ok(/^import .* from '\.\/lepton-io\.js'/m.test(core), 'and never statically');
  // the TF.js importer and the lepton-format reader are io-only code
  for (const marker of ['modelTopology', 'formatVersion']) {
    assert.not.ok(core.includes(marker), `${marker} is in the core bundle`);
    assert.ok(io.includes(marker), `${marker} is in the io chunk`);
  }
});

test('the ONNX writer is a chunk of its own, imported by the first toOnnx()', () => {
  const core = readFileSync(join(app, 'node_modules/lepton/dist/lepton-core.js'), 'utf8');
  const onnx = readFileSync(join(app, 'node_modules/lepton/dist/lepton-onnx.js'), 'utf8');
  assert.ok(core.includes("import('./lepton-onnx.js')"), 'lepton-core.js imports the ONNX writer dynamically');
  assert.not.ok(/^import .* from '\.\/lepton-onnx\.js'/m.test(core), 'and never statically');
  // the protobuf writer and the preprocessing's nodes are the writer's alone
  for (const name of ['class ProtoWriter', 'function onnxPreprocessing']) {
    assert.ok(onnx.includes(name), `lepton-onnx.js has ${name}`);
    assert.not.ok(core.includes(name), `lepton-core.js does not (${name})`);
  }
});

test('a deployment without lepton-io.js and lepton-onnx.js trains, and save() and toOnnx() say which file is missing', () => {
  const lone = join(dir, 'lone');
  mkdirSync(lone);
  for (const f of ['lepton.js', 'lepton-core.js', 'lepton.wasm']) cpSync(join(app, 'node_modules/lepton/dist', f), join(lone, f));
  writeFileSync(join(lone, 'run.mjs'), `import { init, layers, sequential } from './lepton.js';
await init();
const net = sequential([layers.dense(2, { inputShape: [3] })]);
const y = net.predict({ data: new Float32Array(3), shape: [1, 3] });
let error = '';
try { await net.save(); } catch (e) { error = e.message; }
let onnxError = '';
try { await net.toOnnx(); } catch (e) { onnxError = e.message; }
console.log(JSON.stringify({ predicted: y.shape, error, onnxError }));
`);
  const out = JSON.parse(run(process.execPath, ['run.mjs'], lone));
  assert.equal(out.predicted, [1, 2]);
  assert.match(out.error, /saving and loading need the bundle's io chunk, lepton-io.js, served beside lepton.js; importing it failed: .*lepton-io\.js/);
  assert.match(out.onnxError, /toOnnx\(\) needs the bundle's ONNX chunk, lepton-onnx\.js, served beside lepton\.js; importing it failed: .*lepton-onnx\.js/);
});

test('a deployment without the CSV and IDX chunks trains, and data.csv / data.idx say which file is missing', () => {
  const lone = join(dir, 'lone-data');
  mkdirSync(lone);
  for (const f of ['lepton.js', 'lepton-core.js', 'lepton.wasm']) cpSync(join(app, 'node_modules/lepton/dist', f), join(lone, f));
  writeFileSync(join(lone, 't.csv'), 'a,y\n1,2\n');
  writeFileSync(join(lone, 'run.mjs'), `import { init, data } from './lepton.js';
await init();
const errors = [];
try { await data.csv('t.csv', { label: 'y' }).toArrays(); } catch (e) { errors.push(e.message); }
try { await data.idx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 1, 7])); } catch (e) { errors.push(e.message); }
console.log(JSON.stringify(errors));
`);
  const [csvError, idxError] = JSON.parse(run(process.execPath, ['run.mjs'], lone)) as string[];
  assert.match(csvError, /data\.csv: reading needs the bundle's CSV chunk, lepton-csv-parser\.js, served beside lepton\.js; importing it failed: .*lepton-csv-parser\.js/);
  assert.match(idxError, /loadIdx: loading needs the bundle's chunk lepton-idx-load\.js, served beside lepton\.js; importing it failed: .*lepton-idx-load\.js/);
});

test('the worker pool is a chunk of its own: init() imports it where threads run; without it, one thread and a reason naming the file', () => {
  const core = readFileSync(join(app, 'node_modules/lepton/dist/lepton-core.js'), 'utf8');
  assert.ok(core.includes("import('./lepton-workers.js')"), 'lepton-core.js imports the worker pool dynamically');
  assert.not.ok(/^import .* from '\.\/lepton-workers\.js'/m.test(core), 'and never statically');
  assert.not.ok(core.includes('Atomics.wait('), 'the pool (its Atomics.wait loop) is not in the core');
  const program = `import { init, layers, sequential } from './lepton.js';
const rt = await init({ threads: 2 });
const net = sequential([layers.dense(2, { inputShape: [3] })]);
const y = net.predict({ data: new Float32Array(3), shape: [1, 3] });
console.log(JSON.stringify({ threads: rt.threads, reason: rt.threadsReason ?? '', predicted: y.shape }));
`;
  const full = join(dir, 'with-workers');
  const lone = join(dir, 'lone-workers');
  for (const [d, files] of [[full, ['lepton.js', 'lepton-core.js', 'lepton-workers.js', 'lepton.wasm']], [lone, ['lepton.js', 'lepton-core.js', 'lepton.wasm']]] as const) {
    mkdirSync(d);
    for (const f of files) cpSync(join(app, 'node_modules/lepton/dist', f), join(d, f));
    writeFileSync(join(d, 'run.mjs'), program);
  }
  const withPool = JSON.parse(run(process.execPath, ['run.mjs'], full));
  assert.equal(withPool, { threads: 2, reason: '', predicted: [1, 2] });
  const without = JSON.parse(run(process.execPath, ['run.mjs'], lone));
  assert.is(without.threads, 1);
  assert.equal(without.predicted, [1, 2]);
  assert.match(without.reason, /^the worker pool's chunk lepton-workers\.js, served beside lepton\.js, did not load \(.*lepton-workers\.js/);
});

test('Node: import "lepton", await init() finds its own .wasm, a model trains to a stated loss', () => {
  const out = JSON.parse(run(process.execPath, ['train.mjs'], app));
  assert.is(out.build, 'simd');
  assert.ok(out.loss < 0.01, `loss ${out.loss} after training y = x² should be < 0.01`);
  assert.ok(out.reloaded, 'save() and loadModel() (the io chunk) give back a model that predicts the same');
  assert.ok(out.wasmExport.endsWith('/node_modules/lepton/dist/lepton.wasm'), `lepton/lepton.wasm resolves to ${out.wasmExport}`);
});

test('npx lepton: the bin runs the built CLI (not tsx) from the installed package', () => {
  const bin = join(app, 'node_modules/.bin/lepton');
  assert.match(run(bin, ['--version'], app), /^lepton 0\.1\.0\n$/);
  assert.match(run(bin, ['examples'], app), /^earthquake /m);
  assert.not.ok(existsSync(join(app, 'node_modules/tsx')), 'tsx is not installed beside it');
  const dir = mkdtempSync(join(tmpdir(), 'lepton-bin-'));
  try {
    const csv = join(dir, 'd.csv');
    writeFileSync(csv, 'a,b,y\n' + Array.from({ length: 64 }, (_, i) => `${i % 8},${(i * 7) % 5},${i % 8 + ((i * 7) % 5)}`).join('\n') + '\n');
    const out = run(bin, ['train', csv, '--target', 'y', '--layers', '8', '--epochs', '2', '--validation-split', '0', '--out', join(dir, 'run'), '--quiet'], app);
    assert.match(out, /^model: /m);
    assert.ok(existsSync(join(dir, 'run/model/model.json')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TypeScript: the exports map gives the types to a NodeNext project', () => {
  run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
});

test('esbuild: a browser bundle resolves, and runs with lepton.wasm copied beside it', async () => {
  const { build } = await import('esbuild');
  const r = await build({ entryPoints: [join(app, 'train.mjs')], absWorkingDir: app, bundle: true, format: 'esm', platform: 'browser', outfile: join(app, 'out/app.js'), logLevel: 'silent' });
  assert.equal(r.errors, []);
  assert.equal(r.warnings.map((w) => w.text), []);
  cpSync(join(app, 'node_modules/lepton/dist/lepton.wasm'), join(app, 'out/lepton.wasm'));
  writeFileSync(join(app, 'out/package.json'), '{ "type": "module" }\n');
  const out = JSON.parse(run(process.execPath, ['out/app.js'], app));
  assert.is(out.build, 'simd');
  assert.ok(out.loss < 0.01, `loss ${out.loss}`);
  assert.ok(out.reloaded, 'save() and loadModel() work from the app bundle');
});

// issue 18: the installed package by its name in Deno (node_modules beside a package.json) and Bun.
for (const name of ['deno', 'bun'] as JsRuntime[]) {
  const rt = jsRuntimeFor(name, `import "lepton" in ${name}`);
  if (rt.missing) test(`${name} is installed`, () => assert.unreachable(rt.missing));
  if (!rt.path) continue;
  test(`${name}: import "lepton", await init() finds its own .wasm, a model trains to a stated loss`, () => {
    const out = JSON.parse(run(rt.path!, jsRuntimeArgs(name, 'train.mjs', []), app));
    assert.is(out.build, 'simd');
    assert.ok(out.loss < 0.01, `loss ${out.loss}`);
    assert.ok(out.reloaded, 'save() and loadModel() (the io chunk) give back a model that predicts the same');
    assert.ok(out.wasmExport.endsWith('/node_modules/lepton/dist/lepton.wasm'), `lepton/lepton.wasm resolves to ${out.wasmExport}`);
  });
}

test.run();

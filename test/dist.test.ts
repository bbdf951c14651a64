// The package as a user gets it: `npm pack`, installed from the tarball into a fresh folder,
// imported by its name from Node (init() finding its own .wasm), type-checked against its .d.ts,
// and bundled by esbuild for the browser.
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureDist, npm, repo, run } from './runtimes.js';

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
  for (const f of ['package/dist/lepton.js', 'package/dist/lepton.wasm', 'package/dist/lepton-relaxed.wasm', 'package/dist/types/index.d.ts', 'package/package.json']) {
    assert.ok(files.includes(f), `${f} missing from the tarball: ${files.join(', ')}`);
  }
  assert.not.ok(files.some((f) => /^package\/(src|assembly|test|build)\//.test(f)), 'no sources or tests in the tarball');
});

test('Node: import "lepton", await init() finds its own .wasm, a model trains to a stated loss', () => {
  const out = JSON.parse(run(process.execPath, ['train.mjs'], app));
  assert.is(out.build, 'simd');
  assert.ok(out.loss < 0.01, `loss ${out.loss} after training y = x² should be < 0.01`);
  assert.ok(out.wasmExport.endsWith('/node_modules/lepton/dist/lepton.wasm'), `lepton/lepton.wasm resolves to ${out.wasmExport}`);
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
});

test.run();

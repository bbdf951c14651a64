// What a page downloads: lepton's bundle and its default .wasm, gzipped (level 9) — as published
// in dist/ (not minified) and minified by esbuild as an app's bundler would — beside TensorFlow.js
// (core + wasm backend + its SIMD .wasm) and ONNX Runtime Web (its wasm-only build + .wasm).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Row } from './rows.js';

const gz = (b: Uint8Array): number => gzipSync(b, { level: 9 }).length;
const file = (p: string) => readFileSync(p);

/**
 * What `import('lepton')` loads, as an app's bundler ships it: dist/lepton.js bundled by esbuild,
 * minified, with code splitting, so the chunks imported on first use (save()/loadModel()'s io,
 * toOnnx()'s writer, data.csv's parser, data.idx's loaders, the worker pool) stay separate files;
 * gzipped sizes (level 9) of the files the entry imports statically, of all of them, and of
 * lepton.wasm. test/size.test.ts holds `entry + wasm` to its budget.
 */
export async function leptonSizes(dist = new URL('../dist/', import.meta.url).pathname) {
  const wasm = gz(file(join(dist, 'lepton.wasm')));
  const esbuild = await import('esbuild');
  const built = esbuild.buildSync({ entryPoints: [join(dist, 'lepton.js')], bundle: true, splitting: true, outdir: '/lepton-size', minify: true, format: 'esm', platform: 'neutral', write: false, external: ['node:*'], metafile: true });
  const min = built.outputFiles.filter((f) => f.path.endsWith('.js'));
  const base = (p: string) => p.slice(p.lastIndexOf('/') + 1);
  const size = new Map(min.map((f) => [base(f.path), gz(f.contents)]));
  const imports = new Map(Object.entries(built.metafile!.outputs).map(([p, o]) => [base(p), o.imports]));
  // what `import` loads: the entry file and the chunks it imports statically (not the dynamic ones)
  const loaded = new Set<string>();
  const visit = (name: string) => {
    if (loaded.has(name)) return;
    loaded.add(name);
    for (const i of imports.get(name) ?? []) if (i.kind === 'import-statement' && !i.external) visit(base(i.path));
  };
  visit('lepton.js');
  const entry = [...loaded].reduce((s, f) => s + size.get(f)!, 0);
  const all = [...size.values()].reduce((s, n) => s + n, 0);
  return { wasm, entry, loaded: loaded.size, all, files: min.length };
}

export async function run(): Promise<Row[]> {
  const require = createRequire(import.meta.url);
  const dist = new URL('../dist/', import.meta.url).pathname;
  const { wasm, entry, loaded, all, files } = await leptonSizes(dist);
  const published = (name: string) => gz(file(join(dist, name)));
  const tfCore = dirname(require.resolve('@tensorflow/tfjs-core/dist/tf-core.min.js'));
  const tfWasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js'));
  const ortWeb = dirname(require.resolve('onnxruntime-web')); // dist/ort.node.min.js
  const kb = (n: number) => n / 1024;
  const row = (impl: string, bytes: number, note: string): Row => ({ section: 'size', case: 'JS + wasm, gzipped', impl, threads: 1, value: kb(bytes), unit: 'KB', higherIsBetter: false, note });
  return [
    row('lepton plain', entry + wasm, `loaded by import: ${loaded} files minified by esbuild ${kb(entry).toFixed(1)} + lepton.wasm ${kb(wasm).toFixed(1)}`),
    row('lepton plain + io chunk', all + wasm, `with the chunks fetched on first use (save/load, ONNX writer, CSV parser, IDX loaders, worker pool): ${files} minified files ${kb(all).toFixed(1)} + lepton.wasm ${kb(wasm).toFixed(1)}`),
    // the library's files only: lepton-cli.js and lepton-examples.js are the command line's
    // the entry, the core, the io chunk, and the ONNX writer and the worker pool (the core's until issue 14 split them off)
    row('lepton (dist as published)', published('lepton.js') + published('lepton-core.js') + published('lepton-io.js') + published('lepton-onnx.js') + published('lepton-workers.js') + wasm,
      `dist/lepton.js + lepton-core.js ${kb(published('lepton.js') + published('lepton-core.js')).toFixed(1)} + lepton-io.js, lepton-onnx.js, lepton-workers.js ${kb(published('lepton-io.js') + published('lepton-onnx.js') + published('lepton-workers.js')).toFixed(1)} (not minified) + lepton.wasm ${kb(wasm).toFixed(1)}`),
    row('tfjs wasm', gz(file(join(tfCore, 'tf-core.min.js'))) + gz(file(join(tfWasm, 'tf-backend-wasm.min.js'))) + gz(file(join(tfWasm, 'tfjs-backend-wasm-simd.wasm'))), 'tf-core.min.js + tf-backend-wasm.min.js + tfjs-backend-wasm-simd.wasm'),
    row('ort web', gz(file(join(ortWeb, 'ort.wasm.min.mjs'))) + gz(file(join(ortWeb, 'ort-wasm-simd-threaded.wasm'))), 'ort.wasm.min.mjs + ort-wasm-simd-threaded.wasm'),
  ];
}

if (process.argv[1]?.endsWith('size.bench.ts')) for (const r of await run()) console.log(`${r.impl}: ${r.value!.toFixed(1)} KB (${r.note})`);

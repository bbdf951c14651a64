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

export async function run(): Promise<Row[]> {
  const require = createRequire(import.meta.url);
  const dist = new URL('../dist/', import.meta.url);
  const js = file(new URL('lepton.js', dist).pathname);
  const wasm = file(new URL('lepton.wasm', dist).pathname);
  const esbuild = await import('esbuild');
  const min = esbuild.buildSync({ entryPoints: [new URL('lepton.js', dist).pathname], bundle: true, minify: true, format: 'esm', platform: 'neutral', write: false, external: ['node:*'] }).outputFiles[0].contents;
  const tfCore = dirname(require.resolve('@tensorflow/tfjs-core/dist/tf-core.min.js'));
  const tfWasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js'));
  const ortWeb = dirname(require.resolve('onnxruntime-web')); // dist/ort.node.min.js
  const kb = (n: number) => n / 1024;
  const row = (impl: string, bytes: number, note: string): Row => ({ section: 'size', case: 'JS + wasm, gzipped', impl, threads: 1, value: kb(bytes), unit: 'KB', higherIsBetter: false, note });
  return [
    row('lepton plain', gz(min) + gz(wasm), `minified by esbuild ${kb(gz(min)).toFixed(1)} + lepton.wasm ${kb(gz(wasm)).toFixed(1)}`),
    row('lepton (dist as published)', gz(js) + gz(wasm), `dist/lepton.js ${kb(gz(js)).toFixed(1)} (not minified) + lepton.wasm ${kb(gz(wasm)).toFixed(1)}`),
    row('tfjs wasm', gz(file(join(tfCore, 'tf-core.min.js'))) + gz(file(join(tfWasm, 'tf-backend-wasm.min.js'))) + gz(file(join(tfWasm, 'tfjs-backend-wasm-simd.wasm'))), 'tf-core.min.js + tf-backend-wasm.min.js + tfjs-backend-wasm-simd.wasm'),
    row('ort web', gz(file(join(ortWeb, 'ort.wasm.min.mjs'))) + gz(file(join(ortWeb, 'ort-wasm-simd-threaded.wasm'))), 'ort.wasm.min.mjs + ort-wasm-simd-threaded.wasm'),
  ];
}

if (process.argv[1]?.endsWith('size.bench.ts')) for (const r of await run()) console.log(`${r.impl}: ${r.value!.toFixed(1)} KB (${r.note})`);

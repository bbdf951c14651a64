// dist/: the ESM bundle and the two .wasm builds beside it (init() finds them with
// new URL('./lepton.wasm', import.meta.url), which bundlers also understand), and .d.ts types.
//
//   lepton.js          the package entry: re-exports of the public names only
//   lepton-core.js     training and prediction (everything src/index.ts imports statically)
//   lepton-io.js       save, load, TF.js import: fetched by the first save() or loadModel()
//   lepton-csv-parser.js, lepton-idx-load.js   the CSV parser and the IDX loaders, fetched by
//                      the first data.csv read or data.idx / data.fashionMnist load
//   lepton-onnx.js     the ONNX writer: fetched by the first toOnnx()
//   lepton-workers.js  the worker pool and the split kernels, fetched by init() where threads can run
//   lepton-report.js   the 'lepton/report' entry (SVG plots, the HTML report), which the CLI and
//                      the examples share; a page that only trains and predicts does not load it
//   lepton-cli.js      the `lepton` command (bin/lepton.mjs runs it); lepton-examples.js, its examples
//
// The io chunk needs the core's internals, so the core cannot be the entry chunk itself: its
// export list would carry them too (`Object.keys(await import('lepton'))` showed A, B, C, …).
// preserveEntrySignatures 'strict' keeps the entry's exports exactly those of src/index.ts, and
// the code lives in lepton-core.js, which the entry, the io chunk and the CLI share.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import typescript from '@rollup/plugin-typescript';

const wasmBeside = () => ({
  name: 'wasm-beside',
  generateBundle() {
    for (const file of ['lepton.wasm', 'lepton-relaxed.wasm']) {
      this.emitFile({ type: 'asset', fileName: file, source: readFileSync(`build/${file}`) });
    }
  },
});

// The CLI and the examples are not part of the typed library (tsconfig.build.json leaves them out,
// so no .d.ts of theirs ships); `npm run typecheck` checks them, and here they are only transpiled.
const cliSource = /\/(examples|src\/cli)\/[^/]+\.ts$/;
const transpileCli = () => ({
  name: 'transpile-cli',
  buildStart() {
    core = undefined;
    rmSync('dist', { recursive: true, force: true }); // no stale chunk or .d.ts reaches `npm pack` (files: dist/*.js)
  },
  resolveId(source, importer) {
    if (!importer || !cliSource.test(importer) || !source.startsWith('.') || !source.endsWith('.js')) return null;
    const file = fileURLToPath(new URL(source.replace(/\.js$/, '.ts'), pathToFileURL(importer)));
    return existsSync(file) ? file : null;
  },
  transform(code, id) {
    if (!cliSource.test(id)) return null;
    const out = ts.transpileModule(code, { fileName: id, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, sourceMap: true } });
    return { code: out.outputText.replace(/\n\/\/# sourceMappingURL=.*$/, ''), map: out.sourceMapText };
  },
});

// The core chunk: every module src/index.ts reaches by static imports. What only the io chunk's
// dynamic import reaches stays out (rollup makes lepton-io.js of it), and so do the CLI's modules.
const index = fileURLToPath(new URL('src/index.ts', import.meta.url));
let core;
function manualChunks(id, { getModuleInfo }) {
  if (!core) {
    core = new Set();
    const visit = (m) => {
      if (core.has(m)) return;
      core.add(m);
      for (const d of getModuleInfo(m)?.importedIds ?? []) visit(d);
    };
    visit(index);
  }
  if (core.has(id)) return 'core';
  // The report's modules stay together in the report entry (rollup would merge them into the
  // examples chunk, which the report entry would then load).
  if (/\/src\/report\/[^/]+\.ts$/.test(id)) return 'report';
  if (/\/examples\/[^/]+\.ts$/.test(id)) return 'examples';
  return undefined;
}

export default {
  input: { lepton: 'src/index.ts', 'lepton-report': 'src/report/index.ts', 'lepton-cli': 'src/cli/main.ts' },
  preserveEntrySignatures: 'strict',
  output: { dir: 'dist', entryFileNames: '[name].js', chunkFileNames: 'lepton-[name].js', format: 'es', sourcemap: true, manualChunks },
  external: (id) => id.startsWith('node:'),
  plugins: [
    transpileCli(),
    typescript({ tsconfig: './tsconfig.build.json', noEmit: false, declaration: true, declarationDir: 'dist/types', outDir: 'dist', rootDir: 'src' }),
    wasmBeside(),
  ],
};

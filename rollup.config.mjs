// dist/: the ESM bundle (lepton.js, the core: training and prediction), its io chunk (lepton-io.js:
// save, load, TF.js import; fetched by the first save() or loadModel()), .d.ts types, and the two
// .wasm builds beside them (init() finds them with new URL('./lepton.wasm', import.meta.url), which
// bundlers also understand).
import { readFileSync } from 'node:fs';
import typescript from '@rollup/plugin-typescript';

const wasmBeside = () => ({
  name: 'wasm-beside',
  generateBundle() {
    for (const file of ['lepton.wasm', 'lepton-relaxed.wasm']) {
      this.emitFile({ type: 'asset', fileName: file, source: readFileSync(`build/${file}`) });
    }
  },
});

export default {
  input: 'src/index.ts',
  // the io chunk imports the core's internals from lepton.js itself (no facade + shared chunk)
  preserveEntrySignatures: 'allow-extension',
  output: { dir: 'dist', entryFileNames: 'lepton.js', chunkFileNames: 'lepton-[name].js', format: 'es', sourcemap: true },
  external: (id) => id.startsWith('node:'),
  plugins: [
    typescript({ tsconfig: './tsconfig.build.json', noEmit: false, declaration: true, declarationDir: 'dist/types', outDir: 'dist', rootDir: 'src' }),
    wasmBeside(),
  ],
};

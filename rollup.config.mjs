// dist/: one ESM bundle with .d.ts types, and the two .wasm builds beside it (init() finds them
// with new URL('./lepton.wasm', import.meta.url), which bundlers also understand).
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
  output: { file: 'dist/lepton.js', format: 'es', sourcemap: true },
  external: (id) => id.startsWith('node:'),
  plugins: [
    typescript({ tsconfig: './tsconfig.build.json', noEmit: false, declaration: true, declarationDir: 'dist/types', outDir: 'dist', rootDir: 'src' }),
    wasmBeside(),
  ],
};

#!/usr/bin/env node
// Where the bytes of what `import('lepton')` loads go, per source module: src/index.ts bundled by
// esbuild as bench/size.bench.ts bundles dist/lepton.js (minified, code splitting, ESM), the outputs
// the entry imports statically kept. Per module: its minified bytes (the metafile's bytesInOutput)
// and its gzip share, the module's own slice of a build with identifiers and syntax minified
// (split on esbuild's `// src/…` markers), whitespace-minified and gzipped alone, scaled so that the
// shares add up to the gzip of the whole. The total is about 1 KB above size.bench.ts's, which
// bundles rollup's dist/ instead. `--all` lists every module (else those over 1.5 KB minified).
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const gz = (b) => gzipSync(b, { level: 9 }).length;
const root = fileURLToPath(new URL('..', import.meta.url));
const opts = { entryPoints: ['src/index.ts'], bundle: true, splitting: true, outdir: '/modules', format: 'esm', platform: 'neutral', write: false, external: ['node:*'], metafile: true, absWorkingDir: root };
const base = (p) => p.slice(p.lastIndexOf('/') + 1);

/** The outputs the entry loads by static imports. */
function loadedOf(built) {
  const outs = built.metafile.outputs;
  const loaded = new Set();
  const visit = (p) => {
    if (loaded.has(p)) return;
    loaded.add(p);
    for (const i of outs[p].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(Object.keys(outs).find((p) => outs[p].entryPoint));
  return { loaded, files: built.outputFiles.filter((f) => [...loaded].some((p) => base(f.path) === base(p))) };
}

const full = esbuild.buildSync({ ...opts, minify: true });
const { loaded, files } = loadedOf(full);
const total = files.reduce((s, f) => s + gz(f.contents), 0);
const minified = new Map();
for (const p of loaded) for (const [m, v] of Object.entries(full.metafile.outputs[p].inputs)) minified.set(m, (minified.get(m) ?? 0) + v.bytesInOutput);

const loose = esbuild.buildSync({ ...opts, minifySyntax: true, minifyIdentifiers: true });
const alone = new Map();
for (const f of loadedOf(loose).files) {
  const marks = [...f.text.matchAll(/^\/\/ (\S+\.ts)$/gm)];
  marks.forEach((m, i) => {
    const slice = f.text.slice(m.index, marks[i + 1]?.index ?? f.text.length);
    let code;
    try {
      code = esbuild.transformSync(slice, { minifyWhitespace: true, loader: 'js' }).code;
    } catch {
      code = slice; // the last slice's export list names bindings of other slices
    }
    alone.set(m[1], (alone.get(m[1]) ?? 0) + gz(Buffer.from(code)));
  });
}
const scale = total / [...alone.values()].reduce((s, n) => s + n, 0);
const kb = (n) => (n / 1024).toFixed(2);
console.log(`import('lepton') loads ${loaded.size} outputs: ${kb(total)} KB gzipped, ${kb([...minified.values()].reduce((s, n) => s + n, 0))} KB minified`);
console.log('module'.padEnd(38), 'minified B', ' gzip share KB');
const folders = new Map();
for (const [m, b] of [...minified].sort((x, y) => y[1] - x[1])) {
  const share = (alone.get(m) ?? 0) * scale;
  if (process.argv.includes('--all') || b > 1500) console.log(m.padEnd(38), String(b).padStart(10), kb(share).padStart(14));
  const folder = m.replace(/^src\//, '').replace(/\/.*$/, '/');
  folders.set(folder, (folders.get(folder) ?? 0) + share);
}
console.log('by folder (KB):', [...folders].sort((x, y) => y[1] - x[1]).map(([f, s]) => `${f} ${(s / 1024).toFixed(1)}`).join(', '));

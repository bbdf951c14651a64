#!/usr/bin/env node
// Bytes of a kernel build per function and per assembly/ file: each function body's size and its
// gzip alone (level 9), from a build that keeps its name section. The release build with names
// (the same code, plus the names; `--debug` keeps optimizeLevel 3, shrinkLevel 1):
//   npx asc assembly/index.ts --target release --debug -o /tmp/named.wasm
//   node scripts/wasm-functions.mjs /tmp/named.wasm [how many functions to list, default 30]
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const b = readFileSync(process.argv[2]);
let p = 8;
const leb = () => {
  let r = 0, s = 0, x;
  do { x = b[p++]; r += (x & 127) * 2 ** s; s += 7; } while (x & 128);
  return r;
};
const name = () => { const n = leb(); const s = b.subarray(p, p + n).toString(); p += n; return s; };
let imported = 0;
const bodies = [], names = new Map(), sections = [];
while (p < b.length) {
  const id = b[p++], size = leb(), end = p + size;
  sections.push(`${id}:${size}`);
  if (id === 2) { // imports: count the functions, which come first in the index space
    for (let n = leb(); n > 0; n--) {
      name(); name();
      const kind = b[p++];
      if (kind === 0) { leb(); imported++; } else if (kind === 1) { p++; if (leb() & 1) leb(); leb(); } else if (kind === 2) { if (leb() & 1) leb(); leb(); } else p += 2;
    }
  } else if (id === 10) {
    for (let n = leb(); n > 0; n--) { const len = leb(); bodies.push(b.subarray(p, p + len)); p += len; }
  } else if (id === 0 && name() === 'name') {
    while (p < end) {
      const sub = b[p++], len = leb(), subEnd = p + len;
      if (sub === 1) for (let n = leb(); n > 0; n--) { const index = leb(); names.set(index, name()); }
      p = subEnd;
    }
  }
  p = end;
}
const rows = bodies.map((body, i) => ({ name: names.get(i + imported) ?? `function ${i + imported}`, bytes: body.length, gz: gzipSync(body, { level: 9 }).length }));
const code = rows.reduce((s, r) => s + r.bytes, 0);
console.log(`${process.argv[2]}: ${b.length} bytes (gzip ${gzipSync(b, { level: 9 }).length}); sections ${sections.join(' ')}; code ${code} bytes in ${rows.length} functions`);
console.log('\nbytes   gzip alone  function');
for (const r of [...rows].sort((x, y) => y.bytes - x.bytes).slice(0, Number(process.argv[3] ?? 30))) console.log(String(r.bytes).padStart(5), String(r.gz).padStart(8), ' ', r.name);
const files = new Map();
for (const r of rows) {
  const file = r.name.startsWith('~lib') ? '~lib (AssemblyScript runtime and math)' : r.name.split('/').slice(0, 2).join('/');
  const f = files.get(file) ?? { bytes: 0, gz: 0, n: 0 };
  files.set(file, { bytes: f.bytes + r.bytes, gz: f.gz + r.gz, n: f.n + 1 });
}
console.log('\nbytes   gzip alone  functions  file');
for (const [file, f] of [...files].sort((x, y) => y[1].bytes - x[1].bytes)) console.log(String(f.bytes).padStart(5), String(f.gz).padStart(8), String(f.n).padStart(10), ' ', file);

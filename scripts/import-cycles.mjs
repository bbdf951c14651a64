#!/usr/bin/env node
// Import circles among src/ modules: the strongly connected components of the import graph and
// the longest simple circle in each
// (static imports and re-exports, `import type` included, dynamic import() too), each edge marked
// type-only or not. The house rule (README, "Contributing"): no circle of more than two files,
// and a pair only when one direction imports types alone. Prints the circles; exits 1 if a rule
// is broken. `--json` prints { circles: [{ files, typeOnly }] } instead.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}

/** Edges of one file: target path -> whether every import of it is type-only. */
function edgesOf(file) {
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out = new Map();
  const add = (spec, typeOnly) => {
    if (!spec.startsWith('.')) return;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    out.set(target, (out.get(target) ?? true) && typeOnly);
  };
  const stmt = /(?:^|\n)\s*(import|export)\s+(type\s+)?([^;'"]*?)\s*from\s*['"]([^'"]+)['"]/g;
  for (let m; (m = stmt.exec(text)); ) {
    const names = m[3].trim();
    // `import { type A, type B }` is type-only too; a bare `import x`/`* as x` is a value import.
    const inner = /^\{([\s\S]*)\}$/.exec(names);
    const allTypes = inner !== null && inner[1].split(',').map((s) => s.trim()).filter(Boolean).every((s) => s.startsWith('type '));
    add(m[4], Boolean(m[2]) || allTypes);
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+['"]([^'"]+)['"]/g)) add(m[1], false);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) add(m[1], /typeof\s+$/.test(text.slice(0, m.index)));
  return out;
}

export function importGraph() {
  const graph = new Map();
  for (const f of files(src)) graph.set(f, edgesOf(f));
  return graph;
}

/** Tarjan's strongly connected components of size > 1. */
export function circles(graph = importGraph()) {
  let index = 0;
  const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], out = [];
  const visit = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); onStack.add(v);
    for (const w of (graph.get(v) ?? new Map()).keys()) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); onStack.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) out.push(comp);
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out.map((comp) => {
    const inside = new Set(comp);
    const edges = comp.flatMap((a) => [...graph.get(a)].filter(([b]) => inside.has(b)).map(([b, typeOnly]) => ({ from: rel(a), to: rel(b), typeOnly })));
    const cycle = longestCycle(comp, graph);
    // A pair is fine when one of its two directions imports types alone.
    const pairs = edges.filter((e) => edges.some((f) => f.from === e.to && f.to === e.from));
    const valuePair = pairs.some((e) => !e.typeOnly && !pairs.find((f) => f.from === e.to && f.to === e.from).typeOnly);
    return { files: comp.map(rel).sort(), edges, longest: cycle.map(rel), typeOnly: !valuePair };
  });
}

/**
 * The longest simple cycle in a strongly connected component (files in import order): two type-only
 * pairs that share a file make one component of three files but no circle of three. Components
 * of more than 16 files are not searched: the whole component stands for the circle.
 */
function longestCycle(comp, graph) {
  if (comp.length > 16) return comp;
  const inside = new Set(comp);
  let best = [];
  const order = new Map(comp.map((v, i) => [v, i]));
  for (const start of comp) {
    // Cycles through `start` whose other files come after it in `order` (each cycle found once).
    const path = [start], on = new Set(path);
    const dfs = (v) => {
      for (const w of graph.get(v).keys()) {
        if (!inside.has(w)) continue;
        if (w === start && path.length > best.length) best = [...path];
        else if (!on.has(w) && order.get(w) > order.get(start)) {
          path.push(w); on.add(w);
          dfs(w);
          path.pop(); on.delete(w);
        }
      }
    };
    dfs(start);
  }
  return best;
}

const rel = (p) => relative(root, p);

/** The house rule: no circle of more than two files, and a pair only with one type-only direction. */
export const broken = (c) => c.longest.length > 2 || !c.typeOnly;

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const cs = circles();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ circles: cs }, null, 2));
  else {
    for (const c of cs) console.log(`${broken(c) ? 'BROKEN' : 'ok'}  ${c.files.join(' <-> ')}: longest circle ${c.longest.length} (${c.edges.map((e) => `${e.from} -> ${e.to}${e.typeOnly ? ' [type]' : ''}`).join('; ')})`);
    console.log(`${cs.length} component(s) with circles, longest circle ${Math.max(0, ...cs.map((c) => c.longest.length))} files, ${cs.filter(broken).length} breaking the rule`);
  }
  process.exit(cs.some(broken) ? 1 : 0);
}

#!/usr/bin/env node
// Sizes of src/: lines per file and per function (TypeScript's parser), largest first. The house
// plan (README, "Contributing"): no file over ~450 lines, no function over ~80 lines without a
// comment saying why. `--json` prints { files, functions } (the ten largest of each).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : f.endsWith('.ts') ? [join(d, f)] : []));

export function sizes() {
  const files = [], functions = [];
  for (const file of walk(join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const rel = relative(root, file);
    files.push({ file: rel, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) });
    const visit = (node) => {
      if ((ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) && node.body) {
        const from = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
        const to = sf.getLineAndCharacterOfPosition(node.end).line;
        const name = node.name?.getText(sf) ?? (ts.isConstructorDeclaration(node) ? 'constructor' : '(anonymous)');
        const owner = ts.isClassLike(node.parent) && node.parent.name ? `${node.parent.name.text}.` : '';
        // A long function's leading comment says why it is long (the word "long" in it).
        const lead = (ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []).map((r) => text.slice(r.pos, r.end)).join('\n');
        functions.push({ file: rel, name: owner + name, line: from + 1, lines: to - from + 1, why: /\blong\b/i.test(lead) });
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  files.sort((a, b) => b.lines - a.lines);
  functions.sort((a, b) => b.lines - a.lines);
  return { files, functions };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { files, functions } = sizes();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ files: files.slice(0, 10), functions: functions.slice(0, 10) }, null, 2));
  else {
    console.log('largest files:');
    for (const f of files.slice(0, 8)) console.log(`  ${String(f.lines).padStart(5)}  ${f.file}`);
    console.log('longest functions:');
    for (const f of functions.slice(0, 8)) console.log(`  ${String(f.lines).padStart(5)}  ${f.file}:${f.line} ${f.name}`);
  }
}

// The house plan (README, "Contributing: where things live"): no import circle of more than two
// files among src/ modules, and a pair only when one direction imports types alone
// (scripts/import-cycles.mjs); no file over 450 lines, no function over 80 without a comment that
// says why it is long (scripts/sizes.mjs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
// @ts-expect-error: a plain .mjs script, no types
import { broken, circles } from '../scripts/import-cycles.mjs';

// @ts-expect-error: a plain .mjs script, no types
import { sizes } from '../scripts/sizes.mjs';

type Circle = { files: string[]; longest: string[]; typeOnly: boolean };

test('src/ has no import circle of more than two files, and no value-only pair', () => {
  const cs = circles() as Circle[];
  const bad = cs.filter(broken);
  assert.equal(bad.map((c) => c.files.join(' <-> ')), []);
  assert.ok(cs.every((c) => c.longest.length <= 2));
});

test('the check finds circles: a three-file circle and a value pair break the rule, a type-only pair does not', () => {
  const g = (edges: [string, string, boolean][]) => {
    const m = new Map<string, Map<string, boolean>>();
    for (const [a, b, t] of edges) {
      if (!m.has(a)) m.set(a, new Map());
      if (!m.has(b)) m.set(b, new Map());
      m.get(a)!.set(b, t);
    }
    return m;
  };
  const three = circles(g([['/a', '/b', false], ['/b', '/c', false], ['/c', '/a', true]])) as Circle[];
  assert.equal(three.length, 1);
  assert.ok(broken(three[0]));
  const pair = circles(g([['/a', '/b', false], ['/b', '/a', false]])) as Circle[];
  assert.ok(broken(pair[0]));
  const typePair = circles(g([['/a', '/b', false], ['/b', '/a', true], ['/c', '/a', false]])) as Circle[];
  assert.equal(typePair.length, 1);
  assert.not.ok(broken(typePair[0]));
  // Two type-only pairs sharing a file: one component of three files, no circle of three.
  const twoPairs = circles(g([['/a', '/b', false], ['/b', '/a', true], ['/b', '/c', true], ['/c', '/b', true]])) as Circle[];
  assert.equal(twoPairs[0].files.length, 3);
  assert.equal(twoPairs[0].longest.length, 2);
  assert.not.ok(broken(twoPairs[0]));
});

test('no file over 450 lines; a function over 80 lines says why in its leading comment', () => {
  const { files, functions } = sizes() as { files: { file: string; lines: number }[]; functions: { file: string; name: string; lines: number; why: boolean }[] };
  assert.equal(files.filter((f) => f.lines > 450).map((f) => `${f.file}: ${f.lines}`), []);
  assert.ok(functions.length > 100 && functions[0].lines > 20, 'the parser found the functions');
  assert.equal(functions.filter((f) => f.lines > 80 && !f.why).map((f) => `${f.file} ${f.name}: ${f.lines} lines`), []);
});

test.run();

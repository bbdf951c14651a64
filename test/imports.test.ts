// The house plan's import rule (scripts/import-cycles.mjs): no import circle of more than two
// files among src/ modules, and a pair only when one direction imports types alone.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
// @ts-expect-error: a plain .mjs script, no types
import { broken, circles } from '../scripts/import-cycles.mjs';

type Circle = { files: string[]; typeOnly: boolean };

test('src/ has no import circle of more than two files, and no value-only pair', () => {
  const cs = circles() as Circle[];
  const bad = cs.filter(broken);
  assert.equal(bad.map((c) => c.files.join(' <-> ')), []);
  assert.ok(cs.every((c) => c.files.length <= 2));
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
});

test.run();

// summary(): Keras's layer table, with output shapes and parameter counts and, for a graph, what
// each call is connected to.

import type { Node, SymbolicTensor } from '../graph.js';
import type { Layer } from '../layers/layer.js';

export interface SummaryOf {
  readonly name: string;
  readonly layers: readonly Layer[];
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  readonly nodes: readonly Node[];
  readonly built: boolean;
  /** A chain (sequential): no input rows and no "Connected to" column. */
  readonly chain: boolean;
  readonly total: number;
  readonly trainable: number;
}

export function summaryText(m: SummaryOf): string {
  const chain = m.chain;
  const head = ['Layer (type)', 'Output shape', 'Param #', ...(chain ? [] : ['Connected to'])];
  const rows: string[][] = chain ? [] : m.inputs.map((t) => [`${t.name} (InputLayer)`, `[null, ${t.shape.join(', ')}]`, '0', '']);
  const counted = new Set<Layer>();
  // A shared layer's calls are told apart as name[0], name[1], ... (Keras writes name[1][0]).
  const calls = new Map<Node, number>(), count = new Map<Layer, number>();
  for (const n of m.nodes) { calls.set(n, count.get(n.layer) ?? 0); count.set(n.layer, calls.get(n)! + 1); }
  const label = (t: SymbolicTensor) => (t.node && count.get(t.node.layer)! > 1 ? `${t.name}[${calls.get(t.node)}]` : t.name);
  for (const n of m.nodes) {
    const params = counted.has(n.layer) ? '0 (shared)' : String(n.layer.countParams());
    counted.add(n.layer);
    rows.push([`${n.layer.name} (${n.layer.className})`, `[null, ${n.output.shape.join(', ')}]`, params, ...(chain ? [] : [n.inputs.map(label).join(', ')])]);
  }
  if (!m.built) for (const l of m.layers) rows.push([`${l.name} (${l.className})`, '?', '0']);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)) + 2);
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('');
  const rule = '_'.repeat(widths.reduce((a, b) => a + b, 0));
  const outs = chain ? [] : [`Outputs: ${m.outputs.map(label).join(', ')}`];
  return [`Model: "${m.name}"`, rule, line(head), '='.repeat(rule.length), ...rows.map(line), '='.repeat(rule.length), ...outs,
    `Total params: ${m.total}`, `Trainable params: ${m.trainable}`, `Non-trainable params: ${m.total - m.trainable}`, rule].join('\n');
}

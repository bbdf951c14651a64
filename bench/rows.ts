// The one row shape every bench section reports, and the table that sets lepton beside the peers.

export interface Row {
  section: string;
  /** What was measured: a shape, a model, a batch size. */
  case: string;
  /** 'lepton plain', 'lepton fast', 'tfjs wasm', 'tfjs cpu', 'ort node', 'ort web', ... */
  impl: string;
  threads: number;
  /** The median; undefined when this side could not run (see note). */
  value?: number;
  unit: string;
  higherIsBetter: boolean;
  runs?: number[];
  note?: string;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** lepton's figure a row is compared with: lepton plain on the same thread count, else on one. */
function reference(rows: Row[], r: Row): Row | undefined {
  const plain = rows.filter((x) => x.section === r.section && x.case === r.case && x.impl === 'lepton plain' && x.value !== undefined);
  return plain.find((x) => x.threads === r.threads) ?? plain.find((x) => x.threads === 1);
}

const fmt = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/**
 * One table: each row's median and, for every row that is not lepton's reference itself, how
 * many times better lepton plain (same thread count) is — above 1 lepton wins.
 */
export function table(rows: Row[]): string {
  const head = ['section', 'case', 'implementation', 'thr', 'median', 'unit', 'lepton ×', 'runs / note'];
  const body = rows.map((r) => {
    const ref = reference(rows, r);
    let ratio = '';
    if (ref && ref !== r && r.value !== undefined && ref.value !== undefined) {
      ratio = (r.higherIsBetter ? ref.value / r.value : r.value / ref.value).toFixed(2) + '×';
    }
    const runs = r.note ?? (r.runs ?? []).map(fmt).join(' ');
    return [r.section, r.case, r.impl, String(r.threads), r.value === undefined ? '—' : fmt(r.value), r.unit, ratio, runs];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 || i === 6 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

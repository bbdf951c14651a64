// What the CLI reads of a delimited file besides the numbers data.csv gives it: the delimiter
// (from the header line, or --delimiter), the column names, and the text of a label column whose
// values are class names ("virginica"), which data.csv, a reader of numbers, does not keep.

import { nodeFs } from '../node-builtins.js';
import { UsageError } from './args.js';

const NAMED: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', space: ' ', pipe: '|' };

/** --delimiter's value as one character: `,` `;` `|`, or a name (tab, \t, comma, semicolon, space, pipe). */
export function delimiterArg(cmd: string, v: string): string {
  const d = NAMED[v.toLowerCase()] ?? v;
  if (d.length !== 1 || d.charCodeAt(0) > 127 || d === '"' || d === '\n' || d === '\r') {
    throw new UsageError(`lepton ${cmd}: --delimiter expects one character or tab, comma, semicolon, space, pipe, got '${v}'`);
  }
  return d;
}

/** The delimiter a header line uses: the most frequent of , tab ; | outside quotes (for a single column, tab in a .tsv and , otherwise). */
export function detectDelimiter(line: string, path = ''): string {
  let best = /\.tsv$/i.test(path) ? '\t' : ',', most = 0;
  for (const d of [',', '\t', ';', '|']) {
    let n = 0, quoted = false;
    for (const c of line) {
      if (c === '"') quoted = !quoted;
      else if (!quoted && c === d) n++;
    }
    if (n > most) { best = d; most = n; }
  }
  return best;
}

/**
 * The records of delimited text, each as its fields (RFC 4180 quoting; unquoted fields trimmed),
 * skipping blank lines as data.csv does, so that record i + 1 is data.csv's row i.
 */
export function* records(text: string, delim: string): Generator<string[]> {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (text[i] === '\n') { i++; continue; }
    if (text[i] === '\r' && text[i + 1] === '\n') { i += 2; continue; }
    const fields: string[] = [];
    for (;;) {
      let j = i;
      while (text[j] === ' ') j++;
      if (text[j] === '"') {
        let field = '';
        j++;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw new Error('a quoted field runs to the end of the file');
          field += text.slice(j, q);
          if (text[q + 1] !== '"') { j = q + 1; break; }
          field += '"';
          j = q + 2;
        }
        fields.push(field);
        i = j;
        while (i < n && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') i++;
      } else {
        const start = i;
        while (i < n && text[i] !== delim && text[i] !== '\n' && text[i] !== '\r') i++;
        fields.push(text.slice(start, i).trim());
      }
      if (text[i] !== delim) break;
      i++;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    yield fields;
  }
}

/** The file's text (a one-line error for a missing file). */
export async function readText(path: string): Promise<string> {
  const { readFile } = await nodeFs();
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new UsageError(`lepton: no such file: ${path}`);
    throw e;
  }
}

/** The header's column names and the delimiter (given, or detected from the header line). */
export function header(text: string, path: string, delimiter?: string): { names: string[]; delimiter: string } {
  const end = text.search(/\r?\n/);
  const d = delimiter ?? detectDelimiter(end < 0 ? text : text.slice(0, end), path);
  const first = records(text, d).next();
  if (first.done) throw new UsageError(`lepton: ${path} is empty: expected a header line and data rows`);
  return { names: first.value, delimiter: d };
}

/** The text of column `col` in every data record (the header skipped). */
export function columnText(text: string, delim: string, col: number, path: string): string[] {
  const out: string[] = [];
  let first = true;
  for (const r of records(text, delim)) {
    if (first) { first = false; continue; }
    if (col >= r.length) throw new UsageError(`lepton: ${path}: line ${out.length + 2}: ${r.length} fields, expected more than ${col}`);
    out.push(r[col]);
  }
  return out;
}

/** A CSV field as written: quoted when it holds the delimiter, a quote, a line break or edge spaces. */
export function csvField(s: string, delim = ','): string {
  return s.includes(delim) || /["\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

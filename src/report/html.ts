// The run report: one self-contained HTML page (inline SVG, inline CSS, no script, opens offline)
// plus each figure as its own .svg and the history as JSON.

import { nodeFs, nodePath } from '../node-builtins.js';
import { escapeXml } from './svg.js';

export interface Figure {
  /** File stem: `<name>.svg`. */
  name: string;
  svg: string;
  caption?: string;
}

export interface Report {
  title: string;
  /** Shown under the title, highlighted: that a run was interrupted, for one. */
  status?: string;
  /** Key results, shown first as a table. */
  results: Record<string, string | number>;
  /** How the run was set up (layers, optimizer, learning rate, epochs, data size), a second table. */
  settings?: Record<string, string | number>;
  figures: Figure[];
  history?: Record<string, number[]>;
  /** model.summary() text. */
  summary?: string;
  notes?: string[];
}

const fmt = (v: string | number): string =>
  typeof v === 'number' ? (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e-3 ? String(Number(v.toPrecision(5))) : v.toExponential(3)) : v;

const table = (t: Record<string, string | number>, cls: string): string =>
  `<table class="${cls}">\n${Object.entries(t).map(([k, v]) => `<tr><th>${escapeXml(k)}</th><td>${escapeXml(fmt(v))}</td></tr>`).join('\n')}\n</table>`;

export function renderReport(r: Report): string {
  const figures = r.figures.map((f) => `<figure id="${escapeXml(f.name)}">\n${f.svg}\n${f.caption ? `<figcaption>${escapeXml(f.caption)}</figcaption>` : ''}\n</figure>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeXml(r.title)}</title>
<style>
body { font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 4px 10px; text-align: left; }
th { background: #f4f4f4; }
figure { display: inline-block; margin: 0.5em; vertical-align: top; }
figcaption { font-size: 0.9em; color: #555; max-width: 560px; }
pre { background: #f8f8f8; padding: 0.8em; overflow-x: auto; }
.status { background: #fff3cd; border: 1px solid #e0c36c; padding: 0.6em 1em; }
</style>
</head>
<body>
<h1>${escapeXml(r.title)}</h1>
${r.status ? `<p class="status">${escapeXml(r.status)}</p>\n` : ''}${table(r.results, 'results')}
${r.settings ? `<h2>Settings</h2>\n${table(r.settings, 'settings')}\n` : ''}${(r.notes ?? []).map((n) => `<p>${escapeXml(n)}</p>`).join('\n')}
${figures}
${r.summary ? `<h2>Model</h2>\n<pre>${escapeXml(r.summary)}</pre>` : ''}
</body>
</html>
`;
}

/** Writes report.html, one .svg per figure and history.json into `dir` (Node). */
export async function writeReport(dir: string, r: Report): Promise<string[]> {
  const { mkdir, writeFile } = await nodeFs();
  const { join } = await nodePath();
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  const put = async (name: string, text: string) => {
    await writeFile(join(dir, name), text);
    written.push(join(dir, name));
  };
  await put('report.html', renderReport(r));
  for (const f of r.figures) await put(`${f.name}.svg`, f.svg);
  if (r.history) await put('history.json', JSON.stringify(r.history, null, 1) + '\n');
  return written;
}

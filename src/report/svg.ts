// Plots as standalone SVG strings: no dependency, no script, readable offline and embeddable in
// the HTML report. Every plot is a pure function of its data.

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** 'line' (default) or 'points'. */
  kind?: 'line' | 'points';
  color?: string;
  dashed?: boolean;
  /** Point radius for 'points' (default 2). */
  size?: number;
}

export interface PlotArgs {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: Series[];
  logY?: boolean;
  width?: number;
  height?: number;
  /** Equal scales on both axes (locations in km, ROC curves). */
  square?: boolean;
  xRange?: [number, number];
  yRange?: [number, number];
  /** A diagonal reference line y = x. */
  diagonal?: boolean;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** About `count` round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(4)));
}

function extent(values: number[], pad: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

// Several plots share one HTML page, where element ids are global: each plot gets its own clip id.
let clipIds = 0;

/** A line or scatter plot with axes, ticks, labels and a legend. */
export function plot(a: PlotArgs): string {
  const clip = `plot-area-${++clipIds}`;
  const W = a.width ?? 560, H = a.height ?? (a.square ? 560 : 360);
  const m = { l: 64, r: 16, t: 36, b: 48 };
  const tf = (v: number) => (a.logY ? Math.log10(v) : v);
  const xs = a.series.flatMap((s) => Array.from(s.x));
  const ys = a.series.flatMap((s) => Array.from(s.y).map(tf)).filter(Number.isFinite);
  let [x0, x1] = a.xRange ?? extent(xs, 0.02);
  let [y0, y1] = a.yRange ? [tf(a.yRange[0]), tf(a.yRange[1])] : extent(ys, 0.05);
  if (a.square) {
    const lo = Math.min(x0, y0), hi = Math.max(x1, y1);
    x0 = y0 = lo; x1 = y1 = hi;
  }
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const sx = (v: number) => m.l + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number) => m.t + ph - ((tf(v) - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(a.title)}</text>`);
  // grid and ticks
  for (const t of ticks(x0, x1)) {
    out.push(`<line x1="${num(sx(t))}" y1="${m.t}" x2="${num(sx(t))}" y2="${m.t + ph}" stroke="#eee"/>`);
    out.push(`<text x="${num(sx(t))}" y="${m.t + ph + 16}" text-anchor="middle">${fmtTick(t)}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    const y = m.t + ph - ((t - y0) / (y1 - y0)) * ph;
    out.push(`<line x1="${m.l}" y1="${num(y)}" x2="${m.l + pw}" y2="${num(y)}" stroke="#eee"/>`);
    out.push(`<text x="${m.l - 6}" y="${num(y + 4)}" text-anchor="end">${fmtTick(a.logY ? 10 ** t : t)}</text>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  if (a.xLabel) out.push(`<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(a.xLabel)}</text>`);
  if (a.yLabel) out.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeXml(a.yLabel)}</text>`);
  out.push(`<clipPath id="${clip}"><rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/></clipPath>`);
  out.push(`<g clip-path="url(#${clip})">`);
  if (a.diagonal) out.push(`<line x1="${num(sx(x0))}" y1="${num(sy(a.logY ? 10 ** x0 : x0))}" x2="${num(sx(x1))}" y2="${num(sy(a.logY ? 10 ** x1 : x1))}" stroke="#999" stroke-dasharray="4 4"/>`);
  a.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const n = Math.min(s.x.length, s.y.length);
    if (s.kind === 'points') {
      const pts: string[] = [];
      for (let k = 0; k < n; k++) if (Number.isFinite(tf(s.y[k]))) pts.push(`<circle cx="${num(sx(s.x[k]))}" cy="${num(sy(s.y[k]))}" r="${s.size ?? 2}"/>`);
      out.push(`<g fill="${color}" fill-opacity="0.6" data-series="${escapeXml(s.name)}">${pts.join('')}</g>`);
    } else {
      const d: string[] = [];
      for (let k = 0; k < n; k++) if (Number.isFinite(tf(s.y[k]))) d.push(`${d.length ? 'L' : 'M'}${num(sx(s.x[k]))} ${num(sy(s.y[k]))}`);
      out.push(`<path d="${d.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''} data-series="${escapeXml(s.name)}"/>`);
    }
  });
  out.push('</g>');
  // legend, on a white box so that it stays readable over the data
  const legendW = 24 + Math.max(...a.series.map((s) => s.name.length)) * 6.5;
  out.push(`<rect x="${m.l + pw - legendW - 6}" y="${m.t + 4}" width="${legendW}" height="${a.series.length * 16 + 6}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
  a.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const y = m.t + 14 + i * 16;
    out.push(`<rect x="${num(m.l + pw - legendW)}" y="${y - 9}" width="10" height="10" fill="${color}"/>`);
    out.push(`<text x="${num(m.l + pw - legendW + 16)}" y="${y}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

/** Training and validation curves of a history, one plot per quantity. */
export function historyPlots(history: Record<string, number[]>): { name: string; svg: string }[] {
  const keys = Object.keys(history).filter((k) => !k.startsWith('val_'));
  return keys.map((k) => {
    const series: Series[] = [{ name: k, x: history[k].map((_, i) => i + 1), y: history[k] }];
    if (history[`val_${k}`]) series.push({ name: `val_${k}`, x: history[`val_${k}`].map((_, i) => i + 1), y: history[`val_${k}`], dashed: true });
    const logY = /loss|mse|mae/.test(k) && history[k].every((v) => v > 0);
    return { name: k, svg: plot({ title: `${k} per epoch`, xLabel: 'epoch', yLabel: k, series, logY }) };
  });
}

/** ROC curve (true-positive rate against false-positive rate) with its AUC in the legend. */
export function rocPlot(curves: { name: string; fpr: number[]; tpr: number[]; auc: number }[]): string {
  return plot({
    title: 'ROC curve', xLabel: 'false-positive rate (background efficiency)', yLabel: 'true-positive rate (signal efficiency)',
    series: curves.map((c) => ({ name: `${c.name} (AUC ${c.auc.toFixed(3)})`, x: c.fpr, y: c.tpr })),
    square: true, xRange: [0, 1], yRange: [0, 1], diagonal: true,
  });
}

/** A confusion matrix as a heat map with counts. Rows: true class; columns: predicted class. */
export function confusionPlot(matrix: number[][], labels: string[]): string {
  const n = matrix.length, cell = Math.max(28, Math.min(60, Math.floor(420 / n)));
  const m = { l: 110, t: 60 };
  const W = m.l + n * cell + 20, H = m.t + n * cell + 40;
  const max = Math.max(1, ...matrix.flat());
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">Confusion matrix (rows: true, columns: predicted)</text>`];
  for (let i = 0; i < n; i++) {
    out.push(`<text x="${m.l - 6}" y="${m.t + i * cell + cell / 2 + 4}" text-anchor="end">${escapeXml(labels[i] ?? String(i))}</text>`);
    out.push(`<text transform="translate(${m.l + i * cell + cell / 2} ${m.t - 6}) rotate(-45)" text-anchor="start">${escapeXml(labels[i] ?? String(i))}</text>`);
    for (let j = 0; j < n; j++) {
      const v = matrix[i][j], shade = Math.round(255 * (1 - v / max));
      out.push(`<rect x="${m.l + j * cell}" y="${m.t + i * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#fff"/>`);
      out.push(`<text x="${m.l + j * cell + cell / 2}" y="${m.t + i * cell + cell / 2 + 4}" text-anchor="middle" fill="${shade < 110 ? 'white' : 'black'}">${v}</text>`);
    }
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Grey-scale images in a grid (originals above reconstructions, for autoencoders). */
export function imageGrid(images: { data: ArrayLike<number>; title?: string }[], width: number, height: number, cols: number, title: string): string {
  const px = Math.max(1, Math.floor(96 / Math.max(width, height)));
  const cw = width * px + 10, chh = height * px + 24;
  const rows = Math.ceil(images.length / cols);
  const W = cols * cw + 10, H = rows * chh + 34;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`];
  images.forEach((img, k) => {
    const ox = 10 + (k % cols) * cw, oy = 30 + Math.floor(k / cols) * chh;
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < width * height; i++) { lo = Math.min(lo, img.data[i]); hi = Math.max(hi, img.data[i]); }
    const span = hi > lo ? hi - lo : 1;
    const cells: string[] = [];
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const g = Math.round(255 * (img.data[y * width + x] - lo) / span);
      cells.push(`<rect x="${ox + x * px}" y="${oy + y * px}" width="${px}" height="${px}" fill="rgb(${g},${g},${g})"/>`);
    }
    out.push(`<g shape-rendering="crispEdges">${cells.join('')}</g>`);
    if (img.title) out.push(`<text x="${ox + (width * px) / 2}" y="${oy + height * px + 14}" text-anchor="middle">${escapeXml(img.title)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

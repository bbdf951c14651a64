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
  /** Ticks on whole numbers only (epochs). */
  integerX?: boolean;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf', '#7f7f7f'];

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

const num = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** About `count` round tick values covering [lo, hi] (steps 1, 2, 2.5 or 5 times a power of ten). */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

/**
 * Ticks of a log axis spanning 10^lo … 10^hi (lo, hi in decades), in data units, all of them
 * round numbers: powers of ten when the axis spans more than two decades (every k-th when it spans
 * many), 1-2-5 multiples over one or two, 1…9 multiples below that, and ordinary round ticks when
 * even those leave fewer than three (an axis within one octave).
 */
export function logTicks(lo: number, hi: number): number[] {
  if (!(hi > lo)) return [10 ** lo];
  const span = hi - lo;
  const inRange = (v: number) => Math.log10(v) >= lo - 1e-9 && Math.log10(v) <= hi + 1e-9;
  const decades = (mantissas: number[], every = 1) => {
    const out: number[] = [];
    for (let k = Math.floor(lo); k <= Math.ceil(hi); k++) {
      if (k % every !== 0) continue;
      for (const m of mantissas) {
        const v = Number((m * 10 ** k).toPrecision(12));
        if (inRange(v)) out.push(v);
      }
    }
    return out;
  };
  if (span > 2) return decades([1], Math.ceil(span / 6));
  for (const m of span > 0.7 ? [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]] : [[1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const t = decades(m);
    if (t.length >= 3) return t;
  }
  for (const count of [4, 6, 10]) {
    const t = ticks(10 ** lo, 10 ** hi, count).filter((v) => v > 0);
    if (t.length >= 3 || count === 10) return t;
  }
  return [];
}

function fmtTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(Number(v.toExponential(0)) === v ? 0 : 1).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** Width of text in the plots' sans-serif, estimated per character (wider when bold). */
export function textWidth(s: string, size: number, bold = false): number {
  return s.length * size * (bold ? 0.62 : 0.56);
}

/** The font size (at most `size`) at which `s` fits in `width`. */
const fitting = (s: string, size: number, width: number, bold = false, min = 8): number => Math.max(min, Math.min(size, Math.floor((size * width) / Math.max(1, textWidth(s, size, bold)))));

function extent(values: number[], pad: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const d = (hi - lo) * pad;
  return [lo - d, hi + d];
}

export interface Box { x: number; y: number; w: number; h: number }

const inside = (b: Box, x: number, y: number, pad: number) => x >= b.x - pad && x <= b.x + b.w + pad && y >= b.y - pad && y <= b.y + b.h + pad;

/**
 * Where the legend goes: the first corner of the plot area (top right, top left, bottom right,
 * bottom left) whose box no drawn point comes near, else outside the area on the right. `marks`
 * are the drawn points in SVG units: circles' centres (with their radius) and line vertices with
 * points every 3 units along each segment.
 */
export function placeLegend(area: Box, w: number, h: number, marks: { x: number; y: number; r: number }[]): { box: Box; outside: boolean } {
  const inset = 6;
  const corners: Box[] = [
    { x: area.x + area.w - w - inset, y: area.y + inset, w, h },
    { x: area.x + inset, y: area.y + inset, w, h },
    { x: area.x + area.w - w - inset, y: area.y + area.h - h - inset, w, h },
    { x: area.x + inset, y: area.y + area.h - h - inset, w, h },
  ];
  if (w + 2 * inset <= area.w && h + 2 * inset <= area.h) {
    for (const box of corners) if (!marks.some((m) => inside(box, m.x, m.y, m.r + 2))) return { box, outside: false };
  }
  return { box: { x: area.x + area.w + 12, y: area.y, w, h }, outside: true };
}

/** Points every `step` units along a polyline (its vertices included). */
function along(pts: [number, number][], step: number, r: number, out: { x: number; y: number; r: number }[]): void {
  for (let k = 0; k < pts.length; k++) {
    const [x, y] = pts[k];
    out.push({ x, y, r });
    if (k + 1 < pts.length) {
      const [x2, y2] = pts[k + 1];
      const n = Math.floor(Math.hypot(x2 - x, y2 - y) / step);
      for (let i = 1; i < n; i++) out.push({ x: x + ((x2 - x) * i) / n, y: y + ((y2 - y) * i) / n, r });
    }
  }
}

// Several plots share one HTML page, where element ids are global: each plot gets its own clip id.
let clipIds = 0;

/**
 * A line or scatter plot with axes, ticks, labels and a legend that covers no data (see
 * placeLegend). Log axes get round ticks (logTicks). Titles and axis labels shrink to fit.
 * Long because the layout is one pass over shared scales and margins (the title's fit, the axes,
 * the series and the legend's corner all read them); splitting it is on the list.
 */
export function plot(a: PlotArgs): string {
  const clip = `plot-area-${++clipIds}`;
  const W0 = a.width ?? 560, H = a.height ?? (a.square ? 560 : 360);
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
  const pw = W0 - m.l - m.r, ph = H - m.t - m.b;
  const area: Box = { x: m.l, y: m.t, w: pw, h: ph };
  const sx = (v: number) => m.l + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number) => m.t + ph - ((tf(v) - y0) / (y1 - y0)) * ph;
  const visible = (x: number, y: number) => x >= m.l - 1 && x <= m.l + pw + 1 && y >= m.t - 1 && y <= m.t + ph + 1;

  // the data first, in SVG units: what is drawn and what the legend must keep clear of
  const marks: { x: number; y: number; r: number }[] = [];
  const drawn: string[] = [];
  if (a.diagonal) {
    const d: [number, number][] = [[sx(x0), sy(a.logY ? 10 ** x0 : x0)], [sx(x1), sy(a.logY ? 10 ** x1 : x1)]];
    along(d, 3, 1, marks);
    drawn.push(`<line x1="${num(d[0][0])}" y1="${num(d[0][1])}" x2="${num(d[1][0])}" y2="${num(d[1][1])}" stroke="#999" stroke-dasharray="4 4"/>`);
  }
  a.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const n = Math.min(s.x.length, s.y.length);
    if (s.kind === 'points') {
      const r = s.size ?? 2;
      const pts: string[] = [];
      for (let k = 0; k < n; k++) {
        if (!Number.isFinite(tf(s.y[k])) || !Number.isFinite(s.x[k])) continue;
        const cx = sx(s.x[k]), cy = sy(s.y[k]);
        pts.push(`<circle cx="${num(cx)}" cy="${num(cy)}" r="${r}"/>`);
        marks.push({ x: cx, y: cy, r });
      }
      drawn.push(`<g fill="${color}" fill-opacity="0.6" data-series="${escapeXml(s.name)}">${pts.join('')}</g>`);
    } else {
      const d: string[] = [];
      const line: [number, number][] = [];
      for (let k = 0; k < n; k++) {
        if (!Number.isFinite(tf(s.y[k])) || !Number.isFinite(s.x[k])) continue;
        const px = sx(s.x[k]), py = sy(s.y[k]);
        d.push(`${d.length ? 'L' : 'M'}${num(px)} ${num(py)}`);
        line.push([px, py]);
      }
      along(line, 3, 1, marks);
      drawn.push(`<path d="${d.join(' ')}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 3"' : ''} data-series="${escapeXml(s.name)}"/>`);
    }
  });
  const shown = marks.filter((p) => visible(p.x, p.y));
  const legendW = 24 + Math.max(...a.series.map((s) => textWidth(s.name, 12)));
  const legendH = a.series.length * 16 + 6;
  const legend = a.series.length ? placeLegend(area, legendW, legendH, shown) : undefined;
  // a long title shrinks to 11 px, then widens the figure
  const titleSize = fitting(a.title, 14, W0 - 16, true, 11);
  const W = Math.max(legend?.outside ? legend.box.x + legendW + 8 : W0, W0, textWidth(a.title, titleSize, true) + 16);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${num(W)}" height="${H}" viewBox="0 0 ${num(W)} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${num(W)}" height="${H}" fill="white"/>`);
  out.push(`<text x="${num(W / 2)}" y="20" text-anchor="middle" font-size="${titleSize}" font-weight="bold">${escapeXml(a.title)}</text>`);
  for (const t of ticks(x0, x1).filter((v) => !a.integerX || Number.isInteger(v))) {
    out.push(`<line x1="${num(sx(t))}" y1="${m.t}" x2="${num(sx(t))}" y2="${m.t + ph}" stroke="#eee"/>`);
    out.push(`<text x="${num(sx(t))}" y="${m.t + ph + 16}" text-anchor="middle">${fmtTick(t)}</text>`);
  }
  for (const v of a.logY ? logTicks(y0, y1) : ticks(y0, y1)) {
    const y = sy(v);
    out.push(`<line x1="${m.l}" y1="${num(y)}" x2="${m.l + pw}" y2="${num(y)}" stroke="#eee"/>`);
    out.push(`<text x="${m.l - 6}" y="${num(y + 4)}" text-anchor="end">${fmtTick(v)}</text>`);
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  if (a.xLabel) out.push(`<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle" font-size="${fitting(a.xLabel, 12, pw)}">${escapeXml(a.xLabel)}</text>`);
  if (a.yLabel) out.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="${fitting(a.yLabel, 12, ph)}">${escapeXml(a.yLabel)}</text>`);
  out.push(`<clipPath id="${clip}"><rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/></clipPath>`);
  out.push(`<g clip-path="url(#${clip})">`, ...drawn, '</g>');
  if (legend) {
    const { x, y } = legend.box;
    out.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(legendW)}" height="${legendH}" fill="white" fill-opacity="0.85" stroke="#ccc" data-legend="${legend.outside ? 'outside' : 'inside'}"/>`);
    a.series.forEach((s, i) => {
      const color = s.color ?? PALETTE[i % PALETTE.length];
      const ly = y + 14 + i * 16;
      out.push(`<rect x="${num(x + 6)}" y="${num(ly - 9)}" width="10" height="10" fill="${color}"/>`);
      out.push(`<text x="${num(x + 22)}" y="${num(ly)}">${escapeXml(s.name)}</text>`);
    });
  }
  out.push('</svg>');
  return out.join('\n');
}

/** Training and validation curves of a history, one plot per quantity. */
export function historyPlots(history: Record<string, number[]>, { yLabels = {} }: { yLabels?: Record<string, string> } = {}): { name: string; svg: string }[] {
  const keys = Object.keys(history).filter((k) => !k.startsWith('val_'));
  return keys.map((k) => {
    const series: Series[] = [{ name: k, x: history[k].map((_, i) => i + 1), y: history[k] }];
    if (history[`val_${k}`]) series.push({ name: `val_${k}`, x: history[`val_${k}`].map((_, i) => i + 1), y: history[`val_${k}`], dashed: true });
    const logY = /loss|mse|mae/.test(k) && history[k].every((v) => v > 0);
    return { name: k, svg: plot({ title: `${k} per epoch`, xLabel: 'epoch', yLabel: yLabels[k] ?? k, series, logY, integerX: true }) };
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

/**
 * A confusion matrix as a heat map with counts. Rows: true class; columns: predicted class. The
 * margins grow with the longest class name (column names are turned 45°) and the width with the
 * title, so nothing is cut off.
 */
export function confusionPlot(matrix: number[][], labels: string[], title = 'Confusion matrix'): string {
  const n = matrix.length, cell = Math.max(28, Math.min(60, Math.floor(420 / n)));
  const name = (i: number) => labels[i] ?? String(i);
  const longest = Math.max(...Array.from({ length: n }, (_, i) => textWidth(name(i), 11)));
  const turned = longest * Math.SQRT1_2; // a 45° label's height and width
  const m = { l: 30 + longest + 8, t: 30 + 18 + turned + 10, r: Math.max(16, turned - cell / 2 + 8), b: 16 };
  const grid = n * cell;
  const W = Math.ceil(Math.max(m.l + grid + m.r, textWidth(title, 14, true) + 24)), H = Math.ceil(m.t + grid + m.b);
  const left = Math.max(m.l, (W - grid) / 2 + (m.l - m.r) / 2);
  const max = Math.max(1, ...matrix.flat());
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${num(left + grid / 2)}" y="42" text-anchor="middle" font-size="12" font-style="italic">predicted</text>`,
    `<text transform="translate(16 ${num(m.t + grid / 2)}) rotate(-90)" text-anchor="middle" font-size="12" font-style="italic">true</text>`];
  for (let i = 0; i < n; i++) {
    out.push(`<text x="${num(left - 6)}" y="${m.t + i * cell + cell / 2 + 4}" text-anchor="end">${escapeXml(name(i))}</text>`);
    out.push(`<text transform="translate(${num(left + i * cell + cell / 2)} ${num(m.t - 6)}) rotate(-45)" text-anchor="start">${escapeXml(name(i))}</text>`);
    for (let j = 0; j < n; j++) {
      const v = matrix[i][j], shade = Math.round(255 * (1 - v / max));
      out.push(`<rect x="${num(left + j * cell)}" y="${num(m.t + i * cell)}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#fff"/>`);
      out.push(`<text x="${num(left + j * cell + cell / 2)}" y="${num(m.t + i * cell + cell / 2 + 4)}" text-anchor="middle" fill="${shade < 110 ? 'white' : 'black'}">${v}</text>`);
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

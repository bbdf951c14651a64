// Reading back the SVG the report writes: that it is well-formed XML, and where its legend and
// its data ended up (from the attributes the plots write, in SVG units).
import * as assert from 'uvu/assert';

const TAG = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g;

/** Every tag closes in order and attribute values are quoted: the XML an SVG viewer needs. */
export function wellFormed(xml: string, what: string): void {
  assert.match(xml, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, `${what}: an svg root`);
  const stack: string[] = [];
  for (const m of xml.matchAll(TAG)) {
    const [, close, name, , self] = m;
    if (self) continue;
    if (close) assert.is(stack.pop(), name, `${what}: </${name}> closes the open element`);
    else stack.push(name);
  }
  assert.equal(stack, [], `${what}: every element closed`);
  assert.not.match(xml.replace(TAG, ''), /[<>]/, `${what}: no stray angle brackets or malformed tags`);
}

const attr = (tag: string, name: string): number => Number(new RegExp(`\\s${name}="([^"]*)"`).exec(tag)![1]);

export interface Box { x: number; y: number; w: number; h: number }

/** The legend's box (the rect marked data-legend) and whether it sits outside the plot area. */
export function legendOf(svg: string): Box & { outside: boolean } {
  const tag = /<rect [^>]*data-legend="(inside|outside)"[^>]*>/.exec(svg);
  assert.ok(tag, 'a legend');
  return { x: attr(tag![0], 'x'), y: attr(tag![0], 'y'), w: attr(tag![0], 'width'), h: attr(tag![0], 'height'), outside: tag![1] === 'outside' };
}

/**
 * What the plot drew as data: circle centres with their radius, and the lines (series paths and
 * the diagonal) as points every unit along each segment, clipped to the plot area (what is
 * outside it is not drawn).
 */
export function dataPoints(svg: string): { x: number; y: number; r: number }[] {
  const area = /<clipPath id="[^"]+"><rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"\/>/.exec(svg)!;
  const [ax, ay, aw, ah] = area.slice(1).map(Number);
  const out: { x: number; y: number; r: number }[] = [];
  const seg = (x1: number, y1: number, x2: number, y2: number) => {
    const n = Math.max(1, Math.ceil(Math.hypot(x2 - x1, y2 - y1)));
    for (let i = 0; i <= n; i++) out.push({ x: x1 + ((x2 - x1) * i) / n, y: y1 + ((y2 - y1) * i) / n, r: 1 });
  };
  for (const c of svg.matchAll(/<circle cx="([-\d.]+)" cy="([-\d.]+)" r="([\d.]+)"\/>/g)) out.push({ x: +c[1], y: +c[2], r: +c[3] });
  for (const p of svg.matchAll(/<path d="([^"]*)"[^>]*data-series/g)) {
    const pts = [...p[1].matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((m) => [+m[1], +m[2]]);
    for (let i = 0; i + 1 < pts.length; i++) seg(pts[i][0], pts[i][1], pts[i + 1][0], pts[i + 1][1]);
    if (pts.length === 1) seg(pts[0][0], pts[0][1], pts[0][0], pts[0][1]);
  }
  for (const l of svg.matchAll(/<line x1="([-\d.]+)" y1="([-\d.]+)" x2="([-\d.]+)" y2="([-\d.]+)" stroke="#999"/g)) seg(+l[1], +l[2], +l[3], +l[4]);
  return out.filter((p) => p.x >= ax && p.x <= ax + aw && p.y >= ay && p.y <= ay + ah);
}

/** Data points whose mark reaches into the box. */
export function covered(box: Box, pts: { x: number; y: number; r: number }[]): { x: number; y: number; r: number }[] {
  return pts.filter((p) => p.x + p.r > box.x && p.x - p.r < box.x + box.w && p.y + p.r > box.y && p.y - p.r < box.y + box.h);
}

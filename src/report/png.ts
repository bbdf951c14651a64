// Grey-scale PNGs written by lepton (no zlib needed: deflate "stored" blocks), and an image grid
// that embeds each image as an inline PNG in the SVG. A grid of 32 feature maps of 28×28 is then
// ~40 kB instead of the ~1.5 MB of one <rect> per pixel (`imageGrid` in svg.ts), and the pixels
// stay sharp (image-rendering: pixelated).

import { escapeXml } from './svg.js';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array, start: number, end: number): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** zlib stream of `raw` in stored (uncompressed) deflate blocks, with its Adler-32. */
function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + raw.length + 5 * blocks + 4);
  out[0] = 0x78; out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const s = b * 65535, len = Math.min(65535, raw.length - s);
    out[o++] = b === blocks - 1 ? 1 : 0;
    out[o++] = len & 0xff; out[o++] = len >>> 8; out[o++] = ~len & 0xff; out[o++] = (~len >>> 8) & 0xff;
    out.set(raw.subarray(s, s + len), o);
    o += len;
  }
  let a = 1, bsum = 0;
  for (let i = 0; i < raw.length; i++) { a = (a + raw[i]) % 65521; bsum = (bsum + a) % 65521; }
  const adler = ((bsum << 16) | a) >>> 0;
  out[o++] = adler >>> 24; out[o++] = (adler >>> 16) & 0xff; out[o++] = (adler >>> 8) & 0xff; out[o++] = adler & 0xff;
  return out;
}

/** An 8-bit grey-scale PNG of `width`×`height` pixels (row-major bytes, 0 black, 255 white). */
export function greyPng(pixels: Uint8Array, width: number, height: number): Uint8Array {
  if (pixels.length !== width * height) throw new Error(`greyPng: expected ${width}×${height} = ${width * height} pixels, got ${pixels.length}`);
  const raw = new Uint8Array((width + 1) * height); // filter byte 0 before each row
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width); dv.setUint32(4, height);
  ihdr[8] = 8; ihdr[9] = 0; // bit depth 8, colour type 0 (grey)
  const chunks: [string, Uint8Array][] = [['IHDR', ihdr], ['IDAT', zlibStored(raw)], ['IEND', new Uint8Array(0)]];
  const total = 8 + chunks.reduce((s, [, d]) => s + 12 + d.length, 0);
  const png = new Uint8Array(total);
  png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const pv = new DataView(png.buffer);
  let o = 8;
  for (const [type, d] of chunks) {
    pv.setUint32(o, d.length);
    for (let i = 0; i < 4; i++) png[o + 4 + i] = type.charCodeAt(i);
    png.set(d, o + 8);
    pv.setUint32(o + 8 + d.length, crc32(png, o + 4, o + 8 + d.length));
    o += 12 + d.length;
  }
  return png;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with padding), in any runtime. */
export function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    s += B64[(n >>> 18) & 63] + B64[(n >>> 12) & 63] + (i + 1 < bytes.length ? B64[(n >>> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
  }
  return s;
}

/** Scales values to 0–255 over [lo, hi] (their own range unless given). */
export function toGrey(data: ArrayLike<number>, n: number, range?: [number, number]): Uint8Array {
  let lo = Infinity, hi = -Infinity;
  if (range) [lo, hi] = range;
  else for (let i = 0; i < n; i++) { lo = Math.min(lo, data[i]); hi = Math.max(hi, data[i]); }
  const span = hi > lo ? hi - lo : 1, out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(255 * Math.min(1, Math.max(0, (data[i] - lo) / span)));
  return out;
}

/**
 * Grey-scale images in a grid, each an inline PNG. `range` fixes one scale for all (e.g. [0, 1] so
 * that originals and reconstructions compare); without it each image uses its own range.
 */
export function pngImageGrid(images: { data: ArrayLike<number>; title?: string }[], width: number, height: number, cols: number, title: string, { range, scale }: { range?: [number, number]; scale?: number } = {}): string {
  const px = scale ?? Math.max(1, Math.floor(96 / Math.max(width, height)));
  const cw = width * px + 10, chh = height * px + (images.some((i) => i.title) ? 24 : 10);
  const rows = Math.ceil(images.length / cols);
  const W = Math.max(cols * cw + 10, title.length * 8 + 20), H = rows * chh + 34;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(title)}</text>`];
  images.forEach((img, k) => {
    const ox = 10 + (k % cols) * cw, oy = 30 + Math.floor(k / cols) * chh;
    const png = greyPng(toGrey(img.data, width * height, range), width, height);
    out.push(`<image x="${ox}" y="${oy}" width="${width * px}" height="${height * px}" style="image-rendering:pixelated" preserveAspectRatio="none" href="data:image/png;base64,${base64(png)}"/>`);
    if (img.title) out.push(`<text x="${ox + (width * px) / 2}" y="${oy + height * px + 14}" text-anchor="middle">${escapeXml(img.title)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

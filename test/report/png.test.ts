// The PNG writer: the file decodes (signature, chunk CRCs, zlib stream) back to the pixels given,
// and the grid embeds one inline PNG per image.
import { inflateSync, crc32 as zcrc } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { base64, greyPng, pngImageGrid } from '../../src/report/png.js';

function chunks(png: Uint8Array): { type: string; data: Uint8Array; crc: number }[] {
  const dv = new DataView(png.buffer, png.byteOffset);
  const out = [];
  for (let o = 8; o < png.length;) {
    const len = dv.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    out.push({ type, data: png.subarray(o + 8, o + 8 + len), crc: dv.getUint32(o + 8 + len) });
    o += 12 + len;
  }
  return out;
}

test('greyPng decodes back to its pixels (70000 bytes: two stored blocks)', () => {
  for (const [w, h] of [[5, 5], [28, 28], [350, 200]]) {
    const px = Uint8Array.from({ length: w * h }, (_, i) => (i * 37 + (i >> 3)) & 0xff);
    const png = greyPng(px, w, h);
    assert.equal([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const cs = chunks(png);
    assert.equal(cs.map((c) => c.type), ['IHDR', 'IDAT', 'IEND']);
    for (const c of cs) {
      const typed = new Uint8Array(4 + c.data.length);
      typed.set([...c.type].map((ch) => ch.charCodeAt(0)));
      typed.set(c.data, 4);
      assert.is(c.crc, zcrc(typed) >>> 0, `${c.type} CRC`);
    }
    const ih = new DataView(cs[0].data.buffer, cs[0].data.byteOffset);
    assert.equal([ih.getUint32(0), ih.getUint32(4), cs[0].data[8], cs[0].data[9]], [w, h, 8, 0]);
    const raw = inflateSync(cs[1].data); // throws on a bad Adler-32
    for (let y = 0; y < h; y++) {
      assert.is(raw[y * (w + 1)], 0);
      assert.equal([...raw.subarray(y * (w + 1) + 1, (y + 1) * (w + 1))], [...px.subarray(y * w, (y + 1) * w)]);
    }
  }
});

test('base64 matches Buffer for every length mod 3', () => {
  for (const n of [0, 1, 2, 3, 4, 5, 100]) {
    const b = Uint8Array.from({ length: n }, (_, i) => (i * 91 + 7) & 0xff);
    assert.is(base64(b), Buffer.from(b).toString('base64'));
  }
});

test('pngImageGrid: one inline PNG per image, titles escaped; wrong sizes name the expected count', () => {
  const img = { data: new Float32Array(16).map((_, i) => i), title: 'a<b' };
  const svg = pngImageGrid([img, img, img], 4, 4, 2, 'grid');
  assert.is(svg.match(/href="data:image\/png;base64,/g)!.length, 3);
  assert.match(svg, /a&lt;b/);
  assert.throws(() => greyPng(new Uint8Array(3), 2, 2), /expected 2×2 = 4 pixels, got 3/);
});

test.run();

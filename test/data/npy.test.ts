// NumPy .npy: every supported dtype, both byte orders, versions 1 and 2; clear errors otherwise.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { data } from '../../src/index.js';

/** An .npy file as numpy.save writes it: header padded with spaces to a multiple of 64 bytes. */
function npy(descr: string, shape: number[], body: Uint8Array, { fortran = false, version = 1 } = {}): Uint8Array {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pre = version === 1 ? 10 : 12;
  const len = Math.ceil((pre + dict.length + 1) / 64) * 64 - pre;
  const head = new Uint8Array(pre + len);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(head.buffer);
  if (version === 1) v.setUint16(8, len, true); else v.setUint32(8, len, true);
  head.set(new TextEncoder().encode(dict.padEnd(len - 1, ' ') + '\n'), pre);
  const out = new Uint8Array(head.length + body.length);
  out.set(head);
  out.set(body, head.length);
  return out;
}

function body(values: number[], size: number, write: (v: DataView, at: number, x: number) => void): Uint8Array {
  const v = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((x, i) => write(v, i * size, x));
  return new Uint8Array(v.buffer);
}

const vals = [1, -2, 3, 100, -7, 0];
const kinds: [string, number, (v: DataView, at: number, x: number, le: boolean) => void][] = [
  ['f4', 4, (v, a, x, le) => v.setFloat32(a, x, le)],
  ['f8', 8, (v, a, x, le) => v.setFloat64(a, x, le)],
  ['i1', 1, (v, a, x) => v.setInt8(a, x)],
  ['i2', 2, (v, a, x, le) => v.setInt16(a, x, le)],
  ['i4', 4, (v, a, x, le) => v.setInt32(a, x, le)],
  ['i8', 8, (v, a, x, le) => v.setBigInt64(a, BigInt(x), le)],
];

test('float32, float64 and int8..int64 in both byte orders, as float32 [2, 3]', () => {
  for (const [code, size, write] of kinds) {
    for (const le of [true, false]) {
      const order = size === 1 ? '|' : le ? '<' : '>';
      const t = data.parseNpy(npy(order + code, [2, 3], body(vals, size, (v, a, x) => write(v, a, x, le))));
      assert.equal(t.shape, [2, 3], code);
      assert.equal(Array.from(t.data), vals, `${order}${code}`);
    }
  }
  const u = data.parseNpy(npy('|u1', [3], Uint8Array.of(0, 128, 255)));
  assert.equal(Array.from(u.data), [0, 128, 255]);
  assert.is(u.dtype, 'uint8');
  const v2 = data.parseNpy(npy('<f8', [1], body([0.1], 8, (v, a, x) => v.setFloat64(a, x, true)), { version: 2 }));
  assert.equal(Array.from(v2.data), [Math.fround(0.1)]);
});

test('bad files: Fortran order, unsupported dtype, truncated data, wrong magic', () => {
  const f4 = body(vals, 4, (v, a, x) => v.setFloat32(a, x, true));
  assert.throws(() => data.parseNpy(npy('<f4', [2, 3], f4, { fortran: true }), 'a.npy'), /a\.npy: Fortran-order .* not supported/);
  assert.throws(() => data.parseNpy(npy('<c8', [3], new Uint8Array(24))), /unsupported dtype '<c8'/);
  assert.throws(() => data.parseNpy(npy('|O', [3], new Uint8Array(24))), /unsupported dtype '\|O'/);
  assert.throws(() => data.parseNpy(npy('<U3', [1], new Uint8Array(12))), /unsupported dtype/);
  assert.throws(() => data.parseNpy(npy('<f4', [2, 3], f4.subarray(0, 20))), /needs 24 bytes of data, the file has 20 \(truncated\)/);
  assert.throws(() => data.parseNpy(new Uint8Array(64)), /not a \.npy file/);
});

test('loads from a file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lepton-npy-'));
  try {
    const file = join(dir, 'x.npy');
    await writeFile(file, npy('<f4', [3, 2], body(vals, 4, (v, a, x) => v.setFloat32(a, x, true))));
    const t = await data.npy(file);
    assert.equal(t.shape, [3, 2]);
    assert.equal(Array.from(t.data), vals);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();

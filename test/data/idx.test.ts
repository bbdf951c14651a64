import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FASHION_MNIST_DIR, fashionMnist, loadIdx, parseIdx } from '../../src/data/idx.js';

/** An IDX file: magic 00 00 type ndim, big-endian uint32 dims, then `body` as given. */
function idx(type: number, shape: number[], body: Uint8Array): Uint8Array {
  const head = new DataView(new ArrayBuffer(4 + 4 * shape.length));
  head.setUint8(2, type);
  head.setUint8(3, shape.length);
  shape.forEach((d, i) => head.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.byteLength + body.length);
  out.set(new Uint8Array(head.buffer));
  out.set(body, head.byteLength);
  return out;
}

function bigEndianF32(values: number[]): Uint8Array {
  const v = new DataView(new ArrayBuffer(4 * values.length));
  values.forEach((x, i) => v.setFloat32(4 * i, x, false));
  return new Uint8Array(v.buffer);
}

/** uvu has no async throws: asserts that `f` rejects with a message matching `pattern`. */
async function rejects(f: () => Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await f();
  } catch (e) {
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
}

const ubyte = idx(0x08, [2, 3], Uint8Array.of(0, 1, 2, 253, 254, 255));
const floats = [1.5, -2.25, 3.0e-8, Infinity];
const float = idx(0x0d, [2, 2], bigEndianF32(floats));

test('ubyte: shape, dtype and values', () => {
  const t = parseIdx(ubyte);
  assert.is(t.dtype, 'uint8');
  assert.equal(t.shape, [2, 3]);
  assert.ok(t.data instanceof Uint8Array);
  assert.equal(Array.from(t.data), [0, 1, 2, 253, 254, 255]);
});

test('float: big-endian values come out exact', () => {
  const t = parseIdx(float);
  assert.is(t.dtype, 'float32');
  assert.equal(t.shape, [2, 2]);
  assert.ok(t.data instanceof Float32Array);
  assert.equal(Array.from(t.data), floats.map(Math.fround));
});

test('the other types: byte, short, int, double', () => {
  const i16 = new DataView(new ArrayBuffer(4));
  i16.setInt16(0, -2, false);
  i16.setInt16(2, 300, false);
  const i32 = new DataView(new ArrayBuffer(8));
  i32.setInt32(0, -70000, false);
  i32.setInt32(4, 2 ** 31 - 1, false);
  const f64 = new DataView(new ArrayBuffer(8));
  f64.setFloat64(0, Math.PI, false);
  const cases: [number, Uint8Array, string, number[]][] = [
    [0x09, Uint8Array.of(0xff, 0x7f), 'int8', [-1, 127]],
    [0x0b, new Uint8Array(i16.buffer), 'int16', [-2, 300]],
    [0x0c, new Uint8Array(i32.buffer), 'int32', [-70000, 2 ** 31 - 1]],
    [0x0e, new Uint8Array(f64.buffer), 'float64', [Math.PI]],
  ];
  for (const [type, body, dtype, values] of cases) {
    const t = parseIdx(idx(type, [values.length], body));
    assert.is(t.dtype, dtype);
    assert.equal(Array.from(t.data), values, dtype);
  }
});

test('the result does not alias the input', () => {
  const bytes = ubyte.slice();
  const t = parseIdx(bytes);
  bytes[bytes.length - 1] = 7;
  assert.is(t.data[5], 255);
});

test('loadIdx: gzipped and plain bytes give the same tensor', async () => {
  for (const file of [ubyte, float]) {
    const plain = await loadIdx(file);
    const gz = await loadIdx(new Uint8Array(gzipSync(file)));
    assert.is(gz.dtype, plain.dtype);
    assert.equal(gz.shape, plain.shape);
    assert.equal(Array.from(gz.data), Array.from(plain.data));
  }
});

test('loadIdx: from a path and a file: URL, gzipped or not', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lepton-idx-'));
  try {
    await writeFile(join(dir, 'a.idx'), float);
    await writeFile(join(dir, 'a.idx.gz'), gzipSync(float));
    for (const source of [join(dir, 'a.idx'), join(dir, 'a.idx.gz'), pathToFileURL(join(dir, 'a.idx.gz'))]) {
      const t = await loadIdx(source);
      assert.equal(Array.from(t.data), floats.map(Math.fround), String(source));
    }
    await rejects(() => loadIdx(join(dir, 'missing.idx')), /no file at .*missing\.idx/);
  } finally {
    await rm(dir, { recursive: true });
  }
});

test('bad magic is rejected', () => {
  const wrongType = ubyte.slice();
  wrongType[2] = 0x0a;
  assert.throws(() => parseIdx(wrongType), /bad magic number 00 00 0a 02/);
  const nonzero = ubyte.slice();
  nonzero[0] = 1;
  assert.throws(() => parseIdx(nonzero), /bad magic number/);
  assert.throws(() => parseIdx(new TextEncoder().encode('<html>not found</html>')), /bad magic number/);
  assert.throws(() => parseIdx(Uint8Array.of(0, 0)), /shorter than the 4-byte magic/);
});

test('truncated data and headers are rejected', () => {
  assert.throws(() => parseIdx(ubyte.subarray(0, ubyte.length - 1)), /needs 18 bytes, only 17 present/);
  assert.throws(() => parseIdx(float.subarray(0, float.length - 2)), /truncated/);
  assert.throws(() => parseIdx(ubyte.subarray(0, 10)), /truncated header: 2 dimensions need 12 bytes, got 10/);
  const extra = new Uint8Array(ubyte.length + 3);
  extra.set(ubyte);
  assert.throws(() => parseIdx(extra), /3 bytes after the 18/);
});

test('a hostile header declaring a huge size is rejected before allocating', async () => {
  // 4e9 × 4e9 × 4e9 ubytes: far past 2^53. And 4e9 floats (16 GB) over 8 bytes of data.
  assert.throws(() => parseIdx(idx(0x08, [4e9, 4e9, 4e9], new Uint8Array(8))), /overflows/);
  const huge = idx(0x0d, [4e9], new Uint8Array(8));
  assert.throws(() => parseIdx(huge), /hostile file: shape \[4000000000\] of float32 needs 16000000008 bytes, only 16 present/);
  await rejects(() => loadIdx(new Uint8Array(gzipSync(huge))), /needs 16000000008 bytes/);
});

test('gzip output past the declared size, or past maxBytes, stops early', async () => {
  // Declares 6 bytes of data, delivers 10 MB of zeros: the reader stops at the first chunk past 18.
  const bomb = new Uint8Array(gzipSync(idx(0x08, [2, 3], new Uint8Array(10_000_000))));
  assert.ok(bomb.length < 20_000);
  await rejects(() => loadIdx(bomb), /more data than the 18 bytes its header declares/);
  const big = new Uint8Array(gzipSync(idx(0x08, [1000, 1000], new Uint8Array(1_000_000))));
  await rejects(() => loadIdx(big, { maxBytes: 100_000 }), /more than 100000 bytes \(raise maxBytes/);
  const corrupt = new Uint8Array(gzipSync(ubyte));
  corrupt.fill(0xee, 10);
  await rejects(() => loadIdx(corrupt), /cannot gunzip/);
  assert.throws(() => parseIdx(new Uint8Array(gzipSync(ubyte))), /gzipped: use loadIdx/);
});

test('fashionMnist: a missing directory names the Debian package', async () => {
  await rejects(() => fashionMnist('/nonexistent/fashion'), /apt-get install dataset-fashion-mnist/);
});

test('fashionMnist: the real test set, when Debian\'s package is installed', async () => {
  if (!existsSync(join(FASHION_MNIST_DIR, 't10k-images-idx3-ubyte.gz'))) {
    console.log(`  note: ${FASHION_MNIST_DIR} absent (apt-get install dataset-fashion-mnist): real-data check skipped`);
    return;
  }
  const d = await fashionMnist();
  assert.equal(d.xTest.shape, [10000, 784]);
  assert.is(d.xTest.data.length, 10000 * 784);
  assert.equal(d.xTrain.shape, [60000, 784]);
  assert.is(d.yTest.length, 10000);
  assert.is(d.yTrain.length, 60000);
  let lo = Infinity, hi = -Infinity;
  for (const p of d.xTest.data) { lo = Math.min(lo, p); hi = Math.max(hi, p); }
  assert.is(lo, 0);
  assert.is(hi, 1);
  const counts = new Array(10).fill(0);
  for (const c of d.yTest) {
    assert.ok(c >= 0 && c <= 9, `label ${c}`);
    counts[c]++;
  }
  assert.equal(counts, new Array(10).fill(1000), 'the test set has 1000 of each class');
});

test.run();

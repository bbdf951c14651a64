// data.csv: values, quoting, line endings, chunk boundaries, and errors naming file, line and column.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { data, init, layers, sequential, type CsvOptions } from '../../src/index.js';

let dir = '';
test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
  dir = await mkdtemp(join(tmpdir(), 'lepton-csv-'));
});
test.after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bytes = (s: string) => new TextEncoder().encode(s);

async function read(text: string, opts: CsvOptions = {}) {
  return (await data.csv(bytes(text), opts).toArrays());
}

async function fails(text: string | Uint8Array, opts: CsvOptions, pattern: RegExp, source?: string): Promise<void> {
  try {
    await data.csv(source ?? (typeof text === 'string' ? bytes(text) : text), opts).toArrays();
  } catch (e) {
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}

test('numbers of every form, label columns, column selection, as float32', async () => {
  const b = await read('a,b,label,c\n1,-2.5,0,1e3\n +3.25 ,.5,1,-7E-2\n0.1,12345678901234567,1,1e-30\n', { label: 'label' });
  assert.equal(b.x.shape, [3, 3]);
  assert.equal(Array.from(b.x.data), [1, -2.5, 1000, 3.25, 0.5, -0.07, 0.1, 12345678901234567, 1e-30].map(Math.fround));
  assert.equal(Array.from(b.y!.data), [0, 1, 1]);
  const s = await read('a,b,c,d\n1,2,3,4\n', { columns: ['c', 'a'], label: ['d'] });
  assert.equal(Array.from(s.x.data), [3, 1]);
  const names = data.csv(bytes('name,v\nfoo,1\nbar,2\n'), { columns: ['v'] });
  assert.equal(Array.from((await names.toArrays()).x.data), [2, 1].reverse(), 'text in an unused column is skipped');
  assert.equal(names.columns, ['v']);
});

test('quoting, CRLF, blank lines, no header, other delimiters', async () => {
  const b = await read('"a","b ""x"""\r\n"1.5",2\r\n\r\n"3",  "4"\r\n', {});
  assert.equal(Array.from(b.x.data), [1.5, 2, 3, 4]);
  const t = await read('1;2\n3;4', { header: false, delimiter: ';', label: 1 });
  assert.equal(Array.from(t.x.data), [1, 3]);
  assert.equal(Array.from(t.y!.data), [2, 4]);
  const q = await read('id,x\n"multi\nline",5\n', { columns: ['x'] });
  assert.equal(Array.from(q.x.data), [5]);
});

test('every chunk size gives the same values (records split across chunks)', async () => {
  const text = 'a,b,c\n' + Array.from({ length: 40 }, (_, i) => `${i}.25,"${-i}",${i}e-1\r\n`).join('');
  const ref = await read(text);
  for (const chunkSize of [1, 2, 3, 7, 16, 64]) {
    const b = await data.csv(bytes(text), { chunkSize }).toArrays();
    assert.equal(Array.from(b.x.data), Array.from(ref.x.data), `chunkSize ${chunkSize}`);
  }
  assert.is(ref.x.shape[0], 40);
});

test('bad input: file, line and column in every error', async () => {
  await fails('a,b\n1,2\n3\n', {}, /<bytes>: line 3, column 2 \('b'\): 1 fields, expected 2/);
  await fails('a,b\n1,2\n3,4,5\n', {}, /line 3, column 3: more than the 2 fields/);
  await fails('a,b\n1,2\n3,x7\n', {}, /line 3, column 2 \('b'\): "x7" is not a number/);
  await fails('a,b\n1,2\n', { label: 'y' }, /line 1: label column "y" not found; the 2 columns are "a", "b"/);
  await fails('', {}, /line 1: the file is empty/);
  await fails('a,b\n', {}, /no data rows after the header/);
  await fails('a,b\n1,NaN\n', {}, /line 2, column 2 \('b'\): NaN or an empty cell.*onInvalid: 'drop'/);
  await fails('a,b\n1,\n', {}, /line 2, column 2 \('b'\): NaN or an empty cell/);
  await fails('a,b\n1,-inf\n', {}, /line 2, column 2 \('b'\): -Infinity/);
  await fails('a,b\n1,1e39\n', {}, /beyond float32/);
  await fails('a,b\n1,"2\n', {}, /a quoted field is never closed/);
  const file = join(dir, 'bad.csv');
  await writeFile(file, 'a,b\n1,2\n3,?\n');
  await fails('', {}, new RegExp(`${file}: line 3, column 2`), file);
});

test("onInvalid: 'drop' skips rows with NaN, Inf or empty cells, never shifting columns", async () => {
  const b = await read('a,b\n1,2\n3,nan\n,4\n5,Infinity\n6,7\n', { onInvalid: 'drop' });
  assert.equal(Array.from(b.x.data), [1, 2, 6, 7]);
});

test('a file streams from disk each epoch into fit', async () => {
  const file = join(dir, 'train.csv');
  await writeFile(file, 'x,y\n' + Array.from({ length: 300 }, (_, i) => `${i / 300},${2 * (i / 300)}`).join('\n'));
  const ds = data.csv(file, { label: 'y' }).shuffle(1, { bufferSize: 64 }).batch(16);
  const net = sequential([layers.dense(1, { inputShape: [1] })], { seed: 1 });
  net.compile({ optimizer: 'sgd', loss: 'mse' });
  const h = await net.fit(ds, { epochs: 3, verbose: 0 });
  assert.is(h.history.loss.length, 3);
  assert.ok(h.history.loss[2] < h.history.loss[0]);
  assert.is((await data.csv(file).toArrays()).x.shape[0], 300, 'a file URL or path reads again');
});

test.run();

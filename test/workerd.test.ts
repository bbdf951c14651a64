// examples/workerd: the Worker from dist/ and a wasm module binding, served by the workerd binary
// of the `workerd` npm package on a free 127.0.0.1 port. It trains on a request, predicts, and
// answers bad input with a 400 and a message while it keeps serving.
import { request } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ensureDist, startWorkerd, type Workerd } from './runtimes.js';

let w: Workerd;
let started = 0;

test.before(async () => {
  ensureDist();
  const t0 = Date.now();
  w = await startWorkerd('examples/workerd/config.capnp');
  started = Date.now() - t0;
});

test.after(async () => {
  await w?.stop();
});

const post = async (path: string, body: unknown) => {
  const res = await fetch(new URL(path, w.url), { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, json: (await res.json()) as any };
};

/** y = x² on 64 points of [−1, 1]. */
const squares = () => {
  const x: number[][] = [], y: number[][] = [];
  for (let i = 0; i < 64; i++) {
    const v = (i / 63) * 2 - 1;
    x.push([v]);
    y.push([v * v]);
  }
  return { x, y };
};

let id = '';

test('GET / names the build and the limits', async () => {
  console.log(`  workerd started in ${started} ms`);
  const info = await (await fetch(w.url)).json();
  assert.is(info.build, 'simd');
  assert.ok(info.limits.samples > 0 && info.limits.bodyBytes > 0);
});

test('POST /train learns y = x² to a stated loss; POST /predict answers with it', async () => {
  const t0 = Date.now();
  const r = await post('/train', { ...squares(), hidden: [16, 16], activation: 'tanh', epochs: 300, batchSize: 16, learningRate: 0.01, seed: 3 });
  assert.is(r.status, 200, JSON.stringify(r.json));
  assert.is(r.json.epochs, 300);
  assert.ok(r.json.loss < 1e-3, `final loss ${r.json.loss} should be < 1e-3`);
  id = r.json.id;
  const p = await post('/predict', { id, x: [[0.5], [-0.8], [0]] });
  assert.is(p.status, 200, JSON.stringify(p.json));
  const want = [0.25, 0.64, 0];
  p.json.y.forEach(([v]: number[], i: number) => assert.ok(Math.abs(v - want[i]) < 0.05, `prediction ${i}: ${v} vs ${want[i]}`));
  console.log(`  train (64 samples × 300 epochs) + predict: ${Date.now() - t0} ms`);
});

test('the same request trains the same weights: predictions are bit-identical', async () => {
  const a = await post('/train', { ...squares(), epochs: 20, seed: 9 });
  const b = await post('/train', { ...squares(), epochs: 20, seed: 9 });
  assert.is(a.json.loss, b.json.loss);
  const pa = await post('/predict', { id: a.json.id, x: [[0.3]] });
  const pb = await post('/predict', { id: b.json.id, x: [[0.3]] });
  assert.equal(pa.json.y, pb.json.y);
});

const bad: [string, string, unknown, RegExp][] = [
  ['malformed JSON', '/train', '{"x": [[1], [2]', /malformed JSON/],
  ['a body that is not an object', '/train', '[1, 2]', /must be a JSON object/],
  ['x missing', '/train', { y: [[1]] }, /x must be a non-empty array/],
  ['ragged rows', '/train', { x: [[1], [2, 3]], y: [[1], [2]] }, /x\[1\] must be an array of 1 numbers/],
  ['a string in x', '/train', { x: [[1], ['2']], y: [[1], [2]] }, /x\[1\]\[0\] must be a finite number/],
  ['x and y of different lengths', '/train', { x: [[1], [2]], y: [[1]] }, /y has 1 rows but x has 2/],
  ['an unknown activation', '/train', { ...squares(), activation: 'swishy' }, /activation must be one of/],
  ['a negative learning rate', '/train', { ...squares(), learningRate: -1 }, /learningRate must be a number/],
  ['too many epochs', '/train', { ...squares(), epochs: 1e6 }, /epochs must be a whole number from 1 to/],
  ['too many units', '/train', { ...squares(), hidden: [100000] }, /hidden\[0\] must be a whole number from 1 to 256/],
  ['too many samples', '/train', { x: Array.from({ length: 5000 }, () => [0]), y: Array.from({ length: 5000 }, () => [0]) }, /at most 4096/],
  ['too much work', '/train', { x: Array.from({ length: 4000 }, () => [0]), y: Array.from({ length: 4000 }, () => [0]), epochs: 200 }, /budget/],
  ['predict with the wrong width', '/predict', () => ({ id, x: [[1, 2]] }), /input size/],
  ['predict without an id', '/predict', { x: [[1]] }, /id must be/],
];
for (const [what, path, body, message] of bad) {
  test(`400 for ${what}`, async () => {
    const r = await post(path, typeof body === 'function' ? body() : body);
    assert.is(r.status, 400, JSON.stringify(r.json));
    assert.match(r.json.error, message);
  });
}

// A declared oversized body is refused before workerd reads any of it, and workerd then closes
// the connection at once, unread bytes and all (no lingering close, RFC 9112 §9.6). A client still
// writing those bytes gets EPIPE or ECONNRESET; undici's fetch() turns that into "fetch failed",
// or a lost response, whenever the close overtakes the write, which a loaded machine makes likely
// (9 of 200 fetches on two busy cores). So this client asks first, as HTTP/1.1 provides for a
// body the server may refuse: headers with `Expect: 100-continue`, the body only after workerd's
// "100 Continue", which it sends only once the Worker starts reading. No byte races the refusal.
const postAsking = (path: string, body: string) => new Promise<{ status: number; json: any; bodySent: boolean }>((done, fail) => {
  const req = request(new URL(path, w.url), {
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
  });
  let bodySent = false;
  req.on('continue', () => {
    bodySent = true;
    req.end(body);
  });
  req.on('response', (res) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (d) => (text += d));
    res.on('end', () => {
      req.destroy();
      done({ status: res.statusCode!, json: JSON.parse(text), bodySent });
    });
  });
  req.on('error', fail);
  req.flushHeaders();
});

test('an oversized body is refused with a 400 from its declared length, before it is sent', async () => {
  const huge = JSON.stringify({ x: [[0]], y: [[0]], pad: 'x'.repeat(2 << 20) });
  const r = await postAsking('/train', huge);
  assert.is(r.status, 400);
  assert.match(r.json.error, `request body of ${Buffer.byteLength(huge)} bytes is over the limit`);
  assert.not.ok(r.bodySent, 'workerd asked for the body of a request the Worker refused from its headers');
  const small = await postAsking('/train', JSON.stringify({ ...squares(), epochs: 2 }));
  assert.is(small.status, 200, 'a body within the limit is asked for and trains');
  assert.ok(small.bodySent);
});

test('an oversized body of undeclared length (chunked) is read, then refused with a 400 before parsing', async () => {
  const chunk = new TextEncoder().encode('x'.repeat(1 << 16));
  let left = 40; // 40 × 64 KiB: 2.5 MiB, no content-length
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (left-- > 0) c.enqueue(chunk);
      else c.close();
    },
  });
  const res = await fetch(new URL('/train', w.url), { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/json' } } as RequestInit);
  assert.is(res.status, 400);
  assert.match(((await res.json()) as any).error, `request body of ${40 << 16} bytes is over the limit`);
});

test('an unknown model id is a 404; unknown routes are 404s', async () => {
  assert.is((await post('/predict', { id: 'nope', x: [[1]] })).status, 404);
  assert.is((await fetch(new URL('/nothing', w.url))).status, 404);
});

test('after all that it still trains and predicts', async () => {
  const r = await post('/train', { ...squares(), epochs: 5 });
  assert.is(r.status, 200);
  assert.is((await post('/predict', { id: r.json.id, x: [[0]] })).status, 200);
  assert.ok(!/uncaught|fatal/i.test(w.log()), w.log());
});

test.run();

// A Cloudflare Worker (workerd) that trains a small fully-connected network on a request and
// answers predictions with it, from the same dist/lepton.js bundle Node and browsers load.
// workerd does not compile WebAssembly from bytes at run time, so the kernels come in as a
// compiled module binding (`import wasm from './lepton.wasm'`) and go to init(wasm).
//
//   POST /train    { x: number[][], y: number[][], hidden?, activation?, optimizer?, learningRate?,
//                    epochs?, batchSize?, loss?, seed? }  -> { id, loss, epochs, samplesPerSecond, build }
//   POST /predict  { id, x: number[][] }                  -> { y: number[][] }
//   GET  /         what this Worker is and its limits
//
// Every bad request gets a 400 with a message naming the field; the Worker keeps serving.
import { init, layers, optimizers, sequential } from './lepton.js';
import wasm from './lepton.wasm';

/** Sizes this Worker accepts: they keep one request well within a Worker's 128 MB and its CPU time. */
export const LIMITS = {
  bodyBytes: 1 << 20,
  samples: 4096,
  features: 64,
  outputs: 16,
  hiddenLayers: 4,
  units: 256,
  epochs: 500,
  sampleEpochs: 500_000, // samples × epochs: the training work of one request
  models: 16, // kept per isolate, oldest dropped first
  memoryPages: 1024, // 64 MiB of wasm linear memory at most
};

const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'selu', 'elu', 'leakyRelu', 'softplus', 'linear'];
const OPTIMIZERS = ['adam', 'sgd', 'rmsprop'];
const LOSSES = ['mse', 'mae', 'binaryCrossentropy'];

class BadRequest extends Error {}

// Models live in this isolate's memory only: workerd may evict an idle isolate at any time, so a
// client that gets a 404 for its id trains again (a real deployment would keep weights in KV).
const models = new Map();
let nextId = 1;
let ready;

export default {
  async fetch(request) {
    try {
      ready ??= init(wasm, { maximumPages: LIMITS.memoryPages });
      const rt = await ready;
      const { pathname } = new URL(request.url);
      if (request.method === 'GET' && pathname === '/') {
        return Response.json({ name: 'lepton on workerd', build: rt.build, limits: LIMITS, activations: ACTIVATIONS, optimizers: OPTIMIZERS, losses: LOSSES });
      }
      if (request.method === 'POST' && pathname === '/train') return Response.json(await train(await body(request), rt.build));
      if (request.method === 'POST' && pathname === '/predict') return Response.json(predict(await body(request)));
      return Response.json({ error: `no route ${request.method} ${pathname}; try GET /, POST /train, POST /predict` }, { status: 404 });
    } catch (e) {
      // lepton's own argument errors (ShapeError, RangeError, TypeError) are the client's too.
      const client = e instanceof BadRequest || ['ShapeError', 'RangeError', 'TypeError'].includes(e?.name);
      const status = e?.status ?? (client ? 400 : 500);
      return Response.json({ error: String(e?.message ?? e) }, { status });
    }
  },
};

// A body declared too long is refused before any of it is read. workerd then closes the connection
// without reading the rest, so a client still writing it may see a reset instead of this 400; a
// client that sends `Expect: 100-continue` gets the 400 before it sends a byte (test/workerd.test.ts).
async function body(request) {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > LIMITS.bodyBytes) throw new BadRequest(`request body of ${declared} bytes is over the limit of ${LIMITS.bodyBytes}`);
  const text = await request.text();
  if (text.length > LIMITS.bodyBytes) throw new BadRequest(`request body of ${text.length} bytes is over the limit of ${LIMITS.bodyBytes}`);
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BadRequest(`malformed JSON: ${e.message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BadRequest('the body must be a JSON object');
  return value;
}

/** A rows × cols matrix of finite numbers, as a lepton tensor; `what` names it in errors. */
function matrix(value, what, maxRows, maxCols) {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest(`${what} must be a non-empty array of rows`);
  if (value.length > maxRows) throw new BadRequest(`${what} has ${value.length} rows; at most ${maxRows} are accepted`);
  const cols = Array.isArray(value[0]) ? value[0].length : -1;
  if (cols < 1 || cols > maxCols) throw new BadRequest(`${what}[0] must be an array of 1 to ${maxCols} numbers`);
  const data = new Float32Array(value.length * cols);
  value.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== cols) throw new BadRequest(`${what}[${i}] must be an array of ${cols} numbers like ${what}[0]`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRequest(`${what}[${i}][${j}] must be a finite number, got ${JSON.stringify(v)}`);
      data[i * cols + j] = v;
    });
  });
  return { data, shape: [value.length, cols] };
}

function int(value, what, fallback, min, max) {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw new BadRequest(`${what} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return v;
}

function oneOf(value, what, fallback, names) {
  const v = value ?? fallback;
  if (!names.includes(v)) throw new BadRequest(`${what} must be one of ${names.join(', ')}, got ${JSON.stringify(value)}`);
  return v;
}

async function train(req, build) {
  const x = matrix(req.x, 'x', LIMITS.samples, LIMITS.features);
  const y = matrix(req.y, 'y', LIMITS.samples, LIMITS.outputs);
  if (y.shape[0] !== x.shape[0]) throw new BadRequest(`y has ${y.shape[0]} rows but x has ${x.shape[0]}; they must match`);
  const hidden = req.hidden ?? [16, 16];
  if (!Array.isArray(hidden) || hidden.length > LIMITS.hiddenLayers) throw new BadRequest(`hidden must be an array of at most ${LIMITS.hiddenLayers} layer sizes`);
  hidden.forEach((u, i) => int(u, `hidden[${i}]`, undefined, 1, LIMITS.units));
  const activation = oneOf(req.activation, 'activation', 'tanh', ACTIVATIONS);
  const loss = oneOf(req.loss, 'loss', 'mse', LOSSES);
  const optimizer = oneOf(req.optimizer, 'optimizer', 'adam', OPTIMIZERS);
  const epochs = int(req.epochs, 'epochs', 100, 1, LIMITS.epochs);
  const batchSize = int(req.batchSize, 'batchSize', 32, 1, LIMITS.samples);
  const seed = int(req.seed, 'seed', 1, 0, 2 ** 31 - 1);
  const lr = req.learningRate ?? 0.01;
  if (typeof lr !== 'number' || !(lr > 0 && lr <= 10)) throw new BadRequest(`learningRate must be a number in (0, 10], got ${JSON.stringify(req.learningRate)}`);
  if (x.shape[0] * epochs > LIMITS.sampleEpochs) {
    throw new BadRequest(`${x.shape[0]} samples × ${epochs} epochs is over this Worker's budget of ${LIMITS.sampleEpochs} sample-epochs per request`);
  }

  const net = sequential([
    ...hidden.map((units, i) => layers.dense(units, { activation, ...(i === 0 ? { inputShape: [x.shape[1]] } : {}) })),
    layers.dense(y.shape[1], { activation: loss === 'binaryCrossentropy' ? 'sigmoid' : 'linear', ...(hidden.length === 0 ? { inputShape: [x.shape[1]] } : {}) }),
  ], { seed });
  net.compile({ optimizer: optimizers[optimizer]({ learningRate: lr }), loss });
  const t0 = Date.now(); // workerd advances the clock only across I/O; the figure is a coarse one
  const history = await net.fit(x, y, { epochs, batchSize, shuffle: true, verbose: 0 });
  const seconds = (Date.now() - t0) / 1000;

  const id = String(nextId++);
  models.set(id, net);
  if (models.size > LIMITS.models) models.delete(models.keys().next().value);
  const losses = history.history.loss;
  return {
    id, build, epochs: losses.length, loss: losses[losses.length - 1], lossHistory: losses,
    samplesPerSecond: seconds > 0 ? Math.round((x.shape[0] * epochs) / seconds) : null,
  };
}

function predict(req) {
  if (typeof req.id !== 'string') throw new BadRequest('id must be the string /train returned');
  const net = models.get(req.id);
  if (!net) throw Object.assign(new Error(`no model ${JSON.stringify(req.id)} in this isolate (evicted, or never trained): POST /train again`), { status: 404 });
  const x = matrix(req.x, 'x', LIMITS.samples, LIMITS.features);
  const want = net.inputShape[0];
  if (x.shape[1] !== want) throw new BadRequest(`x rows must have ${want} numbers, the model's input size; got ${x.shape[1]}`);
  const { data, shape } = net.predict(x);
  const rows = [];
  for (let i = 0; i < shape[0]; i++) rows.push(Array.from(data.subarray(i * shape[1], (i + 1) * shape[1])));
  return { y: rows };
}

// The determinism case, run unchanged in Node, headless Chromium (a page and a dedicated Worker)
// and workerd: the caller imports lepton its own way and passes the module namespace (and, in
// workerd, the wasm module binding) to `run`, which initializes the plain build with the thread
// count asked for. Plain JavaScript so that all of them load it as it is.
//
// The data are made with exact arithmetic only (integers scaled by powers of two, products and
// sums of those): no host Math.sin or Math.random, whose last bits engines may choose differently.

/** n points on a 2-D lattice in [−1, 1)², visited in a scrambled but fixed order. */
function lattice(n) {
  const x = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const k = (i * 7919 + 13) % 4096; // 7919 is prime, so k runs over distinct cells
    x[2 * i] = (k % 64) / 32 - 1;
    x[2 * i + 1] = Math.floor(k / 64) / 32 - 1;
  }
  return x;
}

const CASES = {
  /** y = x₀² − x₀x₁ + 0.5x₁: tanh and relu hidden layers, Adam, MSE. */
  'regression-adam': (lepton) => {
    const n = 256, x = lattice(n), y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const a = x[2 * i], b = x[2 * i + 1];
      y[i] = a * a - a * b + 0.5 * b;
    }
    const { layers, optimizers, sequential } = lepton;
    const net = sequential([
      layers.dense(16, { activation: 'tanh', inputShape: [2] }),
      layers.dense(16, { activation: 'relu' }),
      layers.dense(1),
    ], { seed: 42 });
    net.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'mse' });
    return { net, x: { data: x, shape: [n, 2] }, y: { data: y, shape: [n, 1] } };
  },
  /** Inside or outside a circle: selu hidden layer, softmax + categorical cross-entropy, SGD with momentum. */
  'classification-sgd': (lepton) => {
    const n = 256, x = lattice(n), y = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      const a = x[2 * i], b = x[2 * i + 1];
      y[2 * i + (a * a + b * b < 0.5 ? 0 : 1)] = 1;
    }
    const { layers, optimizers, sequential } = lepton;
    const net = sequential([
      layers.dense(12, { activation: 'selu', inputShape: [2] }),
      layers.dense(2, { activation: 'softmax' }),
    ], { seed: 7 });
    net.compile({ optimizer: optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), loss: 'categoricalCrossentropy' });
    return { net, x: { data: x, shape: [n, 2] }, y: { data: y, shape: [n, 2] } };
  },
  /**
   * The regression target again on a net wide enough that its gemms split across threads
   * (64 × 128 × 128 multiply-adds is above the pool's threshold): tanh, batch norm, relu, Adam.
   */
  'wide-batchnorm-adam': (lepton) => {
    const n = 512, x = lattice(n), y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const a = x[2 * i], b = x[2 * i + 1];
      y[i] = a * a - a * b + 0.5 * b;
    }
    const { layers, optimizers, sequential } = lepton;
    const net = sequential([
      layers.dense(128, { activation: 'tanh', inputShape: [2] }),
      layers.batchNormalization(),
      layers.dense(128, { activation: 'relu' }),
      layers.dense(1),
    ], { seed: 3 });
    net.compile({ optimizer: optimizers.adam({ learningRate: 0.003 }), loss: 'mse' });
    return { net, x: { data: x, shape: [n, 2] }, y: { data: y, shape: [n, 1] }, batchSize: 64 };
  },
  /**
   * A small conv model (issue 14): 8×8 images of exact values, conv2d, max pooling, a strided
   * conv2dTranspose (large enough to split across threads), average pooling, softmax; Adam.
   */
  'conv-adam': (lepton) => {
    const n = 128, x = new Float32Array(n * 64), y = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = 0; p < 64; p++) {
        const v = ((i * 31 + p * 17 + ((p >> 3) * (p & 7))) % 16) / 8 - 1;
        x[i * 64 + p] = v;
        if ((p >> 3) < 4) s += v;
      }
      y[2 * i + (s > 0 ? 0 : 1)] = 1;
    }
    const { layers, optimizers, sequential } = lepton;
    const net = sequential([
      layers.conv2d(8, { kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [8, 8, 1] }),
      layers.maxPooling2d({ poolSize: 2 }),
      layers.conv2dTranspose(4, { kernelSize: 3, strides: 2, padding: 'same', activation: 'tanh' }),
      layers.averagePooling2d({ poolSize: 2 }),
      layers.flatten(),
      layers.dense(2, { activation: 'softmax' }),
    ], { seed: 11 });
    net.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'categoricalCrossentropy' });
    return { net, x: { data: x, shape: [n, 8, 8, 1] }, y: { data: y, shape: [n, 2] }, batchSize: 32 };
  },
};

export const caseNames = Object.keys(CASES);

/** Every weight's float32 bytes in getWeights() order, little-endian as in wasm memory. */
function flatWeights(net) {
  const weights = net.getWeights();
  const all = new Float32Array(weights.reduce((s, w) => s + w.data.length, 0));
  let at = 0;
  for (const w of weights) {
    all.set(w.data, at);
    at += w.data.length;
  }
  return all;
}

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Trains every case for a few shuffled epochs and returns, per case, the SHA-256 of the final
 * weights, the final loss, the first weights for a readable diff, and the SHA-256 of the weights
 * of the model after an in-memory save() and loadModel() (which load the bundle's io chunk).
 */
export async function runCases(lepton) {
  const out = {};
  for (const [name, make] of Object.entries(CASES)) {
    const { net, x, y, batchSize = 32 } = make(lepton);
    const history = await net.fit(x, y, { epochs: 5, batchSize, shuffle: true, verbose: 0 });
    const all = flatWeights(net);
    const again = await lepton.loadModel(await net.save());
    out[name] = {
      hash: await sha256(new Uint8Array(all.buffer)),
      reloadedHash: await sha256(new Uint8Array(flatWeights(again).buffer)),
      loss: history.history.loss.at(-1),
      head: Array.from(all.subarray(0, 4)),
    };
  }
  return out;
}

/**
 * Initializes the plain build on `threads` threads (from `source` when given: workerd's module
 * binding), waits until every thread has started (so that the gemms big enough do split), runs
 * every case, and says what ran: the build, the threads the runtime reports, and how many kernel
 * calls the thread pool split (runtime.parallelJobs).
 */
export async function run(lepton, threads, source) {
  const rt = source === undefined ? await lepton.init({ threads }) : await lepton.init(source, { threads });
  const ready = await lepton.threadsReady();
  const before = rt.parallelJobs;
  const cases = await runCases(lepton);
  return { build: lepton.build(), threads: rt.threads, threadsReason: rt.threadsReason, ready, parallelJobs: rt.parallelJobs - before, cases };
}

// Seed 004's regression example: locate an earthquake's epicenter from the P- and S-wave arrival
// times at four stations. 8 inputs (t_p, t_s per station, normalized by the largest time),
// 3 hidden layers of 64 tanh units, 2 outputs (x, y in km), MSE, batch 32, Glorot normal, Adam.
//   npm start            (or: npx tsx examples/earthquake.ts [--epochs N])
import { init, initializers, layers, optimizers, sequential } from '../src/index.js';
import { normals } from '../src/initializers.js';
import { Random } from '../src/random.js';

// Simulation (temporary inline version; see src/data/simulated.ts once it lands): a 100 km × 100 km
// region, stations at (±35, ±35) km, P waves at 6 km/s, S waves at 3.5 km/s, arrival times with
// Gaussian noise of 0.02 s (Box–Muller on the seeded generator).
const STATIONS = [[-35, -35], [35, -35], [35, 35], [-35, 35]];
const VP = 6, VS = 3.5, NOISE = 0.02;

function simulate(n: number, seed: number) {
  const rng = new Random(seed);
  const x = new Float32Array(n * 8), y = new Float32Array(n * 2);
  const noise = normals(n * 8, rng, 0, NOISE);
  for (let i = 0; i < n; i++) {
    const ex = -50 + 100 * rng.uniform(), ey = -50 + 100 * rng.uniform();
    y[i * 2] = ex; y[i * 2 + 1] = ey;
    STATIONS.forEach(([sx, sy], s) => {
      const d = Math.hypot(ex - sx, ey - sy);
      x[i * 8 + 2 * s] = d / VP + noise[i * 8 + 2 * s];
      x[i * 8 + 2 * s + 1] = d / VS + noise[i * 8 + 2 * s + 1];
    });
  }
  return { x, y };
}

const epochs = Number(process.argv[process.argv.indexOf('--epochs') + 1]) || 30;
await init();
const train = simulate(20000, 1), test = simulate(1000, 2);
const tMax = train.x.reduce((m, v) => Math.max(m, v), 0);
for (const d of [train, test]) for (let i = 0; i < d.x.length; i++) d.x[i] /= tMax; // seed 004: normalize by the largest time
const scale = 50; // labels in units of 50 km, so the outputs are O(1)

const net = sequential([
  layers.dense(64, { activation: 'tanh', inputShape: [8], kernelInitializer: initializers.glorotNormal() }),
  layers.dense(64, { activation: 'tanh', kernelInitializer: initializers.glorotNormal() }),
  layers.dense(64, { activation: 'tanh', kernelInitializer: initializers.glorotNormal() }),
  layers.dense(2, { kernelInitializer: initializers.glorotNormal() }),
], { seed: 42 });
net.compile({ optimizer: optimizers.adam({ learningRate: 1e-3 }), loss: 'mse' });
net.summary();
await net.fit({ data: train.x, shape: [20000, 8] }, { data: train.y.map((v) => v / scale), shape: [20000, 2] }, {
  epochs, batchSize: 32, validationSplit: 0.05, verbose: 2,
});
const p = net.predict({ data: test.x, shape: [1000, 8] }).data;
let dist = 0;
for (let i = 0; i < 1000; i++) dist += Math.hypot(p[2 * i] * scale - test.y[2 * i], p[2 * i + 1] * scale - test.y[2 * i + 1]);
console.log(`mean distance between true and predicted epicenters on 1000 test events: ${(dist / 1000 * 1000).toFixed(0)} m`);

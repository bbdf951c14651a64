// Every place a user's string picks an implementation: the names an object inherits from
// Object.prototype ('toString', 'constructor', 'hasOwnProperty', '__proto__') get the same error as
// any unknown name, word for word, and that error lists the names that exist.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgs, type CommandSpec } from '../src/cli/args.js';
import { trainCsv } from '../src/cli/csv-model.js';
import { getInitializer } from '../src/initializers.js';
import { callbacks, data, init, layers, loadModel, ModelFormatError, sequential, type Model } from '../src/index.js';
import { repo } from './runtimes.js';

const HOSTILE = ['toString', 'constructor', 'hasOwnProperty', '__proto__'];
const PLAIN = 'nope';

let saved: { json: string; weights: Uint8Array };
let dir: string;
test.before(async () => {
  await init(new URL('../build/lepton.wasm', import.meta.url));
  const m = sequential([layers.dense(2, { inputShape: [1], activation: 'relu' }), layers.dense(1)], { seed: 1 });
  m.compile({ optimizer: 'adam', loss: 'mse' });
  await m.fit({ data: Float32Array.of(0, 1), shape: [2, 1] }, { data: Float32Array.of(0, 1), shape: [2, 1] }, { epochs: 1, verbose: 0 });
  saved = await m.save();
  dir = mkdtempSync(join(tmpdir(), 'lepton-names-'));
  writeFileSync(join(dir, 'data.csv'), 'x,y\n0,0\n1,1\n2,4\n3,9\n');
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const net = (): Model => sequential([layers.dense(1, { inputShape: [1] })]);
/** The saved model with one field changed, for loadModel. */
const edited = (f: (doc: Record<string, any>, name: string) => void) => (name: string) => {
  const doc = JSON.parse(saved.json);
  f(doc, name);
  return loadModel({ json: JSON.stringify(doc), weights: saved.weights });
};
const spec: CommandSpec = { name: 'train', usage: 'lepton train', summary: '', positionals: [], flags: { epochs: { type: 'int', help: 'epochs' } } };

// [what, a call that looks the name up, what the error must list, the error class if not Error]
const lookups: [string, (name: string) => unknown, RegExp, Function?][] = [
  ['a Dense activation', (n) => layers.dense(1, { activation: n as never, name: 'd' }), /unknown activation '.*'; expected one of linear, relu, sigmoid/],
  ['an Activation layer', (n) => layers.activation(n as never, { name: 'a' }), /unknown activation '.*'; expected one of linear, relu/],
  ['an initializer', (n) => getInitializer(n as never, 'dense'), /unknown initializer '.*'; expected one of glorotUniform, glorotNormal/],
  ['a loss', (n) => net().compile({ optimizer: 'sgd', loss: n }), /unknown loss ".*"; expected one of mse, meanSquaredError/],
  ['an optimizer', (n) => net().compile({ optimizer: n, loss: 'mse' }), /unknown optimizer ".*"; expected one of sgd, adam, adamW, rmsprop/],
  ['a metric', (n) => net().compile({ optimizer: 'sgd', loss: 'mse', metrics: [n] }), /unknown metric '.*'; expected one of accuracy, acc, binaryAccuracy/],
  ['a preprocessing transform', (n) => data.preprocessing.fromJSON({ type: n, on: 'x', cols: 1 }), /unknown transform type ".*"; expected one of standardize, minMax/],
  ['earlyStopping\'s monitor', (n) => callbacks.earlyStopping({ monitor: n }).onEpochEnd!(0, { loss: 1 }), /monitored quantity '.*' is not in the logs; available: loss/],
  ['reduceLROnPlateau\'s monitor', (n) => callbacks.reduceLROnPlateau({ monitor: n }).onEpochEnd!(0, { loss: 1 }), /monitored quantity '.*' is not in the logs; available: loss/],
  ['modelCheckpoint\'s monitor', (n) => callbacks.modelCheckpoint({ path: join(dir, 'ckpt'), saveBestOnly: true, monitor: n }).onEpochEnd!(0, { loss: 1 }), /monitored quantity '.*' is not in the logs; available: loss/],
  ['a CLI option', (n) => parseArgs(spec, [`--${n}`, '1']), /unknown option --.* \(see lepton train --help\)/],
  ['the CLI\'s --optimizer', (n) => trainCsv(join(dir, 'data.csv'), {
    target: ['y'], layers: [2], activation: 'tanh', optimizer: n, lr: 0.01, epochs: 1, batchSize: 2, validationSplit: 0, seed: 1, out: join(dir, 'out'), quiet: true,
  }), /--optimizer must be one of sgd, adam, .*, got '.*'/],
  ['a saved layer class', edited((d, n) => { d.layers[0].className = n; }), /unknown layer class ".*"; this lepton knows Dense/, ModelFormatError],
  ['a saved model type', edited((d, n) => { d.modelType = n; }), /modelType: ".*" is not a model type this lepton loads \(sequential, functional/, ModelFormatError],
  ['a saved activation', edited((d, n) => { d.layers[0].config.activation = n; }), /unknown activation '.*'; expected one of linear/, ModelFormatError],
  ['a saved initializer', edited((d, n) => { d.layers[0].config.kernelInitializer = n; }), /unknown initializer ".*"; this lepton knows glorotUniform/, ModelFormatError],
  ['a saved regularizer', edited((d, n) => { d.layers[0].config.kernelRegularizer = { name: n, config: { l2: 0.01 } }; }), /unknown regularizer ".*"; this lepton knows l2/, ModelFormatError],
  ['a saved optimizer', edited((d, n) => { d.training.optimizer.name = n; }), /unknown optimizer ".*"; this lepton knows sgd, adam/, ModelFormatError],
  ['a saved learning-rate schedule', edited((d, n) => { d.training.optimizer.config.learningRate = { name: n }; }), /unknown learning-rate schedule ".*"; this lepton knows exponentialDecay/, ModelFormatError],
  ['a saved loss', edited((d, n) => { d.training.loss.name = n; }), /unknown loss ".*"; this lepton knows meanSquaredError/, ModelFormatError],
  ['a TF.js layer class', (n) => loadModel({
    modelJson: { modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ class_name: n, config: { name: 'l' } }] } }, weightsManifest: [] },
    weightData: new Uint8Array(0),
  }), /TF.js model uses layers lepton does not have: l \(.*\); supported: InputLayer, Dense/, ModelFormatError],
];

/** The error `call(name)` throws or rejects with; fails the test if it returns. */
async function errorOf(what: string, call: (name: string) => unknown, name: string): Promise<Error> {
  try {
    await call(name);
  } catch (e) {
    return e as Error;
  }
  assert.unreachable(`${what}: '${name}' was accepted`);
  throw new Error('unreachable');
}

for (const [what, call, lists, kind = Error] of lookups) {
  test(`${what}: ${HOSTILE.join(', ')} are unknown names like any other`, async () => {
    const plain = await errorOf(what, call, PLAIN);
    assert.instance(plain, kind, `${what}: ${plain.name}: ${plain.message}`);
    assert.match(plain.message, lists);
    for (const name of HOSTILE) {
      const e = await errorOf(what, call, name);
      assert.is(e.constructor, plain.constructor, `${what} '${name}': ${e.name}: ${e.message}`);
      assert.is(e.message, plain.message.split(PLAIN).join(name), `${what} '${name}'`);
    }
  });
}

const run = promisify(execFile);
test(`the CLI's commands: ${HOSTILE.join(', ')} are unknown commands like any other`, async () => {
  const cli = join(repo, 'src/cli/main.ts');
  const stderrOf = (name: string) => run(process.execPath, ['--import', 'tsx', cli, name], { cwd: repo }).then(
    () => assert.unreachable(`lepton ${name} exited 0`) as never,
    (e: { code: number; stderr: string }) => [e.code, e.stderr.trim()] as const,
  );
  const [plain, ...hostile] = await Promise.all([PLAIN, ...HOSTILE].map(stderrOf));
  assert.equal(plain, [2, `lepton: unknown command '${PLAIN}'; expected one of train, evaluate, predict, export, examples`]);
  HOSTILE.forEach((name, i) => assert.equal(hostile[i], [2, plain[1].split(PLAIN).join(name)], `lepton ${name}`));
});

test.run();

// registerLayer and registerModelType: a user's own layer class saved and loaded, a user's
// serializer winning over a built-in, a model type of the user's own, and clear errors for
// classes nobody registered and for malformed registrations. (Registration is in the core bundle;
// the serializers are read in the io chunk, whenever it happens to load.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { init, Layer, layers, loadModel, ModelFormatError, registerLayer, registerModelType, sequential, type Buf, type Ctx, type LayerArgs, type Sequential } from '../../src/index.js';
import { Dense } from '../../src/layers/dense.js';
import { userLayers, userModelTypes } from '../../src/io/tables.js';
import { rand } from '../helpers.js';

test.before(async () => {
  await init(new URL('../../build/lepton.wasm', import.meta.url));
});

/** A user's layer: passes its input through and carries a label in its config. */
class Tag extends Layer {
  readonly className = 'Tag';
  constructor(readonly label: string, args: LayerArgs = {}) {
    super('tag', args);
  }
  computeOutputShape(inputShape: number[]): number[] {
    return inputShape;
  }
  forward(x: Buf): Buf {
    this.checkInput(x);
    return x;
  }
  backward(dy: Buf, _ctx: Ctx, needDx: boolean): Buf | null {
    return needDx ? dy : null;
  }
  getConfig(): Record<string, unknown> {
    return { name: this.name, label: this.label };
  }
}

const x = { data: rand(8 * 3, 5), shape: [8, 3] };
const net = (): Sequential => sequential([layers.dense(4, { activation: 'tanh', inputShape: [3] }), new Tag('mid'), layers.dense(2)], { seed: 9 });

test('saving a layer class nobody registered names the class and how to register it', async () => {
  try {
    await net().save();
    assert.unreachable('saved');
  } catch (e) {
    assert.match((e as Error).message, /tag\w* is a Tag, a layer class lepton does not know how to save; register it first: registerLayer\('Tag'/);
  }
});

test('a registered layer class saves, and loads back as itself with the same predictions', async () => {
  registerLayer('Tag', {
    fromConfig: (c, path) => {
      if (typeof c.label !== 'string') throw new ModelFormatError(`${path}.label: expected a string, got ${typeof c.label}`);
      return new Tag(c.label, { name: c.name as string });
    },
  });
  try {
    const a = net();
    const saved = await a.save();
    assert.match(saved.json as string, /"className":"Tag","config":\{"name":"tag[_\d]*","label":"mid"/);
    const b = await loadModel(saved);
    assert.instance(b.layers[1], Tag);
    assert.is((b.layers[1] as Tag).label, 'mid');
    assert.equal(Array.from(b.predict(x).data), Array.from(a.predict(x).data));
    // the file is untrusted: the user's fromConfig validates what it reads, and its error surfaces
    const bad = (saved.json as string).replace('"label":"mid"', '"label":7');
    await loadModel({ json: bad, weights: saved.weights }).then(
      () => assert.unreachable('loaded'),
      (e) => assert.match(e.message, /layers\[1\]\.config\.label: expected a string, got number/),
    );
  } finally {
    userLayers.delete('Tag');
  }
});

test('a file naming a class nobody registered is refused, listing the classes known', async () => {
  registerLayer('Tag', { fromConfig: (c) => new Tag(String(c.label)) });
  const saved = await net().save();
  userLayers.delete('Tag');
  await loadModel(saved).then(
    () => assert.unreachable('loaded'),
    (e) => {
      assert.instance(e, ModelFormatError);
      assert.match(e.message, /layers\[1\]\.className: unknown layer class "Tag"; this lepton knows Dense, .*Activation/);
    },
  );
});

test("a user's serializer of a built-in class wins over lepton's own", async () => {
  let read = 0;
  registerLayer('Dense', {
    fromConfig: (c) => {
      if (c.mine === true) read++;
      return new Dense(c.units as number, { name: c.name as string, activation: c.activation as string });
    },
    toConfig: (l) => ({ name: l.name, units: (l as Dense).units, activation: (l as Dense).activation.name, mine: true }),
  });
  try {
    const a = sequential([layers.dense(3, { activation: 'relu', inputShape: [3] }), layers.dense(2)], { seed: 4 });
    const saved = await a.save();
    assert.not.ok((saved.json as string).includes('kernelInitializer'), 'saved with the user toConfig');
    const b = await loadModel(saved);
    assert.ok(read >= 2, `both layers read by the user fromConfig (${read} calls)`);
    assert.equal(Array.from(b.predict(x).data), Array.from(a.predict(x).data));
  } finally {
    userLayers.delete('Dense');
  }
});

test('registerModelType: a file with that modelType is built by the registered builder', async () => {
  const saved = await net().save().catch(() => undefined);
  assert.is(saved, undefined, 'Tag is unregistered again');
  const plain = sequential([layers.dense(2, { inputShape: [3] })], { seed: 1 });
  const s = await plain.save();
  const doc = { ...JSON.parse(s.json as string), modelType: 'mine' };
  await loadModel({ json: doc, weights: s.weights }).then(
    () => assert.unreachable('loaded'),
    (e) => assert.match(e.message, /modelType: "mine" is not a model type this lepton loads \(sequential, functional\)/),
  );
  let seen: unknown;
  registerModelType('mine', (d, spec) => {
    seen = spec.entries.map((e) => e.name);
    return sequential([layers.dense(5, { inputShape: [1] })]);
  });
  try {
    const m = await loadModel({ json: doc, weights: s.weights });
    assert.equal(m.predict({ data: new Float32Array(1), shape: [1, 1] }).shape, [1, 5]);
    assert.equal(seen, doc.weights.entries.map((e: { name: string }) => e.name));
    assert.is((seen as string[]).length, 2, 'kernel and bias');
  } finally {
    userModelTypes.delete('mine');
  }
});

test('malformed registrations are refused with what was expected', () => {
  assert.throws(() => registerLayer('', { fromConfig: () => new Tag('') }), /registerLayer: expected a class name \(a non-empty string\), got ""/);
  assert.throws(() => registerLayer('Tag', {} as never), /registerLayer\('Tag'\): expected \{ fromConfig\(config, path\), toConfig\?\(layer\) \}, got object/);
  assert.throws(() => registerModelType('x', 'nope' as never), /registerModelType\('x'\): expected a builder function, got string/);
  assert.not.ok(userLayers.has('Tag'));
});

test.run();

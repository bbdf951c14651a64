// Builds a lepton model that mirrors a reference problem (test/ref/mlp.ts).
import { layers, sequential, regularizers, type Sequential } from '../../src/index.js';
import type { Layer } from '../../src/layers/layer.js';
import type { RefLayer, RefProblem } from '../ref/mlp.js';

export function modelFor(p: RefProblem, optimizer: unknown = 'sgd', seed = 1): Sequential {
  const ls: Layer[] = p.layers.map((L: RefLayer, i) => {
    const inputShape = i === 0 ? [p.inDim] : undefined;
    if (L.type === 'dense') {
      return layers.dense(L.units, { activation: L.activation, inputShape, kernelRegularizer: p.l2 ? regularizers.l2(p.l2) : undefined });
    }
    if (L.type === 'prelu') return layers.prelu({ inputShape });
    if (L.activation === 'leakyRelu' && L.alpha !== undefined) return layers.leakyReLU({ alpha: L.alpha, inputShape });
    if (L.activation === 'elu' && L.alpha !== undefined) return layers.elu({ alpha: L.alpha, inputShape });
    return layers.activation(L.activation, { inputShape });
  });
  const net = sequential(ls, { seed });
  net.compile({ optimizer: optimizer as never, loss: p.loss });
  net.setWeights(p.weights.map((w, i) => ({ data: Float32Array.from(w), shape: net.getWeights()[i].shape })));
  return net;
}

export const f32 = (a: Float64Array) => Float32Array.from(a);
/** Rounds every input of a problem to float32, so that f32 and f64 see the same numbers. */
export function roundProblem(p: RefProblem): RefProblem {
  const r = (a: Float64Array) => Float64Array.from(Float32Array.from(a));
  return { ...p, x: r(p.x), y: r(p.y), weights: p.weights.map(r), sampleWeight: p.sampleWeight && r(p.sampleWeight) };
}

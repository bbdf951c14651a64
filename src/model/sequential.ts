// A chain of layers: the graph `input → layers[0] → … → layers[n−1]`, built when the input shape is
// known (the first layer's inputShape, or the first data it sees).

import { SymbolicTensor } from '../graph.js';
import { Layer } from '../layers/layer.js';
import { ShapeError, type Tensor, type TensorLike } from '../tensor.js';
import type { Dataset } from '../data/dataset.js';
import { checkOptions, leading } from '../options.js';
import { Model } from './model.js';
import type { PredictArgs } from './types.js';

export interface SequentialArgs {
  seed?: number;
  name?: string;
}

export class Sequential extends Model {
  override readonly className = 'Sequential';

  constructor(layers: Layer[] = [], args: SequentialArgs = {}) {
    checkOptions('sequential', args, { seed: true, name: true });
    const { seed, name = 'sequential' } = args;
    super({ seed, name }, 'sequential');
    if (!Array.isArray(layers)) throw new TypeError(`sequential expects an array of layers, got ${typeof layers}`);
    for (const l of layers) this.add(l);
  }

  protected override ensureBuilt(): void {
    const shape = this.layers[0]?.declaredInputShape;
    if (!this.built && shape) this.build(shape);
  }

  add(layer: Layer): void {
    if (!(layer instanceof Layer)) throw new TypeError(`sequential: expected a layer, got ${layer === null ? 'null' : typeof layer}`);
    if (this.built) throw new Error(`${this.name}: cannot add ${layer.name} after the model is built`);
    if (this.layers.includes(layer)) throw new Error(`${this.name}: ${layer.name} is already in the model`);
    this.layers.push(layer);
  }

  /** Builds every layer for `inputShape` (without the batch axis) and places the weights. */
  override build(inputShape: number[]): void {
    if (this.built) return;
    if (this.layers.length === 0) throw new Error(`${this.name}: a model needs at least one layer`);
    const x = new SymbolicTensor([...inputShape], `${this.name}_input`);
    let h = x;
    for (const l of this.layers) {
      if (l.extraOutputShapes().length) throw new Error(`${this.name}: ${l.name} has several outputs (returnState); a sequential model passes one tensor from layer to layer: use a functional model (input, apply, model)`);
      h = l.apply(h);
    }
    this.initGraph([x], [h]);
  }

  protected override buildFromData(shapes: number[][]): void {
    if (shapes.length !== 1) throw new ShapeError(`${this.name} takes one input, got ${shapes.length}`);
    this.build(shapes[0]);
  }

  override inputOwner(): string {
    return this.layers[0].name;
  }

  override buildFor(shapes: number[][], names: string[]): number[] {
    this.ensureBuilt();
    if (!this.built && shapes.length === 1) this.build(shapes[0]);
    return super.buildFor(shapes, names);
  }

  // One input, one output: predict gives a Tensor.
  override predict(x: Dataset, args?: PredictArgs): Promise<Tensor>;
  override predict(x: TensorLike, args?: PredictArgs): Tensor;
  override predict(x: TensorLike | Dataset, args?: PredictArgs): Tensor | Promise<Tensor> {
    return super.predict(x as never, args) as Tensor | Promise<Tensor>;
  }
}

/** sequential([layers], { seed }), or TF.js's sequential({ layers: [...], seed }). */
export function sequential(layers: Layer[] | (SequentialArgs & { layers?: Layer[] }) = [], args?: SequentialArgs): Sequential {
  const [ls, rest] = leading<Layer[] | undefined, SequentialArgs>('sequential', 'layers', layers, args);
  return new Sequential(ls ?? [], rest);
}

// Reshape and flatten: the arena holds a batch as (rows × features) row-major, so a new shape of
// the same size is the same memory; forward returns its input and backward its gradient.

import { checkOptions, leading } from '../options.js';
import { ShapeError, sizeOf } from '../tensor.js';
import { Layer, layerKeys, type Buf, type Ctx, type LayerArgs } from './layer.js';
import type { OnnxGraph } from './onnx.js';

export class Reshape extends Layer {
  readonly className: string;
  /** Target shape without the batch axis; at most one −1, inferred from the size. */
  readonly targetShape: number[] | null;

  constructor(targetShape: number[] | null, args: LayerArgs = {}, className = 'Reshape', base = 'reshape') {
    checkOptions(base === 'reshape' ? 'layers.reshape' : 'layers.flatten', args, layerKeys);
    super(base, args);
    this.className = className;
    if (targetShape && (!Array.isArray(targetShape) || !targetShape.every((d) => Number.isInteger(d) && (d > 0 || d === -1)) || targetShape.filter((d) => d === -1).length > 1)) {
      throw new ShapeError(`${this.name}: targetShape must be positive whole numbers with at most one −1, got ${JSON.stringify(targetShape)}`);
    }
    this.targetShape = targetShape;
  }

  computeOutputShape(inputShape: number[]): number[] {
    const n = sizeOf(inputShape);
    if (!this.targetShape) return [n];
    const known = sizeOf(this.targetShape.filter((d) => d !== -1));
    const shape = this.targetShape.map((d) => (d === -1 ? n / known : d));
    if (sizeOf(shape) !== n || !shape.every(Number.isInteger)) {
      throw new ShapeError(`${this.name}: cannot reshape [*, ${inputShape.join(', ')}] (${n} values) to [*, ${this.targetShape.join(', ')}]`);
    }
    return shape;
  }

  forward(x: Buf): Buf {
    this.checkInput(x);
    return x;
  }

  backward(dy: Buf, _ctx: Ctx, needDx: boolean): Buf | null {
    return needDx ? dy : null;
  }

  getConfig(): Record<string, unknown> {
    return this.config(this.targetShape ? { targetShape: [...this.targetShape] } : {});
  }

  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    g.node('Reshape', [x, g.constantInts(`${this.name}/shape`, [0, ...this.outputShape!])], output); // 0: keep the batch axis
  }
}

/** reshape([2, 3], { … }), or TF.js's reshape({ targetShape: [2, 3], … }). */
export const reshape = (targetShape: number[] | (LayerArgs & { targetShape: number[] }), args?: LayerArgs) => new Reshape(...leading<number[], LayerArgs>('layers.reshape', 'targetShape', targetShape, args));
/** Flattens everything but the batch axis. */
export const flatten = (args?: LayerArgs) => new Reshape(null, args, 'Flatten', 'flatten');

// GRU (Cho et al. 2014) as Keras 3 computes it by default (resetAfter true, the cuDNN form):
// kernel [features, 3·units], recurrentKernel [units, 3·units], bias [2, 3·units] (input bias,
// recurrent bias), gates z, r, h: z, r = recurrentActivation(x·W + b₀ + h_{t−1}·U + b₁) per gate,
// h̃ = act(x·W_h + b₀h + r ⊙ (h_{t−1}·U_h + b₁h)), h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃.

import type { Initializer } from '../initializers.js';
import { checkOptions, leading, type Keys } from '../options.js';
import type { OnnxGraph } from './onnx.js';
import { CELL, onnxActs, writeRecurrentOnnx, gatedKeys, Recurrent, type GatedArgs } from './recurrent.js';

export interface GRUArgs extends GatedArgs {
  /** Apply the reset gate after the recurrent matmul (Keras 3's default, true; false is not implemented). */
  resetAfter?: boolean;
}

const gruKeys: Keys<GRUArgs> = { ...gatedKeys, resetAfter: true };

export class GRU extends Recurrent {
  readonly className = 'GRU';
  protected readonly cell = CELL.gru;
  protected readonly gates = 3;

  constructor(units: number, args: GRUArgs = {}) {
    checkOptions('layers.gru', args, gruKeys);
    super('gru', units, args, true);
    if (args.resetAfter === false) throw new Error(`${this.name}: resetAfter false (the reset gate before the recurrent matmul, Keras 2's and TF.js's default) is not implemented; lepton's GRU is Keras 3's resetAfter true`);
  }

  protected override biasWeight(): { shape: number[]; init: Initializer } {
    return { shape: [2, 3 * this.units], init: this.biasInitializer };
  }

  protected override recurrentBias(): number {
    return this.bias ? this.bias.ptr + 3 * this.units * 4 : 0;
  }

  /** ONNX's GRU operator (recurrent.ts writeRecurrentOnnx). */
  override writeOnnx([x]: string[], output: string, g: OnnxGraph): void {
    writeRecurrentOnnx(this, 'GRU', [0, 1, 2], onnxActs(this.recurrentActivation.name, this.activation.name), x, output, g);
  }

  getConfig(): Record<string, unknown> {
    return this.config({ ...this.recurrentConfig(), recurrentActivation: this.recurrentActivation.name, resetAfter: true });
  }
}

/** gru(32, { … }), or TF.js's gru({ units: 32, … }). */
export const gru = (units: number | (GRUArgs & { units: number }), args?: GRUArgs): GRU =>
  new GRU(...leading<number, GRUArgs>('layers.gru', 'units', units, args));

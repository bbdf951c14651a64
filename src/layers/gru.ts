// GRU (Cho et al. 2014) as Keras 3 computes it by default (resetAfter true, the cuDNN form):
// kernel [features, 3·units], recurrentKernel [units, 3·units], bias [2, 3·units] (input bias,
// recurrent bias), gates z, r, h: z, r = recurrentActivation(x·W + b₀ + h_{t−1}·U + b₁) per gate,
// h̃ = act(x·W_h + b₀h + r ⊙ (h_{t−1}·U_h + b₁h)), h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃.
// resetAfter false (Keras 2's and TF.js's default, the original form): one bias [3·units],
// z, r = recurrentActivation(x·W + h_{t−1}·U + b), h̃ = act(x·W_h + (r ⊙ h_{t−1})·U_h + b_h).

import type { Initializer } from '../initializers.js';
import { checkOptions, leading, type Keys } from '../options.js';
import type { OnnxGraph } from './onnx.js';
import { CELL, gatedKeys, Recurrent, type GatedArgs } from './recurrent.js';

export interface GRUArgs extends GatedArgs {
  /**
   * Apply the reset gate after the recurrent matmul (Keras 3's default, true: bias [2, 3·units]),
   * or before it (false: Keras 2's and TF.js's, bias [3·units]).
   */
  resetAfter?: boolean;
}

const gruKeys: Keys<GRUArgs> = { ...gatedKeys, resetAfter: true };

export class GRU extends Recurrent {
  readonly className = 'GRU';
  protected readonly cell: number;
  protected readonly gates = 3;
  readonly resetAfter: boolean;

  constructor(units: number, args: GRUArgs = {}) {
    checkOptions('layers.gru', args, gruKeys);
    super('gru', units, args, true);
    if (args.resetAfter !== undefined && typeof args.resetAfter !== 'boolean') throw new TypeError(`${this.name}: resetAfter must be true or false, got ${JSON.stringify(args.resetAfter)}`);
    this.resetAfter = args.resetAfter ?? true;
    this.cell = this.resetAfter ? CELL.gru : CELL.gruResetBefore;
  }

  protected override biasWeight(): { shape: number[]; init: Initializer } {
    return { shape: this.resetAfter ? [2, 3 * this.units] : [3 * this.units], init: this.biasInitializer };
  }

  protected override recurrentBias(): number {
    return this.bias && this.resetAfter ? this.bias.ptr + 3 * this.units * 4 : 0;
  }

  /** ONNX's GRU operator (io/onnx-recurrent.ts, through the graph). */
  override writeOnnx(ins: string[], output: string, g: OnnxGraph, more: string[] = []): void {
    g.recurrent(this, 'GRU', [0, 1, 2], [this.recurrentActivation.name, this.activation.name], ins, output, more, this.resetAfter);
  }

  getConfig(): Record<string, unknown> {
    return this.config({ ...this.recurrentConfig(), recurrentActivation: this.recurrentActivation.name, resetAfter: this.resetAfter });
  }
}

/** gru(32, { … }), or TF.js's gru({ units: 32, … }). */
export const gru = (units: number | (GRUArgs & { units: number }), args?: GRUArgs): GRU =>
  new GRU(...leading<number, GRUArgs>('layers.gru', 'units', units, args));

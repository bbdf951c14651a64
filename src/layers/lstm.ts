// LSTM (Hochreiter & Schmidhuber 1997, with the forget gate), Keras 3's layout: kernel
// [features, 4·units], recurrentKernel [units, 4·units], bias [4·units], gates i, f, c, o:
// c_t = f ⊙ c_{t−1} + i ⊙ act(z_c), h_t = o ⊙ act(c_t), the gates recurrentActivation(z).
// unitForgetBias (Keras default true) starts the forget gate's bias at 1.

import type { Initializer } from '../initializers.js';
import { checkOptions, leading, type Keys } from '../options.js';
import type { OnnxGraph } from './onnx.js';
import { CELL, gatedKeys, Recurrent, type GatedArgs } from './recurrent.js';

export interface LSTMArgs extends GatedArgs {
  /** Add 1 to the forget gate's initial bias (Keras's default true). */
  unitForgetBias?: boolean;
}

const lstmKeys: Keys<LSTMArgs> = { ...gatedKeys, unitForgetBias: true };

export class LSTM extends Recurrent {
  readonly className = 'LSTM';
  protected readonly cell = CELL.lstm;
  protected readonly gates = 4;
  readonly unitForgetBias: boolean;

  constructor(units: number, args: LSTMArgs = {}) {
    checkOptions('layers.lstm', args, lstmKeys);
    super('lstm', units, args, true);
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  protected override biasWeight(): { shape: number[]; init: Initializer } {
    const base = this.biasInitializer, u = this.units;
    if (!this.unitForgetBias) return { shape: [4 * u], init: base };
    // Keras: the bias initializer on i, then ones on f, then the initializer on c and o.
    const init: Initializer = {
      name: base.name, config: base.config,
      fill: (out, _shape, rng) => {
        base.fill(out.subarray(0, u), [u], rng);
        out.fill(1, u, 2 * u);
        base.fill(out.subarray(2 * u), [2 * u], rng);
      },
    };
    return { shape: [4 * u], init };
  }

  /** ONNX's LSTM operator (io/onnx-recurrent.ts, through the graph). */
  override writeOnnx(ins: string[], output: string, g: OnnxGraph, more: string[] = []): void {
    g.recurrent(this, 'LSTM', [0, 3, 1, 2], [this.recurrentActivation.name, this.activation.name, this.activation.name], ins, output, more);
  }

  getConfig(): Record<string, unknown> {
    return this.config({ ...this.recurrentConfig(), recurrentActivation: this.recurrentActivation.name, unitForgetBias: this.unitForgetBias });
  }
}

/** lstm(32, { … }), or TF.js's lstm({ units: 32, … }). */
export const lstm = (units: number | (LSTMArgs & { units: number }), args?: LSTMArgs): LSTM =>
  new LSTM(...leading<number, LSTMArgs>('layers.lstm', 'units', units, args));

// SimpleRNN: h_t = act(x_t·W + h_{t−1}·U + b), Keras 3's layout (kernel [features, units],
// recurrentKernel [units, units], bias [units]). The machinery is recurrent.ts's.

import { checkOptions, leading } from '../options.js';
import type { OnnxGraph } from './onnx.js';
import { CELL, Recurrent, recurrentKeys, type RecurrentArgs } from './recurrent.js';

export class SimpleRNN extends Recurrent {
  readonly className = 'SimpleRNN';
  protected readonly cell = CELL.simple;
  protected readonly gates = 1;

  constructor(units: number, args: RecurrentArgs = {}) {
    checkOptions('layers.simpleRNN', args, recurrentKeys);
    super('simple_rnn', units, args, false);
  }

  /** ONNX's RNN operator (io/onnx-recurrent.ts, through the graph). */
  override writeOnnx(ins: string[], output: string, g: OnnxGraph, more: string[] = []): void {
    g.recurrent(this, 'RNN', [0], [this.activation.name], ins, output, more);
  }

  getConfig(): Record<string, unknown> {
    return this.config(this.recurrentConfig());
  }
}

/** simpleRNN(32, { … }), or TF.js's simpleRNN({ units: 32, … }). */
export const simpleRNN = (units: number | (RecurrentArgs & { units: number }), args?: RecurrentArgs): SimpleRNN =>
  new SimpleRNN(...leading<number, RecurrentArgs>('layers.simpleRNN', 'units', units, args));

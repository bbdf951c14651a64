// The recurrent layers' ONNX export (opset 17's RNN, LSTM and GRU operators): part of the ONNX
// chunk, reached by the layers' writeOnnx through OnnxGraph.recurrent (layers/onnx.ts), so that
// the core bundle does not carry it.

import type { OnnxAttr, OnnxGraph, OnnxRecurrent } from '../layers/onnx.js';

// ONNX's names of the cell activations (HardSigmoid's defaults α = 0.2, β = 0.5 are TF.js's).
const ONNX_ACT: Record<string, string> = { sigmoid: 'Sigmoid', tanh: 'Tanh', hardSigmoid: 'HardSigmoid', relu: 'Relu', linear: 'Affine' };

/**
 * The layer as ONNX's RNN, LSTM or GRU operator (opset 17): the input made time-major, Keras's gate
 * blocks reordered into ONNX's (`order`: LSTM i, o, f, c from Keras's i, f, c, o) and transposed
 * to [gates·u, in] (`activations`: Keras's names of the cell's activations, in ONNX's order), GRU with linear_before_reset = 1 (Keras 3's resetAfter) or 0 (resetAfter false); goBackwards as
 * direction 'reverse', its output sequence put in Keras's processing order. A mask from a masking
 * layer becomes sequence_lens (the count of unmasked steps): exact where the padding is at the
 * end of each sequence, except that ONNX's sequence outputs are 0 at padded steps where Keras
 * repeats the last state.
 */
export function writeRecurrentOnnx(g: OnnxGraph, l: OnnxRecurrent, op: 'RNN' | 'LSTM' | 'GRU', order: number[], activations: string[], [x, ...init]: string[], output: string, more: string[], resetAfter = true): void {
  const acts = activations.map((a) => ONNX_ACT[a]);
  const [T, F] = l.inputShape!, u = l.units, G = order.length, gu = G * u;
  const [kernel, recurrent, bias] = g.weights(l);
  const blocks = (m: Float32Array, rows: number): Float32Array => { // [rows, G·u] Keras → [G·u, rows] ONNX
    const out = new Float32Array(gu * rows);
    order.forEach((kg, og) => { for (let j = 0; j < u; j++) for (let r = 0; r < rows; r++) out[(og * u + j) * rows + r] = m[r * gu + kg * u + j]; });
    return out;
  };
  const b = new Float32Array(2 * gu);
  if (bias) {
    b.set(blocks(bias.subarray(0, gu), 1), 0);
    if (op === 'GRU' && resetAfter) b.set(blocks(bias.subarray(gu), 1), gu);
  }
  const n = (s: string) => g.fresh(`${l.name}/${s}`);
  const lens = g.sequenceLengths.get(x);
  const xt = n('time_major'), y = n('Y'), yh = n('Y_h');
  g.node('Transpose', [x], xt, { perm: { ints: [1, 0, 2] } });
  const attrs: Record<string, OnnxAttr> = { hidden_size: { i: u }, activations: { strings: acts } };
  if (acts.includes('Affine')) { // linear: Affine(1, 0); the lists hold a value per activation that takes them, in order (onnxruntime)
    const takes = acts.filter((a) => a === 'Affine' || a === 'HardSigmoid');
    attrs.activation_alpha = { floats: takes.map((a) => (a === 'Affine' ? 1 : 0.2)) };
    attrs.activation_beta = { floats: takes.map((a) => (a === 'Affine' ? 0 : 0.5)) };
  }
  if (op === 'GRU') attrs.linear_before_reset = { i: resetAfter ? 1 : 0 }; // resetAfter false: Rb 0, the one bias in Wb
  if (l.goBackwards) attrs.direction = { s: 'reverse' };
  const ins = [xt, g.constant(`${l.name}/W`, blocks(kernel, F), [1, gu, F]), g.constant(`${l.name}/R`, blocks(recurrent, u), [1, gu, u]), g.constant(`${l.name}/B`, b, [1, 2 * gu])];
  ins.push(lens ?? '');
  // initial states [B, u] → [1, B, u] (initial_h, initial_c); the states returnState outputs from Y_h, Y_c
  init.forEach((s, i) => {
    const name = g.fresh(`${l.name}/initial_${i ? 'c' : 'h'}`);
    g.node('Unsqueeze', [s, g.constantInts(`${l.name}/state_axes`, [0])], name);
    ins.push(name);
  });
  while (ins[ins.length - 1] === '') ins.pop();
  const yc = n('Y_c');
  const outs = [l.returnSequences ? y : '', !l.returnSequences || more.length ? yh : '', more.length > 1 ? yc : ''];
  while (outs[outs.length - 1] === '') outs.pop();
  g.node(op, ins, outs, attrs);
  more.forEach((name, i) => g.node('Reshape', [i ? yc : yh, g.constantInts(`${l.name}/state_shape`, [-1, u])], name));
  if (l.returnSequences) { // Y [T, 1, B, u] → [B, T, u], in processing order
    let yo = y;
    if (l.goBackwards) {
      yo = n('Y_processing_order');
      g.node('Slice', [y, g.constantInts(`${l.name}/starts`, [-1]), g.constantInts(`${l.name}/ends`, [-T - 1]), g.constantInts(`${l.name}/axes`, [0]), g.constantInts(`${l.name}/steps`, [-1])], yo);
    }
    const yt = n('batch_major');
    g.node('Transpose', [yo], yt, { perm: { ints: [2, 0, 1, 3] } });
    g.node('Reshape', [yt, g.constantInts(`${l.name}/shape`, [-1, T, u])], output);
    if (lens) g.sequenceLengths.set(output, lens); // the mask travels on (Keras)
  } else g.node('Reshape', [yh, g.constantInts(`${l.name}/shape`, [-1, u])], output);
}

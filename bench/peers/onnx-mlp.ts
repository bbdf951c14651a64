// A dense MLP as an ONNX model, written by hand for the ONNX Runtime peers of the inference bench:
// Gemm (x·W + b) and Relu/Tanh per hidden layer, Gemm then Softmax (or nothing) at the end, with
// the weights as float initializers. A minimal protobuf writer: varints, length-delimited fields,
// and the few messages of onnx.proto3 that such a graph needs (ModelProto 7: graph, 8: opset;
// GraphProto 1: node, 5: initializer, 11: input, 12: output; NodeProto 1: input, 2: output,
// 4: op_type; TensorProto 1: dims, 2: data_type, 8: name, 9: raw_data; ValueInfoProto with a
// [batch, n] float tensor type whose batch dimension is symbolic).

const FLOAT = 1;

export class Writer {
  private readonly parts: number[] = [];
  varint(v: number): this {
    let x = BigInt.asUintN(64, BigInt(v)); // negative int64: ten bytes of two's complement
    do {
      let byte = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) byte |= 0x80;
      this.parts.push(byte);
    } while (x > 0n);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  int(field: number, v: number): this {
    return this.key(field, 0).varint(v);
  }
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  message(field: number, m: Writer): this {
    return this.bytes(field, m.finish());
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export function tensor(name: string, dims: number[], data: Float32Array): Writer {
  const t = new Writer();
  for (const d of dims) t.int(1, d);
  t.int(2, FLOAT).string(8, name);
  return t.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function valueInfo(name: string, width: number): Writer {
  const shape = new Writer()
    .message(1, new Writer().string(2, 'batch')) // dim_param: symbolic batch
    .message(1, new Writer().int(1, width)); //     dim_value
  const tensorType = new Writer().int(1, FLOAT).message(2, shape);
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType));
}

export function node(op: string, inputs: string[], outputs: string[], attrs: Writer[] = []): Writer {
  const n = new Writer();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(4, op);
  for (const a of attrs) n.message(5, a);
  return n;
}

export interface MlpSpec {
  /** Layer widths, input first. */
  units: number[];
  hidden: 'relu' | 'tanh';
  output: 'softmax' | 'linear';
  /** Per layer: kernel [in, out] row-major, then bias [out]. */
  weights: Float32Array[];
}

/** The serialized ModelProto (IR 8, opset 13); input 'x' [batch, units[0]], output 'y'. */
export function onnxMlp(spec: MlpSpec): Uint8Array {
  const g = new Writer();
  let h = 'x';
  const layers = spec.units.length - 1;
  for (let l = 0; l < layers; l++) {
    const [w, b] = [`w${l}`, `b${l}`];
    g.message(5, tensor(w, [spec.units[l], spec.units[l + 1]], spec.weights[2 * l]));
    g.message(5, tensor(b, [spec.units[l + 1]], spec.weights[2 * l + 1]));
    const z = `z${l}`;
    g.message(1, node('Gemm', [h, w, b], [z]));
    const last = l === layers - 1;
    const act = last ? (spec.output === 'softmax' ? 'Softmax' : undefined) : spec.hidden === 'relu' ? 'Relu' : 'Tanh';
    const out = last ? 'y' : `h${l}`;
    if (act) g.message(1, node(act, [z], [out], act === 'Softmax' ? [new Writer().string(1, 'axis').int(3, -1).int(20, 2)] : []));
    else g.message(1, node('Identity', [z], [out]));
    h = out;
  }
  g.string(2, 'mlp');
  g.message(11, valueInfo('x', spec.units[0]));
  g.message(12, valueInfo('y', spec.units[layers]));
  return new Writer().int(1, 8).string(2, 'lepton-bench').message(7, g).message(8, new Writer().string(1, '').int(2, 13)).finish();
}

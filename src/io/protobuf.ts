// A protocol-buffers writer, as much of it as ONNX needs: varints (int64 as two's complement),
// fixed32 floats, length-delimited strings, bytes and nested messages. Fields are written in the
// order the caller gives; nested messages are built first and then copied in.

const enum Wire {
  Varint = 0,
  Fixed32 = 5,
  Bytes = 2,
}

export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private rawVarint(v: bigint): void {
    this.reserve(10);
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
  }

  private tag(field: number, wire: Wire): void {
    this.rawVarint(BigInt((field << 3) | wire));
  }

  /** int32/int64/enum/bool field; negative values take ten bytes, as protobuf's int64 does. */
  int(field: number, v: number | bigint): this {
    this.tag(field, Wire.Varint);
    this.rawVarint(BigInt(v));
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, Wire.Fixed32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, Wire.Bytes);
    this.rawVarint(BigInt(b.length));
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const w = new ProtoWriter();
    build(w);
    return this.bytes(field, w.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 4);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) dv.setFloat32(i * 4, values[i], true);
    return this.bytes(field, b);
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly number[]): this {
    const w = new ProtoWriter();
    for (const v of values) w.rawVarint(BigInt(v));
    return this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

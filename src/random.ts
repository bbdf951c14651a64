// The seeded generator behind initialization, shuffling and dropout. Integer arithmetic only
// (xoshiro128**, seeded through splitmix32), so the stream is the same in every engine; the
// transcendentals of the normal transform run in wasm (f32_box_muller).

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new TypeError(`seed must be a finite number, got ${seed}`);
    let s = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next() | 0;
    this.b = next() | 0;
    this.c = next() | 0;
    this.d = next() | 1;
  }

  // The state is kept as int32 (rotl does not re-sign it with >>> 0): small integers in every
  // tier of the engine, where uint32 values above 2³¹ were heap numbers that the not yet optimized
  // code of a cold start allocated by the million (a 784-256-128-10 init spent 30 ms in rotl and
  // 30 ms in the garbage collector). Only the bits matter, so the stream is unchanged.

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return r;
  }

  /** out[i] = lo + (hi − lo)·uniform(), in order: the same numbers as a loop over uniform(). */
  fillUniform(out: Float32Array, lo: number, hi: number): void {
    let { a, b, c, d } = this;
    const span = hi - lo;
    for (let i = 0; i < out.length; i++) {
      const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
      const t = b << 9;
      c ^= a;
      d ^= b;
      b ^= c;
      a ^= d;
      c ^= t;
      d = rotl(d, 11);
      out[i] = lo + span * (r / 4294967296);
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** Uniform in [0, 1) with 32 bits of resolution; exact in float64 everywhere. */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  below(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    let r: number;
    do r = this.nextU32();
    while (r >= limit);
    return r % n;
  }

  /** Fills `out` with uniforms in (0, 1] rounded to float32 (24 bits), the input of Box–Muller. */
  fillOpenUniform(out: Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = ((this.nextU32() >>> 8) + 1) / 16777216;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle(a: Int32Array | Uint32Array | number[]): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.below(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The generator's four state words, to save with a model so that training resumes exactly. */
  getState(): [number, number, number, number] {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** Restores a state from getState(); xoshiro's all-zero state is the one it cannot leave. */
  setState(s: readonly number[]): void {
    if (s.length !== 4 || !s.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32) || s.every((v) => v === 0)) {
      throw new RangeError(`random state must be four 32-bit unsigned integers, not all zero, got [${s.join(', ')}]`);
    }
    [this.a, this.b, this.c, this.d] = s;
  }

  /** A child seed, so that independent consumers (init, shuffle, dropout) get their own streams. */
  fork(): Random {
    return new Random(this.nextU32());
  }
}

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k));

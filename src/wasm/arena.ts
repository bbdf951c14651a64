// The arena: every byte of the one WebAssembly.Memory that lepton uses is handed out here
// (DESIGN.md "Memory"). Blocks are 16-byte aligned and padded to 16 bytes, so kernels may use
// full-width loads and stores on them. Freed blocks go back to a first-fit free list that merges
// neighbours. Per-step scratch lives in a Scratch stack (mark/reset) whose capacity settles after
// the first step, so later steps allocate nothing.

export const ALIGN = 16;
const PAGE = 65536;

export class MemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryError';
  }
}

const alignUp = (n: number, a = ALIGN): number => Math.ceil(n / a) * a;

export class Arena {
  readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private top: number; // first byte never handed out
  private readonly free: { ptr: number; size: number }[] = []; // sorted by ptr
  private readonly sizes = new Map<number, number>(); // live block → padded size
  private inUse = 0;
  private f32View: Float32Array;
  private i32View: Int32Array;
  private u8View: Uint8Array;

  /** `base`: the first byte the arena may use (at or above the module's heap base). */
  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.base = alignUp(base, 64);
    this.top = this.base;
    this.f32View = new Float32Array(memory.buffer);
    this.i32View = new Int32Array(memory.buffer);
    this.u8View = new Uint8Array(memory.buffer);
  }

  /** Bytes held by live blocks (padding included): what leak tests compare. */
  used(): number {
    return this.inUse;
  }

  /** Bytes of linear memory currently reserved by the module. */
  capacity(): number {
    return this.memory.buffer.byteLength;
  }

  /** A zeroed block of at least `bytes` bytes, 16-byte aligned; returns its byte offset. */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) {
      throw new RangeError(`Arena.alloc expects a whole number of bytes ≥ 0, got ${bytes}`);
    }
    const size = Math.max(ALIGN, alignUp(bytes));
    let ptr = -1;
    for (let i = 0; i < this.free.length; i++) {
      const f = this.free[i];
      if (f.size >= size) {
        ptr = f.ptr;
        if (f.size === size) this.free.splice(i, 1);
        else { f.ptr += size; f.size -= size; }
        break;
      }
    }
    if (ptr < 0) {
      // Take the tail of the free list if it touches the top, then grow past it.
      const last = this.free[this.free.length - 1];
      if (last && last.ptr + last.size === this.top) {
        this.free.pop();
        this.top = last.ptr;
      }
      ptr = this.top;
      this.ensure(ptr + size);
      this.top = ptr + size;
    }
    this.sizes.set(ptr, size);
    this.inUse += size;
    this.u8().fill(0, ptr, ptr + size);
    return ptr;
  }

  /** Returns a block to the free list. Freeing an unknown pointer is an error. */
  release(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`Arena.release: ${ptr} is not a live block`);
    this.sizes.delete(ptr);
    this.inUse -= size;
    let i = 0;
    while (i < this.free.length && this.free[i].ptr < ptr) i++;
    this.free.splice(i, 0, { ptr, size });
    // Merge with the next and the previous neighbour.
    const cur = this.free[i];
    const next = this.free[i + 1];
    if (next && cur.ptr + cur.size === next.ptr) { cur.size += next.size; this.free.splice(i + 1, 1); }
    const prev = this.free[i - 1];
    if (prev && prev.ptr + prev.size === cur.ptr) { prev.size += cur.size; this.free.splice(i, 1); }
  }

  /** Float32 view of `n` floats at byte offset `ptr`; valid until memory next grows. */
  f32(ptr: number, n: number): Float32Array {
    return this.f32View.buffer === this.memory.buffer
      ? this.f32View.subarray(ptr >> 2, (ptr >> 2) + n)
      : this.rebuild().f32View.subarray(ptr >> 2, (ptr >> 2) + n);
  }

  i32(ptr: number, n: number): Int32Array {
    if (this.i32View.buffer !== this.memory.buffer) this.rebuild();
    return this.i32View.subarray(ptr >> 2, (ptr >> 2) + n);
  }

  /** The whole memory as floats (index = byte offset >> 2); valid until memory next grows. */
  f32All(): Float32Array {
    return this.f32View.buffer === this.memory.buffer ? this.f32View : this.rebuild().f32View;
  }

  i32All(): Int32Array {
    return this.i32View.buffer === this.memory.buffer ? this.i32View : this.rebuild().i32View;
  }

  /** Whether `view` is still the view f32(ptr, n) or i32(ptr, n) would make (same memory, place and length). */
  sameView(view: Float32Array | Int32Array, ptr: number, n: number): boolean {
    return view.buffer === this.memory.buffer && view.byteOffset === ptr && view.length === n;
  }

  u8(): Uint8Array {
    if (this.u8View.buffer !== this.memory.buffer) this.rebuild();
    return this.u8View;
  }

  private rebuild(): this {
    this.f32View = new Float32Array(this.memory.buffer);
    this.i32View = new Int32Array(this.memory.buffer);
    this.u8View = new Uint8Array(this.memory.buffer);
    return this;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow by at least half again, so a run of small allocations grows memory rarely.
    const need = Math.ceil((end - have) / PAGE);
    const pages = Math.max(need, Math.ceil(have / PAGE / 2));
    try {
      this.memory.grow(pages);
    } catch {
      try {
        this.memory.grow(need);
      } catch {
        throw new MemoryError(
          `lepton cannot grow its WebAssembly memory from ${mib(have)} to ${mib(have + need * PAGE)} ` +
            `(asked for a block ending at byte ${end}; ${mib(this.inUse)} in use). ` +
            `Use a smaller batch or model, or free models you no longer need.`,
        );
      }
    }
    this.rebuild();
  }
}

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

/**
 * A stack of per-step scratch on top of the arena: `alloc` bumps, `reset(mark)` pops. When a step
 * needs more than the current block, the rest goes into overflow blocks that `reset(0)` frees;
 * that same reset then regrows the main block to the high-water mark, so the second step and
 * every one after it allocate nothing from the arena.
 */
export class Scratch {
  private readonly arena: Arena;
  private block = 0;
  private cap = 0;
  private offset = 0;
  private high = 0;
  private overflow: number[] = [];

  constructor(arena: Arena) {
    this.arena = arena;
  }

  mark(): number {
    return this.offset;
  }

  /** A zeroed block, as the arena gives: kernels that accumulate may rely on it. */
  alloc(bytes: number): number {
    const ptr = this.take(bytes);
    this.arena.u8().fill(0, ptr, ptr + Math.max(ALIGN, alignUp(bytes)));
    return ptr;
  }

  /**
   * A block with whatever the last step left in it: for outputs a kernel overwrites whole (gemm
   * C, packing workspaces, loss gradients). Zeroing them cost a tenth of a Fashion-MNIST step.
   */
  take(bytes: number): number {
    const size = Math.max(ALIGN, alignUp(bytes));
    const start = this.offset;
    this.offset += size;
    if (this.offset > this.high) this.high = this.offset;
    if (this.offset <= this.cap) return this.block + start;
    const ptr = this.arena.alloc(size);
    this.overflow.push(ptr);
    return ptr;
  }

  reset(mark = 0): void {
    this.offset = mark;
    if (mark !== 0) return;
    if (this.overflow.length) {
      for (const p of this.overflow) this.arena.release(p);
      this.overflow.length = 0;
    }
    if (this.high > this.cap) {
      if (this.block) this.arena.release(this.block);
      this.block = this.arena.alloc(this.high);
      this.cap = this.high;
    }
  }

  /** Returns every byte to the arena. */
  dispose(): void {
    this.reset(0);
    if (this.block) this.arena.release(this.block);
    this.block = 0;
    this.cap = 0;
    this.high = 0;
  }
}

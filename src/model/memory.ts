// A model's memory in the arena: the parameter slab and its gradient slab (one pair per model that
// placed weights; a model that reuses another's layers trains them where they live), the optimizer
// state slabs of the same layout, the step's scratch, and blocks it owns (the batch region). The
// optimizer sees "groups": per slab, the contiguous runs of the weights this model trains.

import { isModel } from '../graph.js';
import { noteWeightWrite, type Layer, type Slab, type Weight } from '../layers/layer.js';
import type { Group, Segment } from '../optimizers/index.js';
import type { Random } from '../random.js';
import { Scratch } from '../wasm/arena.js';
import type { Runtime } from '../wasm/runtime.js';

/** A slab pair this model trains, with its optimizer state in the same layout. */
interface SlabGroup {
  slab: Slab;
  state: number[];
  segments: Segment[];
  /** The trained segments' parameters before the last update (0 until the first training step). */
  backup: number;
}

interface Held {
  rt: Runtime;
  blocks: number[];
  scratch: Scratch;
}

const free = ({ rt, blocks, scratch }: Held): void => {
  scratch.dispose();
  for (const b of blocks) rt.arena.release(b);
  blocks.length = 0;
};

// Memory of collected models goes back to the arena, so users need not dispose. Where the engine has
// no FinalizationRegistry (workerd before its 2025 compatibility dates, older engines) nothing is
// reclaimed on collection: the memory goes with the isolate, and model.dispose() frees it at once.
const reclaim = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Held>(free) : undefined;

/** Whether a collected model's memory returns to the arena by itself (a FinalizationRegistry exists). */
export const reclaimsOnCollection = reclaim !== undefined;

/**
 * The layers a model trains, by the `trainable` flags now (compile captures them): trainable
 * layers; a model used as a layer contributes its layers only while its own `trainable` is set
 * (freeze a GAN's discriminator inside the combined model, train it through its own model).
 */
export function trainedLayers(layers: readonly Layer[]): Layer[] {
  const out: Layer[] = [];
  const walk = (ls: readonly Layer[], on: boolean): void => {
    for (const l of ls) {
      if (isModel(l)) walk(l.layers, on && l.trainable);
      else if (on && l.trainable && !out.includes(l)) out.push(l);
    }
  };
  walk(layers, true);
  return out;
}

/** The trainable weights of these layers (moving statistics are not), each once. */
export function weightsOf(layers: readonly Layer[]): Weight[] {
  const out: Weight[] = [];
  for (const l of layers) for (const w of l.weights) if (w.trainable && !out.includes(w)) out.push(w);
  return out;
}

/** Every layer inside these, nested models opened (a model is listed before its layers). */
export function allLayers(layers: readonly Layer[]): Layer[] {
  return layers.flatMap((l) => (isModel(l) ? [l, ...allLayers(l.layers)] : [l]));
}

export class ModelMemory {
  readonly rt: Runtime;
  readonly scratch: Scratch;
  /** What a step updates, fixed by updateSegments() before each fit or trainOnBatch. */
  trained: Weight[] = [];
  /** The optimizer's view of the groups (rebuilt by updateSegments). */
  groupList: Group[] = [];
  private readonly blocks: number[] = [];
  private readonly groups: SlabGroup[] = [];
  /** The slabs this memory placed (their weights point into its blocks). */
  private readonly placed: Slab[] = [];
  private readonly owner: object;
  /** Set by dispose(): the name of the model disposed. */
  disposed?: string;

  /** `owner`: the model whose collection gives this memory back. */
  constructor(rt: Runtime, owner: object) {
    this.rt = rt;
    this.scratch = new Scratch(rt.arena);
    this.owner = owner;
    reclaim?.register(owner, { rt, blocks: this.blocks, scratch: this.scratch }, owner);
  }

  /**
   * Gives every block back to the arena now (Model.dispose). The weights this memory placed are
   * marked, so that a model still holding one of its layers fails with a clear error, not garbage.
   */
  dispose(modelName: string): void {
    if (this.disposed) return;
    reclaim?.unregister(this.owner);
    free({ rt: this.rt, blocks: this.blocks, scratch: this.scratch });
    for (const s of this.placed) s.disposedBy = modelName;
    for (const g of this.groups) {
      g.state = [];
      g.backup = 0;
    }
    this.disposed = modelName;
  }

  own(bytes: number): number {
    const p = this.rt.arena.alloc(bytes);
    this.blocks.push(p);
    return p;
  }

  release(ptr: number): void {
    this.rt.arena.release(ptr);
    this.blocks.splice(this.blocks.indexOf(ptr), 1);
  }

  /** Weights not yet placed by another model go into a new slab of this model, 16-byte aligned each. */
  placeWeights(weights: readonly Weight[], rng: Random): void {
    const fresh = weights.filter((w) => w.ptr === 0);
    if (!fresh.length) return;
    let floats = 0;
    const offsets = fresh.map((w) => {
      const o = floats;
      floats += Math.ceil(w.size / 4) * 4;
      return o;
    });
    const slab: Slab = { params: this.own(floats * 4), grads: this.own(floats * 4), floats };
    this.placed.push(slab);
    fresh.forEach((w, i) => {
      w.ptr = slab.params + offsets[i] * 4;
      w.gradPtr = slab.grads + offsets[i] * 4;
      w.slab = slab;
      const values = new Float32Array(w.size);
      w.initializer.fill(values, w.shape, rng);
      this.rt.arena.f32(w.ptr, w.size).set(values);
    });
  }

  /** Contiguous runs of the trained weights per slab: one optimizer call each. */
  updateSegments(weights: readonly Weight[], trained: Weight[]): void {
    this.trained = trained;
    for (const w of weights) {
      if (!this.groups.some((g) => g.slab === w.slab)) this.groups.push({ slab: w.slab!, state: [], segments: [], backup: 0 });
    }
    for (const g of this.groups) {
      const segs: Segment[] = [];
      for (const w of trained) {
        if (w.slab !== g.slab) continue;
        const offset = w.ptr - g.slab.params;
        const size = Math.ceil(w.size / 4) * 4;
        const last = segs[segs.length - 1];
        if (last && last.offset + last.size * 4 === offset) last.size += size;
        else segs.push({ offset, size });
      }
      // Other segments than the last snapshot copied: that copy may no longer be restored.
      if (segs.length !== g.segments.length || segs.some((s, i) => s.offset !== g.segments[i].offset || s.size !== g.segments[i].size)) noteWeightWrite();
      g.segments = segs;
    }
    this.groupList = this.groups.map((g) => ({ slabs: { params: g.slab.params, grads: g.slab.grads, state: g.state }, segments: g.segments }));
  }

  /** Grows every group's optimizer state to `slots` slabs (zeroed by the arena). */
  ensureState(slots: number): void {
    for (const g of this.groups) while (g.state.length < slots) g.state.push(this.own(g.slab.floats * 4));
  }

  /** Gives every group its parameter backup (ModelMemory.snapshot), once. */
  ensureBackup(): void {
    for (const g of this.groups) if (!g.backup) g.backup = this.own(g.slab.floats * 4);
  }

  /**
   * Copies the trained parameters aside before an update, so that a step whose loss then comes out
   * non-finite can return to the weights that gave the last finite loss (restore). One copy per
   * step of the trained segments: what it costs is in bench/rollback.bench.ts.
   */
  snapshot(): void {
    const k = this.rt.kernels;
    for (let i = 0; i < this.groups.length; i++) {
      const g = this.groups[i];
      for (let j = 0; j < g.segments.length; j++) {
        const s = g.segments[j];
        k.f32_copy(g.slab.params + s.offset, g.backup + s.offset, s.size);
      }
    }
  }

  /** The trained parameters as the last snapshot() found them. */
  restore(): void {
    const k = this.rt.kernels;
    for (let i = 0; i < this.groups.length; i++) {
      const g = this.groups[i];
      for (let j = 0; j < g.segments.length; j++) {
        const s = g.segments[j];
        k.f32_copy(g.backup + s.offset, g.slab.params + s.offset, s.size);
      }
    }
  }

  /** Drops the optimizer state (a new optimizer starts from zeros). */
  releaseState(): void {
    for (const g of this.groups) {
      for (const s of g.state) this.release(s);
      g.state = [];
    }
  }

  /** Where optimizer slot `s` of weight `w` lives: the state slab of w's group, at w's offset (0: none). */
  statePtr(w: Weight, s: number): number {
    const g = this.groups.find((gr) => gr.slab === w.slab);
    return g && s < g.state.length ? g.state[s] + (w.ptr - w.slab!.params) : 0;
  }

  zeroGrads(): void {
    for (const g of this.groups) this.rt.arena.f32(g.slab.grads, g.slab.floats).fill(0);
  }

  /** Σ‖grad‖² over the trained segments: finite unless some gradient is not. */
  gradSumSq(): number {
    const k = this.rt.kernels;
    let sq = 0;
    for (let i = 0; i < this.groups.length; i++) {
      const g = this.groups[i];
      for (let j = 0; j < g.segments.length; j++) sq += k.f32_sumsq(g.slab.grads + g.segments[j].offset, g.segments[j].size);
    }
    return sq;
  }
}

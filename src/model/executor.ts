// Running a model's graph: the nodes in topological order, each tensor an index into one value
// list; forward calls every node on its inputs' values, backward walks the nodes in reverse and
// routes each gradient to the tensors the node read, summing where a tensor has several consumers.
// Nothing here allocates per step: the argument lists and the per-run state are made once.

import { topoSort, type Node, type SymbolicTensor } from '../graph.js';
import { stepBuf, type Buf, type Ctx } from '../layers/layer.js';

/** The values and gradients of one run of the graph, and what each node kept for its backward. */
export interface GraphState {
  vals: (Buf | null)[];
  grads: (Buf | null)[];
  saved: Record<string, unknown>[];
  /** What runBackward returns: the gradient of each model input (null where none was asked for). */
  dxs: (Buf | null)[];
}

export class GraphExecutor {
  readonly nodes: Node[];
  /** Per node: the indices of its input tensors and of its output tensor. */
  readonly nodeIn: number[][];
  readonly nodeOut: number[];
  /** Per node: the indices of its outputs after the first (a recurrent layer's returnState states). */
  readonly nodeMore: number[][];
  /** Per output of the model: its tensor's index. */
  readonly outIndex: number[];
  /** Per tensor: whether some node reads it. */
  readonly consumed: boolean[];
  private readonly inputCount: number;
  private readonly tensorCount: number;
  private readonly nodeArgs: Buf[][];
  private readonly needCache = new Map<string, boolean[][]>();
  /** needDx's answers by the identity of the array asked about (a step asks with the same arrays every time). */
  private readonly needByArray = new WeakMap<boolean[], boolean[][]>();

  constructor(name: string, inputs: SymbolicTensor[], outputs: SymbolicTensor[]) {
    if (new Set(inputs).size !== inputs.length) throw new Error(`${name}: an input is listed twice`);
    this.nodes = topoSort(name, inputs, outputs);
    const tensorIndex = new Map<SymbolicTensor, number>();
    const index = (t: SymbolicTensor) => {
      if (!tensorIndex.has(t)) tensorIndex.set(t, tensorIndex.size);
      return tensorIndex.get(t)!;
    };
    inputs.forEach(index);
    this.nodeIn = this.nodes.map((n) => n.inputs.map(index));
    this.nodeOut = this.nodes.map((n) => index(n.output));
    this.nodeMore = this.nodes.map((n) => (n.outputs ?? []).slice(1).map(index));
    this.nodeArgs = this.nodes.map((n) => n.inputs.map(() => ({ ptr: 0, rows: 0, cols: 0 })));
    this.outIndex = outputs.map(index);
    this.inputCount = inputs.length;
    this.tensorCount = tensorIndex.size;
    this.consumed = new Array(this.tensorCount).fill(false);
    for (const ins of this.nodeIn) for (const t of ins) this.consumed[t] = true;
  }

  newState(): GraphState {
    const n = this.tensorCount;
    return { vals: new Array(n).fill(null), grads: new Array(n).fill(null), saved: this.nodes.map(() => ({})), dxs: new Array(this.inputCount).fill(null) };
  }

  /** Runs every node; with `logits`, flagged nodes stop before their softmax/sigmoid (fused loss). */
  runForward(st: GraphState, xs: Buf[], ctx: Ctx, logits: boolean[] | null): void {
    for (let i = 0; i < this.inputCount; i++) st.vals[i] = xs[i];
    for (let n = 0; n < this.nodes.length; n++) {
      const ins = this.nodeIn[n], args = this.nodeArgs[n];
      for (let j = 0; j < ins.length; j++) args[j] = st.vals[ins[j]]!;
      ctx.saved = st.saved[n];
      const layer = this.nodes[n].layer, y = layer.call(args, ctx, logits ? logits[n] : false);
      if (!y.mask && args.length === 1 && args[0].mask && layer.passesMask) y.mask = args[0].mask; // Keras: the mask travels on
      st.vals[this.nodeOut[n]] = y;
      const more = this.nodeMore[n];
      for (let j = 0; j < more.length; j++) st.vals[more[j]] = (ctx.saved.outs as Buf[])[j];
    }
  }

  /** Output o's value after runForward. */
  output(st: GraphState, o: number): Buf {
    return st.vals[this.outIndex[o]]!;
  }

  /** Which node inputs need a gradient, given which model inputs do. */
  private needDx(needInput: boolean[]): boolean[][] {
    let need = this.needByArray.get(needInput);
    if (need) return need;
    const key = needInput.map(Number).join('');
    need = this.needCache.get(key);
    if (!need) {
      need = this.nodeIn.map((ins) => ins.map((t) => (t < this.inputCount ? needInput[t] : true)));
      this.needCache.set(key, need);
    }
    this.needByArray.set(needInput, need);
    return need;
  }

  /**
   * Reverse topological order. Each tensor's gradient is the sum over its consumers: the first
   * contribution is kept as is, later ones are added. A layer's first backward this pass writes its
   * weight gradients, later calls of the same (shared) layer accumulate (ctx.pass).
   */
  runBackward(st: GraphState, ctx: Ctx, dOut: Buf[], needInput: boolean[], logits: boolean[] | null): (Buf | null)[] {
    const d = st.grads;
    d.fill(null);
    for (let o = 0; o < dOut.length; o++) this.addGrad(d, this.outIndex[o], dOut[o], ctx);
    const need = this.needDx(needInput);
    for (let n = this.nodes.length - 1; n >= 0; n--) {
      const dy = d[this.nodeOut[n]], more = this.nodeMore[n];
      let live = dy !== null;
      for (let j = 0; j < more.length; j++) live ||= d[more[j]] !== null;
      if (!live) continue;
      d[this.nodeOut[n]] = null;
      const layer = this.nodes[n].layer;
      ctx.saved = st.saved[n];
      if (more.length) { // the other outputs' gradients, null where none (the layer's own array, made once)
        const douts = (ctx.saved.douts ??= new Array(more.length)) as (Buf | null)[];
        for (let j = 0; j < more.length; j++) { douts[j] = d[more[j]]; d[more[j]] = null; }
      }
      const dxs = layer.callBackward(dy!, ctx, need[n], layer.backwardPass === ctx.pass, logits ? logits[n] : false);
      layer.backwardPass = ctx.pass;
      const ins = this.nodeIn[n];
      for (let j = 0; j < ins.length; j++) if (dxs[j]) this.addGrad(d, ins[j], dxs[j]!, ctx);
    }
    for (let i = 0; i < this.inputCount; i++) st.dxs[i] = d[i];
    return st.dxs;
  }

  private addGrad(d: (Buf | null)[], t: number, dx: Buf, ctx: Ctx): void {
    const cur = d[t];
    if (cur) {
      ctx.k.f32_axpy(cur.rows * cur.cols, 1, dx.ptr, cur.ptr);
      return;
    }
    // A buffer already holding another tensor's gradient would be overwritten in place later.
    let held = false;
    for (let i = 0; i < d.length && !held; i++) held = d[i] !== null && d[i]!.ptr === dx.ptr;
    if (held) {
      const c = stepBuf(ctx, ctx.scratch.alloc(dx.rows * dx.cols * 4), dx.rows, dx.cols);
      ctx.k.f32_copy(dx.ptr, c.ptr, dx.rows * dx.cols);
      d[t] = c;
    } else d[t] = dx;
  }
}

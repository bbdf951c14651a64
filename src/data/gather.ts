// Gathering a batch's rows from host arrays into the arena's batch region: the hot copy of every
// training step (DESIGN.md "Data flows one way"). The dataset stays where it is; nothing is
// allocated per batch.
//
// Measured for 128 rows × 784 floats (bench/data.bench.ts): an element-by-element JS loop 240 µs,
// f32_gather_rows 66 µs (but it needs the dataset inside wasm memory, i.e. a copy of it), and
// `dst.set(rowView)` 70 µs. `set` is a memcpy per row; its views are made once per array and
// kept, so a step allocates nothing. Below ~48 floats per row the per-call cost of `set` loses to
// the loop (32 floats: loop 28 µs, views 48 µs), and a view (~100 bytes) would weigh more than
// its row, so short rows keep the loop.

const ROW_VIEW_MIN_COLS = 64;

// One view per row of each large host array, made on its first gather.
const rowViews = new WeakMap<Float32Array, { cols: number; views: Float32Array[] }>();

function viewsOf(src: Float32Array, cols: number): Float32Array[] {
  let v = rowViews.get(src);
  if (!v || v.cols !== cols) {
    const n = Math.floor(src.length / cols);
    const views = new Array<Float32Array>(n);
    for (let i = 0; i < n; i++) views[i] = src.subarray(i * cols, (i + 1) * cols);
    v = { cols, views };
    rowViews.set(src, v);
  }
  return v.views;
}

/** dst[dstOffset + r·cols ..] = src[idx[start + r], :] for r < rows; rows of `cols` floats. */
export function gatherRows(src: Float32Array, idx: Int32Array, start: number, rows: number, cols: number, dst: Float32Array, dstOffset = 0): void {
  if (cols >= ROW_VIEW_MIN_COLS) {
    const views = viewsOf(src, cols);
    for (let r = 0; r < rows; r++) dst.set(views[idx[start + r]], dstOffset + r * cols);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = idx[start + r] * cols, o = dstOffset + r * cols;
    for (let j = 0; j < cols; j++) dst[o + j] = src[s + j];
  }
}

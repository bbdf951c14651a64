// @ts-check
// The playground page: controls, the loss plot (SVG) and the fit or decision boundary (canvas).
// All training happens in worker.js; this thread only draws what the worker posts.
import { examples } from './data.js';

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));
const form = $('controls'), status = $('status');
/** @type {Worker} */ let worker;

/** @type {number[]} */ let losses = [];
/** @type {any} */ let data; // the example's points, as the worker made them
/** @type {any} */ let lastGrid;
let exampleName = 'x2';
let run = 0; // the Train press whose messages count

for (const [key, ex] of Object.entries(examples)) form.example.add(new Option(ex.title, key));
const applyDefaults = () => {
  const d = examples[/** @type {keyof typeof examples} */ (form.example.value)].defaults;
  for (const [k, v] of Object.entries(d)) form[k].value = v;
};
form.example.addEventListener('change', applyDefaults);
applyDefaults();

const say = (/** @type {string} */ text, error = false) => {
  status.textContent = text;
  status.classList.toggle('error', error);
};

form.addEventListener('submit', (/** @type {Event} */ e) => {
  e.preventDefault();
  exampleName = form.example.value;
  const config = {
    hidden: form.hidden.value, activation: form.activation.value, batchNorm: form.batchNorm.checked,
    optimizer: form.optimizer.value, learningRate: Number(form.learningRate.value), batchSize: Number(form.batchSize.value),
    seed: Number(form.seed.value) || 0,
  };
  losses = [];
  lastGrid = undefined;
  drawLoss();
  $('stop').disabled = false;
  say(`training ${examples[/** @type {keyof typeof examples} */ (exampleName)].title}…`);
  worker.postMessage({ type: 'train', run: ++run, example: exampleName, config });
});
$('stop').addEventListener('click', () => worker.postMessage({ type: 'stop' }));
$('export').addEventListener('click', () => worker.postMessage({ type: 'export' }));

/** A fresh trainer; `fast` selects the relaxed-SIMD build, which a running worker cannot switch to. */
function startWorker(/** @type {boolean} */ fast) {
  worker?.terminate();
  worker = new Worker(new URL(fast ? './worker.js?fast' : './worker.js', import.meta.url), { type: 'module' });
  worker.onerror = (e) => say(`worker failed: ${e.message}`, true);
  worker.onmessage = onMessage;
  $('build').textContent = 'loading…';
  $('stop').disabled = true;
  run++;
}
form.fast.addEventListener('change', () => startWorker(form.fast.checked));

function onMessage(/** @type {MessageEvent} */ e) {
  const m = e.data;
  if (m.run !== undefined && m.run !== run) return; // from a run that was replaced
  if (m.type === 'ready') {
    $('build').textContent = m.build === 'simd' ? 'simd (plain, deterministic)' : 'relaxed-simd (fast)';
    if (m.fallbackReason) say(`relaxed SIMD is not available here: ${m.fallbackReason}`);
    $('threads').textContent = String(m.threads);
    $('threads').title = m.threadsReason ?? '';
    $('parallel-jobs').textContent = '0';
    $('isolated').textContent = String(window.crossOriginIsolated && m.crossOriginIsolated);
    if (!m.fallbackReason) say('ready: pick an example and press Train');
  } else if (m.type === 'data') {
    data = m;
    $('fit-caption').textContent = m.kind === 'binary' ? 'decision boundary: p(class 1) over the plane' : 'fitted curve over the data';
    $('accuracy-wrap').hidden = m.kind !== 'binary';
  } else if (m.type === 'progress') {
    losses.push(...m.losses);
    lastGrid = m.grid;
    $('epoch').textContent = String(m.epoch);
    $('loss-value').textContent = m.loss.toPrecision(4);
    if (m.accuracy !== undefined) $('accuracy').textContent = m.accuracy.toFixed(3);
    $('rate').textContent = Math.round(m.samplesPerSecond).toLocaleString('en');
    $('parallel-jobs').textContent = m.parallelJobs.toLocaleString('en');
    $('export').disabled = false;
    drawLoss();
    drawFit();
  } else if (m.type === 'done') {
    $('stop').disabled = true;
    say(`${m.reason} after ${m.epoch} epochs`);
  } else if (m.type === 'weights') {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([m.json], { type: 'application/json' }));
    a.download = `lepton-${exampleName}-weights.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  } else if (m.type === 'error') {
    $('stop').disabled = true;
    say(m.message, true);
  }
}
startWorker(false);

// ---- the loss plot: one polyline, log–log (training is fast: most of the fall is in the first
// epochs), at most MAX_POINTS points ------------------------------------------------------------

const W = 440, H = 240, LEFT = 44, RIGHT = 8, TOP = 8, BOTTOM = 22, MAX_POINTS = 600;

function drawLoss() {
  const line = $('loss-line'), grid = $('loss-grid');
  grid.replaceChildren();
  if (losses.length === 0) {
    line.setAttribute('points', '');
    line.dataset.losses = '';
    return;
  }
  // Epochs evenly spaced in log(epoch), always with the first and the last.
  const n = losses.length;
  const idx = [0];
  for (let k = 1; k < MAX_POINTS; k++) {
    const i = Math.round(n ** (k / (MAX_POINTS - 1))) - 1;
    if (i > idx[idx.length - 1] && i < n) idx.push(i);
  }
  if (idx[idx.length - 1] !== n - 1) idx.push(n - 1);
  const vals = idx.map((i) => Math.max(losses[i], 1e-12));
  const lo = Math.floor(Math.log10(Math.min(...vals))), hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...vals))));
  const px = (/** @type {number} */ i) => LEFT + ((W - LEFT - RIGHT) * Math.log(i + 1)) / Math.max(Math.log(n), 1e-9);
  const py = (/** @type {number} */ v) => TOP + ((H - TOP - BOTTOM) * (hi - Math.log10(v))) / (hi - lo);
  const svg = (/** @type {string} */ tag, /** @type {Record<string, any>} */ attrs, text = '') => {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    el.textContent = text;
    grid.append(el);
  };
  for (let d = lo; d <= hi; d++) {
    svg('line', { x1: LEFT, x2: W - RIGHT, y1: py(10 ** d), y2: py(10 ** d) });
    svg('text', { x: 4, y: py(10 ** d) + 3 }, `1e${d}`);
  }
  for (let e = 1; e <= n; e *= 10) {
    svg('line', { x1: px(e - 1), x2: px(e - 1), y1: TOP, y2: H - BOTTOM });
    if (px(e - 1) < W - RIGHT - 36) svg('text', { x: px(e - 1) + 2, y: H - 6 }, e === 1 ? 'epoch 1' : String(e));
  }
  line.setAttribute('points', idx.map((i, k) => `${px(i).toFixed(1)},${py(vals[k]).toFixed(1)}`).join(' '));
  // The plotted values themselves, for whoever reads the page (tests do).
  line.dataset.epochs = idx.map((i) => i + 1).join(',');
  line.dataset.losses = vals.map((v) => v.toPrecision(6)).join(',');
}

// ---- the fit: a curve over the data, or p(class 1) over the plane -----------------------------

const canvas = $('fit'), ctx = canvas.getContext('2d');
const S = canvas.width, R = 1.2; // the canvas shows [−R, R] on x (and on x₁ for 2-D data)

function drawFit() {
  if (!data || !lastGrid) return;
  ctx.clearRect(0, 0, S, S);
  if (data.inputs === 1) drawCurve();
  else drawBoundary();
}

function drawCurve() {
  const yLo = Math.min(...data.y) - 0.2, yHi = Math.max(...data.y) + 0.2;
  const cx = (/** @type {number} */ x) => ((x + R) / (2 * R)) * S;
  const cy = (/** @type {number} */ y) => S - ((y - yLo) / (yHi - yLo)) * S;
  ctx.strokeStyle = '#eef0f4';
  ctx.beginPath();
  ctx.moveTo(0, cy(0)); ctx.lineTo(S, cy(0)); ctx.moveTo(cx(0), 0); ctx.lineTo(cx(0), S);
  ctx.stroke();
  ctx.fillStyle = 'rgba(29, 35, 48, 0.35)';
  for (let i = 0; i < data.x.length; i++) {
    ctx.beginPath();
    ctx.arc(cx(data.x[i]), cy(data.y[i]), 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
  ctx.strokeStyle = '#2f6fde';
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  for (let i = 0; i < lastGrid.x.length; i++) {
    const y = Math.min(Math.max(lastGrid.y[i], yLo - 10), yHi + 10);
    if (i === 0) ctx.moveTo(cx(lastGrid.x[i]), cy(y));
    else ctx.lineTo(cx(lastGrid.x[i]), cy(y));
  }
  ctx.stroke();
  ctx.lineWidth = 1;
}

const tile = document.createElement('canvas');

/** p ↦ colour: orange for class 0, white at 0.5, blue for class 1. */
function colour(/** @type {number} */ p) {
  const t = Math.min(Math.max(p, 0), 1);
  const [a, b] = t < 0.5 ? [[232, 119, 46], [255, 255, 255]] : [[255, 255, 255], [47, 111, 222]];
  const s = t < 0.5 ? t * 2 : t * 2 - 1;
  return a.map((v, i) => Math.round(v + (b[i] - v) * s));
}

function drawBoundary() {
  const side = lastGrid.side;
  tile.width = tile.height = side;
  const tctx = /** @type {CanvasRenderingContext2D} */ (tile.getContext('2d'));
  const img = tctx.createImageData(side, side);
  for (let k = 0; k < side * side; k++) {
    const [r, g, b] = colour(lastGrid.y[k]);
    img.data.set([r, g, b, 150], 4 * k);
  }
  tctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(tile, 0, 0, S, S);
  const c = (/** @type {number} */ v) => ((v + R) / (2 * R)) * S;
  for (let i = 0; i < data.y.length; i++) {
    ctx.beginPath();
    ctx.arc(c(data.x[2 * i]), S - c(data.x[2 * i + 1]), 3.5, 0, 2 * Math.PI);
    ctx.fillStyle = data.y[i] > 0.5 ? '#2f6fde' : '#e8772e';
    ctx.fill();
    ctx.strokeStyle = '#fff';
    ctx.stroke();
  }
}

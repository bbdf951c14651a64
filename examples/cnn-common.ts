// Pieces the convolutional examples share (lenet, resolution, conv-autoencoders): Fashion-MNIST as
// [n, 28, 28, 1] images (optionally the first n of each split, for reduced budgets), 2×2 average
// pooling of the images, per-class accuracy with binomial errors, and the pictures of filters.
import { fashionMnist } from '../src/data/idx.js';
import type { Tensor } from '../src/index.js';

export const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export interface ImageData {
  xTrain: Tensor; yTrain: Tensor; xTest: Tensor; yTest: Tensor;
  /** Class ids of the test images. */
  testIds: Int32Array;
}

/** Fashion-MNIST as images [n, 28, 28, 1]: the first `trainSize` training and `testSize` test items. */
export async function fashionImages(trainSize = 60000, testSize = 10000): Promise<ImageData> {
  const d = await fashionMnist(); // a clear error naming the apt package when it is missing
  const nTr = Math.min(trainSize, d.yTrain.length), nTe = Math.min(testSize, d.yTest.length);
  return {
    xTrain: { data: d.xTrain.data.subarray(0, nTr * 784), shape: [nTr, 28, 28, 1] },
    yTrain: { data: Float32Array.from(d.yTrain.subarray(0, nTr)), shape: [nTr] },
    xTest: { data: d.xTest.data.subarray(0, nTe * 784), shape: [nTe, 28, 28, 1] },
    yTest: { data: Float32Array.from(d.yTest.subarray(0, nTe)), shape: [nTe] },
    testIds: d.yTest.subarray(0, nTe),
  };
}

/** 2×2 average pooling of single-channel images [n, h, w, 1] (h, w even): the low-resolution copy. */
export function averagePool2(x: Tensor): Tensor {
  const [n, h, w] = x.shape;
  const oh = h / 2, ow = w / 2, out = new Float32Array(n * oh * ow), s = x.data;
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++) {
        const a = i * h * w + 2 * r * w + 2 * c;
        out[i * oh * ow + r * ow + c] = (s[a] + s[a + 1] + s[a + w] + s[a + w + 1]) / 4;
      }
    }
  }
  return { data: out, shape: [n, oh, ow, 1] };
}

/** Index of the largest of each row of `k` probabilities. */
export function argmaxRows(p: ArrayLike<number>, k: number): Int32Array {
  const n = p.length / k, out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

export interface ClassAccuracy {
  name: string;
  n: number;
  correct: number;
  /** k/N */
  accuracy: number;
  /** √(ε(1 − ε)/N), the binomial error the seeds' tables quote. */
  error: number;
}

/** Per-class accuracy ε = k/N with its binomial error, and the overall one. */
export function classAccuracies(trueIds: ArrayLike<number>, predIds: ArrayLike<number>, names = CLASSES): { perClass: ClassAccuracy[]; overall: ClassAccuracy } {
  const n = names.map(() => 0), k = names.map(() => 0);
  for (let i = 0; i < trueIds.length; i++) {
    n[trueIds[i]]++;
    if (predIds[i] === trueIds[i]) k[trueIds[i]]++;
  }
  const acc = (name: string, nn: number, kk: number): ClassAccuracy => {
    const e = nn ? kk / nn : 0;
    return { name, n: nn, correct: kk, accuracy: e, error: nn ? Math.sqrt((e * (1 - e)) / nn) : 0 };
  };
  const total = n.reduce((a, b) => a + b, 0), right = k.reduce((a, b) => a + b, 0);
  return { perClass: names.map((c, j) => acc(c, n[j], k[j])), overall: acc('all', total, right) };
}

/** "84.8 ± 0.6" (percent, one decimal), the seeds' table format. */
export const pct = (a: ClassAccuracy): string => `${(100 * a.accuracy).toFixed(1)} ± ${(100 * a.error).toFixed(1)}`;

/** The filters of a conv2d kernel [kh, kw, in, filters] for input channel `ch`, one image each. */
export function kernelImages(kernel: Tensor, ch = 0): { data: Float32Array; title: string }[] {
  const [kh, kw, cin, f] = kernel.shape;
  return Array.from({ length: f }, (_, j) => {
    const img = new Float32Array(kh * kw);
    for (let r = 0; r < kh; r++) for (let c = 0; c < kw; c++) img[r * kw + c] = kernel.data[((r * kw + c) * cin + ch) * f + j];
    return { data: img, title: `${j}` };
  });
}

/** The channels of one channels-last feature map [1, h, w, c] (or item `i` of a batch), one image each. */
export function featureMapImages(t: Tensor, i = 0, max = 64): { data: Float32Array; title: string }[] {
  const [, h, w, c] = t.shape;
  const base = i * h * w * c;
  return Array.from({ length: Math.min(c, max) }, (_, j) => {
    const img = new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) img[p] = t.data[base + p * c + j];
    return { data: img, title: `${j}` };
  });
}

/** Mean squared difference of two equal-length arrays. */
export function mse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/** The first test image of each class: their indices, class 0 to 9. */
export function onePerClass(ids: ArrayLike<number>, classes = 10): number[] {
  const out: number[] = [];
  for (let c = 0; c < classes; c++) {
    for (let i = 0; i < ids.length; i++) if (ids[i] === c) { out.push(i); break; }
  }
  return out;
}

/** Reads `--name N` from the command line of a plain script. */
export const argNumber = (name: string): number | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) || undefined : undefined;
};

/** A table as SVG (header row, then rows of cells), the seeds' layout: row labels left, one column a class. */
export function tableSvg(title: string, header: string[], rows: string[][], caption?: string): string {
  const colW = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)) * 7 + 16);
  const W = colW.reduce((a, b) => a + b, 0) + 20, rowH = 22, H = 40 + rowH * (rows.length + 1) + (caption ? 24 : 0);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="10" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`];
  [header, ...rows].forEach((r, i) => {
    let x = 10;
    const y = 50 + i * rowH;
    r.forEach((cell, j) => {
      out.push(`<text x="${x + 8}" y="${y}"${i === 0 ? ' font-weight="bold"' : ''}>${esc(cell)}</text>`);
      x += colW[j];
    });
    if (i === 0) out.push(`<line x1="10" x2="${W - 10}" y1="${y + 7}" y2="${y + 7}" stroke="#444"/>`);
  });
  if (caption) out.push(`<text x="10" y="${H - 10}" fill="#555">${esc(caption)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

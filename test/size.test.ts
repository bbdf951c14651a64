// Issue 14's download budget: what `import('lepton')` loads, JS + lepton.wasm gzipped, measured as
// bench/size.bench.ts measures it (dist/lepton.js bundled by esbuild, minified, with code splitting;
// the chunks fetched on first use left out), stays within 75 KB. It was 40 KB for the dense-only
// library; the convolutional and recurrent layers raised it on purpose (79.4 KB before the worker
// pool and the ONNX writer left the core).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { leptonSizes } from '../bench/size.bench.js';
import { ensureDist } from './runtimes.js';

const BUDGET_KB = 75;

test(`import('lepton') downloads at most ${BUDGET_KB} KB gzipped (JS + lepton.wasm)`, async () => {
  ensureDist();
  const { entry, wasm, loaded } = await leptonSizes();
  const kb = (entry + wasm) / 1024;
  assert.ok(loaded >= 2, `the entry and the core at least, got ${loaded} files`);
  assert.ok(wasm / 1024 < 30 && entry / 1024 > 20, `measured something real: JS ${entry} B, wasm ${wasm} B`);
  assert.ok(kb <= BUDGET_KB, `${kb.toFixed(1)} KB (JS ${(entry / 1024).toFixed(1)} in ${loaded} files + lepton.wasm ${(wasm / 1024).toFixed(1)}) is over the ${BUDGET_KB} KB budget`);
});

test.run();

// The determinism case in a dedicated module Worker of a cross-origin-isolated page (as the
// playground trains): unlike a page's main thread, a worker may Atomics.wait, so the pool's caller
// sleeps instead of spinning while the other threads finish their chunks.
import * as lepton from '/dist/lepton.js';
import { run } from './case.js';

self.onmessage = async (e) => {
  try {
    self.postMessage(await run(lepton, e.data.threads));
  } catch (err) {
    self.postMessage({ error: String((err && err.stack) || err) });
  }
};

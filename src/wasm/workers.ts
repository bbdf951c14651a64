// The worker pool and the kernels split across it, as one chunk of their own (dist/lepton-workers.js):
// init() imports it only where threads can run (a shared memory and workers that start), so a page
// that is not cross-origin isolated, workerd, or a runtime without SharedArrayBuffer never fetches it.

export { Pool, WORKER_SOURCE } from './pool.js';
export { parallelKernels } from './parallel.js';

// What this runtime offers for threads, found by trying features, never by naming runtimes:
// shared memory (SharedArrayBuffer and a shared WebAssembly.Memory), then either Web Workers in a
// cross-origin-isolated page or node:worker_threads (Node, Deno, Bun) whose Worker can actually
// start (workerd's module imports but its Worker throws).

import { nodeModule } from '../node-builtins.js';
import type { SpawnWorker } from './pool.js';

export interface ThreadSupport {
  /**
   * How to start workers running a given worker source (pool.ts's WORKER_SOURCE, which comes with
   * the pool's chunk, workers.ts); absent when threads cannot run here.
   */
  spawner?: (workerSource: string) => SpawnWorker;
  /** The default thread count: the cores threads may use here. */
  cores: number;
  /** The calling thread may Atomics.wait (false on a browser page's main thread). */
  canBlock: boolean;
  /** Why threads cannot run, when they cannot. */
  reason?: string;
  /** Threads are off because a page is not cross-origin isolated: worth telling the developer. */
  notIsolated?: boolean;
}

const g = globalThis as any;

export async function threadSupport(): Promise<ThreadSupport> {
  const page = typeof g.crossOriginIsolated === 'boolean' && typeof g.Worker === 'function';
  if (page && !g.crossOriginIsolated) {
    return {
      cores: 1, canBlock: false, notIsolated: true,
      reason: 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin ' +
        'and Cross-Origin-Embedder-Policy: require-corp), so it has no SharedArrayBuffer',
    };
  }
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return { cores: 1, canBlock: false, reason: 'this runtime has no SharedArrayBuffer' };
  }
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return { cores: 1, canBlock: false, reason: 'this runtime cannot create a shared WebAssembly.Memory' };
  }
  if (page) {
    const spawner = (workerSource: string): SpawnWorker => {
      const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
      return (data) => {
        const w = new g.Worker(url) as { postMessage(d: unknown): void; terminate(): void };
        w.postMessage(data);
        return w;
      };
    };
    // A page's main thread has a document; a dedicated worker may block.
    return { spawner, cores: Math.max(1, g.navigator?.hardwareConcurrency ?? 1), canBlock: typeof g.document === 'undefined' };
  }
  let wt: typeof import('node:worker_threads');
  try {
    wt = (await nodeModule('node:worker_threads')) as typeof import('node:worker_threads');
  } catch {
    return { cores: 1, canBlock: false, reason: 'this runtime has neither Web Workers in an isolated page nor node:worker_threads' };
  }
  if (typeof wt.Worker !== 'function') return { cores: 1, canBlock: false, reason: 'node:worker_threads has no Worker here' };
  const spawner = (workerSource: string): SpawnWorker => (data) => {
    const w = new wt.Worker(workerSource, { eval: true, workerData: data });
    w.unref(); // an idle pool never keeps a process alive
    w.on('error', () => {
      // A worker that fails before it is ready is simply never used.
    });
    return w;
  };
  return { spawner, cores: await cores(), canBlock: true };
}

async function cores(): Promise<number> {
  const hc = g.navigator?.hardwareConcurrency;
  if (typeof hc === 'number' && hc > 0) return hc;
  try {
    const os = (await nodeModule('node:os')) as typeof import('node:os');
    return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  } catch {
    return 1;
  }
}

/**
 * The same module importing a shared memory: the memory import's limits flag goes from
 * "has maximum" (1) to "has maximum, shared" (3). The builds declare a maximum (asconfig.json
 * maximumMemory) so this is one byte and no size changes; `asc --sharedMemory --enable threads`
 * emits exactly this byte and nothing else different (kernels use no atomics). Returns undefined
 * when the bytes have no such import.
 */
export function withSharedMemory(bytes: Uint8Array): Uint8Array | undefined {
  let o = 8;
  const leb = (): number => {
    let r = 0, shift = 0, b: number;
    do {
      b = bytes[o++];
      r += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return r;
  };
  while (o < bytes.length) {
    const id = bytes[o++];
    const size = leb();
    const end = o + size;
    if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        for (let name = 0; name < 2; name++) {
          const length = leb(); // module name, then field name (not `o += leb()`: o is read first)
          o += length;
        }
        const kind = bytes[o++];
        if (kind === 2) {
          if (bytes[o] !== 1) return undefined;
          const out = bytes.slice();
          out[o] = 3;
          return out;
        }
        if (kind === 0) leb(); // function: type index
        else if (kind === 1) { o++; const flags = bytes[o++]; leb(); if (flags & 1) leb(); } // table: reftype, limits
        else if (kind === 3) o += 2; // global: valtype, mutability
        else return undefined;
      }
      return undefined;
    }
    o = end;
  }
  return undefined;
}

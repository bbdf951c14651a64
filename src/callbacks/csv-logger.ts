// csvLogger: one CSV row per epoch (Keras's CSVLogger): `epoch`, then every key of the logs in
// sorted order, written after each epoch so a crashed run keeps its rows. Node only (it writes a
// file); elsewhere it fails at the start of fit, naming the runtime it needs.
import { nodeFs } from '../node-builtins.js';
import { checkOptions } from '../options.js';
import type { Callback, Logs } from './types.js';

export interface CsvLoggerArgs {
  /** The column separator (Keras's `separator`), ',' by default. */
  separator?: string;
  /** Append to an existing file instead of replacing it (its header is kept). */
  append?: boolean;
}

const isNode = (): boolean => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

export function csvLogger(path: string, args: CsvLoggerArgs = {}): Callback {
  if (typeof path !== 'string' || !path) throw new TypeError(`callbacks.csvLogger: path must be a non-empty string, got ${JSON.stringify(path)}`);
  checkOptions('callbacks.csvLogger', args, { separator: true, append: true });
  const { separator = ',', append = false } = args;
  if (typeof separator !== 'string' || separator.length !== 1 || /["\r\n]/.test(separator)) throw new TypeError(`callbacks.csvLogger: separator must be one character other than a quote or a line break, got ${JSON.stringify(separator)}`);
  let keys: string[] | null = null;
  let fs: Awaited<ReturnType<typeof nodeFs>>;
  const cell = (v: number | string): string => (typeof v === 'string' && v.includes(separator) ? `"${v}"` : String(v));
  return {
    async onTrainBegin() {
      if (!isNode()) throw new Error(`callbacks.csvLogger writes a file and needs Node (or Deno/Bun with node:fs); this runtime has no file system. Use callbacks.lambda({ onEpochEnd }) to keep the logs instead`);
      fs = await nodeFs();
      keys = null;
      if (append) {
        const old = await fs.readFile(path, 'utf8').catch(() => '');
        const header = old.split('\n', 1)[0];
        if (header) keys = header.split(separator).slice(1);
      } else {
        await fs.writeFile(path, '');
      }
    },
    async onEpochEnd(epoch: number, logs?: Logs) {
      const l = logs ?? {};
      let out = '';
      if (!keys) {
        keys = Object.keys(l).sort();
        out += ['epoch', ...keys].map(cell).join(separator) + '\n';
      }
      out += [epoch, ...keys.map((k) => (Object.hasOwn(l, k) ? l[k] : ''))].map(cell).join(separator) + '\n';
      await fs.appendFile(path, out);
    },
  };
}

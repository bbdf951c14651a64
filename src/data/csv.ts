// data.csv: a streaming Dataset over a CSV file. The parser itself (csv-parser.ts) is a chunk of
// its own, imported when the first epoch reads the file.

import type { CsvOptions } from './csv-error.js';
import { fromSource, type Batch, type Dataset } from './dataset.js';
import { byteChunks, sourceName, type ByteSource } from './source.js';

export { CsvError, type CsvOptions } from './csv-error.js';

let chunk: Promise<typeof import('./csv-parser.js')> | undefined;

/** The parser, imported by the first read (a page that never reads a CSV file never fetches it). */
function parserChunk(): Promise<typeof import('./csv-parser.js')> {
  chunk ??= import('./csv-parser.js').catch((e: unknown) => {
    chunk = undefined;
    throw new Error(`data.csv: reading needs the bundle's CSV chunk, lepton-csv-parser.js, served beside lepton.js; importing it failed: ${(e as Error)?.message ?? e}`, { cause: e });
  });
  return chunk;
}

/**
 * A streaming dataset over a CSV file, read anew each epoch: a path or file: URL (Node, Deno, Bun),
 * an http(s) URL, or a File/Blob/Response/ReadableStream (browsers; the last two read once).
 */
export function csv(source: ByteSource, options: CsvOptions = {}): Dataset {
  const file = sourceName(source);
  const { delimiter = ',', header = true, onInvalid = 'fail', chunkSize } = options;
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) > 127 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new RangeError(`data.csv: delimiter must be one ASCII character other than a quote or newline, got ${JSON.stringify(delimiter)}`);
  }
  if (onInvalid !== 'fail' && onInvalid !== 'drop') throw new RangeError(`data.csv: onInvalid must be 'fail' or 'drop', got ${JSON.stringify(onInvalid)}`);
  const once = (typeof Response !== 'undefined' && source instanceof Response) || (typeof ReadableStream !== 'undefined' && source instanceof ReadableStream);
  let reads = 0;
  let ds: Dataset;
  const blocks = async function* (): AsyncGenerator<Batch> {
    if (once && reads > 0) throw new Error(`data.csv: ${file} is a Response or stream, which can be read once; call \`await ds.load()\` to keep it in memory, or pass a File, Blob, path or URL`);
    reads++;
    const { CsvParser } = await parserChunk();
    const p = new CsvParser(file, delimiter.charCodeAt(0), header, onInvalid === 'drop', options);
    const out: Batch[] = [];
    for await (const chunk of byteChunks(source, chunkSize)) {
      p.feed(chunk, false, out);
      if (p.names && !ds.state.columns) ds.state.columns = p.featureNames();
      while (out.length) yield out.shift()!;
    }
    p.feed(new Uint8Array(0), true, out);
    while (out.length) yield out.shift()!;
  };
  ds = fromSource(blocks);
  return ds;
}

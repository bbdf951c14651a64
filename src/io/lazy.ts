// The one place the core bundle reaches for the io chunk (io.ts): a dynamic import, which the
// bundle turns into dist/lepton-io.js and a bundler of an app into a chunk of its own.

import type { LoadSource } from './load.js';
import type { Model, Sequential } from '../model/index.js';

let chunk: Promise<typeof import('./io.js')> | undefined;

/** The io chunk, imported once; a failed import says which file was missing and is retried next time. */
export function ioChunk(): Promise<typeof import('./io.js')> {
  chunk ??= import('./io.js').catch((e: unknown) => {
    chunk = undefined;
    throw new Error(`lepton: saving and loading need the bundle's io chunk, lepton-io.js, served beside lepton.js; importing it failed: ${(e as Error)?.message ?? e}`, { cause: e });
  });
  return chunk;
}

/**
 * The model a source holds: a Sequential for a sequential file (and a TF.js Sequential import), a
 * Model for a functional one (and a TF.js functional import). The type parameter says which the
 * caller expects (`loadModel<Model>(dir)` for a functional model); it is not checked at run time.
 */
export async function loadModel<M extends Model = Sequential>(source: LoadSource): Promise<M> {
  return (await ioChunk()).loadModel<M>(source);
}

/** A TF.js/Keras layers model (model.json + weight shards); loadModel also recognizes them. */
export const loadTfjsModel = loadModel;

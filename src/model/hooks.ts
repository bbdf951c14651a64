// How the model reaches io without importing it (io depends on the model, never the reverse):
// save() and toOnnx() call the functions the package entry (src/index.ts) installs here.

import type { GraphModel } from '../graph.js';
import type { ModelArtifacts, SaveOptions, SaveTarget } from '../io/types.js';
import type { ToOnnxArgs } from './types.js';

export interface ModelIo {
  save(model: GraphModel, target?: SaveTarget, options?: SaveOptions): Promise<ModelArtifacts>;
  toOnnx(model: GraphModel, args: ToOnnxArgs): Promise<Uint8Array>;
}

let installed: ModelIo | undefined;

/** Called once by the package entry. */
export function provideModelIo(io: ModelIo): void {
  installed = io;
}

export function modelIo(what: string): ModelIo {
  if (!installed) throw new Error(`${what} needs lepton's io, which the package entry installs: import lepton itself ('lepton', or src/index.ts), not one of its modules alone`);
  return installed;
}

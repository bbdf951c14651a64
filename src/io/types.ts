// The shapes io hands back and forth (saved artifacts, save targets and options, the weights
// section of a model.json), in a file that imports nothing: the model, the callbacks and the io
// modules all name them without importing each other.

/** A saved model in memory: the JSON text and the weights binary. */
export interface ModelArtifacts {
  json: string;
  weights: Uint8Array;
}

export interface SaveOptions {
  /** Save the optimizer's state (moments, iterations) so training resumes exactly. Default true. */
  includeOptimizer?: boolean;
  /** Epochs completed (modelCheckpoint writes it; resume with fit's initialEpoch). */
  epoch?: number;
  /** The name the JSON gives the weights binary; by default `weights-<crc32>.bin`. */
  weightsFile?: string;
}

/** Receives the artifacts; `weightsFile` is the name model.json gives the binary. */
export interface SaveHandler {
  save(artifacts: ModelArtifacts & { weightsFile: string }): void | Promise<void>;
}

/** A directory path or file:// URL (Node), 'indexeddb://name', 'downloads://name', or a handler. */
export type SaveTarget = string | URL | SaveHandler;

/** The weights section of a parsed model.json, validated (no sizes trusted yet). */
export interface WeightsSpec {
  file: string;
  byteLength: number;
  crc32?: number;
  optimizerSlots: number;
  entries: { name: string; shape: number[]; size: number }[];
}

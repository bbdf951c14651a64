// The one list of layer classes (the Map) and the shape of its entries, in a leaf: io/layers.ts
// fills it with its own entries and those of the family files (layers-image.ts,
// layers-recurrent.ts), which read it too (a wrapper's inner layer is read by its own entry).

import type { Json } from './check.js';
import type { LayerSerializer } from './tables.js';
import type { TfjsLayer } from './tfjs-config.js';

export interface LayerEntry extends LayerSerializer {
  /**
   * The TF.js/Keras class names that become this class, each with the translation of its config
   * into this class's lepton config; null when TF.js has no such layer.
   */
  tfjs: Record<string, (t: TfjsLayer) => Json> | null;
  /** The rank of the output, for a config whose output rank is not its input's (a later Softmax's axis). */
  rank?: (config: Json) => number;
}

/** A family's entries, in the order the list takes them. */
export type LayerEntries = [className: string, entry: LayerEntry][];

/** lepton's own layer classes, by class name (filled by io/layers.ts). */
export const builtinLayers = new Map<string, LayerEntry>();

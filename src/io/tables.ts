// What users register for save/load: serializers of their own layer classes and builders of
// their own model types. This module is part of the core bundle (registering costs nothing); the
// built-in serializers and everything that reads and writes files live in the io chunk, which
// loads on the first save() or loadModel() and consults these tables first.

import type { Layer } from '../layers/layer.js';
import type { Model } from '../model/index.js';
import type { Json } from './check.js';
import type { WeightsSpec } from './types.js';

export interface LayerSerializer {
  /** A layer from its saved config; must validate every field it reads (the file is untrusted). */
  fromConfig(config: Json, path: string): Layer;
  /** The config to save; defaults to layer.getConfig(). */
  toConfig?(layer: Layer): Json;
}

export type ModelBuilder = (doc: Json, spec: WeightsSpec, weights: Uint8Array) => Model;

/** Registered by users; a class registered here wins over a built-in of the same name. */
export const userLayers = new Map<string, LayerSerializer>();
export const userModelTypes = new Map<string, ModelBuilder>();

/** Teaches save() and loadModel() a layer class: registerLayer('MyLayer', { fromConfig, toConfig }). */
export function registerLayer(className: string, s: LayerSerializer): void {
  if (typeof className !== 'string' || !className) throw new TypeError(`registerLayer: expected a class name (a non-empty string), got ${JSON.stringify(className)}`);
  if (typeof s?.fromConfig !== 'function') throw new TypeError(`registerLayer('${className}'): expected { fromConfig(config, path), toConfig?(layer) }, got ${s === null ? 'null' : typeof s}`);
  userLayers.set(className, s);
}

/** Teaches loadModel() a model type (the file's `modelType`). */
export function registerModelType(type: string, build: ModelBuilder): void {
  if (typeof type !== 'string' || !type) throw new TypeError(`registerModelType: expected a type name (a non-empty string), got ${JSON.stringify(type)}`);
  if (typeof build !== 'function') throw new TypeError(`registerModelType('${type}'): expected a builder function, got ${typeof build}`);
  userModelTypes.set(type, build);
}

// The `data` namespace of the public API (issue 5): datasets, loaders, preprocessing, simulated sets.

import { csv } from './csv.js';
import { Dataset, fromArrays, fromGenerator } from './dataset.js';
import { fashionMnist, loadIdx, parseIdx } from './idx.js';
import { npy, parseNpy } from './npy.js';
import { preprocessing } from './preprocessing.js';
import { EARTHQUAKE, earthquake, galaxySpin, signalBackground, xSquared } from './simulated.js';

export const data = {
  Dataset,
  fromArrays,
  fromGenerator,
  csv,
  npy,
  parseNpy,
  idx: loadIdx,
  parseIdx,
  fashionMnist,
  preprocessing,
  earthquake,
  EARTHQUAKE,
  xSquared,
  galaxySpin,
  signalBackground,
};

export { Dataset, type Batch, type Sample, type SplitOptions, type FromArraysOptions } from './dataset.js';
export { CsvError, type CsvOptions } from './csv.js';
export type { NpyTensor } from './npy.js';
export type { Transform, Pipeline, TransformJSON } from './preprocessing.js';

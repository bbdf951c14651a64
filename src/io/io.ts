// The io chunk's entry: lepton's file format, the built-in layer serializers, the TF.js importer
// and the loaders and savers for each place a model can live. The bundle keeps it in its own file
// (dist/lepton-io.js), fetched on the first save() or loadModel(), so that a page which trains
// and predicts does not download it.

import { buildFunctional } from './functional.js';
import { builtinModelTypes } from './lepton.js';
import { buildSequential } from './sequential.js';

builtinModelTypes.set('sequential', buildSequential);
builtinModelTypes.set('functional', buildFunctional);

export { loadModel } from './load.js';
export { saveModel } from './save.js';

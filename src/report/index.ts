// The `report` namespace: SVG plots and the self-contained HTML report.
export { plot, historyPlots, rocPlot, confusionPlot, imageGrid, ticks, logTicks, placeLegend, type Series, type PlotArgs, type Box } from './svg.js';
export { rocCurve, confusionMatrix, regressionFigures, classificationFigures, type RocCurve } from './evaluation.js';
export { renderReport, writeReport, type Report, type Figure } from './html.js';
// inline-PNG image grids (issue 15)
export { pngImageGrid, greyPng, base64 } from './png.js';

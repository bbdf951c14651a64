// The `report` namespace: SVG plots and the self-contained HTML report.
export { plot, historyPlots, rocPlot, confusionPlot, imageGrid, ticks, type Series, type PlotArgs } from './svg.js';
export { renderReport, writeReport, type Report, type Figure } from './html.js';

// The lab's figures: Vega-Lite spec builders (pure, usable in the browser) and the report.
// Node-only rendering to SVG/PNG lives in ./render.ts and is imported from there on purpose.
export { labConfig, FIGURE_WIDTH, FIGURE_HEIGHT, VEGA_LITE_SCHEMA, SERIES_SCHEME, SERIES_COLORS, LOG_LABEL, SHORT_LABEL } from "./theme.js";
export { dlnnLossSpec, dlnnModesSpec, dlnnRsmSpec, rsmPanels, learnedModeGroups, type RsmPanel } from "./dlnn.js";
export { illusorySpec } from "./illusory.js";
export { linregDiffSpec, linregLossSpec, linregMapsSpec } from "./linreg.js";
export { optimizersSurfaceSpec, optimizersPathsSpec, optimizersLossSpec, trajectoryLabel, outcomeText, stabilityText, fractionalEpochs } from "./optimizers.js";
export { contourLevels, contourSegments, contourLines, type ContourSegment, type ContourLine } from "./contour.js";
export { thinIndices, groupModes, modeLabel, type ModeGroup } from "./series.js";
export { figuresFor, type Figure } from "./figures.js";
export { keyResults } from "./results.js";
export { reportHTML, scopeSvg, escapeHtml, type ReportInput } from "./report.js";

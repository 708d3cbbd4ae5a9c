// Package report draws the report's figures and writes the HTML report.
//
// Figures are built by small functions that take data and return a
// *Figure: a gonum/plot *plot.Plot and the arrays behind it. Save writes a
// figure as PNG and SVG with its data beside it as .npz (numpy.load) and as
// CSV in long form (columns array, i, j, value), so that every figure can
// be re-plotted elsewhere. The builders and what they draw:
//
//	Configurations       sample configurations, square panels with a key of states
//	LossCurves           training and test loss against epoch
//	SmallMultiples       training histories: one panel per quantity, sharing x
//	Heatmap              a matrix (e.g. WWᵀ) row 0 at the top, with a colour bar
//	FlowTemperatures     the thermometer-free check: implied temperatures against flow iteration, reference temperatures marked
//	PlaneFlows           flows on the plane of two parameters, with the model's reference points and lines
//	GridDistributions    a two-parameter thermometer's distribution on its grid per iteration
//	Lines                curves with error bars (a flow's distribution per iteration, its observables),
//	                     optional log scale and reference lines (T_c, equilibrium values)
//	FromHint             any analyzer's suggested figure (sdk.Figure)
//
// Every figure follows one style (docs/figures.md): readable ticks,
// colour bars, palettes that say whether data are signed, legends
// outside the data, a note for whatever the plot leaves out. Check tests a
// figure against it on the plot's parts, not its pixels.
//
// WritePage writes one static HTML page (html/template; no script and no
// asset from the network: it opens from the file system) with a table of
// contents grouped by kind, each figure with its data links, a caption
// with its label (Entry.Label: what the study that judges the report
// calls the figure, or the kind of check) and the figure's notes, the registry
// references and the parameters behind it, and a section listing the
// figures that could not be drawn and why. BuildPage runs a list of figure
// makers, saves what it can, writes the page and returns a *MissingError
// when some figure is missing.
package report

// Package formats holds the files of registry entries that the engine
// writes and reads, each with one typed Encode and Decode: a flow's
// flow.npz (Flow), a training's history.npz (History) and an analysis's
// analysis.npz with figures.json (Analysis). Nothing else names the
// arrays inside them, so a file's layout changes in one place (and with
// the code version of the step kind that writes it).
//
// It imports only npz, and sdk for the figure type an analyzer returns.
package formats

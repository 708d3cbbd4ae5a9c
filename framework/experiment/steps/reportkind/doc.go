// Package reportkind is the report step kind: the report of a run (or of
// any registry entries), every figure their data allow with the
// references the data's model declared, and the verdicts of the judge
// the study names. It reads every other step of a plan and is drawn anew
// each run, into a folder rather than the registry; under a batch system
// `rgml report RUN` draws it once the jobs are done. It is named
// reportkind, not report, because it draws with package framework/report.
//
// Plan, Run and Version are its entry in the kinds table; BuildReport,
// EntryFigure and OverlayFigure draw figures of entries for the CLI; a
// study registers its judge with RegisterJudge.
package reportkind

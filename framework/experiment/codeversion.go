package experiment

import "fmt"

// codeVersions holds, per step kind, the version of the host code that
// shapes that kind's result beside what its plugin returns; it is part of
// every step key (setKey), so that changing that code makes new keys and
// `rgml run` redoes the steps instead of reusing entries the old code
// made. A version per kind rather than the build's commit: a commit that
// touches only the flow read-out must not throw away every dataset and
// training (DVC hashes each stage's own command, Bazel each action's own
// inputs, for the same reason). Each constant lives beside the code it
// versions; TestCodeVersionsGolden fails when a kind's output changes and
// its version does not.
var codeVersions = map[Kind]int{
	KindDataset:  datasetCodeVersion,
	KindTraining: trainingCodeVersion,
	KindFlow:     flowCodeVersion,
	KindAnalysis: analysisCodeVersion,
	KindReport:   reportCodeVersion,
}

// codeVersion is kind's version; a kind missing from the table is a bug
// of this package, not of a spec.
func codeVersion(k Kind) int {
	v, ok := codeVersions[k]
	if !ok {
		panic(fmt.Sprintf("experiment: step kind %q has no code version in codeVersions", k))
	}
	return v
}

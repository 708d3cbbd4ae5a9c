package experiment

// SetCodeVersion sets kind's code version for one test and returns what
// puts it back; the external tests use it to see that keys follow it.
func SetCodeVersion(k Kind, v int) (restore func()) {
	old, had := codeVersions[k]
	codeVersions[k] = v
	return func() {
		if had {
			codeVersions[k] = old
		} else {
			delete(codeVersions, k)
		}
	}
}

// Kinds are the step kinds a plan can hold.
var Kinds = []Kind{KindDataset, KindTraining, KindFlow, KindAnalysis, KindReport}

package experiment

// SetCodeVersion sets kind's code version for one test and returns what
// puts it back; the external tests use it to see that keys follow it.
func SetCodeVersion(k Kind, v int) (restore func()) {
	sk := kindOf(k)
	old := sk.version
	sk.version = v
	return func() { sk.version = old }
}

// Kinds are the step kinds a plan can hold, from the kinds table.
var Kinds = func() []Kind {
	var out []Kind
	for _, sk := range kinds {
		out = append(out, sk.kind)
	}
	return out
}()

// FindFlowWith is FindFlow against the catalog cat instead of the host's.
var FindFlowWith = findFlow

// FindTrainingWith is FindTraining against the catalog cat.
var FindTrainingWith = findTraining

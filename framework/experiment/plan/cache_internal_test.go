package plan

import (
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// One binary installed under two names (a multi-call binary) may describe
// two plugins: the cache keeps a description per name as well as digest,
// so that one name's is never read for the other.
func TestDescriptionCacheKeyedByName(t *testing.T) {
	c := &CachedCatalog{Dir: t.TempDir()}
	c.keep("evilrbm", "abc123", "learner", sdk.LearnerDescription{Info: sdk.Info{Name: "evilrbm"}})
	var d sdk.LearnerDescription
	if !Cached(c.Dir, "evilrbm", "abc123", "learner", &d) || d.Name != "evilrbm" {
		t.Fatalf("the kept description: %v %+v", Cached(c.Dir, "evilrbm", "abc123", "learner", &d), d)
	}
	if Cached(c.Dir, "evilthermo", "abc123", "learner", &d) {
		t.Errorf("the same binary under another name read %s's description", d.Name)
	}
}

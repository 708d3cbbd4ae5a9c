package sdktest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The package rules of docs/architecture.md: a plugin author's imports
// (framework/sdk, framework/sdk/sdktest) pull in neither the host, the
// registry nor the metrics, and the registry imports nothing of ours.
func TestImportRules(t *testing.T) {
	const mod = "github.com/rgml/rgml/"
	deps := func(pkg string) []string {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		return strings.Fields(string(out))
	}
	for _, pkg := range []string{"framework/sdk", "framework/sdk/sdktest"} {
		for _, d := range deps(pkg) {
			for _, bad := range []string{"framework/host", "registry", "framework/metrics", "framework/experiment"} {
				if d == mod+bad || strings.HasPrefix(d, mod+bad+"/") {
					t.Errorf("%s imports %s", pkg, d)
				}
			}
		}
	}
	for _, d := range deps("registry") {
		if strings.HasPrefix(d, mod) && d != mod+"registry" && !strings.HasPrefix(d, mod+"registry/") {
			t.Errorf("registry imports %s", d)
		}
	}
}

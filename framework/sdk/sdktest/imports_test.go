package sdktest_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The package rules of docs/architecture.md: a plugin author's imports
// (framework/sdk, framework/sdk/sdktest) pull in neither the host, the
// registry nor the metrics, the registry imports nothing of ours, a plugin
// imports only framework/sdk, plugins/internal, its own packages and the
// exact references of plugins/*/exact (its tests may use more), the
// framework imports no study (studies/), and nothing imports cmd/.
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
	// One line per package: path, then its imports (Imports only: the
	// non-test build, what goes into a plugin binary).
	list := func(format, pattern string) [][]string {
		out, err := exec.Command("go", "list", "-f", format, mod+pattern).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pattern, err)
		}
		var rows [][]string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			rows = append(rows, strings.Fields(line))
		}
		return rows
	}
	for _, row := range list(`{{.ImportPath}} {{join .Imports " "}}`, "plugins/...") {
		pkg := strings.TrimPrefix(row[0], mod)
		// plugins/<name>/…: its own tree; plugins/internal/…: shared;
		// plugins/<other>/exact: closed-form references, numerics (held
		// to the same rule by this loop).
		own := mod + strings.Join(strings.SplitN(pkg, "/", 3)[:2], "/")
		for _, d := range row[1:] {
			if !strings.HasPrefix(d, mod) || d == mod+"framework/sdk" || strings.HasPrefix(d, mod+"plugins/internal/") ||
				d == own || strings.HasPrefix(d, own+"/") || strings.HasPrefix(d, mod+"plugins/") && strings.HasSuffix(d, "/exact") {
				continue
			}
			t.Errorf("plugin package %s imports %s", pkg, d)
		}
	}
	// The framework knows no study: a study registers its judge and the
	// host imports it (the framework's tests may use one).
	for _, row := range list(`{{.ImportPath}} {{join .Imports " "}}`, "framework/...") {
		for _, d := range row[1:] {
			if strings.HasPrefix(d, mod+"studies/") {
				t.Errorf("%s imports %s", row[0], d)
			}
		}
	}
	for _, row := range list(`{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`, "...") {
		for _, d := range row[1:] {
			if strings.HasPrefix(d, mod+"cmd/") && d != row[0] {
				t.Errorf("%s imports %s", row[0], d)
			}
		}
	}
}

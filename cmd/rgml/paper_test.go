package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/report"
)

// TestPaperSmallPreset runs the paper's study scaled down (the same steps
// as `paper`, fewer configurations and epochs): every row of the
// reproduction table is judged, pass or FAIL, none missing, and the report
// has every figure, each passing the figure style's checks (in Chromium,
// its screenshot kept as a CI artefact).
func TestPaperSmallPreset(t *testing.T) {
	if testing.Short() {
		t.Skip("the paper-small preset takes about 20 s")
	}
	out := filepath.Join(t.TempDir(), "report")
	if code, _, stderr := rgml(t, "run", "--preset", "paper-small", "--report", out); code != 0 {
		t.Fatalf("rgml run --preset paper-small: exit %d\n%s", code, stderr)
	}
	page, err := os.ReadFile(filepath.Join(out, report.PageFile))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), "Missing figures") {
		t.Error("the paper-small report lists missing figures")
	}
	checkPage(t, out, strings.Count(string(page), "<figure id="))
	verdicts := regexp.MustCompile(`<td class="(pass|FAIL|missing-verdict)">`).FindAllStringSubmatch(string(page), -1)
	if len(verdicts) != 16 {
		t.Errorf("%d verdicts in the report, want the 16 rows of docs/reproduction.md", len(verdicts))
	}
	for _, v := range verdicts {
		if v[1] == "missing-verdict" {
			t.Errorf("a row of the reproduction table is missing:\n%s", page)
			break
		}
	}
}

package report

import (
	"bytes"
	"strings"
	"testing"
)

// A study's verdict table lists the rows it judges, with what the paper
// says, the seeds passing and what produced the verdict; the rows it
// cannot judge are one line below the table, on the page and as printed.
func TestVerdictTableListsOnlyJudgedRows(t *testing.T) {
	vs := []Verdict{
		{Row: "flow-h", Paper: "Fig. 10", Says: "starting from T = 0", Criterion: "c", Measured: "m", Status: "pass", Seeds: "3/3",
			Spread: "final mean T: 5.1, 5.2, 5.3", Beyond: "H64 from 6: mode 6", Provenance: "judged on seeds 1, 2, 3 · commit abc · criteria x/2"},
		{Row: "flow-v64", Paper: "Figs. 6–8", Status: NotInStudy, Measured: "no flow of V64"},
		{Row: "spectrum", Paper: "Figs. 16–17", Status: NotInStudy},
	}
	var b bytes.Buffer
	if err := WritePage(&b, Page{Title: "t", Verdicts: vs}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if n := strings.Count(page, "<tr><td>"); n != 1 {
		t.Errorf("%d table rows, want the one judged", n)
	}
	for _, want := range []string{"the paper says", "starting from T = 0", "3/3", "Spread over seeds:</em> final mean T: 5.1, 5.2, 5.3",
		"Beyond the paper (not judged):</em> H64 from 6", "commit abc · criteria x/2", "Not in this study: flow-v64 (Figs. 6–8), spectrum (Figs. 16–17)."} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	lines := VerdictLines(vs)
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "pass 3/3") || lines[1] != "not in this study: flow-v64 (Figs. 6–8), spectrum (Figs. 16–17)" {
		t.Errorf("printed:\n%s", strings.Join(lines, "\n"))
	}
}

package report

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

// checkFiles opens what Save wrote: the PNG decodes to a non-empty image,
// the SVG is XML with an <svg> root, the .npz holds data, and the CSV
// holds the same numbers as the .npz.
func checkFiles(t *testing.T, dir string, f Files, data []npz.Array) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, f.PNG))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() == 0 {
		t.Fatalf("%s: %v", f.PNG, err)
	}
	b, err = os.ReadFile(filepath.Join(dir, f.SVG))
	if err != nil {
		t.Fatal(err)
	}
	var root struct{ XMLName xml.Name }
	if err := xml.Unmarshal(b, &root); err != nil || root.XMLName.Local != "svg" {
		t.Fatalf("%s: root %v, %v", f.SVG, root.XMLName, err)
	}
	got, err := npz.ReadFile(filepath.Join(dir, f.NPZ))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(data) {
		t.Fatalf("%s holds %d arrays, want %d", f.NPZ, len(got), len(data))
	}
	cf, err := os.Open(filepath.Join(dir, f.CSV))
	if err != nil {
		t.Fatal(err)
	}
	defer cf.Close()
	rows, err := csv.NewReader(cf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	k := 1
	for _, a := range data {
		want, _ := floats(a)
		g, ok := npz.Find(got, a.Name)
		if !ok {
			t.Fatalf("%s lacks %s", f.NPZ, a.Name)
		}
		gv, _ := floats(g)
		for i, w := range want {
			v, _ := strconv.ParseFloat(rows[k][3], 64)
			if rows[k][0] != a.Name || !same(v, w) || !same(gv[i], w) {
				t.Fatalf("%s[%d]: csv %v, npz %v, want %v", a.Name, i, rows[k], gv[i], w)
			}
			k++
		}
	}
}

func same(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }

func TestLinesSaveAndData(t *testing.T) {
	dir := t.TempDir()
	x := []float64{1, 2, 3, 4}
	f, err := Lines(LineOptions{Title: "t", LogY: true, VLines: []Ref{{"T_c", testTc}}},
		Series{Label: "a", X: x, Y: []float64{1, 10, math.NaN(), 1000}, Err: []float64{0.1, 1, 0, 10}},
		Series{Label: "b", X: x, Y: []float64{2, 3, 4, -1}})
	if err != nil {
		t.Fatal(err)
	}
	files, err := Save(dir, "lines", f)
	if err != nil {
		t.Fatal(err)
	}
	checkFiles(t, dir, files, f.Data)
	// The NaN and the negative value on a log axis are kept in the data.
	y, _ := npz.Find(f.Data, "a.y")
	if !math.IsNaN(y.Data.([]float64)[2]) {
		t.Errorf("data lost the NaN point")
	}
	if _, err := Lines(LineOptions{Title: "none"}, Series{X: []float64{1}, Y: []float64{math.NaN()}}); err == nil {
		t.Errorf("a figure with nothing to draw was accepted")
	}
	if _, err := Lines(LineOptions{}, Series{X: []float64{1, 2}, Y: []float64{1}}); err == nil {
		t.Errorf("series of unequal lengths were accepted")
	}
}

// testTc is a reference temperature as a model would declare it.
const testTc = 2.269

func TestHeatmapOrientation(t *testing.T) {
	m := []float64{1, 2, 3, 4, 5, 6} // 2 rows × 3 columns
	f, err := Heatmap("m", "j", "i", m, 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	g := grid{m, 2, 3}
	// Row 0 of the matrix is drawn at the top (largest y), row 1 below.
	if g.Y(1) <= g.Y(0) || g.Z(0, 1) != 1 || g.Z(2, 0) != 6 {
		t.Errorf("grid maps the matrix upside down")
	}
	a, _ := npz.Find(f.Data, "matrix")
	if a.Shape[0] != 2 || a.Shape[1] != 3 {
		t.Errorf("data shape %v", a.Shape)
	}
	if _, err := Heatmap("m", "", "", m, 3, 3); err == nil {
		t.Errorf("a short matrix was accepted")
	}
}

func TestConfigurationsData(t *testing.T) {
	const L = 3
	a := []int8{1, 1, 1, -1, -1, -1, 1, -1, 1}
	b := []int8{-1, -1, -1, -1, -1, -1, -1, -1, -1}
	f, err := Configurations(L, [][]int8{a, b}, []string{"T = 0", "T = 6"})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := npz.Find(f.Data, "configs")
	if !bytes.Equal(int8Bytes(d.Data.([]int8)), int8Bytes(append(append([]int8{}, a...), b...))) {
		t.Errorf("data %v", d.Data)
	}
	if _, err := Configurations(4, [][]int8{a}, []string{"x"}); err == nil {
		t.Errorf("a configuration of another lattice was accepted")
	}
}

func int8Bytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func TestFromHint(t *testing.T) {
	res := []npz.Array{
		vec1("T", []float64{1, 2, 3}), vec1("e", []float64{-1.9, -1.5, -0.8}), vec1("e_err", []float64{0.01, 0.02, 0.01}),
		npz.Float64("M", []float64{1, 0, 0, 1}, 2, 2),
	}
	f, err := FromHint(res, sdk.Figure{Name: "e", Kind: sdk.FigureLine, X: "T", Series: []string{"e"}, Errors: []string{"e_err"}})
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := npz.Find(f.Data, "e.err"); !ok || e.Data.([]float64)[1] != 0.02 {
		t.Errorf("error bars not carried: %v", f.Data)
	}
	if _, err := FromHint(res, sdk.Figure{Name: "m", Kind: sdk.FigureHeatmap, Series: []string{"M"}}); err != nil {
		t.Error(err)
	}
	if _, err := FromHint(res, sdk.Figure{Name: "x", Kind: sdk.FigureLine, X: "T", Series: []string{"nope"}}); err == nil {
		t.Error("a hint naming a missing result was drawn")
	}
}

// TestBuildListsMissing: a figure whose data is missing does not stop the
// others; the page names it with the reason and Build says so.
func TestBuildListsMissing(t *testing.T) {
	dir := t.TempDir()
	items := []Item{
		{Entry: Entry{Name: "ok", Label: "Fig. 4", Caption: "loss"}, Make: func() (*Figure, error) {
			return LossCurves([]float64{1, 2}, []float64{1, 0.5}, nil)
		}},
		{Entry: Entry{Name: "gone", Label: "Fig. 12", Caption: "WWᵀ"}, Make: func() (*Figure, error) {
			return nil, errors.New("model rbm-v400 is not in the registry")
		}},
	}
	page, err := BuildPage(dir, Page{Title: "r"}, items)
	var me *MissingError
	if !errors.As(err, &me) || len(me.Entries) != 1 || me.Entries[0].Name != "gone" {
		t.Fatalf("Build: %v", err)
	}
	if len(page.Drawn()) != 1 {
		t.Fatalf("drawn %v", page.Drawn())
	}
	html, _ := os.ReadFile(filepath.Join(dir, PageFile))
	for _, want := range []string{"Missing figures", "model rbm-v400 is not in the registry", `src="ok.png"`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "gone.png")); err == nil {
		t.Errorf("a missing figure left a file")
	}
	if _, err := BuildPage(dir, Page{Title: "r"}, append(items, items[0])); err == nil || IsMissing(err) {
		t.Errorf("a repeated name: %v", err)
	}
}

// TestBuildPageInOrder: the items' Make functions run one at a time in
// the items' order (they may share what they read), the figures are
// saved on several workers, and the page lists them all in the items'
// order, a repeated name refused before any is made.
func TestBuildPageInOrder(t *testing.T) {
	dir := t.TempDir()
	var made []int
	var inMake atomic.Int32
	var items []Item
	for i := range 12 {
		items = append(items, Item{Entry: Entry{Name: fmt.Sprintf("f%02d", i)}, Make: func() (*Figure, error) {
			if inMake.Add(1) > 1 {
				t.Errorf("two Make functions at once")
			}
			defer inMake.Add(-1)
			made = append(made, i)
			if i == 5 {
				return nil, errors.New("no data")
			}
			return LossCurves([]float64{1, 2, 3}, []float64{3, 2, float64(i)}, nil)
		}})
	}
	page, err := BuildPage(dir, Page{Title: "r"}, items)
	if !IsMissing(err) || len(page.Entries) != len(items) || !slices.Equal(made, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
		t.Fatalf("Build: %v; %d entries, made %v", err, len(page.Entries), made)
	}
	for i, e := range page.Entries {
		if want := fmt.Sprintf("f%02d", i); e.Name != want {
			t.Fatalf("entry %d is %s", i, e.Name)
		}
		if (e.Missing != "") != (i == 5) || (i != 5 && e.Files.PNG != e.Name+".png") {
			t.Errorf("entry %s: missing %q, files %+v", e.Name, e.Missing, e.Files)
		}
	}
	made = nil
	if _, err := BuildPage(t.TempDir(), Page{Title: "r"}, append(items, items[0])); err == nil || IsMissing(err) || len(made) > 0 {
		t.Errorf("a repeated name: %v, %d figures made", err, len(made))
	}
}

// TestBuildPagePanics: a figure that panics while it is drawn (on a
// worker) panics BuildPage's caller, as it did when figures were drawn
// on the caller's goroutine (rgml ui's server recovers it there).
func TestBuildPagePanics(t *testing.T) {
	ok := func() (*Figure, error) { return LossCurves([]float64{1, 2}, []float64{1, 0.5}, nil) }
	items := []Item{{Entry: Entry{Name: "a"}, Make: ok},
		{Entry: Entry{Name: "broken"}, Make: func() (*Figure, error) { return &Figure{}, nil }},
		{Entry: Entry{Name: "c"}, Make: ok}}
	defer func() {
		if recover() == nil {
			t.Fatal("a figure with no plot drew without a panic")
		}
	}()
	BuildPage(t.TempDir(), Page{Title: "r"}, items)
}

// The page reads as a paper's: a compact table of contents grouped by
// kind (names, not captions), the data links beside each figure,
// parameters with their full value on hover, each figure's notes in its
// caption and no failed figure check.
func TestPageReadable(t *testing.T) {
	dir := t.TempDir()
	page, err := BuildPage(dir, Page{Title: "r"}, allItems())
	if !IsMissing(err) {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, PageFile))
	html := string(b)
	nav, _, _ := strings.Cut(html[strings.Index(html, "<nav>"):], "</nav>")
	for _, want := range []string{"<h3>trainings (2)</h3>", "<h3>figures (", `<a href="#fig12" title="WWᵀ, N_h = 16">fig12</a>`} {
		if !strings.Contains(nav, want) {
			t.Errorf("table of contents lacks %q:\n%s", want, nav)
		}
	}
	if strings.Count(nav, "<li>") != len(page.Drawn()) || strings.Contains(nav, ">sample configurations at") {
		t.Errorf("table of contents is not one short link per figure:\n%s", nav)
	}
	for _, want := range []string{`<td title="sha256:0123456789abcdef0123456789abcdef">sha256:0123456789ab…</td>`,
		`<p class="files">Data: <a href="fig12.npz">.npz</a>`, "not drawn: below"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(html, "Figure check") {
		t.Errorf("a figure fails its check:\n%s", html)
	}
}

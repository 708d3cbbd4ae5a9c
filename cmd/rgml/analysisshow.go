package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// Matrices are cut to this many rows and columns on the terminal: a
// 64×64 map does not fit, and --json holds it whole.
const (
	matrixRows = 10
	matrixCols = 8
)

// readAnalysis decodes an Analysis entry's files through formats, their
// one reader.
func readAnalysis(s *registry.Store, en registry.Entry) (formats.Analysis, error) {
	arrays, err := experiment.ReadNPZ(s, en, formats.AnalysisFile)
	if err != nil {
		return formats.Analysis{}, err
	}
	figs, err := s.ReadFile(en, formats.FiguresFile)
	if err != nil {
		return formats.Analysis{}, err
	}
	a, err := formats.DecodeAnalysis(arrays, figs)
	if err != nil {
		return formats.Analysis{}, fmt.Errorf("%s: %w", en, err)
	}
	return a, nil
}

// resultJSON is one result array as `analyses show --json` prints it: the
// values flat in row-major order, null where not finite (JSON has no NaN).
type resultJSON struct {
	Name   string     `json:"name"`
	Shape  []int      `json:"shape"`
	Values []*float64 `json:"values"`
}

// showAnalysis prints an analysis's results: each figure's series as a
// table (its x beside them), then every array no figure showed.
func showAnalysis(e *env, s *registry.Store, en registry.Entry, m registry.Manifest, asJSON bool) error {
	a, err := readAnalysis(s, en)
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]resultJSON, len(a.Results))
		for i, r := range a.Results {
			out[i] = resultJSON{Name: r.Name, Shape: r.Shape, Values: finiteOrNull(floats(r))}
		}
		return printJSON(e, struct {
			registry.Entry
			Manifest registry.Manifest `json:"manifest"`
			Results  []resultJSON      `json:"results"`
			Figures  []sdk.Figure      `json:"figures"`
		}{en, m, out, a.Figures})
	}
	fmt.Fprintf(e.stdout, "%s\ndigest:  %s\ncreated: %s\n(files and lineage: rgml analyses lineage %s)\n", en, en.Digest,
		en.Created.Local().Format(time.RFC3339), en.Ref())
	shown := map[string]bool{}
	for _, f := range a.Figures {
		if err := printFigureTable(e, a.Results, f, shown); err != nil {
			return err
		}
	}
	for _, r := range a.Results {
		if !shown[r.Name] {
			if err := printArray(e, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// printFigureTable prints a figure's 1-D series as columns beside its x
// (rows numbered when it has none), and its 2-D series as matrices.
func printFigureTable(e *env, results []npz.Array, f sdk.Figure, shown map[string]bool) error {
	title := f.Title
	if title == "" {
		title = f.Name
	}
	var header []string
	var cols [][]float64
	add := func(name, label string) {
		a, ok := npz.Find(results, name)
		if !ok || len(a.Shape) > 1 {
			return
		}
		shown[name] = true
		header, cols = append(header, label), append(cols, floats(a))
	}
	if f.X != "" {
		add(f.X, labelOf(f.X, f.XLabel))
	}
	var matrices []npz.Array
	for i, name := range f.Series {
		if a, ok := npz.Find(results, name); ok && len(a.Shape) > 1 {
			matrices = append(matrices, a)
			continue
		}
		add(name, name)
		if i < len(f.Errors) && f.Errors[i] != "" {
			add(f.Errors[i], "±"+name)
		}
	}
	if len(cols) > 0 {
		fmt.Fprintf(e.stdout, "\n%s (%s):\n", title, f.Kind)
		if err := printColumns(e, header, cols); err != nil {
			return err
		}
	}
	for _, a := range matrices {
		if shown[a.Name] {
			continue
		}
		shown[a.Name] = true
		fmt.Fprintf(e.stdout, "\n%s (%s):\n", title, f.Kind)
		if err := printMatrix(e, a); err != nil {
			return err
		}
	}
	return nil
}

// labelOf heads the x column: the figure's axis label, which says the
// unit, else the tensor's name.
func labelOf(name, label string) string {
	if label == "" {
		return name
	}
	return label
}

// cell prints a value to six digits, enough to read on a terminal; --json
// has every digit.
func cell(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }

// printColumns prints equal-length columns as a table; a shorter column
// leaves its cells empty.
func printColumns(e *env, header []string, cols [][]float64) error {
	n := 0
	for _, c := range cols {
		n = max(n, len(c))
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return printTable(e, strings.Join(header, "\t"), idx, func(i int) string {
		cells := make([]string, len(cols))
		for j, c := range cols {
			if i < len(c) {
				cells[j] = cell(c[i])
			}
		}
		return strings.Join(cells, "\t")
	})
}

// printArray prints a result no figure showed: a scalar on one line, a
// vector as one column, a matrix cut to matrixRows × matrixCols.
func printArray(e *env, a npz.Array) error {
	v := floats(a)
	switch len(a.Shape) {
	case 0:
		fmt.Fprintf(e.stdout, "\n%s = %s\n", a.Name, cell(v[0]))
		return nil
	case 1:
		fmt.Fprintf(e.stdout, "\n%s (%d values):\n", a.Name, len(v))
		idx := make([]int, len(v))
		for i := range idx {
			idx[i] = i
		}
		return printTable(e, "i\t"+a.Name, idx, func(i int) string { return strconv.Itoa(i) + "\t" + cell(v[i]) })
	}
	fmt.Fprintf(e.stdout, "\n%s:\n", a.Name)
	return printMatrix(e, a)
}

// printMatrix prints a 2-D (or higher, as rows × the rest) array, cut to
// matrixRows × matrixCols with a note of what was left out.
func printMatrix(e *env, a npz.Array) error {
	v := floats(a)
	rows := a.Shape[0]
	cols := 1
	if rows > 0 {
		cols = len(v) / rows
	}
	r, c := min(rows, matrixRows), min(cols, matrixCols)
	header := []string{"row"}
	for j := range c {
		header = append(header, strconv.Itoa(j))
	}
	idx := make([]int, r)
	for i := range idx {
		idx[i] = i
	}
	err := printTable(e, strings.Join(header, "\t"), idx, func(i int) string {
		cells := []string{strconv.Itoa(i)}
		for j := range c {
			cells = append(cells, cell(v[i*cols+j]))
		}
		return strings.Join(cells, "\t")
	})
	if err == nil && (r < rows || c < cols) {
		fmt.Fprintf(e.stdout, "(%s is %s: showing %d of %d rows and %d of %d columns; --json has all)\n",
			a.Name, shapeText(a.Shape), r, rows, c, cols)
	}
	return err
}

func shapeText(shape []int) string {
	parts := make([]string, len(shape))
	for i, n := range shape {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, "×")
}

// floats converts an array's values, whatever their type, to float64.
func floats(a npz.Array) []float64 {
	v, _ := a.Floats()
	return v
}

func finiteOrNull(v []float64) []*float64 {
	out := make([]*float64, len(v))
	for i := range v {
		if !math.IsNaN(v[i]) && !math.IsInf(v[i], 0) {
			out[i] = &v[i]
		}
	}
	return out
}

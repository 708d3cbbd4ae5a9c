package report

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/rgml/rgml/framework/fsutil"
)

// Param is one parameter shown under a figure: Value as shown, Full
// (when set) its whole spelling, shown on hover (a digest shortened in
// Value).
type Param struct{ Name, Value, Full string }

// Entry is one figure of the page, drawn or missing.
type Entry struct {
	Name string // file stem, unique within the page
	// Label is shown before the caption: what the study that judges the
	// report calls the figure (e.g. its number in a paper), or the kind
	// of check it is; "" shows none.
	Label   string
	Caption string
	// Refs are the registry references behind the figure (e.g.
	// "model rbm-v64@3 sha256:ab12…"), Params the parameters.
	Refs   []string
	Params []Param
	Files  Files
	// Missing, when set, says why the figure could not be drawn.
	Missing string
	// Group is the table of contents' heading the figure is listed
	// under (e.g. "flows"); "" lists it under "figures".
	Group string
	// Notes are the figure's notes (Figure.Notes) and Problems what
	// Check finds wrong with it, both set by BuildPage.
	Notes, Problems []string
}

// Group is one heading of the table of contents and its figures.
type Group struct {
	Name    string
	Entries []Entry
}

// Groups are the drawn figures by Group, in order of first appearance.
func (p Page) Groups() []Group {
	var out []Group
	for _, e := range p.Drawn() {
		name := e.Group
		if name == "" {
			name = "figures"
		}
		i := 0
		for i < len(out) && out[i].Name != name {
			i++
		}
		if i == len(out) {
			out = append(out, Group{Name: name})
		}
		out[i].Entries = append(out[i].Entries, e)
	}
	return out
}

// Page is the whole report.
type Page struct {
	Title string
	// Intro lines under the title (run reference, date, host version).
	Intro   []string
	Entries []Entry
	// Verdicts, when set, are shown as a table before the figures.
	Verdicts []Verdict
}

// Verdict is one row of the reproduction table as the page shows it.
type Verdict struct {
	Row, Paper, Criterion, Measured string
	// Status is "pass", "FAIL", "missing", or NotInStudy for a row the
	// study's steps cannot judge (listed in one line below the table).
	Status string
	// Says is what the paper says that the criterion encodes; Beyond what
	// was measured where the paper shows nothing (never a failure).
	Says, Beyond string
	// Seeds is how many seeds pass ("3/3"); Spread the measured value per
	// seed; Provenance the seeds, commits and criteria that produced it.
	Seeds, Spread, Provenance string
}

// NotInStudy is the Status of a row that the study cannot judge.
const NotInStudy = "not in this study"

// String formats the verdict as one line, as the host prints it.
func (v Verdict) String() string {
	status := v.Status
	if status == "missing" {
		status = "MISSING"
	}
	if v.Seeds != "" {
		status += " " + v.Seeds
	}
	return fmt.Sprintf("%-9s %-16s %s — %s", status, v.Row, v.Paper, v.Measured)
}

// VerdictLines are the verdicts as the host prints them: a line per row
// the study judges, then one line naming the rows it cannot.
func VerdictLines(vs []Verdict) []string {
	var out []string
	p := Page{Verdicts: vs}
	for _, v := range p.Judged() {
		out = append(out, v.String())
	}
	if rows := p.NotJudged(); rows != "" {
		out = append(out, NotInStudy+": "+rows)
	}
	return out
}

// Judged are the verdicts of the rows the study judges.
func (p Page) Judged() []Verdict {
	var out []Verdict
	for _, v := range p.Verdicts {
		if v.Status != NotInStudy {
			out = append(out, v)
		}
	}
	return out
}

// NotJudged names the rows the study cannot judge, with their figures.
func (p Page) NotJudged() string {
	var rows []string
	for _, v := range p.Verdicts {
		if v.Status == NotInStudy {
			rows = append(rows, fmt.Sprintf("%s (%s)", v.Row, v.Paper))
		}
	}
	return strings.Join(rows, ", ")
}

// Drawn and Missing split the entries.
func (p Page) Drawn() []Entry   { return p.filter(false) }
func (p Page) Missing() []Entry { return p.filter(true) }

func (p Page) filter(missing bool) []Entry {
	var out []Entry
	for _, e := range p.Entries {
		if (e.Missing != "") == missing {
			out = append(out, e)
		}
	}
	return out
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
figure { margin: 2rem 0; padding-bottom: 1rem; border-bottom: 1px solid #ddd; }
figure img { max-width: 100%; height: auto; }
figcaption .label { font-weight: bold; }
table { border-collapse: collapse; font-size: 0.9rem; margin-top: 0.5rem; }
td, th { border: 1px solid #ccc; padding: 0.15rem 0.5rem; text-align: left; }
code { font-size: 0.85rem; }
.missing li { margin: 0.3rem 0; }
nav ul { list-style: none; padding-left: 0; margin: 0.2rem 0 0.6rem; }
nav li { display: inline; margin-right: 0.8rem; font-size: 0.9rem; }
nav h3 { font-size: 1rem; margin: 0.6rem 0 0; }
.files { font-size: 0.9rem; margin: 0.2rem 0; }
.check { color: #cf222e; }
.pass { color: #1a7f37; } .FAIL { color: #cf222e; } .missing-verdict { color: #9a6700; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{range .Intro}}<p>{{.}}</p>
{{end}}
{{- if .Verdicts}}
<section id="verdicts">
<h2>Reproduction verdicts</h2>
<table><tr><th>row</th><th>paper</th><th>the paper says</th><th>criterion</th><th>measured</th><th>seeds passing</th><th>verdict</th></tr>
{{range .Judged}}<tr><td>{{.Row}}</td><td>{{.Paper}}</td><td>{{.Says}}</td><td>{{.Criterion}}</td><td>{{.Measured}}{{with .Spread}}<br><em>Spread over seeds:</em> {{.}}{{end}}{{with .Beyond}}<br><em>Beyond the paper (not judged):</em> {{.}}{{end}}{{with .Provenance}}<br><small>{{.}}</small>{{end}}</td><td>{{.Seeds}}</td><td class="{{if eq .Status "missing"}}missing-verdict{{else}}{{.Status}}{{end}}">{{.Status}}</td></tr>
{{end}}</table>
{{with .NotJudged}}<p class="not-in-study">Not in this study: {{.}}.</p>{{end}}
</section>
{{- end}}
{{- with .Groups}}
<nav><h2>Figures</h2>{{range .}}<h3>{{.Name}} ({{len .Entries}})</h3><ul>{{range .Entries}}<li><a href="#{{.Name}}" title="{{.Caption}}">{{.Name}}</a></li>{{end}}</ul>{{end}}</nav>
{{- end}}
{{range .Drawn}}
<figure id="{{.Name}}">
<img src="{{.Files.PNG}}" alt="{{with .Label}}{{.}} {{end}}{{.Caption}}"{{if .Files.W}} width="{{.Files.W}}" height="{{.Files.H}}"{{end}}>
<p class="files">Data: <a href="{{.Files.NPZ}}">.npz</a> · <a href="{{.Files.CSV}}">CSV</a> · image: <a href="{{.Files.PNG}}">PNG</a> · <a href="{{.Files.SVG}}">SVG</a></p>
<figcaption>
<p>{{if .Label}}<span class="label">{{.Label}}.</span> {{end}}{{.Caption}}{{range .Notes}} {{.}}{{end}}</p>
{{- range .Problems}}
<p class="check">Figure check: {{.}}</p>
{{- end}}
{{- if .Refs}}
<p>Registry: {{range $i, $r := .Refs}}{{if $i}}; {{end}}<code>{{$r}}</code>{{end}}</p>
{{- end}}
{{- if .Params}}
<table><tr><th>parameter</th><th>value</th></tr>{{range .Params}}<tr><td>{{.Name}}</td><td{{if .Full}} title="{{.Full}}"{{end}}>{{.Value}}</td></tr>{{end}}</table>
{{- end}}
</figcaption>
</figure>
{{end}}
{{- with .Missing}}
<section class="missing" id="missing">
<h2>Missing figures</h2>
<ul>{{range .}}<li><strong>{{if .Label}}{{.Label}}: {{end}}{{.Caption}}</strong> — {{.Missing}}</li>{{end}}</ul>
</section>
{{- end}}
</body>
</html>
`))

// WritePage writes the page as HTML to w.
func WritePage(w io.Writer, p Page) error { return pageTmpl.Execute(w, p) }

// PageFile is the report's file name in its directory.
const PageFile = "index.html"

// Item is one figure to build: its page entry (without Files or Missing)
// and the function that makes it. BuildPage calls the items' Make one at
// a time, in order, while the figures made before are still being drawn
// on other goroutines: a Make may read what earlier ones read, but must
// not change anything a figure it did not make refers to.
type Item struct {
	Entry
	Make func() (*Figure, error)
}

// MissingError lists the figures Build could not draw.
type MissingError struct{ Entries []Entry }

func (e *MissingError) Error() string {
	parts := make([]string, len(e.Entries))
	for i, m := range e.Entries {
		parts[i] = m.Name + " (" + m.Missing + ")"
	}
	return fmt.Sprintf("%d figure(s) missing from the report: %s", len(e.Entries), strings.Join(parts, "; "))
}

// BuildPage draws every item into dir, writes dir/index.html listing
// them (a figure that failed is listed as missing, with its error) under
// the title, intro and verdicts of head (its Entries are ignored: items
// make them) and returns the page. The error is a *MissingError when a
// figure is missing, or the failure to write a file. Names are checked
// before anything is drawn.
//
// The items' Make functions run one after the other, in order, on the
// caller's goroutine (they may share what they read); drawing, encoding
// and writing each figure (Check and Save: four fifths of a report's
// time) run on up to GOMAXPROCS goroutines. Every figure's files are the
// same bytes whatever the order, and the page lists the items in order.
func BuildPage(dir string, head Page, items []Item) (Page, error) {
	page := head
	page.Entries = nil
	seen := map[string]bool{}
	for _, it := range items {
		if n := it.Entry.Name; n == "" || seen[n] || strings.ContainsAny(n, `/\`) {
			return page, fmt.Errorf("report: figure name %q is empty, repeated or has a path separator", n)
		}
		seen[it.Entry.Name] = true
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return page, err
	}
	page.Entries = saveAll(dir, items)
	err := fsutil.WriteFileAtomic(filepath.Join(dir, PageFile), func(w io.Writer) error { return WritePage(w, page) })
	if err != nil {
		return page, err
	}
	if m := page.Missing(); len(m) > 0 {
		return page, &MissingError{Entries: m}
	}
	return page, nil
}

// saveAll makes the items' figures in order and saves them on up to
// GOMAXPROCS workers, returning their entries in the items' order. A
// panic in a worker is raised again on the caller's goroutine once every
// worker has stopped, as it would have been with no workers (rgml ui's
// server recovers it there); a panic in a Make stops the workers first.
func saveAll(dir string, items []Item) []Entry {
	entries := make([]Entry, len(items))
	type made struct {
		i int
		f *Figure
	}
	todo := make(chan made)
	var wg sync.WaitGroup
	var panicked sync.Once
	var fault any
	save := func(m made) {
		defer func() {
			if r := recover(); r != nil {
				panicked.Do(func() { fault = r })
			}
		}()
		e := &entries[m.i]
		e.Notes, e.Problems = m.f.Notes, Check(m.f)
		var err error
		if e.Files, err = Save(dir, e.Name, m.f); err != nil {
			e.Missing = firstLine(err.Error())
		}
	}
	for range min(runtime.GOMAXPROCS(0), len(items)) {
		wg.Go(func() {
			for m := range todo {
				save(m)
			}
		})
	}
	func() {
		defer func() { close(todo); wg.Wait() }()
		for i, it := range items {
			entries[i] = it.Entry
			f, err := it.Make()
			if err != nil {
				entries[i].Missing = firstLine(err.Error())
				continue
			}
			todo <- made{i, f}
		}
	}()
	if fault != nil {
		panic(fault)
	}
	return entries
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// IsMissing reports whether err says that figures are missing (as opposed
// to a failure to write the report).
func IsMissing(err error) bool {
	var m *MissingError
	return errors.As(err, &m)
}

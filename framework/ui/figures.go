package ui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// figures serves the figures of an entry, drawn as the report draws
// them: a run's whole report with the verdict table of the study its
// spec named, any other entry's own figures. Each is drawn once into
// the cache (an entry never changes; a run handed to Slurm is drawn
// again once more of its steps have results).
func (s *Server) figures(w http.ResponseWriter, r *http.Request) {
	en, err := s.lookup(r)
	if err != nil {
		fail(w, err)
		return
	}
	dir, err := s.drawn(r.Context(), en)
	if err != nil {
		fail(w, err)
		return
	}
	file := r.PathValue("file")
	if file == "" {
		file = report.PageFile
	}
	// The report's files are plain names in one folder.
	if strings.ContainsAny(file, `/\`) || file == "." || file == ".." {
		http.NotFound(w, r)
		return
	}
	http.ServeFile(w, r, filepath.Join(dir, file))
}

// drawn returns the folder of en's figures, drawing them if the cache
// has none.
func (s *Server) drawn(ctx context.Context, en registry.Entry) (string, error) {
	spec := experiment.ReportSpec{Title: en.String(), Entries: []registry.Entry{en}}
	name := hexOf(en.Digest)
	if en.Kind == registry.Run {
		var rec registry.RunRecord
		var err error
		if spec, rec, err = experiment.RunReportSpec(ctx, s.o.Store, en); err != nil {
			return "", err
		}
		have := 0
		for _, st := range rec.Steps {
			if st.Digest != "" {
				have++
			}
		}
		name = fmt.Sprintf("%s-%d", name, have)
		if judge, lost := experiment.RunJudge(rec); judge != "" {
			spec.Judge = judge
		} else if lost != "" {
			spec.Intro = append(spec.Intro, "No verdict table: "+lost+".")
		}
	}
	dir := filepath.Join(s.cache, name)
	s.draw.Lock()
	defer s.draw.Unlock()
	if _, err := os.Stat(filepath.Join(dir, report.PageFile)); err == nil {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(s.cache, name+".drawing-")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, s.o.DrawTimeout)
	defer cancel()
	spec.Out = tmp
	// A figure that cannot be drawn is listed on the page with its
	// reason: the page is served all the same.
	if _, err := experiment.BuildReport(ctx, s.o.Store, spec); err != nil && !report.IsMissing(err) {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("drawing the figures of %s: %w", en, err)
	}
	if err := os.Rename(tmp, dir); err != nil && !errors.Is(err, fs.ErrExist) {
		os.RemoveAll(tmp)
		return "", err
	}
	return dir, nil
}

package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path/filepath"
	"time"

	"github.com/rgml/rgml/framework/experiment"
)

func (s *Server) livePage(w http.ResponseWriter, r *http.Request) {
	live, err := experiment.LiveTrainings(s.o.Store)
	if err != nil {
		fail(w, err)
		return
	}
	s.render(w, "live.html", page{Title: "running trainings and flows", Section: "live", Data: struct {
		Trainings []experiment.LiveTraining
		Flows     []experiment.LiveFlow
	}{live, experiment.LiveFlows(s.o.Store)}})
}

// liveChart is what liveview.html draws: the stream to follow and what
// its x axis counts.
type liveChart struct {
	Kind, Name, Src, X string
	Progress           bool // fed by a progress file, not checkpoints
}

func (s *Server) liveView(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	l, ok := experiment.LiveTrainingByID(s.o.Store, id)
	if !ok {
		http.Error(w, fmt.Sprintf("no running training %s: it has ended (see its model) or reported nothing yet", id), http.StatusNotFound)
		return
	}
	s.render(w, "liveview.html", page{Title: "training " + l.Name, Section: "live",
		Data: liveChart{Kind: "training", Name: l.Name, Src: "/live/events/" + id, X: "epoch", Progress: l.Progress}})
}

func (s *Server) liveFlowView(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f, ok := experiment.LiveFlowByID(s.o.Store, id)
	if !ok {
		http.Error(w, fmt.Sprintf("no running flow %s: it has ended (see its entry) or read no iteration count yet", id), http.StatusNotFound)
		return
	}
	s.render(w, "liveview.html", page{Title: "flow " + f.Name, Section: "live",
		Data: liveChart{Kind: "flow", Name: f.Name, Src: "/live/flow-events/" + id, X: "iterations", Progress: true}})
}

// keepAlive is how often an idle event stream sends a comment, so that
// a proxy or the browser does not take a quiet training for a dead link.
const keepAlive = 15 * time.Second

// eventStream starts a server-sent event stream on w.
func eventStream(w http.ResponseWriter) (http.Flusher, bool) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "ui: this connection cannot stream events", http.StatusInternalServerError)
		return nil, false
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	fl.Flush()
	return fl, true
}

// liveEvents streams the history of a running training as server-sent
// events: "rows" (a JSON array of its reports) as its progress file
// gains them (or, from an rgml before progress files, as its checkpoints
// hold them), then "end" when its folder is gone (it registered its
// model, or failed). The stream ends with the request or the server.
func (s *Server) liveEvents(w http.ResponseWriter, r *http.Request) {
	l, ok := experiment.LiveTrainingByID(s.o.Store, r.PathValue("id"))
	if !ok {
		http.Error(w, "no running training "+r.PathValue("id"), http.StatusNotFound)
		return
	}
	if l.Progress {
		s.tail(w, r, filepath.Join(l.Dir, experiment.LiveFile), l.Name)
		return
	}
	s.checkpointEvents(w, r, l)
}

// liveFlowEvents streams a running flow's progress file as liveEvents
// does a training's.
func (s *Server) liveFlowEvents(w http.ResponseWriter, r *http.Request) {
	f, ok := experiment.LiveFlowByID(s.o.Store, r.PathValue("id"))
	if !ok {
		http.Error(w, "no running flow "+r.PathValue("id"), http.StatusNotFound)
		return
	}
	s.tail(w, r, filepath.Join(f.Dir, experiment.LiveFile), f.Name)
}

// tail sends the lines of the progress file path as "rows" events, each
// poll only those appended since the last (LiveTail reads from an
// offset), and "end" (data: name) once the file is gone.
func (s *Server) tail(w http.ResponseWriter, r *http.Request, path, name string) {
	var off int64
	s.poll(w, r, name, "report", func() (any, int, bool, error) {
		rows, next, err := experiment.LiveTail(path, off)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, true, nil
		}
		off = next
		return rows, len(rows), false, err
	})
}

// poll is the event stream both ways of following share: every Poll it
// reads what is new (n rows, sent as one "rows" event), says "end" (data:
// name) once read reports the step ended, "problem" on an error, and a
// comment waiting for the next what after keepAlive of silence.
func (s *Server) poll(w http.ResponseWriter, r *http.Request, name, what string, read func() (rows any, n int, ended bool, err error)) {
	fl, ok := eventStream(w)
	if !ok {
		return
	}
	tick := time.NewTicker(s.o.Poll)
	defer tick.Stop()
	quiet := time.Now()
	for {
		rows, n, ended, err := read()
		switch {
		case ended:
			fmt.Fprintf(w, "event: end\ndata: %s\n\n", name)
			fl.Flush()
			return
		case err != nil:
			problem(w, fl, err)
			return
		case n > 0:
			if !sendRows(w, fl, rows) {
				return
			}
			quiet = time.Now()
		case time.Since(quiet) > keepAlive:
			fmt.Fprintf(w, ": waiting for the next %s\n\n", what)
			fl.Flush()
			quiet = time.Now()
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

func problem(w http.ResponseWriter, fl http.Flusher, err error) {
	b, _ := json.Marshal(err.Error())
	fmt.Fprintf(w, "event: problem\ndata: %s\n\n", b)
	fl.Flush()
}

func sendRows(w http.ResponseWriter, fl http.Flusher, rows any) bool {
	b, err := json.Marshal(rows)
	if err != nil {
		return false
	}
	fmt.Fprintf(w, "event: rows\ndata: %s\n\n", b)
	fl.Flush()
	return true
}

// checkpointEvents follows a training through its checkpoints'
// histories, each new one decoded whole: what an rgml before progress
// files leaves to follow.
func (s *Server) checkpointEvents(w http.ResponseWriter, r *http.Request, l experiment.LiveTraining) {
	after := -1 // epochs count from 0 or 1: send every row
	s.poll(w, r, l.Name, "checkpoint", func() (any, int, bool, error) {
		rows, epoch, err := experiment.LiveHistory(l, after)
		if errors.Is(err, experiment.ErrTrainingEnded) {
			return nil, 0, true, nil
		}
		after = epoch
		return rows, len(rows), false, err
	})
}

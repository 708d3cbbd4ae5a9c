package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rgml/rgml/framework/experiment"
)

func (s *Server) livePage(w http.ResponseWriter, r *http.Request) {
	live, err := experiment.LiveTrainings(s.o.Store)
	if err != nil {
		fail(w, err)
		return
	}
	s.render(w, "live.html", page{Title: "running trainings", Section: "live", Data: live})
}

func (s *Server) liveView(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	l, ok := experiment.LiveTrainingByID(s.o.Store, id)
	if !ok {
		http.Error(w, fmt.Sprintf("no running training %s: it has ended (see its model) or saved no checkpoint yet", id), http.StatusNotFound)
		return
	}
	s.render(w, "liveview.html", page{Title: "training " + l.Name, Section: "live", Data: struct {
		Training experiment.LiveTraining
		ID       string
	}{l, id}})
}

// keepAlive is how often an idle event stream sends a comment, so that
// a proxy or the browser does not take a quiet training for a dead link.
const keepAlive = 15 * time.Second

// liveEvents streams the history of a running training as server-sent
// events: "rows" (a JSON array of history rows, each epoch once) as its
// checkpoints hold them, then "end" when its checkpoints are gone (it
// registered its model, or failed). The stream ends with the request or
// the server.
func (s *Server) liveEvents(w http.ResponseWriter, r *http.Request) {
	l, ok := experiment.LiveTrainingByID(s.o.Store, r.PathValue("id"))
	if !ok {
		http.Error(w, "no running training "+r.PathValue("id"), http.StatusNotFound)
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "ui: this connection cannot stream events", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n\n")
	fl.Flush()
	tick := time.NewTicker(s.o.Poll)
	defer tick.Stop()
	quiet := time.Now()
	after := -1 // epochs count from 0 or 1: send every row
	for {
		rows, epoch, err := experiment.LiveHistory(l, after)
		switch {
		case errors.Is(err, experiment.ErrTrainingEnded):
			fmt.Fprintf(w, "event: end\ndata: %s\n\n", l.Name)
			fl.Flush()
			return
		case err != nil:
			b, _ := json.Marshal(err.Error())
			fmt.Fprintf(w, "event: problem\ndata: %s\n\n", b)
			fl.Flush()
			return
		case len(rows) > 0:
			b, err := json.Marshal(rows)
			if err != nil {
				return
			}
			fmt.Fprintf(w, "event: rows\ndata: %s\n\n", b)
			fl.Flush()
			quiet = time.Now()
		case time.Since(quiet) > keepAlive:
			fmt.Fprint(w, ": waiting for the next checkpoint\n\n")
			fl.Flush()
			quiet = time.Now()
		}
		after = epoch
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

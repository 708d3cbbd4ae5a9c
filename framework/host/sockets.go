package host

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// socketPrefix starts the name of every host's socket directory in the
// temporary directory: rgml-sock-PID-RANDOM.
const socketPrefix = "rgml-sock-"

// socketDir returns the host's private directory for its plugins' Unix
// sockets, creating it (0700) at the first call. It first removes the
// directories of hosts that died without cleaning up (kill -9).
func (h *Host) socketDir() (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.sockets != "" {
		return h.sockets, nil
	}
	removeStaleSocketDirs(os.TempDir())
	dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-", socketPrefix, os.Getpid()))
	if err != nil {
		return "", fmt.Errorf("creating the plugins' socket directory: %w", err)
	}
	h.sockets = dir
	return dir, nil
}

func (h *Host) removeSocketDir() {
	h.mu.Lock()
	dir := h.sockets
	h.sockets = ""
	h.mu.Unlock()
	if h.copies.owner == h {
		h.copies.mu.Lock()
		h.copies.byPath = nil // they are in dir
		h.copies.mu.Unlock()
	}
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// removeStaleSocketDirs removes the socket directories in tmp whose host
// process is gone. Failures are ignored: another user's directories are
// not ours to remove, and a leftover directory harms nothing.
func removeStaleSocketDirs(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, socketPrefix+"*"))
	for _, d := range dirs {
		rest := strings.TrimPrefix(filepath.Base(d), socketPrefix)
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(d)
	}
}

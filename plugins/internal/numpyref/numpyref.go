package numpyref

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/rgml/rgml/framework/sdk"
)

// Python is the interpreter of the scripts: Debian's, whose numpy links
// to Debian's OpenBLAS.
const Python = "/usr/bin/python3"

// Server is a running numpy_epoch.py --serve.
type Server struct {
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Scanner
	Times []float64 // ns of the epochs run since the last Reset
}

// Start runs Python on script with args (which must make it serve) and
// waits for its "ready". The script gets the OPENBLAS_CORETYPE the rgml
// host would set for a plugin, unless the environment has one.
func Start(script string, args ...string) (*Server, error) {
	if _, err := os.Stat(Python); err != nil {
		return nil, err
	}
	cmd := exec.Command(Python, append([]string{script}, args...)...)
	cmd.Env = os.Environ()
	if os.Getenv("OPENBLAS_CORETYPE") == "" && sdk.OpenBLASCoreType() != "" {
		cmd.Env = append(cmd.Env, "OPENBLAS_CORETYPE="+sdk.OpenBLASCoreType())
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	s.out.Buffer(nil, 1<<20)
	if !s.out.Scan() || s.out.Text() != "ready" {
		s.Close()
		return nil, fmt.Errorf("%s did not start: %s", script, bytes.TrimSpace(stderr.Bytes()))
	}
	return s, nil
}

// Epochs runs k numpy epochs and records their times.
func (s *Server) Epochs(k int) error {
	if _, err := fmt.Fprintln(s.in, k); err != nil {
		return err
	}
	if !s.out.Scan() {
		return fmt.Errorf("numpy script stopped: %v", s.out.Err())
	}
	for _, f := range strings.Fields(s.out.Text()) {
		ns, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return err
		}
		s.Times = append(s.Times, ns)
	}
	return nil
}

// Reset forgets the recorded times.
func (s *Server) Reset() { s.Times = s.Times[:0] }

// Stats returns the mean and the least of the recorded times (NaN if none).
func (s *Server) Stats() (mean, least float64) {
	if len(s.Times) == 0 {
		return math.NaN(), math.NaN()
	}
	least = math.Inf(1)
	for _, x := range s.Times {
		mean += x / float64(len(s.Times))
		least = min(least, x)
	}
	return mean, least
}

// Close stops the script.
func (s *Server) Close() {
	s.in.Close()
	s.cmd.Wait()
}

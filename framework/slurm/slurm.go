package slurm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoSlurm is returned (wrapped) by New when sbatch is not on PATH.
var ErrNoSlurm = errors.New("no sbatch on PATH")

// Client runs Slurm's client commands.
type Client struct {
	sbatch, squeue, scancel, sinfo string
	sacct                          string // "" when not installed
}

// New finds the client commands on PATH.
func New() (*Client, error) {
	c := &Client{}
	for _, t := range []struct {
		name string
		dst  *string
	}{{"sbatch", &c.sbatch}, {"squeue", &c.squeue}, {"scancel", &c.scancel}, {"sinfo", &c.sinfo}} {
		p, err := exec.LookPath(t.name)
		if err != nil {
			if t.name == "sbatch" {
				return nil, fmt.Errorf("%w: install Slurm's client commands (Debian: slurm-client) or run on the cluster's login node", ErrNoSlurm)
			}
			return nil, fmt.Errorf("no %s on PATH next to sbatch: Slurm's client commands are incomplete", t.name)
		}
		*t.dst = p
	}
	c.sacct, _ = exec.LookPath("sacct")
	return c, nil
}

func (c *Client) run(ctx context.Context, stdin string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		msg = strings.Join(strings.Fields(msg), " ") // one line
		return out.String(), fmt.Errorf("%s: %s", filepath.Base(name), msg)
	}
	return out.String(), nil
}

// Submit submits script (a shell script, #!/bin/sh first) with sbatch's
// options args and returns the job id (the array's id for an array).
func (c *Client) Submit(ctx context.Context, script string, args []string) (string, error) {
	out, err := c.run(ctx, script, c.sbatch, append([]string{"--parsable"}, args...)...)
	if err != nil {
		return "", err
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";") // "ID;CLUSTER" on a federation
	if id == "" || strings.ContainsAny(id, " \n") {
		return "", fmt.Errorf("sbatch: unexpected answer %q", out)
	}
	return id, nil
}

// States returns the state (PENDING, RUNNING, COMPLETED, FAILED,
// CANCELLED, TIMEOUT, …) of each job or array task the controller or the
// accounting database knows, by id ("123", "124_3"). Jobs neither knows
// any more are absent from the map.
func (c *Client) States(ctx context.Context, ids []string) (map[string]string, error) {
	st := map[string]string{}
	if len(ids) == 0 {
		return st, nil
	}
	// squeue refuses the whole list if one id is unknown: ask one by one
	// only then.
	ask := func(list []string) error {
		out, err := c.run(ctx, "", c.squeue, "-h", "-r", "--states=all", "-o", "%i|%T", "-j", strings.Join(list, ","))
		if err != nil {
			return err
		}
		for _, line := range strings.Split(out, "\n") {
			if id, state, ok := strings.Cut(strings.TrimSpace(line), "|"); ok {
				st[id] = state
			}
		}
		return nil
	}
	if err := ask(ids); err != nil {
		failed := 0
		for _, id := range ids {
			if ask([]string{id}) != nil { // a purged job: left to sacct
				failed++
			}
		}
		if failed == len(ids) && c.sacct == "" {
			return nil, err // the controller does not answer
		}
	}
	var missing []string
	for _, id := range ids {
		base, _, _ := strings.Cut(id, "_")
		if _, ok := st[id]; !ok {
			missing = append(missing, base)
		}
	}
	if len(missing) > 0 && c.sacct != "" {
		out, err := c.run(ctx, "", c.sacct, "-n", "-X", "-P", "-o", "JobID,State", "-j", strings.Join(dedup(missing), ","))
		if err == nil {
			for _, line := range strings.Split(out, "\n") {
				if id, state, ok := strings.Cut(strings.TrimSpace(line), "|"); ok {
					if _, known := st[id]; !known {
						st[id], _, _ = strings.Cut(state, " ") // "CANCELLED by 0"
					}
				}
			}
		}
	}
	return st, nil
}

// Cancel cancels the jobs (scancel); an array id cancels all its tasks.
func (c *Client) Cancel(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := c.run(ctx, "", c.scancel, dedup(ids)...)
	return err
}

// Nodes returns the names of the partition's nodes (the default
// partition's when partition is "").
func (c *Client) Nodes(ctx context.Context, partition string) ([]string, error) {
	args := []string{"-h", "-N", "-o", "%N|%P"}
	if partition != "" {
		args = append(args, "-p", partition)
	}
	out, err := c.run(ctx, "", c.sinfo, args...)
	if err != nil {
		return nil, err
	}
	var nodes []string
	for _, line := range strings.Fields(out) {
		node, part, _ := strings.Cut(line, "|")
		// Without a partition, jobs go to the default one, marked "*".
		if partition != "" || strings.HasSuffix(part, "*") {
			nodes = append(nodes, node)
		}
	}
	nodes = dedup(nodes)
	if len(nodes) == 0 {
		if partition != "" {
			return nil, fmt.Errorf("sinfo: partition %q has no nodes (or does not exist)", partition)
		}
		return nil, errors.New("sinfo: the cluster has no nodes")
	}
	return nodes, nil
}

// Local reports whether every node of the partition is this machine
// (its short host name), as on a one-node cluster.
func (c *Client) Local(ctx context.Context, partition string) (bool, error) {
	nodes, err := c.Nodes(ctx, partition)
	if err != nil {
		return false, err
	}
	h, err := os.Hostname()
	if err != nil {
		return false, err
	}
	h, _, _ = strings.Cut(h, ".")
	for _, n := range nodes {
		if n != h {
			return false, nil
		}
	}
	return true, nil
}

// nodeLocal are directories each machine has its own of.
var nodeLocal = []string{"/tmp", "/var/tmp", "/dev/shm", "/run", "/var/run"}

// CheckShared returns an error naming the first path (what → path) that
// lies in a node-local directory (/tmp, /var/tmp, /dev/shm, /run), which
// the compute nodes cannot see, unless local (every node is this
// machine). Paths are made absolute first.
func CheckShared(paths map[string]string, local bool) error {
	if local {
		return nil
	}
	whats := make([]string, 0, len(paths))
	for w := range paths {
		whats = append(whats, w)
	}
	sort.Strings(whats)
	for _, w := range whats {
		p, err := filepath.Abs(paths[w])
		if err != nil {
			return fmt.Errorf("%s %s: %v", w, paths[w], err)
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		for _, d := range nodeLocal {
			if p == d || strings.HasPrefix(p, d+"/") {
				return fmt.Errorf("%s %s is under %s, which each node has its own of: put it on the shared filesystem (the cluster has other nodes than this one)", w, p, d)
			}
		}
	}
	return nil
}

// Quote quotes s for a POSIX shell.
func Quote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func dedup(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

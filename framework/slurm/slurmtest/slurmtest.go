// Package slurmtest starts a real one-node Slurm cluster for tests:
// munged with a key of its own, slurmctld and slurmd in the foreground,
// every file (configuration, state, spool, logs, sockets) in a temporary
// directory, on ports of their own, so several test binaries can each
// have one. It needs Debian's slurm-wlm and munge and root (slurmd runs
// jobs as their users); without them Start skips the test, saying why.
package slurmtest

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// GhostPartition is a partition of the cluster whose one node,
// GhostNode, is another machine (never up): jobs submitted there never
// run, and paths that only this machine sees are not shared with it.
const (
	GhostPartition = "ghost"
	GhostNode      = "rgmlghost"
)

// Cluster is a running one-node cluster. Slurm's client commands find it
// through SLURM_CONF, which Start sets for the test (and the processes
// it starts).
type Cluster struct {
	Dir  string // its temporary directory
	Conf string // its slurm.conf
	Node string // this host's short name, the only node
	// Partition is the partition's name (the default).
	Partition string
	procs     []*exec.Cmd
}

// Start starts a cluster for t and stops it when t ends (jobs still
// running are cancelled first). It skips t where Slurm or munge is not
// installed or the test does not run as root.
func Start(t testing.TB) *Cluster {
	t.Helper()
	for _, b := range []string{"munged", "slurmctld", "slurmd", "sbatch", "squeue", "scancel", "sinfo"} {
		if _, err := exec.LookPath(b); err != nil {
			t.Skipf("slurmtest: %s is not installed (apt-get install slurm-wlm munge)", b)
		}
	}
	if os.Geteuid() != 0 {
		t.Skip("slurmtest: slurmd must run as root")
	}
	dir, err := os.MkdirTemp("", "rgml-slurm-")
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{Dir: dir, Conf: filepath.Join(dir, "slurm.conf"), Partition: "rgmltest"}
	t.Cleanup(func() { c.stop(t) })
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	c.Node, _, _ = strings.Cut(host, ".")
	for _, d := range []string{"state", "spool", "log"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sock := c.startMunge(t)
	c.writeConf(t, sock)
	t.Setenv("SLURM_CONF", c.Conf)
	c.start(t, "slurmctld", "-D", "-i", "-f", c.Conf)
	c.start(t, "slurmd", "-D", "-f", c.Conf)
	var last string
	if !wait(30*time.Second, func() bool {
		out, _ := exec.Command("sinfo", "-h", "-p", c.Partition, "-o", "%t").CombinedOutput()
		last = strings.TrimSpace(string(out))
		return last == "idle"
	}) {
		t.Fatalf("slurmtest: the node is not idle after 30 s (sinfo: %q): %s %s", last, c.log("slurmctld.log"), c.log("slurmd.log"))
	}
	return c
}

// startMunge starts munged with a fresh key and returns its socket.
func (c *Cluster) startMunge(t testing.TB) string {
	t.Helper()
	dir := c.Dir
	key := make([]byte, 1024)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "munge.key")
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "munge.socket")
	c.start(t, "munged", "-F", "--force", "--key-file="+keyFile, "--socket="+sock,
		"--pid-file="+filepath.Join(dir, "munged.pid"), "--log-file="+filepath.Join(dir, "log", "munged.log"),
		"--seed-file="+filepath.Join(dir, "munged.seed"))
	if !wait(10*time.Second, func() bool { _, err := os.Stat(sock); return err == nil }) {
		t.Fatalf("slurmtest: munged did not create its socket: %s", c.log("munged.log"))
	}
	return sock
}

// writeConf writes the cluster's slurm.conf: the node of this machine in
// the test partition, and a ghost node that is down, authenticated by
// munge at sock.
func (c *Cluster) writeConf(t testing.TB, sock string) {
	t.Helper()
	dir := c.Dir
	ports := freePorts(t, 2)
	conf := fmt.Sprintf(`# written by slurmtest: a one-node cluster for tests
ClusterName=rgmltest%d
SlurmctldHost=%s
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=%s
CredType=cred/munge
SlurmctldPort=%d
SlurmdPort=%d
StateSaveLocation=%s/state
SlurmdSpoolDir=%s/spool
SlurmctldPidFile=%s/slurmctld.pid
SlurmdPidFile=%s/slurmd.pid
SlurmctldLogFile=%s/log/slurmctld.log
SlurmdLogFile=%s/log/slurmd.log
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MinJobAge=600
KillWait=5
NodeName=%s CPUs=%d RealMemory=%d State=UNKNOWN
PartitionName=%s Nodes=%s Default=YES MaxTime=INFINITE State=UP
NodeName=%s NodeAddr=127.0.0.2 CPUs=1 RealMemory=100 State=DOWN
PartitionName=%s Nodes=%s State=UP
`, ports[0], c.Node, sock, ports[0], ports[1], dir, dir, dir, dir, dir, dir, c.Node, runtime.NumCPU(), memoryMB()/2, c.Partition, c.Node,
		GhostNode, GhostPartition, GhostNode)
	if err := os.WriteFile(c.Conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
}

// start starts a daemon in the foreground, its output in the log dir.
func (c *Cluster) start(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := os.Create(filepath.Join(c.Dir, "log", name+".out"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(), "SLURM_CONF="+c.Conf)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("slurmtest: starting %s: %v", name, err)
	}
	c.procs = append(c.procs, cmd)
}

// stop cancels the jobs, stops the daemons (last started first) and
// removes the directory.
func (c *Cluster) stop(t testing.TB) {
	if len(c.procs) > 1 {
		env := append(os.Environ(), "SLURM_CONF="+c.Conf)
		cmd := exec.Command("scancel", "--partition="+c.Partition)
		cmd.Env = env
		_ = cmd.Run()
		wait(15*time.Second, func() bool {
			q := exec.Command("squeue", "-h", "-o", "%i")
			q.Env = env
			out, err := q.Output()
			return err != nil || strings.TrimSpace(string(out)) == ""
		})
	}
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		_ = p.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
	if t.Failed() {
		t.Logf("slurmtest: logs kept in %s", c.Dir)
		return
	}
	os.RemoveAll(c.Dir)
}

// Log returns the tail of one of the daemons' logs (for failure messages).
func (c *Cluster) log(name string) string {
	b, _ := os.ReadFile(filepath.Join(c.Dir, "log", name))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return name + ": " + string(b)
}

// State returns a job's (or array task's) state as squeue says it, ""
// if squeue does not know it.
func (c *Cluster) State(id string) string {
	out, err := exec.Command("squeue", "-h", "-r", "--states=all", "-o", "%T", "-j", id).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// Idle waits (up to timeout) until the cluster has no job left in the
// queue, pending or running; it reports whether it has none.
func (c *Cluster) Idle(timeout time.Duration) bool {
	return wait(timeout, func() bool {
		out, err := exec.Command("squeue", "-h", "-o", "%i").Output()
		return err == nil && strings.TrimSpace(string(out)) == ""
	})
}

func wait(d time.Duration, ok func() bool) bool {
	end := time.Now().Add(d)
	for {
		if ok() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePorts(t testing.TB, n int) []int {
	var ports []int
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if len(ports) == 0 || p != ports[0] {
			ports = append(ports, p)
		}
	}
	return ports
}

// memoryMB is this machine's memory in MiB (4096 if unknown).
func memoryMB() int {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 4096
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "MemTotal:"); ok {
			if kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB")); err == nil {
				return kb / 1024
			}
		}
	}
	return 4096
}

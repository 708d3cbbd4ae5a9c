package registry

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The multi-process tests re-execute the test binary; TestHelperProcess is
// what the children run.
const (
	helperEnv   = "RGML_REGISTRY_TEST_HELPER"
	helperRoot  = "RGML_REGISTRY_TEST_ROOT"
	helperCount = "RGML_REGISTRY_TEST_N"
	helperID    = "RGML_REGISTRY_TEST_ID"
)

func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("helper process for the multi-process tests")
	}
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	s, err := Open(os.Getenv(helperRoot))
	if err != nil {
		fail(err)
	}
	ctx := context.Background()
	switch mode {
	case "put-n":
		n, _ := strconv.Atoi(os.Getenv(helperCount))
		id := os.Getenv(helperID)
		for i := range n {
			data := []byte(fmt.Sprintf("weights of writer %s, put %d", id, i))
			e, err := s.Put(ctx, Model, "net", []File{{Name: "weights.npz", Data: data}}, Lineage{Seed: uint64(i)})
			if err != nil {
				fail(err)
			}
			fmt.Println(e.Version)
		}
	case "put-forever":
		fmt.Println("ready")
		rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
		for i := 0; ; i++ {
			data := make([]byte, 16<<10+rng.IntN(256<<10))
			for j := range data {
				data[j] = byte(rng.Uint32())
			}
			files := []File{{Name: "data.npz", Data: data}, {Name: "labels.npz", Data: data[:len(data)/8]}}
			_, err := s.Put(ctx, Dataset, fmt.Sprintf("ds%d", i%3), files, Lineage{Seed: uint64(i), Algorithm: "metropolis"})
			if err != nil {
				fail(err)
			}
		}
	default:
		fail(fmt.Errorf("unknown helper mode %q", mode))
	}
	s.Close()
	os.Exit(0)
}

func helper(root, mode string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperRoot+"="+root)
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

func TestConcurrentProcesses(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		if testing.Short() {
			t.Skip("multi-process test")
		}
		const procs, each = 8, 50
		root, _ := newLocation(t)
		s, err := Open(root)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()

		start := time.Now()
		cmds := make([]*exec.Cmd, procs)
		outs := make([]*bytes.Buffer, procs)
		errs := make([]*bytes.Buffer, procs)
		for i := range procs {
			cmds[i] = helper(root, "put-n", helperCount+"="+strconv.Itoa(each), helperID+"="+strconv.Itoa(i))
			outs[i], errs[i] = new(bytes.Buffer), new(bytes.Buffer)
			cmds[i].Stdout, cmds[i].Stderr = outs[i], errs[i]
			if err := cmds[i].Start(); err != nil {
				t.Fatal(err)
			}
		}
		var versions []int
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Fatalf("writer %d: %v\n%s", i, err, errs[i])
			}
			for _, f := range strings.Fields(outs[i].String()) {
				v, err := strconv.Atoi(f)
				if err != nil {
					t.Fatalf("writer %d printed %q", i, f)
				}
				versions = append(versions, v)
			}
		}
		t.Logf("%d processes x %d puts in %v", procs, each, time.Since(start))

		slices.Sort(versions)
		if len(versions) != procs*each {
			t.Fatalf("%d versions returned, want %d", len(versions), procs*each)
		}
		for i, v := range versions {
			if v != i+1 {
				t.Fatalf("returned versions are not 1..%d: position %d holds %d", procs*each, i, v)
			}
		}
		list, err := s.List(Model, "net")
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != procs*each {
			t.Fatalf("list has %d entries", len(list))
		}
		for i, e := range list {
			if e.Version != i+1 {
				t.Fatalf("list position %d has version %d", i, e.Version)
			}
		}
		if e, err := s.Resolve(Model, "net"); err != nil || e.Version != procs*each {
			t.Fatalf("latest: %v %v", e.Version, err)
		}
		mustVerify(t, s)
	})
}

func TestKillDuringWrites(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		if testing.Short() {
			t.Skip("multi-process test")
		}
		root, _ := newLocation(t)
		s, err := Open(root)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()

		rng := rand.New(rand.NewPCG(1, uint64(time.Now().UnixNano())))
		for round := range 10 {
			cmd := helper(root, "put-forever")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			ready := make(chan string, 1)
			go func() {
				line, _ := bufio.NewReader(stdout).ReadString('\n')
				ready <- line
			}()
			select {
			case line := <-ready:
				if strings.TrimSpace(line) != "ready" {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("round %d: writer said %q: %s", round, line, stderr.String())
				}
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("round %d: writer did not start", round)
			}
			time.Sleep(time.Duration(rng.IntN(50_000)) * time.Microsecond)
			if err := cmd.Process.Kill(); err != nil { // SIGKILL
				t.Fatal(err)
			}
			err = cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(interface{ Signaled() bool }); !ok || !ws.Signaled() {
				t.Fatalf("round %d: writer was not killed (%v): %s", round, err, stderr.String())
			}
		}

		s, err = Open(root)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		mustVerify(t, s)
		list, err := s.List("", "")
		if err != nil {
			t.Fatal(err)
		}
		next := map[string]int{}
		for _, e := range list {
			next[e.Name]++
			if e.Version != next[e.Name] {
				t.Fatalf("%s: version %d, want %d (gap or duplicate)", e, e.Version, next[e.Name])
			}
			for _, f := range append(fileNames(e), ManifestFile) {
				if _, err := s.ReadFile(e, f); err != nil {
					t.Fatalf("half-written entry visible: %v", err)
				}
			}
		}
		tmps, _ := os.ReadDir(s.tmpDir())
		t.Logf("%d entries survived 10 kills; %d temp files left behind", len(list), len(tmps))

		e, err := s.Put(context.Background(), Dataset, "ds0", []File{{Name: "data.npz", Data: []byte("after the crash")}}, Lineage{})
		if err != nil {
			t.Fatal(err)
		}
		if e.Version != next["ds0"]+1 {
			t.Fatalf("next version %d, want %d", e.Version, next["ds0"]+1)
		}

		saved := StaleTempAge
		StaleTempAge = 0
		defer func() { StaleTempAge = saved }()
		rep, err := s.GC(false)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("gc: %d orphan blobs (%d bytes), %d temp files", rep.Blobs, rep.Bytes, rep.TempFiles)
		if tmps, _ := os.ReadDir(s.tmpDir()); len(tmps) != 0 {
			t.Fatalf("%d temp files left after gc", len(tmps))
		}
		mustVerify(t, s)
		for _, e := range list {
			if _, err := s.ReadFile(e, e.Files[0].Name); err != nil {
				t.Fatalf("gc removed live data: %v", err)
			}
		}
	})
}

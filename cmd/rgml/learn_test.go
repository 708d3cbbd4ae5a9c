package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/registry"
)

// mustRgml runs the CLI in-process and fails the test on a non-zero exit.
func mustRgml(t *testing.T, args ...string) string {
	t.Helper()
	code, out, stderr := rgml(t, args...)
	if code != 0 {
		t.Fatalf("rgml %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
	}
	return out
}

// The paper's Fig. 11 direction, through the CLI and real plugins: an RBM
// trained only on T = 0 configurations (type L) pulls configurations
// sampled at T = 6 towards low temperature, as measured by a thermometer
// trained on all 25 temperatures. Epochs are reduced; the effect is large
// (the mean measured temperature drops by about 0.9 within 100 iterations,
// where the ensemble mean of 100 configurations fluctuates by a few
// hundredths), so the threshold of 0.5 below is far from the noise.
func TestFlowOfTypeLRBMGoesDown(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0:6:0.25", "--per-point", "200", "--L", "10", "--seed", "1", "--name", "train")
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0:6:0.25", "--per-point", "100", "--L", "10", "--seed", "2", "--name", "test")
	mustRgml(t, "train", "--learner", "thermometer", "--data", "train", "--test", "test", "--set", "epochs=600", "--name", "thermo")
	mustRgml(t, "train", "--learner", "rbm", "--data", "train", "--where", "T=0", "--set", "hidden=16", "--set", "epochs=300", "--name", "rbm-L")
	out := filepath.Join(t.TempDir(), "flow.npz")
	stdout := mustRgml(t, "flow", "--rbm", "rbm-L", "--thermometer", "thermo", "--from", "test", "--where", "T=6",
		"--iterations", "0,1,10,100", "--out", out, "--save-configs")
	if !strings.Contains(stdout, "T_MEAN") {
		t.Errorf("flow output: %s", stdout)
	}
	arrays, err := npz.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	mean, _ := npz.Find(arrays, "T_mean")
	m := mean.Data.([]float64)
	if m[len(m)-1] > m[0]-0.5 {
		t.Errorf("T_mean along the flow %v: want a drop of more than 0.5 from T = 6 configurations", m)
	}
	dist, _ := npz.Find(arrays, "distribution")
	if len(dist.Shape) != 2 || dist.Shape[0] != 4 || dist.Shape[1] != 25 {
		t.Errorf("distribution shape %v, want [4 25]", dist.Shape)
	}
	cfg, ok := npz.Find(arrays, "configs")
	if !ok || len(cfg.Shape) != 3 || cfg.Shape[0] != 4 || cfg.Shape[1] != 100 || cfg.Shape[2] != 100 {
		t.Errorf("flowed configs: %v", cfg.Shape)
	}

	// The model's lineage leads back to the Monte Carlo parameters.
	lin := mustRgml(t, "models", "lineage", "rbm-L")
	for _, want := range []string{"model rbm-L:1", "plugin rbm", `"hidden":16`, "dataset train:1", "plugin ising", "algorithm metropolis-paper"} {
		if !strings.Contains(lin, want) {
			t.Errorf("lineage lacks %q:\n%s", want, lin)
		}
	}
}

func TestTrainBadInput(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--per-point", "20", "--L", "6", "--name", "small")
	mustRgml(t, "sample", "--model", "ising", "--param", "T=1,3", "--per-point", "20", "--L", "8", "--name", "other")
	mustRgml(t, "sample", "--model", "ising", "--param", "T=2", "--per-point", "4", "--L", "6", "--name", "unseen")
	mustRgml(t, "train", "--learner", "rbm", "--data", "small", "--set", "epochs=5", "--set", "hidden=4", "--name", "r6")
	mustRgml(t, "train", "--learner", "thermometer", "--data", "small", "--set", "epochs=2", "--name", "th6")
	for _, tc := range []struct {
		args []string
		want string
		code int // 0: any failure
	}{
		// Wrong input is exit 2, whether the host or the plugin finds it.
		{[]string{"train", "--learner", "nope", "--data", "small"}, `no plugin "nope"`, exitUsage},
		{[]string{"train", "--learner", "ising", "--data", "small"}, `plugin "ising" is not a learner plugin`, exitUsage},
		{[]string{"sample", "--model", "rbm"}, `plugin "rbm" is not a model plugin`, exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--set", "epochs=1e19"}, "epochs", exitUsage},
		{[]string{"train", "--learner", "thermometer", "--data", "small", "--set", "epochs=9223372036854775808"}, "epochs", exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--set", "batch=2.5"}, "must be an integer", exitUsage},
		{[]string{"train", "--learner", "thermometer", "--data", "small", "--test", "unseen", "--set", "epochs=2"}, "not among the 2 training classes", exitUsage},
		{[]string{"flow", "--rbm", "r6", "--thermometer", "th6", "--from", "small", "--iterations", "0,1000000000000"}, "iterations", exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--set", "hidden=0"}, "hidden = 0 is out of range", exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--set", "lr=-1"}, "lr = -1 is out of range", exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--set", "epochs=-1"}, "epochs = -1 is out of range", exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--set", "temperature=3"}, `unknown parameter "temperature"`, exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--set", "hidden"}, "want NAME=VALUE", exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "nope"}, `nope`, 0},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--where", "T=5"}, "selects no configuration", exitUsage},
		{[]string{"train", "--learner", "thermometer", "--data", "small", "--label", "Delta"}, `no label "Delta"`, exitUsage},
		// Flags an unsupervised learner would ignore.
		{[]string{"train", "--learner", "rbm", "--data", "small", "--label", "T", "--set", "epochs=1"}, "rbm is unsupervised and learns no label", exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--test", "unseen", "--set", "epochs=1"}, "rbm is unsupervised and computes no test loss", exitUsage},
		{[]string{"train", "--learner", "rbm", "--data", "small", "--set", "epochs=3", "--set", "lr=1e30", "--name", "nan"}, "epoch", 0},
		{[]string{"flow", "--rbm", "r6", "--thermometer", "th6", "--from", "other"}, "is on an 8×8 lattice, but model r6:1", exitUsage},
		// A flow's columns are named by what its thermometer learned: a
		// model that learned no label is no thermometer.
		{[]string{"flow", "--rbm", "r6", "--thermometer", "r6", "--from", "small"}, "records no label it learned", exitUsage},
	} {
		code, _, stderr := rgml(t, tc.args...)
		if code == 0 || tc.code != 0 && code != tc.code || !strings.Contains(stderr, tc.want) || !strings.HasPrefix(strings.TrimSpace(stderr), "rgml: ") && !strings.Contains(stderr, "\nrgml: ") {
			t.Errorf("rgml %s: exit %d, stderr %q; want a one-line error containing %q", strings.Join(tc.args, " "), code, stderr, tc.want)
		}
	}
	// Nothing was registered by the failures.
	out := mustRgml(t, "models", "list")
	if strings.Count(out, "\n") != 3 || !strings.Contains(out, "r6") || !strings.Contains(out, "th6") {
		t.Errorf("models after bad input:\n%s", out)
	}
}

// A training killed with SIGKILL and resumed with --resume gives the same
// weights, bit for bit, as an uninterrupted one.
func TestKilledTrainingResumesBitForBit(t *testing.T) {
	reg := registryDir(t)
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0:6:0.5", "--per-point", "100", "--L", "10", "--name", "train")
	args := []string{"--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off",
		"train", "--learner", "rbm", "--data", "train", "--set", "hidden=32", "--set", "epochs=4000",
		"--checkpoint-every", "50", "--seed", "7", "--name", "killed"}
	cmd := exec.Command(rgmlBin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for a checkpoint past epoch 100, then kill rgml and its plugin.
	// The training's checkpoints live in checkpoints/NAME/FINGERPRINT/ATTEMPT/.
	var latest string
	deadline := time.Now().Add(60 * time.Second)
	for {
		var epoch int
		if epoch, latest = newestCheckpoint(reg, "killed"); epoch >= 100 {
			break
		}
		if time.Now().After(deadline) {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			t.Fatal("no checkpoint after 60 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	cmd.Wait()
	if out := mustRgml(t, "models", "list"); strings.Contains(out, "killed") {
		t.Fatalf("a killed training registered weights:\n%s", out)
	}

	_, _, stderr := rgml(t, "train", "--learner", "rbm", "--data", "train", "--set", "hidden=32", "--set", "epochs=4000",
		"--checkpoint-every", "50", "--seed", "7", "--name", "killed", "--resume")
	if !strings.Contains(stderr, "resuming killed from epoch") {
		t.Errorf("resume did not say where it resumed: %q", stderr)
	}
	mustRgml(t, "train", "--learner", "rbm", "--data", "train", "--set", "hidden=32", "--set", "epochs=4000",
		"--checkpoint-every", "50", "--seed", "7", "--name", "straight")

	s, err := registry.Open(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a, err := s.Resolve(registry.Model, "killed")
	if err != nil {
		t.Fatalf("the resumed training registered nothing: %v", err)
	}
	b, _ := s.Resolve(registry.Model, "straight")
	fa, _ := a.File("weights.npz")
	fb, _ := b.File("weights.npz")
	if fa.Digest != fb.Digest {
		t.Errorf("resumed weights %s differ from uninterrupted %s", fa.Digest, fb.Digest)
	}
	m, _ := s.Manifest(a)
	if e, ok := m.Lineage.Extra["resumed_from_epoch"]; !ok {
		t.Errorf("lineage does not record the resume: %+v", m.Lineage.Extra)
	} else if n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(jsonString(e)), ".0")); n < 100 {
		t.Errorf("resumed_from_epoch %v", e)
	}
	// A different training refuses the checkpoint... of which none is
	// left: a finished training clears its checkpoints.
	if _, err := os.Stat(filepath.Dir(filepath.Dir(latest))); !os.IsNotExist(err) {
		t.Errorf("checkpoints of a finished training were kept: %v", err)
	}
	code, _, stderr := rgml(t, "train", "--learner", "rbm", "--data", "train", "--name", "killed", "--resume")
	if code == 0 || !strings.Contains(stderr, "nothing to resume") {
		t.Errorf("--resume without a checkpoint: exit %d, %q", code, stderr)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// A training killed after its checkpoint of the final epoch but before
// registering resumes with nothing left to train: it must still register
// the full epoch count and the final losses of an uninterrupted run.
func TestResumeFromFinalCheckpoint(t *testing.T) {
	reg := registryDir(t)
	mustRgml(t, "sample", "--model", "ising", "--param", "T=1,4", "--per-point", "20", "--L", "6", "--name", "small")
	for _, learner := range []string{"rbm", "thermometer"} {
		t.Run(learner, func(t *testing.T) {
			must := func(args ...string) string {
				t.Helper()
				code, out, stderr := rgmlIn(t, reg, args...)
				if code != 0 {
					t.Fatalf("rgml %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
				}
				return out
			}
			train := []string{"train", "--learner", learner, "--data", "small", "--set", "epochs=6",
				"--checkpoint-every", "6", "--seed", "3", "--name", "final-" + learner}
			// Hold the registry's lock as gc does: the training can
			// checkpoint but not register, and is killed there.
			lock, err := os.OpenFile(filepath.Join(reg, "lock"), os.O_RDWR|os.O_CREATE, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			defer lock.Close()
			if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(rgmlBin, append([]string{"--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off"}, train...)...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(60 * time.Second)
			for {
				if epoch, _ := newestCheckpoint(reg, "final-"+learner); epoch == 6 {
					break
				}
				if time.Now().After(deadline) {
					syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
					t.Fatal("no checkpoint of the final epoch after 60 s")
				}
				time.Sleep(10 * time.Millisecond)
			}
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Wait()
			syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)

			out := must(append(train, "--resume")...)
			if !strings.Contains(out, ", 6 epochs") {
				t.Errorf("resumed at the final epoch: %q", out)
			}
			must(append(train[:len(train)-1:len(train)-1], "straight-"+learner)...)
			s, err := registry.Open(reg)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			metrics := func(ref string) *registry.Metrics {
				en, err := s.Resolve(registry.Model, ref)
				if err != nil {
					t.Fatal(err)
				}
				m, err := s.Manifest(en)
				if err != nil || m.Lineage.Metrics == nil {
					t.Fatalf("%s: %v, %+v", ref, err, m.Lineage)
				}
				return m.Lineage.Metrics
			}
			got, want := metrics("final-"+learner), metrics("straight-"+learner)
			if got.Epochs != 6 || len(got.FinalLosses) == 0 || !reflect.DeepEqual(got.FinalLosses, want.FinalLosses) {
				t.Errorf("resumed from the final checkpoint: %d epochs, losses %v; uninterrupted: %d epochs, %v",
					got.Epochs, got.FinalLosses, want.Epochs, want.FinalLosses)
			}
		})
	}
}

package kernels

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RGML_KERNELS chooses the implementation at start-up; a name this CPU
// cannot run, or no implementation's, is an error naming the choices, and
// the best implementation stays in use (the learners refuse to work).
func TestEnvironment(t *testing.T) {
	if os.Getenv("KERNELS_TEST_CHILD") == "1" {
		if err := Err(); err != nil {
			os.Stdout.WriteString("err " + err.Error() + "\n")
		}
		os.Stdout.WriteString("name " + Name() + "\n")
		os.Exit(0)
	}
	run := func(value string) string {
		cmd := selfCommand("-test.run", "^TestEnvironment$")
		cmd.Env = append(os.Environ(), "KERNELS_TEST_CHILD=1", "RGML_KERNELS="+value)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("RGML_KERNELS=%s: %v", value, err)
		}
		return string(out)
	}
	for _, name := range Available() {
		if out := run(name); out != "name "+name+"\n" {
			t.Errorf("RGML_KERNELS=%s: %q", name, out)
		}
	}
	bad := []string{"fastest", "AVX2"}
	if best() != avx512 {
		bad = append(bad, "avx512")
	}
	for _, v := range bad {
		out := run(v)
		if !strings.HasPrefix(out, "err RGML_KERNELS: ") || !strings.Contains(out, v) || !strings.Contains(out, "generic") ||
			!strings.HasSuffix(out, "name "+names[best()]+"\n") {
			t.Errorf("RGML_KERNELS=%s: %q, want an error naming it and the choices", v, out)
		}
	}
}

// selfCommand runs the test binary again, through the emulator that runs
// this one when RGML_TEST_EMULATOR names it (make test-arm64: no binfmt
// handler starts an arm64 binary on an amd64 machine by itself).
func selfCommand(args ...string) *exec.Cmd {
	if emu := os.Getenv("RGML_TEST_EMULATOR"); emu != "" {
		return exec.Command(emu, append([]string{os.Args[0]}, args...)...)
	}
	return exec.Command(os.Args[0], args...)
}

package thermometer

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// With a bad RGML_KERNELS, Train and Apply fail with one clear error
// instead of running on another implementation than asked.
func TestBadKernelsEnvironment(t *testing.T) {
	if os.Getenv("THERMOMETER_TEST_CHILD") == "1" {
		th := New()
		_, terr := th.Train(context.Background(), sdk.TrainRequest{}, nil)
		_, aerr := th.Apply(context.Background(), sdk.ApplyRequest{Operation: OpPredict})
		os.Stdout.WriteString("train: " + errString(terr) + "\napply: " + errString(aerr) + "\n")
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestBadKernelsEnvironment$")
	cmd.Env = append(os.Environ(), "THERMOMETER_TEST_CHILD=1", "RGML_KERNELS=turbo")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.Contains(line, "RGML_KERNELS") || !strings.Contains(line, `"turbo"`) {
			t.Errorf("%s: want the RGML_KERNELS error", line)
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

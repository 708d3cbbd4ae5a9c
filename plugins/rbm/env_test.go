package rbm

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
)

// With a bad RGML_KERNELS, Train and Apply fail with one clear error
// instead of running on another implementation than asked.
func TestBadKernelsEnvironment(t *testing.T) {
	if os.Getenv("RBM_TEST_CHILD") == "1" {
		l := New()
		_, terr := l.Train(context.Background(), sdk.TrainRequest{Hyper: sdk.Params{ParamHidden: 4, ParamEpochs: 1},
			Train: sdk.Dataset{Size: 2, Configs: randomConfigs(8, 4, 1)}}, nil)
		_, aerr := l.Apply(context.Background(), sdk.ApplyRequest{Operation: OpHidden, Weights: randomWeights(4, 4, 0.1, 1),
			Inputs: []sdk.Tensor{{Name: "configs", Shape: []int{8, 4}, Data: randomConfigs(8, 4, 2)}}})
		os.Stdout.WriteString("train: " + errString(terr) + "\napply: " + errString(aerr) + "\n")
		os.Exit(0)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestBadKernelsEnvironment$")
	cmd.Env = append(os.Environ(), "RBM_TEST_CHILD=1", "RGML_KERNELS=turbo")
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

// avx2 and avx512 train the same weights, bit for bit (the kernels compute
// every element the same way), so a training may resume on either.
func TestAVX2AndAVX512TrainTheSameBits(t *testing.T) {
	if len(kernels.Available()) < 3 {
		t.Skip("no AVX-512")
	}
	ds := lowTData(6, 300, 0.3, 5)
	var prev []byte
	for _, impl := range []string{"avx2", "avx512"} {
		restore, err := kernels.Force(impl)
		if err != nil {
			t.Fatal(err)
		}
		w, err := New().Train(context.Background(), sdk.TrainRequest{Hyper: sdk.Params{ParamHidden: 40, ParamEpochs: 20, ParamSampling: 1}, Seed: 3, Train: ds}, nil)
		restore()
		if err != nil {
			t.Fatal(err)
		}
		b := tensorBytes(t, w, TensorW, TensorBV, TensorBH)
		if prev != nil && string(b) != string(prev) {
			t.Fatal("avx2 and avx512 trained different weights")
		}
		prev = b
	}
}

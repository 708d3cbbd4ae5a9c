package thermometer

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
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

// avx2 and avx512 train the same weights, bit for bit.
func TestAVX2AndAVX512TrainTheSameBits(t *testing.T) {
	if len(kernels.Available()) < 3 {
		t.Skip("no AVX-512")
	}
	train := synthData(6, 150, 1)
	var prev []float32
	for _, impl := range []string{"avx2", "avx512"} {
		restore, err := kernels.Force(impl)
		if err != nil {
			t.Fatal(err)
		}
		w, err := New().Train(context.Background(), sdk.TrainRequest{Hyper: sdk.Params{"hidden": 40, "epochs": 20}, Seed: 2, Label: "T", Train: train}, &recorder{})
		restore()
		if err != nil {
			t.Fatal(err)
		}
		var all []float32
		for _, name := range []string{TensorW1, TensorB1, TensorW2, TensorB2} {
			x, _ := sdk.FindTensor(w, name)
			all = append(all, x.Data.([]float32)...)
		}
		if prev != nil && !slices.Equal(all, prev) {
			t.Fatal("avx2 and avx512 trained different weights")
		}
		prev = all
	}
}

// trainingDigest is the SHA-256 of TestTrainingDigest's weights on the
// vector kernels (avx2 and avx512 on amd64).
const trainingDigest = "8f040e2e5c258acc4c11e635ab56a35bacdbfb40426eac5f3a42ab4c9581dbad"

// A training gives the same bits on every vector implementation and
// architecture — neon under qemu (make test-arm64) those of avx2 and
// avx512 — with weight decay: the softmax's and the update's products are
// rounded before their additions, which arm64's compiler would otherwise
// fuse.
func TestTrainingDigest(t *testing.T) {
	names := kernels.Vector()
	if len(names) == 0 {
		t.Skip("no vector kernels")
	}
	train := synthData(6, 150, 1)
	for _, name := range names {
		restore, err := kernels.Force(name)
		if err != nil {
			t.Fatal(err)
		}
		w, err := New().Train(context.Background(), sdk.TrainRequest{Hyper: sdk.Params{"hidden": 40, "epochs": 20, "weight_decay": 0.01}, Seed: 2, Label: "T", Train: train}, &recorder{})
		restore()
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for _, n := range []string{TensorW1, TensorB1, TensorW2, TensorB2} {
			x, _ := sdk.FindTensor(w, n)
			binary.Write(h, binary.LittleEndian, x.Data.([]float32))
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != trainingDigest {
			t.Errorf("%s: digest %s, want %s", name, got, trainingDigest)
		}
	}
}

package host_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
)

var sinkChunks int

// BenchmarkTransfer measures how fast configurations stream from a plugin
// process to the host: 100 MB per iteration (10 000 configurations of
// 100×100), from a plugin that only emits preallocated blocks, so that the
// figure is the stream's, not a model's.
func BenchmarkTransfer(b *testing.B) {
	dir := b.TempDir()
	src, err := os.ReadFile(misbehave)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "rgml-plugin-misbehave"), src, 0o755); err != nil {
		b.Fatal(err)
	}
	lockAll(b, dir)
	h := host.New(host.Config{Dir: dir})
	defer h.Close()
	m, err := h.Model(context.Background(), "misbehave")
	if err != nil {
		b.Fatal(err)
	}
	req := sdk.SampleRequest{Points: []sdk.Params{{"mode": 0}}, Size: 100, PerPoint: 10000}
	dst := make([]int8, req.PerPoint*req.Size*req.Size)
	b.SetBytes(int64(len(dst)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := m.Sample(context.Background(), req, func(c sdk.SampleChunk) error {
			copy(dst[c.First*10000:], c.Configs)
			sinkChunks++
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

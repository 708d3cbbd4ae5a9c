package ising3d_test

import (
	"testing"

	"github.com/rgml/rgml/framework/sdk/sdktest"
	"github.com/rgml/rgml/plugins/ising3d"
)

// The SDK conformance kit, through the real gRPC shims in one process and
// against the real plugin binary launched as the host launches it.
func TestConformanceInProcess(t *testing.T) {
	sdktest.TestModel(t, sdktest.InProcess(ising3d.New()))
}

func TestConformanceSubprocess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the plugin binary")
	}
	sdktest.TestModel(t, sdktest.Subprocess(sdktest.Build(t, "./cmd/rgml-plugin-ising3d")))
}

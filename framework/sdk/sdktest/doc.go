// Package sdktest is the conformance kit a plugin author runs from a test.
//
// For a model plugin:
//
//	func TestConformance(t *testing.T) {
//		sdktest.TestModel(t, sdktest.InProcess(mymodel.New()))
//		sdktest.TestModel(t, sdktest.Subprocess(sdktest.Build(t, "./cmd/rgml-plugin-mymodel")))
//	}
//
// InProcess runs the model behind the real gRPC shims in one process
// (go-plugin's TestPluginGRPCConn); Subprocess launches the built binary as
// the host does. The kit checks that the description is usable, that every
// algorithm returns well-formed configurations in the state space, that the
// same seed gives identical bytes whatever GOMAXPROCS, that a cancelled
// context stops the work promptly, and that invalid requests are answered
// with InvalidArgument.
//
// StudyCheck goes further: it runs `rgml plugins check MODEL` — a tiny
// whole study (sample, RBM, thermometer, flow, thermometer-free check,
// report) through the rgml binary and the plugins installed beside the
// model — and fails the test with each failing part's line. It runs the
// binary rather than the study itself so that this package imports no
// host.
package sdktest

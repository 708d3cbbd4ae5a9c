// Package sdk is what a plugin author imports to write an rgml plugin.
//
// A plugin is a separate process that the rgml host starts and talks to over
// gRPC (hashicorp/go-plugin). An author implements one of the Go interfaces
// below — Model, Learner or Analyzer — in a library package, and writes a
// ten-line main that calls Serve:
//
//	func main() {
//		sdk.Serve(sdk.ServeConfig{Model: ising.New()})
//	}
//
// Every method takes a context first; a cancelled context must stop a Monte
// Carlo sweep or a training loop within milliseconds. Errors built with
// InvalidArgument, NotFound, … cross the wire as gRPC codes and come back on
// the host side as errors that satisfy errors.Is with the same sentinel.
//
// Package sdktest holds the conformance kits an author runs from a test.
package sdk

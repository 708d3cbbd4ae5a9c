// Command rgml-plugin-potts5 serves the test-only q = 5 Potts model
// (package potts5) to the rgml host.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/testmodels/potts5"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Model: potts5.Model{}})
}

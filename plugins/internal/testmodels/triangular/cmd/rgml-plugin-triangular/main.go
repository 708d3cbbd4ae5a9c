// Command rgml-plugin-triangular serves the test-only triangular-lattice
// Ising model (package triangular) to the rgml host.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/testmodels/triangular"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Model: triangular.Model{}})
}

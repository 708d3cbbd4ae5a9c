// Command rgml-plugin-fixedpoint serves the fixedpoint analyzer (the
// finite-size fixed point of RBM flows) to the rgml host.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/fixedpoint"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Analyzer: fixedpoint.New()})
}

// Command rgml-plugin-correlations serves the correlations analyzer
// (energy, magnetisation, G(r) and the temperatures they imply) to the rgml
// host.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/correlations"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Analyzer: correlations.New()})
}

// Command rgml-plugin-spectrum serves the spectrum analyzer (WWᵀ of an
// RBM, Iso, Shiba and Yokoo 2018, Sec. 4) to the rgml host.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/spectrum"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Analyzer: spectrum.New()})
}

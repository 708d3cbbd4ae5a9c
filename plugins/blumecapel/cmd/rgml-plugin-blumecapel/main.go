// Command rgml-plugin-blumecapel serves the 2D Blume-Capel model to the rgml
// host.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/blumecapel"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Model: blumecapel.New()})
}

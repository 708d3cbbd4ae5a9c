// Command rgml-plugin-ising serves the 2D Ising model to the rgml host.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/ising"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Model: ising.New()})
}

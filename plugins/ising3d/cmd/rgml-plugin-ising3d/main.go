// Command rgml-plugin-ising3d serves the 3D Ising model to the rgml host.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/ising3d"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Model: ising3d.New()})
}

// Command rgml-plugin-rbm serves the ±1 restricted Boltzmann machine of
// Iso, Shiba and Yokoo (2018) to the rgml host as a learner plugin.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/rbm"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Learner: rbm.New()})
}

// Command rgml-plugin-thermometer serves the thermometer learner (the
// supervised temperature classifier of Iso, Shiba, Yokoo 2018, Sec. 2.4) to
// the rgml host.
package main

import (
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/thermometer"
)

func main() {
	sdk.Serve(sdk.ServeConfig{Learner: thermometer.New()})
}

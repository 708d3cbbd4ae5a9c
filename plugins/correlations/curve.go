package correlations

import "github.com/rgml/rgml/plugins/internal/implied"

// Curve is an equilibrium reference an implied temperature is read off
// (plugins/internal/implied, shared with the other analyzers).
type Curve = implied.Curve

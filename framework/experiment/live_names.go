package experiment

import (
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/experiment/steps/flow"
	"github.com/rgml/rgml/registry"
)

// The progress files of running trainings and flows (steps.LiveFile,
// steps/flow) as the viewer reads them.
type (
	LiveRow  = steps.LiveRow
	LiveFlow = flow.LiveFlow
)

// LiveFile is a running step's progress file (steps.LiveFile); LiveFlowsDir
// the folder of the running flows' (flow.LiveFlowsDir).
const (
	LiveFile     = steps.LiveFile
	LiveFlowsDir = flow.LiveFlowsDir
)

// LiveTail reads the whole lines of a progress file past offset from
// (steps.LiveTail).
func LiveTail(path string, from int64) ([]LiveRow, int64, error) { return steps.LiveTail(path, from) }

// LiveFlows are the flows running in s (flow.LiveFlows).
func LiveFlows(s *registry.Store) []LiveFlow { return flow.LiveFlows(s) }

// LiveFlowByID is the running flow of id (flow.LiveFlowByID).
func LiveFlowByID(s *registry.Store, id string) (LiveFlow, bool) { return flow.LiveFlowByID(s, id) }

// Package spec reads a study's YAML into typed steps, each knowing where
// its fields were written (Pos), and expands lists and ranges into one
// step per value. It checks the form of every field; what the fields
// refer to (plugins, parameters, other steps) is checked by the planner.
// Every error is an *Error naming file:line:column and the field, and
// matches ErrUsage. It imports nothing of the engine.
package spec

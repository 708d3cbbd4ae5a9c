package spec

import (
	"errors"
	"fmt"
)

// ErrUsage marks every error that is the spec's fault (a wrong field, a
// dangling reference, an unknown plugin or parameter): cmd/ maps it to exit
// status 2. Test with errors.Is.
var ErrUsage = errors.New("usage error")

// Pos is a place in a spec file; lines and columns count from 1.
type Pos struct {
	File         string
	Line, Column int
}

func (p Pos) String() string {
	f := p.File
	if f == "" {
		f = "<spec>"
	}
	if p.Line == 0 {
		return f
	}
	return fmt.Sprintf("%s:%d:%d", f, p.Line, p.Column)
}

// Error is a problem with a spec: where it is, the field (a path such as
// trainings[2].set.hidden or the name of an expanded step) and what to fix.
// It matches ErrUsage under errors.Is.
type Error struct {
	Pos   Pos
	Field string
	Msg   string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.Pos, e.Field, e.Msg)
}

// Is makes errors.Is(err, ErrUsage) true.
func (e *Error) Is(target error) bool { return target == ErrUsage }

// At is an *Error at p in field.
func At(p Pos, field, format string, args ...any) *Error {
	return &Error{Pos: p, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// usageErr is a usage problem without a position in a spec (an imported
// file's content).
type usageErr struct{ msg string }

func (e usageErr) Error() string        { return e.msg }
func (e usageErr) Is(target error) bool { return target == ErrUsage }

// Usagef is a usage error without a position in a spec (an imported
// file's content, a flag).
func Usagef(format string, args ...any) error { return usageErr{fmt.Sprintf(format, args...)} }

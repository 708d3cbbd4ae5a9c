package host

import (
	"errors"
	"fmt"
)

// ErrUnknownPlugin is wrapped by the errors for a plugin name that is not
// in the plugin directory, or names a plugin of another kind than asked:
// the user's mistake, not a failure of the work.
var ErrUnknownPlugin = errors.New("unknown plugin")

// unknownPlugin returns an error that reads as the message alone and wraps
// ErrUnknownPlugin.
func unknownPlugin(format string, args ...any) error {
	return sentinelError{msg: fmt.Sprintf(format, args...), err: ErrUnknownPlugin}
}

type sentinelError struct {
	msg string
	err error
}

func (e sentinelError) Error() string { return e.msg }
func (e sentinelError) Unwrap() error { return e.err }

package sdk

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Sentinel errors. Wrap them (with the helpers below or fmt.Errorf("%w"))
// so that the host can tell a user's mistake from a plugin's failure.
var (
	// ErrInvalidArgument: the request is wrong (a parameter out of range,
	// an unknown algorithm). The user can fix it.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrNotFound: something named in the request does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnimplemented: the plugin does not offer this RPC or operation.
	ErrUnimplemented = errors.New("unimplemented")
	// ErrFailedPrecondition: the request is well-formed but cannot be
	// served in this state (e.g. weights of the wrong shape for the data).
	ErrFailedPrecondition = errors.New("failed precondition")
	// ErrInternal: the plugin failed.
	ErrInternal = errors.New("internal error")
)

// InvalidArgument returns an error wrapping ErrInvalidArgument.
func InvalidArgument(format string, args ...any) error {
	return &codedError{sentinel: ErrInvalidArgument, msg: fmt.Sprintf(format, args...)}
}

// NotFound returns an error wrapping ErrNotFound.
func NotFound(format string, args ...any) error {
	return &codedError{sentinel: ErrNotFound, msg: fmt.Sprintf(format, args...)}
}

// Unimplemented returns an error wrapping ErrUnimplemented.
func Unimplemented(format string, args ...any) error {
	return &codedError{sentinel: ErrUnimplemented, msg: fmt.Sprintf(format, args...)}
}

// FailedPrecondition returns an error wrapping ErrFailedPrecondition.
func FailedPrecondition(format string, args ...any) error {
	return &codedError{sentinel: ErrFailedPrecondition, msg: fmt.Sprintf(format, args...)}
}

type codedError struct {
	sentinel error
	msg      string
}

func (e *codedError) Error() string { return e.msg }
func (e *codedError) Unwrap() error { return e.sentinel }

var sentinelCodes = []struct {
	err  error
	code codes.Code
}{
	{ErrInvalidArgument, codes.InvalidArgument},
	{ErrNotFound, codes.NotFound},
	{ErrUnimplemented, codes.Unimplemented},
	{ErrFailedPrecondition, codes.FailedPrecondition},
	{context.Canceled, codes.Canceled},
	{context.DeadlineExceeded, codes.DeadlineExceeded},
	{ErrInternal, codes.Internal},
}

// ToStatus converts an error returned by a plugin implementation into a gRPC
// status error. Errors that wrap no sentinel become codes.Internal.
func ToStatus(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	for _, s := range sentinelCodes {
		if errors.Is(err, s.err) {
			return status.Error(s.code, err.Error())
		}
	}
	return status.Error(codes.Internal, err.Error())
}

// FromStatus converts a gRPC error received by the host back into an error
// that wraps the matching sentinel, keeping the plugin's message. Errors that
// are not gRPC statuses are returned unchanged.
func FromStatus(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	for _, s := range sentinelCodes {
		if st.Code() == s.code {
			return &codedError{sentinel: s.err, msg: st.Message()}
		}
	}
	return &codedError{sentinel: ErrInternal, msg: fmt.Sprintf("%s: %s", st.Code(), st.Message())}
}

package core

import (
	"errors"
	"fmt"
)

// Code classifies an Error.
type Code string

// The error codes core uses. Adapters and stores wrap their failures in one
// of these so that the engine can answer the user with the right message.
const (
	CodeInvalid     Code = "invalid"      // bad input; the user can fix it
	CodeNotFound    Code = "not_found"    // the thing asked for does not exist
	CodeForbidden   Code = "forbidden"    // the user may not do this
	CodeRateLimited Code = "rate_limited" // too many requests; try later
	CodeUnavailable Code = "unavailable"  // a dependency is down; try again
	CodeInternal    Code = "internal"     // a bug or an unexpected failure
)

// Error is core's one error type. Key names a locale message shown to the
// user and Args fills it; Err is the cause, for logs only.
type Error struct {
	Code Code
	Key  string
	Args map[string]any
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s (%s): %v", e.Code, e.Key, e.Err)
	}
	return fmt.Sprintf("%s (%s)", e.Code, e.Key)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code, message key and arguments.
func Errorf(code Code, key string, args map[string]any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// ErrNotFound is returned by stores when a record does not exist.
var ErrNotFound = &Error{Code: CodeNotFound, Key: "err_not_found"}

// Unavailable wraps err, the failure of a dependency such as Redis, as an
// *Error with CodeUnavailable.
func Unavailable(err error) *Error {
	return &Error{Code: CodeUnavailable, Key: "err_unavailable", Err: err}
}

// ErrorCode returns err's Code: the code of the first *Error in its chain,
// CodeInternal for any other non-nil error and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// Package exitcode defines zauth's process exit codes and an error type that
// carries one, so that any layer can say how the process should end without
// knowing about the command line.
package exitcode

import (
	"errors"
	"fmt"
)

// Exit codes are a contract with scripts: never renumber them.
const (
	OK          = 0
	Unexpected  = 1
	Usage       = 2   // bad flag, unknown provider or scope, missing client id
	LoginNeeded = 3   // no stored token, or it can no longer be refreshed
	Provider    = 4   // provider or network error; retrying may help
	Storage     = 5   // secure storage unavailable or locked
	Interrupted = 130 // Ctrl-C
)

// Error is an error with an exit code and an optional hint: the next command
// the user should run.
type Error struct {
	Code int
	Err  error
	Hint string
	// Quiet: the exit code says it all (a child's exit status passed on).
	Quiet bool
}

func (e *Error) Error() string {
	if e.Hint == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + "; " + e.Hint
}

func (e *Error) Unwrap() error { return e.Err }

// New wraps err with an exit code.
func New(code int, err error) *Error { return &Error{Code: code, Err: err} }

// Newf formats a message with an exit code.
func Newf(code int, format string, args ...any) *Error {
	return &Error{Code: code, Err: fmt.Errorf(format, args...)}
}

// WithHint returns a copy of e with a hint.
func (e *Error) WithHint(hint string) *Error {
	c := *e
	c.Hint = hint
	return &c
}

// Code returns the exit code that err calls for: the code of the outermost
// *Error in its chain, or Unexpected.
func Code(err error) int {
	if err == nil {
		return OK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Unexpected
}

// Package jq runs a jq expression over zauth's JSON output (--jq), so
// scripts can pick fields without installing jq. It implements the part
// of the jq language that command-line filters use (see docs/scripting.md)
// and refuses the rest at Compile with an error that names it; output
// matches jq's for what it implements (and gojq's, the tests' reference,
// but for the differences listed at FuzzCompileAndRun).
package jq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// MaxInput is the largest JSON document --jq takes from outside zauth (a
// `zauth api` response body): the size of the largest string it builds.
const MaxInput = 64 << 20

// Error is a fault of the expression: it does not compile, or fails on
// the value (indexing a string, say). Errors writing the output are not.
type Error struct {
	Expr string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("--jq %q: %v", e.Expr, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Program is a compiled jq expression.
type Program struct {
	Expr   string
	root   *node
	caught func(error) // see env
}

// Compile parses expr. There are no variables, so nothing can read the
// environment ($ENV, env): output filters have no business reading secrets.
func Compile(expr string) (prog *Program, err error) {
	defer func() {
		if r := recover(); r != nil { // a last guard: a bug must not crash zauth
			prog, err = nil, &Error{expr, fmt.Errorf("internal error: %v", r)}
		}
	}()
	root, err := parse(expr)
	if err != nil {
		return nil, &Error{expr, err}
	}
	return &Program{Expr: expr, root: root}, nil
}

// Write runs the program on v's JSON form and writes each result on its
// own line: strings raw (like jq -r), anything else as compact JSON with
// sorted keys. Results are written as they come, as jq does; halt stops
// quietly.
func (p *Program) Write(ctx context.Context, w io.Writer, v any) (err error) {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // integers stay exact
	var in any
	if err := dec.Decode(&in); err != nil {
		return err
	}
	var writeErr error
	defer func() {
		if r := recover(); r != nil {
			err = &Error{p.Expr, fmt.Errorf("internal error: %v", r)}
		}
	}()
	e := &env{ctx: ctx, caught: p.caught}
	var line []byte
	err = e.eval(p.root, in, func(x any) error {
		line = line[:0]
		if s, ok := x.(string); ok {
			line = append(line, s...)
		} else {
			if line = encode(line, x); len(line) > maxString {
				return errTooLarge
			}
		}
		_, writeErr = w.Write(append(line, '\n'))
		return writeErr
	})
	switch {
	case err == nil, err == errHalt:
		return nil
	case err == writeErr:
		return err
	case err == errTooLarge:
		return &Error{p.Expr, err}
	case catchable(err):
		return &Error{p.Expr, errors.New(p.withoutValues(err))}
	}
	return err // cancelled
}

// withoutValues is a run-time error's message with the document's values
// left out: the document may hold an access token, and stderr ends up in
// CI logs. Faults name types, not values; the key a fault names is shown
// only when the expression itself has it.
func (p *Program) withoutValues(err error) string {
	switch err := err.(type) {
	case *userErr:
		if s, ok := err.v.(string); ok && strings.Contains(p.Expr, s) {
			return "error: " + s
		}
		return "error(…) raised with a value from the output (not shown)"
	case *runErr:
		if err.key == "" {
			return err.msg
		}
		if strings.Contains(p.Expr, err.key) {
			return err.msg + strconv.Quote(err.key)
		}
		return err.msg + `"…"`
	}
	return err.Error()
}

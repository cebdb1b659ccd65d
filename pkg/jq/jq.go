// Package jq runs a jq program over zauth's JSON output (--jq), so scripts
// can pick fields without installing jq. The language is gojq's.
package jq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"
)

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
	Expr string
	code *gojq.Code
}

// Compile parses and compiles expr. The environment ($ENV, env) stays
// empty: output filters have no business reading secrets from it.
func Compile(expr string) (*Program, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return nil, &Error{expr, err}
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, &Error{expr, err}
	}
	return &Program{Expr: expr, code: code}, nil
}

// Write runs the program on v's JSON form and writes each result on its
// own line: strings raw (like jq -r), anything else as compact JSON.
// Results are written as they come, as jq does; halt stops quietly.
func (p *Program) Write(ctx context.Context, w io.Writer, v any) error {
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
	iter := p.code.RunWithContext(ctx, in)
	for {
		out, ok := iter.Next()
		if !ok {
			return nil
		}
		if err, isErr := out.(error); isErr {
			var halt *gojq.HaltError
			if errors.As(err, &halt) && halt.Value() == nil {
				return nil // `halt`: stop, successfully
			}
			return &Error{p.Expr, err}
		}
		var line []byte
		if s, isStr := out.(string); isStr {
			line = []byte(s)
		} else if line, err = gojq.Marshal(out); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, "%s\n", line); err != nil {
			return err
		}
	}
}

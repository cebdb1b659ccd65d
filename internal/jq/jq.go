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
	"strings"

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
			return &Error{p.Expr, errors.New(p.withoutValues(err))}
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

// withoutValues is a run-time error's message with the document's values
// taken out: gojq quotes the values an operation failed on, and the
// document may hold an access token, while stderr ends up in CI logs.
// Strings the expression itself contains stay, as do numbers, so the
// message still says what went wrong where.
func (p *Program) withoutValues(err error) string {
	var ve gojq.ValueError // error(v), halt_error: the message is v
	if errors.As(err, &ve) {
		if s, ok := ve.Value().(string); ok && strings.Contains(p.Expr, s) {
			return "error: " + s
		}
		return "error(…) raised with a value from the output (not shown)"
	}
	msg := err.Error()
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '"')
		if i < 0 {
			b.WriteString(msg)
			return b.String()
		}
		b.WriteString(msg[:i+1])
		// The string runs to the next unescaped quote; a preview cut off
		// inside an array or object may leave it open: then to the end.
		end := len(msg)
		for j := i + 1; j < len(msg); j++ {
			if msg[j] == '\\' {
				j++
			} else if msg[j] == '"' {
				end = j
				break
			}
		}
		if content := msg[i+1 : end]; content != "" && strings.Contains(p.Expr, content) {
			b.WriteString(content)
		} else {
			b.WriteString("…")
		}
		b.WriteString(`"`)
		if end == len(msg) {
			return b.String()
		}
		msg = msg[end+1:]
	}
}

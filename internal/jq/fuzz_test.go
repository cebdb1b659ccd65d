package jq

import (
	"strings"
	"testing"
)

// FuzzCompileAndRun: no input panics, and whatever zauth's evaluator
// compiles and runs without error, gojq runs to the same output.
//
// Intentional differences, skipped below:
//   - string * number (repetition) fails in zauth, succeeds in gojq;
//   - so does .[{"start": a, "end": b}] (gojq's slice by object);
//   - a program that gojq stops early ("too many results") is not compared;
//   - gojq ends a comment at a NUL byte, zauth at the end of the line.
func FuzzCompileAndRun(f *testing.F) {
	for _, e := range exprs {
		f.Add(e, 0)
	}
	for _, e := range []string{`.[0] |`, `"\(`, `{a`, `.[1:`, `if . then 1`, `-`, `1 as`, `"\u12"`, `.a.[`, `{(1)}`} {
		f.Add(e, 1)
	}
	names := []string{"status", "token", "client", "api"}
	f.Fuzz(func(t *testing.T, expr string, doc int) {
		if len(expr) > 500 || strings.Contains(expr, "#") && strings.Contains(expr, "\x00") {
			return
		}
		d := docs[names[uint(doc)%uint(len(names))]]
		got, compileErr, runErr := ownWrite(expr, d)
		if compileErr != nil || runErr != nil {
			return
		}
		want, err := gojqWrite(expr, d)
		if err != nil && strings.Contains(err.Error(), "too many results") {
			return
		}
		if err != nil || got != want {
			t.Errorf("%q: zauth %q, gojq %q, %v", expr, got, want, err)
		}
	})
}

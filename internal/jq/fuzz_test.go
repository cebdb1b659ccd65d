package jq

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// FuzzCompileAndRun: no input panics, and whatever zauth's evaluator
// compiles and runs without error, gojq runs to the same output.
//
// Intentional differences, skipped below:
//   - string * number (repetition) fails in zauth, succeeds in gojq;
//   - so does .[{"start": a, "end": b}] (gojq's slice by object);
//   - a number of over 1000 digits is a float64 in zauth (as in jq), a
//     big integer in gojq: the documents here have none, but tonumber
//     makes one of a long string, so its output is not compared;
//   - a program that gojq stops early ("too many results") is not compared;
//   - gojq ends a comment at a NUL byte, zauth at the end of the line;
//   - a number index on a string fails in zauth, as in jq (gojq gives a
//     character), so [.[][0]?] skips strings: not compared when try or ?
//     dropped that error;
//   - a[k]? and a[k:l]? skip the errors of that indexing only, as jq: k and
//     l are evaluated against the input and their own errors pass, and
//     the next k runs after a skipped one; gojq turns a[k]? into
//     a | try .[k] (k evaluated against a, everything caught, and the
//     first error ends it): not compared unless k and l are literals.
func FuzzCompileAndRun(f *testing.F) {
	for _, e := range exprs {
		f.Add(e, 0)
	}
	f.Add(`"11111111" | .+. | .+. | .+. | .+. | .+. | .+. | .+. | tonumber`, 0) // 1024 digits
	for _, e := range []string{`.[0] |`, `"\(`, `{a`, `.[1:`, `if . then 1`, `-`, `1 as`, `"\u12"`, `.a.[`, `{(1)}`} {
		f.Add(e, 1)
	}
	names := []string{"status", "token", "client", "api"}
	f.Fuzz(func(t *testing.T, expr string, doc int) {
		if len(expr) > 500 || strings.Contains(expr, "#") && strings.Contains(expr, "\x00") {
			return
		}
		d := docs[names[uint(doc)%uint(len(names))]]
		p, err := Compile(expr)
		if err != nil || optionalIndex(p.root) {
			return
		}
		stringIndex := false
		p.caught = func(err error) { stringIndex = stringIndex || err == errStringIndex }
		var b bytes.Buffer
		if err := p.Write(context.Background(), &b, d); err != nil || stringIndex {
			return
		}
		got := b.String()
		want, err := gojqWrite(expr, d)
		if err != nil && strings.Contains(err.Error(), "too many results") {
			return
		}
		if err == nil && got != want && strings.Contains(expr, "tonumber") {
			return // maybe a number of over 1000 digits (see above)
		}
		if err != nil || got != want {
			t.Errorf("%q: zauth %q, gojq %q, %v", expr, got, want, err)
		}
	})
}

// optionalIndex is whether n has a[k]? or a[k:l]? with a k or l that is
// not a literal: there gojq means something else (see above).
func optionalIndex(n *node) bool {
	if n == nil {
		return false
	}
	notLiteral := func(k *node) bool { return k != nil && k.kind != kLiteral }
	if n.opt && (n.kind == kIndex || n.kind == kSlice) && (notLiteral(n.b) || notLiteral(n.c)) {
		return true
	}
	if optionalIndex(n.a) || optionalIndex(n.b) || optionalIndex(n.c) {
		return true
	}
	for _, x := range n.args {
		if optionalIndex(x) {
			return true
		}
	}
	return false
}

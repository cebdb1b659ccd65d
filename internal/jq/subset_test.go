package jq

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// What zauth does not implement fails at Compile, on one line that names
// the feature and points to jq.
func TestUnsupported(t *testing.T) {
	for expr, feature := range map[string]string{
		`def f: 1; f`:                  "def",
		`reduce .[] as $x (0; . + $x)`: "reduce",
		`foreach .[] as $x (0; .)`:     "foreach",
		`.[] as $x | $x`:               "variable binding",
		`$x`:                           "variables ($x)",
		`$ENV.HOME`:                    "$ENV",
		`env.HOME`:                     "env/0",
		`{$__loc__}`:                   "$__loc__",
		`..`:                           "recursive descent (..)",
		`[paths]`:                      "paths/0",
		`@base64`:                      "formats",
		`"x" | @text "\(.)"`:           "formats",
		`input`:                        "input/0",
		`limit(1; .[])`:                "limit/2",
		`.a = 1`:                       "assignment (=)",
		`.a |= 1`:                      "assignment (|=)",
		`.a += 1`:                      "assignment (+=)",
		`.a //= 1`:                     "assignment (//=)",
		`label $out | 1`:               "label",
		`try error("x") catch .`:       "try ... catch",
		`import "a" as a; .`:           "import",
		`a::b`:                         "modules",
		`test("a"; "g")`:               "test/2",
		`getpath(["a"])`:               "getpath/1",
	} {
		_, err := Compile(expr)
		if err == nil {
			t.Errorf("%s compiled", expr)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, feature) || !strings.Contains(msg, "not supported") || !strings.Contains(msg, "| jq") || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q does not name %q and point to jq on one line", expr, msg, feature)
		}
	}
}

// Nesting is capped: the parser recurses on it.
func TestDepthCap(t *testing.T) {
	for _, open := range []string{"(", "[", "{a:", "-", `"\(`, "if . then ", ".[", "if . then 1 elif . then "} {
		close := map[string]string{"(": ")", "[": "]", "{a:": "}", "-": "", `"\(`: `)"`, "if . then ": " end", ".[": "]", "if . then 1 elif . then ": " end"}[open]
		ok := strings.Repeat(open, 50) + "1" + strings.Repeat(close, 50)
		if _, err := Compile(ok); err != nil {
			t.Errorf("50 levels of %s: %v", open, err)
		}
		deep := strings.Repeat(open, 100000) + "1" + strings.Repeat(close, 100000)
		_, err := Compile(deep)
		if err == nil || !strings.Contains(err.Error(), "nests deeper than 200") {
			t.Errorf("100000 levels of %s: %.200v", open, err)
		}
	}
}

// Chains are not nesting: a long one compiles and runs.
func TestLongChains(t *testing.T) {
	for expr, want := range map[string]string{
		strings.Repeat(".a | ", 5000) + "length":       "0\n",
		strings.Repeat("null // ", 5000) + "1":         "1\n",
		strings.Repeat("1 + ", 5000) + "1":             "5001\n",
		"[" + strings.Repeat("1, ", 5000) + "1] | add": "5001\n",
	} {
		p, err := Compile(expr)
		if err != nil {
			t.Errorf("%.40s...: %v", expr, err)
			continue
		}
		var b bytes.Buffer
		if err := p.Write(context.Background(), &b, nil); err != nil || b.String() != want {
			t.Errorf("%.40s...: %q, %v; want %q", expr, b.String(), err, want)
		}
	}
}

// A long computation stops when its context is cancelled.
func TestCancel(t *testing.T) {
	// 2^24 results, each written: far longer than the test waits.
	expr := `.[]` + strings.Repeat(` | (., .)`, 24)
	p, err := Compile(expr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	w := &cancelAfter{n: 1000, cancel: cancel}
	err = p.Write(ctx, w, []int{1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	var e *Error
	if errors.As(err, &e) {
		t.Errorf("cancellation reported as a fault of the expression: %v", err)
	}
	if w.lines > 3000 {
		t.Errorf("%d lines written after cancelling at 1000", w.lines)
	}
	// try does not swallow cancellation.
	p, _ = Compile(`try (` + expr + `)`)
	w = &cancelAfter{n: 10, cancel: func() {}}
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if err := p.Write(ctx, w, []int{1}); !errors.Is(err, context.Canceled) {
		t.Errorf("try: err %v, want context.Canceled", err)
	}
}

type cancelAfter struct {
	n, lines int
	cancel   func()
}

func (c *cancelAfter) Write(b []byte) (int, error) {
	if c.lines++; c.lines == c.n {
		c.cancel()
	}
	return len(b), nil
}

// An error writing the output is returned as it is, not as a fault of
// the expression.
func TestWriteError(t *testing.T) {
	p, _ := Compile(`.[]`)
	want := errors.New("broken pipe")
	err := p.Write(context.Background(), failWriter{want}, []int{1, 2})
	var e *Error
	if err != want || errors.As(err, &e) {
		t.Errorf("err %v, want %v", err, want)
	}
	// try and // do not swallow it either.
	for _, expr := range []string{`try .[]`, `.[]?`, `.[] // 1`, `first(.[])`, `[.[]] | any(.[]; . > 0) | (., .)`} {
		p, _ := Compile(expr)
		if err := p.Write(context.Background(), failWriter{want}, []int{1, 2}); err != want {
			t.Errorf("%s: err %v, want %v", expr, err, want)
		}
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

// Errors raised after try's body has produced a value pass through try.
func TestTryScope(t *testing.T) {
	p, _ := Compile(`try .[] | error("later")`)
	var b bytes.Buffer
	if err := p.Write(context.Background(), &b, []int{1}); err == nil || !strings.Contains(err.Error(), "later") {
		t.Errorf("err %v, want the error raised after try", err)
	}
}

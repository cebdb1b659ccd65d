package jq

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// run is Write's output and error for expr on v.
func run(t *testing.T, expr string, v any) (string, error) {
	t.Helper()
	p, err := Compile(expr)
	if err != nil {
		t.Fatalf("%.60s: %v", expr, err)
	}
	var b bytes.Buffer
	err = p.Write(context.Background(), &b, v)
	return b.String(), err
}

// add and join are linear in the size of what they build. No clock is
// read: at these sizes they take well under a second when linear, and
// minutes when quadratic (every step copying the running total, as they
// once did), so a regression shows as the test timing out.
func TestAddJoinLinear(t *testing.T) {
	const n = 200_000
	arrays := make([]any, n)    // [[0], [1], ...]
	objects := make([]any, n)   // [{"k0": 0}, {"k1": 1}, ...]
	strs := make([]any, 2*n)    // ["x", null, "xxxxxxxxx", ...]: a null after the first
	numbers := make([]any, 2*n) // [null, 1, 2, ...]: join past a null
	for i := range n {
		arrays[i] = []any{i}
		objects[i] = map[string]any{fmt.Sprint("k", i): i}
	}
	strs[0], strs[1] = "x", nil
	numbers[0] = nil
	var joined strings.Builder // numbers | join("-")
	for i := 1; i < 2*n; i++ {
		if i > 1 {
			strs[i] = "xxxxxxxxx"
		}
		numbers[i] = i
		fmt.Fprint(&joined, "-", i)
	}
	for _, tc := range []struct {
		expr string
		in   any
		want string
	}{
		{"add | length", arrays, "200000\n"},
		{"add | length", objects, "200000\n"},
		{"add | length", strs, fmt.Sprint(1+9*(2*n-2), "\n")},
		{`join(",") | length`, strs, fmt.Sprint(1+1+10*(2*n-2), "\n")},
		{`join("-")`, numbers, joined.String() + "\n"},
		// Built by the expression itself: 2^17 one-element arrays.
		{"[[1]" + strings.Repeat(" | (., .)", 17) + "] | add | length", nil, "131072\n"},
	} {
		got, err := run(t, tc.expr, tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.expr, got, err, tc.want)
		}
	}
}

// Array subtraction is not quadratic: a response's two long arrays
// (.a - .b) take well under a second, where comparing every pair took
// minutes, and no step of it looks at the context, so not even Ctrl-C
// stopped it.
func TestSubtractLinear(t *testing.T) {
	const n = 200_000
	a, b := make([]any, n), make([]any, n)
	for i := range n {
		a[i] = i
		b[i] = n + i // nothing in common: every element is searched for
	}
	b[n-1] = n - 1
	got, err := run(t, ".a - .b | length", map[string]any{"a": a, "b": b})
	if want := fmt.Sprint(n-1, "\n"); err != nil || got != want {
		t.Errorf("%q, %v; want %q", got, err, want)
	}
}

// The searches that may compare every pair of two arrays from a
// response (.[array], contains) stop when the context is cancelled:
// Ctrl-C is the only way out of them, as in jq. Before they looked at
// the context, each ran for many minutes and the test timed out.
func TestPairwiseSearchCancels(t *testing.T) {
	const n = 200_000
	zeros, ones := make([]any, 2*n), make([]any, n)
	for i := range zeros {
		zeros[i] = 0
	}
	for i := range ones {
		ones[i] = 0
	}
	ones[n-1] = 1 // every position matches all but the last element
	as, bs := make([]any, n), make([]any, n)
	for i := range n {
		as[i], bs[i] = "a", "b"
	}
	doc := map[string]any{"zeros": zeros, "ones": ones, "as": as, "bs": bs}
	for _, expr := range []string{`.zeros[.ones]`, `contains({as: .bs})`} {
		p, err := Compile(expr)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := p.Write(ctx, io.Discard, doc); !errors.Is(err, context.Canceled) {
			t.Errorf("%s: err %v, want context.Canceled", expr, err)
		}
	}
}

// A response's number with millions of digits is not made an exact
// big.Int when it is used: decimal conversion takes time in the square of
// the length (27 s for 4M digits, hours for 64 MiB). Beyond maxDigits it
// is a float64, as jq has every number; unused, it prints as it came.
func TestLongNumber(t *testing.T) {
	n := json.Number("1" + strings.Repeat("7", 4<<20))
	got, err := run(t, `.n > 0, .n + 1, -.n < 0, (.n | tostring | length), (.n | tostring | tonumber > 0)`, map[string]any{"n": n})
	if want := "true\n1.7976931348623157e+308\ntrue\n4194305\ntrue\n"; err != nil || got != want {
		t.Errorf("%.60q, %v; want %q", got, err, want)
	}
}

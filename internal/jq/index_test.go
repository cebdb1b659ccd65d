package jq

import (
	"encoding/json"
	"strings"
	"testing"
)

// The answers below are jq's (1.6 and 1.7 agree). gojq differs on both
// points (see FuzzCompileAndRun), so TestDifferential cannot check them.
func TestIndexAsJQ(t *testing.T) {
	for _, tc := range []struct{ in, expr, want string }{
		// ? covers the index step only; the index is still evaluated
		// against the input, not against what is being indexed.
		{`{"a":{"x":1,"k":"y"},"k":"x"}`, `.a[.k]?`, "1\n"},
		{`{"a":[10,20],"i":1}`, `.a[.i]?`, "20\n"},
		{`{"a":[10,20],"i":1}`, `[.a[.i:]?]`, "[[20]]\n"},
		{`{"a":[10,20],"i":1}`, `[.a[:.i]?]`, "[[10]]\n"},
		{`{"a":{"b":{"x":1}},"k":"x"}`, `.a.b[.k]?`, "1\n"},
		{`{"a":{"x":1},"k":"x"}`, `(.a)[.k]?`, "1\n"},
		{`{"a":{"x":1},"k":"x"}`, `[.a[.k, 1]?]`, "[1]\n"}, // the error on 1 is caught
		{`{"a":"s","k":"x"}`, `[.a[.k]?]`, "[]\n"},         // as is indexing a string
		{`{"a":[10,20]}`, `[.a["x", 1]?]`, "[20]\n"},       // and the next index runs
		{`[[1,2],[3,4]]`, `[(.[0], .[1])[0, 1]?]`, "[1,3,2,4]\n"},
		{`{"a":[1,2],"b":{"x":3},"k":"x"}`, `[(.a, .b)[.k]?]`, "[3]\n"},
		// A number does not index a string; a slice still cuts one.
		{`[[1],"s"]`, `[.[][0]?]`, "[1]\n"},
		{`"abc"`, `[.[0]?]`, "[]\n"},
		{`"abc"`, `[first?]`, "[]\n"},
		{`"abc"`, `.[1:2]`, "b\n"},
		{`"abc"`, `.[-2:]`, "bc\n"},
	} {
		var in any
		dec := json.NewDecoder(strings.NewReader(tc.in))
		dec.UseNumber()
		if err := dec.Decode(&in); err != nil {
			t.Fatal(err)
		}
		got, err := run(t, tc.expr, in)
		if err != nil || got != tc.want {
			t.Errorf("%s | %s: %q, %v; want %q", tc.in, tc.expr, got, err, tc.want)
		}
	}
	// ? does not hide the errors of what is indexed, nor of the index.
	for in, expr := range map[string]string{
		`{"a":{"x":1}}`: `[.a[error("e")]?]`,
		`"s"`:           `[.a.b?]`,
		`[1]`:           `[.[0][.x]?]`,
	} {
		var v any
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Fatal(err)
		}
		if got, err := run(t, expr, v); err == nil {
			t.Errorf("%s | %s: %q, no error", in, expr, got)
		}
	}
	for _, expr := range []string{`.[0]`, `.[-1]`, `.[1.5]`, `first`, `last`} {
		_, err := run(t, expr, "abc")
		if err == nil || !strings.Contains(err.Error(), "cannot index string with number") {
			t.Errorf(`"abc" | %s: err %v, want "cannot index string with number"`, expr, err)
		}
	}
}

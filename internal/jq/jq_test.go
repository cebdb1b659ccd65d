package jq

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	v := struct {
		Name    string   `json:"name"`
		Stored  bool     `json:"stored"`
		Count   int64    `json:"count"`
		Scopes  []string `json:"scopes"`
		Missing *string  `json:"missing"`
	}{"ziina", true, 9007199254740993, []string{"a", "b"}, nil}
	for _, tc := range []struct{ expr, want string }{
		{".name", "ziina\n"},             // strings raw
		{".stored", "true\n"},            // facts as JSON
		{".count", "9007199254740993\n"}, // beyond float64, exact
		{".scopes[]", "a\nb\n"},          // one result a line
		{".scopes", `["a","b"]` + "\n"},  // compact JSON
		{".missing", "null\n"},           // null as JSON
		{`"\(.name):\(.scopes|join(" "))"`, "ziina:a b\n"},
		{"empty", ""},
		{".name, halt, .stored", "ziina\n"}, // halt stops quietly
	} {
		p, err := Compile(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		var b bytes.Buffer
		if err := p.Write(context.Background(), &b, v); err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		if b.String() != tc.want {
			t.Errorf("%s: got %q, want %q", tc.expr, b.String(), tc.want)
		}
	}
}

func TestErrors(t *testing.T) {
	if _, err := Compile(".name |"); err == nil {
		t.Error("a broken expression compiled")
	}
	if _, err := Compile("$undefined"); err == nil {
		t.Error("an undefined variable compiled")
	}
	p, err := Compile(".name.first")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = p.Write(context.Background(), &b, map[string]string{"name": "ziina"})
	if err == nil || !strings.Contains(err.Error(), "string") {
		t.Errorf("indexing a string: err %v", err)
	}
	// The environment is not reachable from an output filter: $ENV and
	// env do not compile.
	t.Setenv("ZAUTH_ZIINA_CLIENT_SECRET", "s3cret")
	for _, expr := range []string{`$ENV.ZAUTH_ZIINA_CLIENT_SECRET`, `env.ZAUTH_ZIINA_CLIENT_SECRET`} {
		if _, err := Compile(expr); err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: compiled, or leaked: %v", expr, err)
		}
	}
}

func TestErrorNamesExpression(t *testing.T) {
	_, err := Compile(".a |")
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(err.Error(), `--jq ".a |"`) {
		t.Errorf("compile error %v does not name the expression", err)
	}
	p, _ := Compile(".a.b")
	err = p.Write(context.Background(), io.Discard, map[string]any{"a": 1})
	if !errors.As(err, &e) {
		t.Errorf("runtime error %v is not a jq.Error", err)
	}
}

// A failing expression must not print the output's values in its error:
// stderr ends up in CI logs, and the document may hold an access token.
// What the user wrote in the expression may be echoed.
func TestErrorsShowNoValues(t *testing.T) {
	const token = "s3cr3t-T0KEN-abcdefghijklmnopqrstuvwxyz"
	doc := map[string]any{"access_token": token, "scopes": []string{"a"}, "n": 1}
	for _, tc := range []struct{ expr, want string }{
		{".access_token.x", `cannot index string with "x"`},
		{`.scopes[.access_token]`, `cannot index array with "…"`},
		{`.n | .[.]`, `cannot index number with number`},
		{".access_token | error", "error(…) raised with a value from the output"},
		{`.scopes | error(.[0])`, "error(…) raised with a value from the output"},
		{". - 1", `cannot subtract object and number`},
		{".access_token | tonumber", "tonumber cannot be applied to"},
		{`.n + "zz"`, `cannot add number and string`},
		{`error("no such field")`, "error: no such field"},
		{`.access_token | test("(")`, "test: invalid regular expression: missing closing )"},
		{`.access_token | test(. + "(")`, "test: invalid regular expression"},
		{`.access_token * 1000000000`, "string repetition is not supported"},
		{`.scopes | has(.[0])`, "has(string) cannot be applied to array"},
		{`{(.access_token): 1} | keys[0] | ltrimstr(1)`, "ltrimstr(number) cannot be applied to string"},
		{`.access_token | tonumber`, "tonumber cannot be applied to a string that is not a number"},
	} {
		p, err := Compile(tc.expr)
		if err != nil {
			t.Fatalf("%s: %v", tc.expr, err)
		}
		err = p.Write(context.Background(), io.Discard, doc)
		if err == nil {
			t.Errorf("%s: no error", tc.expr)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "s3cr3t") || strings.Contains(msg, "abcdef") || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: error %q, want it to contain %q and no part of the token", tc.expr, msg, tc.want)
		}
	}
}

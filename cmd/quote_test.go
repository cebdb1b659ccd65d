package cmd

import (
	"os/exec"
	"testing"
)

// TestShellQuote: what zauth prints for a shell (token --format env, the
// commands in hints) reads back as the exact value, in a POSIX shell too,
// where an unquoted ~ after : or = in an assignment is expanded.
func TestShellQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"abc.DEF-123_x/y:z+w=", "abc.DEF-123_x/y:z+w="},
		{"user,wallet", "user,wallet"},
		{"me@example.com", "me@example.com"},
		{"", "''"},
		{"a b", "'a b'"},
		{"it's", `'it'\''s'`},
		{"'", `''\'''`},
		{`"$HOME"`, `'"$HOME"'`},
		{"$(id)", "'$(id)'"},
		{"a`b`", "'a`b`'"},
		{"line1\nline2", "'line1\nline2'"},
		{"tab\there", "'tab\there'"},
		{"a:~root", "'a:~root'"},
		{"~root", "'~root'"},
		{"*", "'*'"},
		{"a;b&c|d", "'a;b&c|d'"},
		{`back\slash`, `'back\slash'`},
		{"=cmd", "'=cmd'"},
	} {
		if got := shellQuote(tc.in); got != tc.want {
			t.Errorf("shellQuote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"", "a b", "it's", "$HOME", "a:~root", "x=~root", "line1\nline2", "*", "back\\slash\\", "\x1b[31mred"} {
		out, err := exec.Command(sh, "-c", "V="+shellQuote(v)+`; printf %s "$V"`).Output()
		if err != nil || string(out) != v {
			t.Errorf("sh reads %q back as %q (%v)", v, out, err)
		}
	}
}

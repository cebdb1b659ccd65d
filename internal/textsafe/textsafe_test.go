package textsafe

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	for in, want := range map[string]string{
		"plain text":                         "plain text",
		"  multi\r\nline\ttext  ":            "multi line text",
		"\x1b]0;pwned\x07title":              "]0;pwned title",
		"csi \x1b[2J and c1 \u009b2J":        "csi [2J and c1 2J",
		"bidi \u202edrow\u202c and \u200bzw": "bidi drow and zw",
		"del\x7f nul\x00":                    "del nul",
		"bad utf-8 \xff!":                    "bad utf-8 \ufffd!",
		"non-breaking\u00a0space, é ü 日本":    "non-breaking space, é ü 日本",
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPrintable(t *testing.T) {
	for s, want := range map[string]bool{
		"https://a.example/é 日本": true,
		"":                       true,
		"a\u202eb":               false,
		"a\u009bb":               false,
		"a\tb":                   false,
		"a\x1bb":                 false,
		"a\x9b2Jb":               false, // C1 CSI as a raw byte, as 8-bit terminals read it
		"a\xffb":                 false,
	} {
		if got := Printable(s); got != want {
			t.Errorf("Printable(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestShort(t *testing.T) {
	if got := Short("ab\x1bcd", 10); got != "ab cd" {
		t.Errorf("got %q", got)
	}
	if got := Short(strings.Repeat("é", 10), 5); got != "éé…" { // never cuts inside a character
		t.Errorf("got %q", got)
	}
}

func TestText(t *testing.T) {
	if got := Text("{\n\t\"a\": \"\x1b[31mred\r\"\n}"); got != "{\n\t\"a\": \" [31mred \"\n}" {
		t.Errorf("got %q", got)
	}
}

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pw@evil.example:8443/steal?code=abc#frag": "https://evil.example:8443/steal?[REDACTED]",
		"http://127.0.0.1:9/token":                              "http://127.0.0.1:9/token",
		"/relative/path?x=1":                                    "/relative/path?[REDACTED]",
		"http://evil.example/\x1b[2J":                           "http://evil.example/ [2J", // url.Parse refuses controls
		"http://[::1:bad/\x1b?secret":                           "http://[::1:bad/ ?[REDACTED]",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q) = %q, want %q", in, got, want)
		}
	}
	if got := URL("https://evil.example/" + strings.Repeat("a", 500)); len(got) > 210 {
		t.Errorf("unbounded: %d bytes", len(got))
	}
}

func TestJSON(t *testing.T) {
	in, _ := json.MarshalIndent(map[string]string{"k": "del\x7f c1\u009b bidi\u202e tag\U000e0001 ok é"}, "", "  ")
	out := JSON(in)
	if strings.ContainsAny(string(out), "\x7f\u009b\u202e\U000e0001") {
		t.Fatalf("unprintable left: %q", out)
	}
	var back map[string]string
	if err := json.Unmarshal(out, &back); err != nil || back["k"] != "del\x7f c1\u009b bidi\u202e tag\U000e0001 ok é" {
		t.Errorf("not the same value: %v %q", err, back["k"])
	}
	if !strings.Contains(string(out), "\n  \"k\"") {
		t.Errorf("indentation lost: %q", out)
	}
}

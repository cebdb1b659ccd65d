package textsafe

import (
	"encoding/json"
	"io"
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

// TestCopyStreams: a body for the terminal is written as it arrives,
// not a line at a time: a provider's body without a line break (a
// megabyte of minified JSON, or an endless one) was held in memory whole
// before anything reached the screen. The pieces end on whole
// characters, so nothing is mangled where a read split one.
func TestCopyStreams(t *testing.T) {
	const size = 16 << 20
	body := &countingReader{r: strings.NewReader(strings.Repeat("é", size/2)), chunk: 4097}
	w := &firstWrite{read: &body.n}
	if err := Copy(w, body); err != nil {
		t.Fatal(err)
	}
	if w.readBefore > 1<<20 {
		t.Errorf("%d MiB of the body read before the first write", w.readBefore>>20)
	}
	if w.n != size || w.mangled {
		t.Errorf("wrote %d bytes of %d; a character mangled: %t", w.n, size, w.mangled)
	}
}

// countingReader reads at most chunk bytes at a time (an odd number, to
// split characters) and counts them in n.
type countingReader struct {
	r     io.Reader
	chunk int
	n     int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p[:min(len(p), c.chunk)])
	c.n += n
	return n, err
}

// firstWrite notes how much had been read at the first write, how much
// was written, and whether anything but é was.
type firstWrite struct {
	read       *int
	readBefore int
	n          int
	mangled    bool
}

func (w *firstWrite) Write(p []byte) (int, error) {
	if w.n == 0 {
		w.readBefore = *w.read
	}
	w.n += len(p)
	w.mangled = w.mangled || strings.ReplaceAll(string(p), "é", "") != ""
	return len(p), nil
}

// Package textsafe makes untrusted text safe to print: whatever a provider
// answers (error descriptions, scopes, redirect targets, response bodies) and
// what older versions stored may carry terminal escape sequences, carriage
// returns or bidi overrides that rewrite the screen or spoof the message
// around them.
package textsafe

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Line returns s as one printable line: every control, format (bidi) or
// otherwise unprintable character becomes a space, runs of white space
// become one space, and the ends are trimmed. Invalid UTF-8 becomes U+FFFD.
func Line(s string) string {
	return strings.Join(strings.Fields(strings.Map(printable(false), s)), " ")
}

// Short is Line cut to at most n bytes, at a character boundary, with an
// ellipsis when something was cut.
func Short(s string, n int) string {
	s = Line(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Printable reports whether every character of s prints: no control,
// format (bidi) or other invisible character, not even a tab or line
// break, and no invalid UTF-8 (a lone byte 0x9b is CSI to a terminal
// reading 8-bit controls). What is refused rather than cleaned (an
// endpoint, a scope name) is checked with it.
func Printable(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) })
}

// Text keeps line breaks and tabs, for multi-line bodies, and turns every
// other unprintable character (including carriage returns) into a space.
func Text(s string) string { return strings.Map(printable(true), s) }

// Copy writes r to w as Text, as it arrives: a body need not have a line
// break, nor end, so nothing waits for one. Each piece ends on a whole
// character; one split between two reads is held back until the next.
func Copy(w io.Writer, r io.Reader) error {
	buf := make([]byte, 32<<10)
	held := 0
	for {
		n, err := r.Read(buf[held:])
		n += held
		whole := n
		if err == nil {
			whole = wholeRunes(buf[:n])
		}
		if _, werr := io.WriteString(w, Text(string(buf[:whole]))); werr != nil {
			return werr
		}
		held = copy(buf, buf[whole:n])
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// wholeRunes is the length of b without an incomplete UTF-8 sequence at
// its end.
func wholeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}

func printable(keepLines bool) func(rune) rune {
	return func(r rune) rune {
		if unicode.IsPrint(r) || keepLines && (r == '\n' || r == '\t') {
			return r
		}
		return ' '
	}
}

// URL shows a URL someone else chose (a redirect target) without what it
// may carry: the user information, query and fragment are dropped (a
// "?[REDACTED]" marks a query), the rest is cleaned and bounded.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		before, _, cut := strings.Cut(raw, "?")
		before, _, _ = strings.Cut(before, "#")
		if cut {
			before += "?[REDACTED]"
		}
		return Short(before, 200)
	}
	query := ""
	if u.RawQuery != "" || u.ForceQuery {
		query = "?[REDACTED]"
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return Short(u.String(), 200) + query
}

// JSON escapes, as \uXXXX, every unprintable character left in encoded
// JSON (encoding/json already escapes C0 controls, but not DEL, C1
// controls or bidi overrides), so that it prints safely and decodes to the
// same value. Line breaks and indentation between values are kept.
func JSON(b []byte) []byte {
	var out strings.Builder
	for _, r := range string(b) {
		if unicode.IsPrint(r) || r == '\n' || r == '\t' {
			out.WriteRune(r)
			continue
		}
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, r1, r2)
			continue
		}
		fmt.Fprintf(&out, `\u%04x`, r)
	}
	return []byte(out.String())
}

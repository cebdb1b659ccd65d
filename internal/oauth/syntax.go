package oauth

import (
	"fmt"
	"strings"
)

// The syntax RFC 6749 Appendix A gives token response fields. zauth puts
// these values into HTTP headers, shell lines and terminals, so anything
// outside it is refused, never cleaned up: a token that needed cleaning is
// not the token the provider meant.

// isTokenChars reports whether s is 1*VSCHAR without space (%x21-7E), the
// syntax of access, refresh and ID tokens.
func isTokenChars(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return r < 0x21 || r > 0x7e }) < 0
}

// isTokenType reports whether s is an RFC 7230 token (1*tchar), the syntax
// of an authentication scheme name such as Bearer.
func isTokenType(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r))
	}) < 0
}

// isScope reports whether s is a list of scope tokens (1*NQCHAR: %x21,
// %x23-5B, %x5D-7E) separated by spaces, RFC 6749 §3.3.
func isScope(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r != ' ' && (r < 0x21 || r > 0x7e || r == '"' || r == '\\') }) < 0
}

// MalformedError names a token field that breaks the RFC 6749 syntax. It
// never carries the value: that may be an escape sequence or a header
// injection aimed at the terminal or at the next request.
type MalformedError struct{ Field string }

func (e *MalformedError) Error() string {
	return fmt.Sprintf("the %s is malformed (not RFC 6749 syntax)", e.Field)
}

// CheckUsable checks a token before it is put into a header or a shell
// line; a record stored by an older zauth was not checked when stored.
func CheckUsable(accessToken, tokenType string) error {
	if !isTokenChars(accessToken) {
		return &MalformedError{"access_token"}
	}
	if tokenType != "" && !isTokenType(tokenType) {
		return &MalformedError{"token_type"}
	}
	return nil
}

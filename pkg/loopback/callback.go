// Package loopback receives the OAuth redirect on a loopback listener
// (RFC 8252 §7.3), or from a URL the user pastes, and checks it: state in
// constant time, the issuer (RFC 9207), provider errors. It knows nothing of
// providers, token exchange or storage.
package loopback

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Expect is what a valid callback must carry.
type Expect struct {
	State string // required
	// Issuer, when set, must equal the callback's iss parameter, which must
	// be present: a mismatch is a possible mix-up attack (RFC 9207).
	Issuer string
}

// Callback errors. None of them echoes a received value: they may be an
// attacker's, and they end up in terminals and logs.
var (
	ErrMissingState   = errors.New("the callback has no state parameter; it did not come from this login")
	ErrStateMismatch  = errors.New("the callback's state does not match this login (a stale browser tab, or a forged request)")
	ErrMissingIssuer  = errors.New("the callback has no iss parameter, which this provider always sends (possible mix-up attack)")
	ErrIssuerMismatch = errors.New("the callback's iss does not match the provider's issuer (possible mix-up attack)")
	ErrMissingCode    = errors.New("the callback has neither a code nor an error")
)

// ProviderError is an RFC 6749 §4.1.2.1 error sent back on the redirect.
type ProviderError struct {
	Code        string
	Description string
	URI         string
}

var errorText = map[string]string{
	"access_denied":             "the authorization was denied in the browser",
	"invalid_scope":             "the provider rejected the requested scopes",
	"invalid_request":           "the provider rejected the authorization request",
	"unauthorized_client":       "the client is not allowed to use this flow",
	"unsupported_response_type": "the provider does not support response_type=code for this client",
	"server_error":              "the provider had an internal error",
	"temporarily_unavailable":   "the provider is temporarily unavailable",
	"consent_required":          "the provider needs consent that was not given",
	"login_required":            "the provider needs the user to log in",
}

func (e *ProviderError) Error() string {
	text, ok := errorText[e.Code]
	if !ok {
		text = "the provider returned an error"
	}
	msg := fmt.Sprintf("%s (%s)", text, e.Code)
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// ParseCallback checks a callback's query and returns the code. The state is
// checked before anything else, so that a forged request cannot inject an
// error message or a code.
func ParseCallback(q url.Values, exp Expect) (string, error) {
	state := q.Get("state")
	if state == "" {
		return "", ErrMissingState
	}
	if exp.State == "" || subtle.ConstantTimeCompare([]byte(state), []byte(exp.State)) != 1 {
		return "", ErrStateMismatch
	}
	if exp.Issuer != "" {
		iss := q.Get("iss")
		if iss == "" {
			return "", ErrMissingIssuer
		}
		if subtle.ConstantTimeCompare([]byte(iss), []byte(exp.Issuer)) != 1 {
			return "", ErrIssuerMismatch
		}
	}
	if code := q.Get("error"); code != "" {
		return "", &ProviderError{Code: clean(code, 64), Description: clean(q.Get("error_description"), 300), URI: clean(q.Get("error_uri"), 300)}
	}
	code := q.Get("code")
	if code == "" {
		return "", ErrMissingCode
	}
	return code, nil
}

// clean keeps provider text printable, on one line and short.
func clean(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// ParsePasted parses a URL the user pasted: it must be an absolute http(s)
// URL whose path is the redirect URI's. Its host may differ (the browser may
// run on another machine where the page failed to load).
func ParsePasted(line, redirectURI string) (url.Values, error) {
	want, err := url.Parse(redirectURI)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.TrimSpace(line))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != want.Path || u.RawQuery == "" {
		return nil, fmt.Errorf("that is not the redirect URL (expected %s?code=...); paste the full URL from the browser's address bar", redirectURI)
	}
	return u.Query(), nil
}

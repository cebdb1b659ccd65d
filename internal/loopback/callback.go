// Package loopback receives the OAuth 2.0 authorization redirect on a
// loopback listener (RFC 8252 §7.3), or from a URL the user pastes, and
// checks it: state in constant time, the issuer (RFC 9207), provider errors
// (RFC 6749 §4.1.2.1). It knows nothing of providers, token exchange or
// storage.
package loopback

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/zauth-cli/zauth/internal/textsafe"
)

// Expect is what a valid callback must carry.
type Expect struct {
	// State is required; the callback's state must equal it (compared in
	// constant time). An empty State rejects every callback.
	State string
	// Issuer, when set, must equal the callback's iss parameter, which must
	// then be present: a mismatch is a possible mix-up attack (RFC 9207).
	// When empty, an iss parameter is ignored.
	Issuer string
}

// Callback errors. None of them echoes a received value: the request may be
// an attacker's, and the message ends up in terminals and logs.
var (
	ErrMissingState      = errors.New("the callback has no state parameter; it did not come from this login")
	ErrStateMismatch     = errors.New("the callback's state does not match this login (a stale browser tab, or a forged request)")
	ErrMissingIssuer     = errors.New("the callback has no iss parameter, which this provider always sends (possible mix-up attack)")
	ErrIssuerMismatch    = errors.New("the callback's iss does not match the provider's issuer (possible mix-up attack)")
	ErrMissingCode       = errors.New("the callback has neither a code nor an error")
	ErrRepeatedParameter = errors.New("the callback repeats a parameter, which OAuth forbids (a forged or mangled request)")
)

// ProviderError is an RFC 6749 §4.1.2.1 error sent back on the redirect.
// Its fields are cleaned: printable, one line, bounded length.
type ProviderError struct {
	Code        string // e.g. access_denied
	Description string // error_description, may be empty
	URI         string // error_uri, may be empty
}

var errorText = map[string]string{
	"access_denied":              "the authorization was denied in the browser",
	"invalid_scope":              "the provider rejected the requested scopes",
	"invalid_request":            "the provider rejected the authorization request",
	"unauthorized_client":        "the client is not allowed to use this flow",
	"unsupported_response_type":  "the provider does not support response_type=code for this client",
	"server_error":               "the provider had an internal error",
	"temporarily_unavailable":    "the provider is temporarily unavailable",
	"consent_required":           "the provider needs consent that was not given",
	"login_required":             "the provider needs the user to log in",
	"interaction_required":       "the provider needs the user to interact with the consent page",
	"account_selection_required": "the provider needs the user to choose an account",
}

// Error reads as a sentence: a friendly text for known codes, then the code,
// the provider's description and its help link.
func (e *ProviderError) Error() string {
	text, ok := errorText[e.Code]
	if !ok {
		text = "the provider returned an error"
	}
	msg := fmt.Sprintf("%s (%s)", text, e.Code)
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if strings.HasPrefix(e.URI, "https://") || strings.HasPrefix(e.URI, "http://") {
		msg += " (see " + e.URI + ")"
	}
	return msg
}

// ParseCallback checks a callback's query and returns the authorization
// code, or an error and no code.
//
// The state is checked before anything else, error responses included:
// RFC 6749 requires the provider to echo state on errors too, and checking
// it first means a forged request (any web page can make the browser hit
// the loopback URL) cannot inject a code, an issuer or an error message.
// Then: no repeated parameters (RFC 6749 §3.1), the issuer, a provider
// error, the code.
func ParseCallback(q url.Values, exp Expect) (string, error) {
	if err := checkState(q, exp); err != nil {
		return "", err
	}
	// Which copy a check would see and which one a proxy or the provider
	// meant is ambiguous: refuse rather than pick one.
	for _, k := range []string{"iss", "code", "error"} {
		if len(q[k]) > 1 {
			return "", ErrRepeatedParameter
		}
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
	if e := q.Get("error"); e != "" {
		return "", &ProviderError{
			Code:        textsafe.Short(e, 64),
			Description: textsafe.Short(q.Get("error_description"), 300),
			URI:         textsafe.Short(q.Get("error_uri"), 300),
		}
	}
	code := q.Get("code")
	if code == "" {
		return "", ErrMissingCode
	}
	return code, nil
}

// checkState reports whether q carries exactly one state, equal to the
// expected one. A request failing it is not part of this login: the
// listener ignores it rather than letting it end the login.
func checkState(q url.Values, exp Expect) error {
	states := q["state"]
	if len(states) == 0 || states[0] == "" {
		return ErrMissingState
	}
	if len(states) > 1 {
		return ErrRepeatedParameter
	}
	if exp.State == "" || subtle.ConstantTimeCompare([]byte(states[0]), []byte(exp.State)) != 1 {
		return ErrStateMismatch
	}
	return nil
}

// redirectPath is the path a request for u arrives on: a redirect URI
// without a path is requested as "/".
func redirectPath(u *url.URL) string {
	if u.Path == "" {
		return "/"
	}
	return u.Path
}

// ParsePasted parses a URL the user pasted instead of letting the browser
// reach the listener. It must be an absolute http(s) URL with a query,
// whose path is the redirect URI's; its host and port may differ (the
// browser may have run on another machine, where the page failed to load).
// The returned values still need ParseCallback.
func ParsePasted(line, redirectURI string) (url.Values, error) {
	want, err := url.Parse(redirectURI)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.TrimSpace(line))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		redirectPath(u) != redirectPath(want) || u.RawQuery == "" {
		return nil, notRedirectURL(redirectURI)
	}
	return u.Query(), nil
}

func notRedirectURL(redirectURI string) error {
	sep := "?"
	if strings.Contains(redirectURI, "?") {
		sep = "&"
	}
	return fmt.Errorf("that is not the redirect URL (expected %s%scode=...); paste the full URL from the browser's address bar", redirectURI, sep)
}

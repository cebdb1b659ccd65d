package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/jwt"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/textsafe"
)

// maxExpiresIn rejects lifetimes no real provider issues (ten years).
const maxExpiresIn = 10 * 365 * 24 * 3600

// Token is a successful token-endpoint response.
type Token struct {
	AccessToken  string
	TokenType    string
	RefreshToken string
	Expiry       time.Time // zero when neither expires_in nor a JWT's exp said
	Scopes       []string  // nil when the provider did not say
	IDToken      string
}

// TokenError is an RFC 6749 §5.2 error answered by an endpoint.
type TokenError struct {
	Endpoint    string // "token", "revocation", ...
	Status      int
	Code        string
	Description string
}

func (e *TokenError) Error() string {
	msg := fmt.Sprintf("the %s endpoint answered %d %s", e.Endpoint, e.Status, e.Code)
	if e.Description != "" {
		msg += ": " + e.Description
	}
	return msg
}

// Exchange trades an authorization code for tokens. now is the clock the
// expiry is counted from (nil: time.Now), the caller's like every other
// time it records.
func Exchange(ctx context.Context, hc *http.Client, now func() time.Time, p *provider.Provider, c Client, redirectURI, code, verifier string) (*Token, error) {
	secrets := sentSecrets(p, c, [][2]string{{"code", code}, {"code_verifier", verifier}})
	te := newTokenEndpoint(p, c, redirectURI)
	return tokenRequest(ctx, hc, now, p, secrets, func(ctx context.Context) error { return te.exchange(ctx, code, verifier) })
}

// Refresh trades a refresh token for a new access token; now as for
// Exchange.
func Refresh(ctx context.Context, hc *http.Client, now func() time.Time, p *provider.Provider, c Client, redirectURI, refreshToken string) (*Token, error) {
	secrets := sentSecrets(p, c, [][2]string{{"refresh_token", refreshToken}})
	te := newTokenEndpoint(p, c, redirectURI)
	return tokenRequest(ctx, hc, now, p, secrets, func(ctx context.Context) error { return te.refresh(ctx, refreshToken) })
}

// tokenRequest sends one token request through a client that never
// follows redirects and records the raw answer, which ParseTokenResponse
// then judges.
func tokenRequest(ctx context.Context, hc *http.Client, now func() time.Time, p *provider.Provider, secrets []string, send func(context.Context) error) (*Token, error) {
	e := endpoint{p.TokenURL, "token"}
	if _, err := url.Parse(p.TokenURL); err != nil {
		return nil, exitcode.Newf(exitcode.Usage, "token URL %q: %v", p.TokenURL, err)
	}
	hc, rec := wire(hc)
	if err := send(context.WithValue(ctx, oauth2.HTTPClient, hc)); err != nil && rec.status()/100 != 2 {
		return nil, fail(p, e, err, secrets)
	}
	// A 2xx answer is judged from its raw body, also where x/oauth2 refused
	// it: a JSON body labelled as a form, camelCase, expires_in 0 (x/oauth2
	// reads that as "never expires"), an "error" beside a 200.
	if now == nil {
		now = time.Now
	}
	tok, err := ParseTokenResponse(rec.body, now())
	if err != nil {
		return nil, exitcode.Newf(exitcode.Provider, "%s token endpoint: %v", p.DisplayName, err)
	}
	return tok, nil
}

// ParseTokenResponse decodes a token response in snake_case (RFC 6749) or
// camelCase (one ZBD SDK), with expires_in as a number or a string. Tokens,
// token type and scope must have RFC 6749 syntax. expires_in 0 is a token
// that has already expired; without expires_in, a JWT access token's exp
// (unverified, bounded) says when to refresh.
func ParseTokenResponse(data []byte, now time.Time) (*Token, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, errors.New("the response is not a JSON object")
	}
	str := func(keys ...string) (string, error) {
		for _, k := range keys {
			if v, ok := raw[k]; ok && string(v) != "null" {
				var s string
				if err := json.Unmarshal(v, &s); err != nil {
					return "", fmt.Errorf("%s is not a string", k)
				}
				return s, nil
			}
		}
		return "", nil
	}
	t := &Token{}
	var err error
	if t.AccessToken, err = str("access_token", "accessToken"); err != nil {
		return nil, err
	}
	if t.AccessToken == "" {
		return nil, errors.New("the response has no access_token")
	}
	if !isTokenChars(t.AccessToken) {
		return nil, &MalformedError{"access_token"}
	}
	if t.TokenType, err = str("token_type", "tokenType"); err != nil {
		return nil, err
	}
	if t.TokenType == "" {
		t.TokenType = "Bearer"
	}
	if !isTokenType(t.TokenType) {
		return nil, &MalformedError{"token_type"}
	}
	if t.RefreshToken, err = str("refresh_token", "refreshToken"); err != nil {
		return nil, err
	}
	if t.RefreshToken != "" && !isTokenChars(t.RefreshToken) {
		return nil, &MalformedError{"refresh_token"}
	}
	if t.IDToken, err = str("id_token", "idToken"); err != nil {
		return nil, err
	}
	if t.IDToken != "" && !isTokenChars(t.IDToken) {
		return nil, &MalformedError{"id_token"}
	}
	scope, err := str("scope", "scopes")
	if err != nil {
		return nil, err
	}
	if !isScope(scope) {
		return nil, &MalformedError{"scope"}
	}
	if scope != "" {
		t.Scopes = provider.ParseScopes([]string{scope})
	}
	said := false
	for _, k := range []string{"expires_in", "expiresIn"} {
		v, ok := raw[k]
		if !ok || string(v) == "null" {
			continue
		}
		secs, err := parseSeconds(v)
		if err != nil || secs < 0 || secs > maxExpiresIn {
			return nil, fmt.Errorf("%s %s is not a plausible lifetime", k, textsafe.Short(string(v), 40))
		}
		t.Expiry, said = now.Add(time.Duration(secs)*time.Second), true
		break
	}
	if exp, ok := jwt.Expiry(t.AccessToken); !said && ok && exp.After(now.Add(-maxExpiresIn*time.Second)) && !exp.After(now.Add(maxExpiresIn*time.Second)) {
		t.Expiry = exp
		if exp.Before(now) { // expired already, as expires_in 0
			t.Expiry = now
		}
	}
	return t, nil
}

func parseSeconds(v json.RawMessage) (int64, error) {
	var f float64
	if err := json.Unmarshal(v, &f); err == nil {
		if f != f || f > maxExpiresIn*10 || f < -maxExpiresIn*10 { // NaN or absurd
			return 0, errors.New("out of range")
		}
		return int64(f), nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return 0, err
	}
	return strconv.ParseInt(strings.TrimSpace(s), 10, 64)
}

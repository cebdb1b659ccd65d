package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zauth-cli/zauth/pkg/exitcode"
	"github.com/zauth-cli/zauth/pkg/jwt"
	"github.com/zauth-cli/zauth/pkg/provider"
	"github.com/zauth-cli/zauth/pkg/textsafe"
)

// MaxBody bounds how much of a token response is read: a provider answers
// in well under a kilobyte, so anything larger is a fault, not a token.
const MaxBody = 1 << 20

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

// Exchange trades an authorization code for tokens.
func Exchange(ctx context.Context, hc *http.Client, p *provider.Provider, c Client, redirectURI, code, verifier string) (*Token, error) {
	params := [][2]string{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", redirectURI}}
	if verifier != "" {
		params = append(params, [2]string{"code_verifier", verifier})
	}
	return tokenRequest(ctx, hc, p, c, params)
}

// Refresh trades a refresh token for a new access token.
func Refresh(ctx context.Context, hc *http.Client, p *provider.Provider, c Client, redirectURI, refreshToken string) (*Token, error) {
	params := [][2]string{{"grant_type", "refresh_token"}, {"refresh_token", refreshToken}}
	if p.RedirectURIOnRefresh {
		params = append(params, [2]string{"redirect_uri", redirectURI})
	}
	return tokenRequest(ctx, hc, p, c, params)
}

func tokenRequest(ctx context.Context, hc *http.Client, p *provider.Provider, c Client, params [][2]string) (*Token, error) {
	data, err := call(ctx, hc, p, c, endpoint{p.TokenURL, "token"}, params)
	if err != nil {
		return nil, err
	}
	tok, err := ParseTokenResponse(data, time.Now())
	if err != nil {
		return nil, exitcode.Newf(exitcode.Provider, "%s token endpoint: %v", p.DisplayName, err)
	}
	return tok, nil
}

// endpoint names a URL and what it is, for messages.
type endpoint struct{ url, what string }

// call POSTs params to an endpoint of the provider with its client
// authentication and body encoding, and returns the bounded body of a 2xx
// answer; anything else becomes an error with the right exit code. A
// redirect is never followed: it would carry the client secret, code,
// verifier or token to wherever the answer points, and bring back a token
// from there.
func call(ctx context.Context, hc *http.Client, p *provider.Provider, c Client, e endpoint, params [][2]string) ([]byte, error) {
	secrets := sentSecrets(p, c, params)
	switch p.ClientAuth {
	case provider.AuthPost:
		params = append([][2]string{{"client_id", c.ID}, {"client_secret", c.Secret}}, params...)
	case provider.AuthNone:
		params = append([][2]string{{"client_id", c.ID}}, params...)
	}
	var body []byte
	var contentType string
	if p.TokenBody == provider.BodyJSON {
		m := make(map[string]string, len(params))
		for _, kv := range params {
			m[kv[0]] = kv[1]
		}
		body, _ = json.Marshal(m)
		contentType = "application/json"
	} else {
		v := url.Values{}
		for _, kv := range params {
			v.Set(kv[0], kv[1])
		}
		body = []byte(v.Encode())
		contentType = "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return nil, exitcode.Newf(exitcode.Usage, "%s URL %q: %v", e.what, e.url, err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	if p.ClientAuth == provider.AuthBasic {
		// RFC 6749 §2.3.1: form-encode both parts before joining them.
		req.SetBasicAuth(url.QueryEscape(c.basicUser()), url.QueryEscape(c.Secret))
	}
	resp, err := noRedirects(hc).Do(req)
	if err != nil {
		return nil, networkError(p, e, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 == 3 {
		return nil, redirectError(p, e, resp)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, networkError(p, e, err)
	}
	if len(data) > MaxBody {
		return nil, exitcode.Newf(exitcode.Provider, "%s %s endpoint sent more than %d bytes", p.DisplayName, e.what, MaxBody)
	}
	if resp.StatusCode/100 != 2 {
		return nil, classify(p, e, resp.StatusCode, resp.Header.Get("Content-Type"), data, secrets)
	}
	return data, nil
}

// noRedirects returns a copy of hc that hands back 3xx answers instead of
// following them.
func noRedirects(hc *http.Client) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func redirectError(p *provider.Provider, e endpoint, resp *http.Response) error {
	to := "nowhere (no Location)"
	if u, err := resp.Location(); err == nil {
		to = textsafe.URL(u.String())
	} else if loc := resp.Header.Get("Location"); loc != "" {
		to = textsafe.URL(loc)
	}
	return exitcode.Newf(exitcode.Provider, "%s %s endpoint answered HTTP %d redirecting to %s; zauth does not follow redirects from OAuth endpoints, so nothing was sent there",
		p.DisplayName, e.what, resp.StatusCode, to)
}

func networkError(p *provider.Provider, e endpoint, err error) error {
	if errors.Is(err, context.Canceled) {
		return exitcode.New(exitcode.Interrupted, errors.New("interrupted"))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is in the message below already
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return exitcode.Newf(exitcode.Provider, "%s %s endpoint %s did not answer in time", p.DisplayName, e.what, e.url)
	}
	return exitcode.Newf(exitcode.Provider, "cannot reach %s %s endpoint %s: %v", p.DisplayName, e.what, e.url, err)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// classify turns a non-2xx answer into an error with the right exit code.
// The provider's text is redacted of the secrets the request carried (some
// servers echo the request) and cleaned for the terminal.
func classify(p *provider.Provider, e endpoint, status int, contentType string, data []byte, secrets []string) error {
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"` // some APIs answer {"message": ...}
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if json.Unmarshal(data, &body) != nil || (body.Error == "" && body.Message == "") {
		kind := "an unexpected body"
		if mt != "" {
			kind = "a " + textsafe.Short(mt, 60) + " body"
		}
		return exitcode.Newf(exitcode.Provider, "%s %s endpoint answered HTTP %d with %s", p.DisplayName, e.what, status, kind)
	}
	te := &TokenError{Endpoint: e.what, Status: status, Code: textsafe.Short(redact(body.Error, secrets), 64),
		Description: textsafe.Short(redact(body.Description, secrets), 300)}
	if body.Error == "" {
		te.Description = textsafe.Short(redact(body.Message, secrets), 300)
	}
	switch {
	case body.Error == "invalid_grant":
		return &exitcode.Error{Code: exitcode.LoginNeeded, Err: te}
	case body.Error == "invalid_client" || body.Error == "unauthorized_client":
		return &exitcode.Error{Code: exitcode.Usage, Err: te, Hint: "check the client id and " + p.SecretName + " (`zauth client show " + p.Name + "`)"}
	}
	return &exitcode.Error{Code: exitcode.Provider, Err: te}
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

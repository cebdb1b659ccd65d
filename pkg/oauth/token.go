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
	"github.com/zauth-cli/zauth/pkg/provider"
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
	Expiry       time.Time // zero when the provider did not say
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
// answer; anything else becomes an error with the right exit code.
func call(ctx context.Context, hc *http.Client, p *provider.Provider, c Client, e endpoint, params [][2]string) ([]byte, error) {
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
	resp, err := hc.Do(req)
	if err != nil {
		return nil, networkError(p, e, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return nil, networkError(p, e, err)
	}
	if len(data) > MaxBody {
		return nil, exitcode.Newf(exitcode.Provider, "%s %s endpoint sent more than %d bytes", p.DisplayName, e.what, MaxBody)
	}
	if resp.StatusCode/100 != 2 {
		return nil, classify(p, e, resp.StatusCode, resp.Header.Get("Content-Type"), data)
	}
	return data, nil
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
func classify(p *provider.Provider, e endpoint, status int, contentType string, data []byte) error {
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"` // some APIs answer {"message": ...}
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if json.Unmarshal(data, &body) != nil || (body.Error == "" && body.Message == "") {
		kind := "an unexpected body"
		if mt != "" {
			kind = "a " + mt + " body"
		}
		return exitcode.Newf(exitcode.Provider, "%s %s endpoint answered HTTP %d with %s", p.DisplayName, e.what, status, kind)
	}
	te := &TokenError{Endpoint: e.what, Status: status, Code: body.Error, Description: oneLine(body.Description)}
	if te.Code == "" {
		te.Description = oneLine(body.Message)
	}
	switch {
	case te.Code == "invalid_grant":
		return &exitcode.Error{Code: exitcode.LoginNeeded, Err: te}
	case te.Code == "invalid_client" || te.Code == "unauthorized_client":
		return &exitcode.Error{Code: exitcode.Usage, Err: te, Hint: "check the client id and " + p.SecretName + " (`zauth client show " + p.Name + "`)"}
	}
	return &exitcode.Error{Code: exitcode.Provider, Err: te}
}

// oneLine keeps provider text from breaking the one-line error contract.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// ParseTokenResponse decodes a token response in snake_case (RFC 6749) or
// camelCase (one ZBD SDK), with expires_in as a number or a string.
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
	if t.TokenType, err = str("token_type", "tokenType"); err != nil {
		return nil, err
	}
	if t.TokenType == "" {
		t.TokenType = "Bearer"
	}
	if t.RefreshToken, err = str("refresh_token", "refreshToken"); err != nil {
		return nil, err
	}
	if t.IDToken, err = str("id_token", "idToken"); err != nil {
		return nil, err
	}
	scope, err := str("scope", "scopes")
	if err != nil {
		return nil, err
	}
	if scope != "" {
		t.Scopes = provider.ParseScopes([]string{scope})
	}
	for _, k := range []string{"expires_in", "expiresIn"} {
		v, ok := raw[k]
		if !ok || string(v) == "null" {
			continue
		}
		secs, err := parseSeconds(v)
		if err != nil || secs < 0 || secs > maxExpiresIn {
			return nil, fmt.Errorf("%s %s is not a plausible lifetime", k, truncate(string(v), 40))
		}
		if secs > 0 {
			t.Expiry = now.Add(time.Duration(secs) * time.Second)
		}
		break
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

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

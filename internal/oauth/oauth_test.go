package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/provider"
)

func TestNewRequest(t *testing.T) {
	z, _ := provider.Lookup("ziina")
	r := NewRequest(z, "cid", "http://127.0.0.1:8976/callback", []string{"write_refunds", "offline_access"})
	if !strings.Contains(r.URL, "scope=write_refunds+offline_access") {
		t.Errorf("scope not space-joined and '+'-encoded: %s", r.URL)
	}
	u, _ := url.Parse(r.URL)
	q := u.Query()
	if q.Get("prompt") != "consent" || q.Get("state") != r.State || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") != oauth2.S256ChallengeFromVerifier(r.Verifier) || q.Get("response_type") != "code" {
		t.Errorf("query: %v", q)
	}
	if raw, _ := base64.RawURLEncoding.DecodeString(r.State); len(raw) != 32 {
		t.Errorf("state is %d bytes", len(raw))
	}
	r2 := NewRequest(z, "cid", "http://127.0.0.1:8976/callback", []string{"read_account"})
	if r2.State == r.State || r2.Verifier == r.Verifier {
		t.Error("state or verifier reused")
	}
	if strings.Contains(r2.URL, "prompt=") {
		t.Error("prompt sent without offline_access")
	}
	b, _ := provider.Lookup("zbd")
	r3 := NewRequest(b, "cid", "http://127.0.0.1:8976/callback", []string{"user", "wallet"})
	if !strings.Contains(r3.URL, "scope=user%2Cwallet") {
		t.Errorf("zbd scope: %s", r3.URL)
	}
}

// tokenServer records the last request and answers with status and body.
func tokenServer(t *testing.T, status int, body string) (*httptest.Server, *http.Request, *string) {
	var last http.Request
	var lastBody string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		last, lastBody = *r, string(b)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(s.Close)
	return s, &last, &lastBody
}

func TestExchangeZiinaFormBasic(t *testing.T) {
	s, req, body := tokenServer(t, 200, `{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","scope":"write_refunds offline_access"}`)
	z, _ := provider.Lookup("ziina")
	z.TokenURL = s.URL
	tok, err := Exchange(context.Background(), s.Client(), nil, z, Client{ID: "cid", Username: "us:er", Secret: "p@ss"}, "http://127.0.0.1:1/cb", "the-code", "the-verifier")
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at" || tok.RefreshToken != "rt" || len(tok.Scopes) != 2 || time.Until(tok.Expiry) < 59*time.Minute {
		t.Errorf("token: %+v", tok)
	}
	if ct := req.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("content type %q", ct)
	}
	user, pass, ok := req.BasicAuth()
	if !ok || user != "us%3Aer" || pass != "p%40ss" {
		t.Errorf("basic auth %q %q %v", user, pass, ok)
	}
	form, _ := url.ParseQuery(*body)
	if form.Get("grant_type") != "authorization_code" || form.Get("code") != "the-code" || form.Get("code_verifier") != "the-verifier" ||
		form.Get("redirect_uri") != "http://127.0.0.1:1/cb" || form.Has("client_secret") {
		t.Errorf("form: %v", form)
	}
}

func TestRefreshZBDJSON(t *testing.T) {
	s, req, body := tokenServer(t, 200, `{"accessToken":"at2","refreshToken":"rt2","tokenType":"Bearer","expiresIn":"300"}`)
	b, _ := provider.Lookup("zbd")
	b.TokenURL = s.URL
	tok, err := Refresh(context.Background(), s.Client(), nil, b, Client{ID: "cid", Secret: "sec"}, "http://127.0.0.1:1/cb", "rt1")
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "at2" || tok.RefreshToken != "rt2" || time.Until(tok.Expiry) > 5*time.Minute || tok.Scopes != nil {
		t.Errorf("token: %+v", tok)
	}
	if req.Header.Get("Content-Type") != "application/json" || req.Header.Get("Authorization") != "" {
		t.Errorf("headers: %v", req.Header)
	}
	var m map[string]string
	json.Unmarshal([]byte(*body), &m)
	want := map[string]string{"client_id": "cid", "client_secret": "sec", "grant_type": "refresh_token", "redirect_uri": "http://127.0.0.1:1/cb", "refresh_token": "rt1"}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("body %s = %q, want %q", k, m[k], v)
		}
	}
	if len(m) != len(want) {
		t.Errorf("body has extra fields: %v", m)
	}
}

func TestTokenErrors(t *testing.T) {
	cases := []struct {
		status int
		body   string
		code   int
		msg    string
	}{
		{400, `{"error":"invalid_grant","error_description":"grant request is invalid"}`, exitcode.LoginNeeded, "invalid_grant: grant request is invalid"},
		{401, `{"error":"invalid_client"}`, exitcode.Usage, "answered 401 invalid_client"},
		{400, `{"error":"invalid_request","error_description":"multi\nline"}`, exitcode.Provider, "invalid_request: multi line"},
		{500, `<html>down</html>`, exitcode.Provider, "HTTP 500"},
		{503, ``, exitcode.Provider, "HTTP 503"},
		{200, `not json`, exitcode.Provider, "not a JSON object"},
		{200, `{"token_type":"Bearer"}`, exitcode.Provider, "no access_token"},
		{200, `{"access_token":"a","expires_in":-1}`, exitcode.Provider, "not a plausible lifetime"},
		{200, `{"access_token":"a","expires_in":1e300}`, exitcode.Provider, "not a plausible lifetime"},
		{200, `{"access_token":7}`, exitcode.Provider, "access_token is not a string"},
		{200, `{"access_token":"a","x":"` + strings.Repeat("y", MaxBody) + `"}`, exitcode.Provider, "more than"},
	}
	for _, tc := range cases {
		s, _, _ := tokenServer(t, tc.status, tc.body)
		z, _ := provider.Lookup("ziina")
		z.TokenURL = s.URL
		_, err := Refresh(context.Background(), s.Client(), nil, z, Client{ID: "c", Secret: "s"}, "", "rt")
		if err == nil || exitcode.Code(err) != tc.code || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%d %.40q: got %v (exit %d), want exit %d with %q", tc.status, tc.body, err, exitcode.Code(err), tc.code, tc.msg)
		}
		if err != nil && (strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "rt")) {
			t.Errorf("error is not one line or leaks the refresh token: %q", err)
		}
	}
}

func FuzzParseTokenResponse(f *testing.F) {
	for _, s := range []string{
		`{"access_token":"a","token_type":"Bearer","expires_in":3600,"refresh_token":"r","scope":"a b"}`,
		`{"accessToken":"a","expiresIn":"60","scope":"user,wallet"}`,
		`{"access_token":"a","expires_in":-1}`, `[]`, `null`, `{"access_token":null}`, `{"access_token":"a","expires_in":1e309}`,
		`{"access_token":"a|b_c.d~e+f/g=","token_type":"N_A","refresh_token":"r~1","id_token":"h.p.s","expires_in":0}`,
		`{"access_token":"a b"}`, `{"access_token":"a","token_type":"Bearer\r\nX-Evil: 1"}`, `{"access_token":"a","scope":"x \u001b]0;t\u0007"}`,
		`{"access_token":"caf\u00e9"}`, `{"access_token":"a","refresh_token":"r\n"}`, `{"access_token":"a","scope":"say \"hi\""}`,
		`{"access_token":"eyJhbGciOiJub25lIn0.eyJleHAiOjE3MDAwMDA5MDB9.sig"}`,
		`{"access_token":"eyJhbGciOiJub25lIn0.eyJleHAiOjE2MDAwMDAwMDB9.sig"}`,
	} {
		f.Add([]byte(s))
	}
	now := time.Unix(1_700_000_000, 0)
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := ParseTokenResponse(data, now)
		if err != nil {
			if tok != nil {
				t.Fatal("token and error together")
			}
			return
		}
		if tok.AccessToken == "" || tok.TokenType == "" {
			t.Fatalf("accepted a token without access_token or type: %+v", tok)
		}
		if CheckUsable(tok.AccessToken, tok.TokenType) != nil || tok.RefreshToken != "" && !isTokenChars(tok.RefreshToken) ||
			tok.IDToken != "" && !isTokenChars(tok.IDToken) {
			t.Fatalf("accepted a malformed token: %q", data)
		}
		for _, s := range tok.Scopes {
			if !isScope(s) || strings.ContainsRune(s, ' ') {
				t.Fatalf("accepted a malformed scope %q", s)
			}
		}
		if !tok.Expiry.IsZero() && (tok.Expiry.Before(now) || tok.Expiry.After(now.Add(maxExpiresIn*time.Second))) {
			t.Fatalf("implausible expiry %v", tok.Expiry)
		}
	})
}

// TestNewRequestAuthURLQuery: parameters in the configured authorization
// URL are kept. (A fragment is refused when the provider is loaded:
// provider.CheckEndpoint.)
func TestNewRequestAuthURLQuery(t *testing.T) {
	z, _ := provider.Lookup("ziina")
	z.AuthURL = "https://auth.example/authorize?audience=api"
	r := NewRequest(z, "cid", "http://127.0.0.1:1/cb", []string{"read_account"})
	u, _ := url.Parse(r.URL)
	if q := u.Query(); q.Get("audience") != "api" || q.Get("client_id") != "cid" || q.Get("state") != r.State || u.Path != "/authorize" {
		t.Errorf("URL %s", r.URL)
	}
}

// TestClientErrorsAreTyped: a refused client is exit 2 with the
// *TokenError in the chain for the caller's advice; the library's text
// names no command.
func TestClientErrorsAreTyped(t *testing.T) {
	for _, code := range []string{"invalid_client", "unauthorized_client"} {
		s, _, _ := tokenServer(t, 401, `{"error":"`+code+`"}`)
		for _, name := range []string{"ziina", "zbd"} {
			p, _ := provider.Lookup(name)
			p.TokenURL = s.URL
			_, err := Refresh(context.Background(), s.Client(), nil, p, Client{ID: "c", Secret: "s"}, "", "rt")
			var te *TokenError
			if exitcode.Code(err) != exitcode.Usage || !errors.As(err, &te) || te.Code != code || strings.Contains(err.Error(), "zauth ") {
				t.Errorf("%s %s: %v (exit %d)", name, code, err, exitcode.Code(err))
			}
		}
	}
}

// TestExpiryFromTheGivenClock: expires_in counts from the caller's clock,
// for the form (x/oauth2) and the hand-written (JSON body) requests.
func TestExpiryFromTheGivenClock(t *testing.T) {
	fixed := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	clock := func() time.Time { return fixed }
	s, _, _ := tokenServer(t, 200, `{"access_token":"at","token_type":"Bearer","expires_in":600}`)
	for _, name := range []string{"ziina", "zbd"} {
		p, _ := provider.Lookup(name)
		p.TokenURL = s.URL
		tok, err := Refresh(context.Background(), s.Client(), clock, p, Client{ID: "c", Secret: "s"}, "http://127.0.0.1:1/cb", "rt")
		if err != nil || !tok.Expiry.Equal(fixed.Add(10*time.Minute)) {
			t.Errorf("%s refresh: %v, %v", name, tok, err)
		}
		tok, err = Exchange(context.Background(), s.Client(), clock, p, Client{ID: "c", Secret: "s"}, "http://127.0.0.1:1/cb", "code", "v")
		if err != nil || !tok.Expiry.Equal(fixed.Add(10*time.Minute)) {
			t.Errorf("%s exchange: %v, %v", name, tok, err)
		}
	}
}

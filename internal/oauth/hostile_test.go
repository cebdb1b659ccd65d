package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/provider"
)

// Everything a provider answers is hostile: these tests feed the parser
// and the endpoint calls what a malicious or compromised server could.

func TestTokenResponseSyntax(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	ok := []string{
		`{"access_token":"a|b_c.d~e+f/g=h-i!#$%&'()*,:;<>?@[]^{}` + "`" + `","token_type":"bearer"}`,
		`{"access_token":"a","refresh_token":"r|1~2+3/4=","token_type":"N_A","scope":"read write:all a,b https://x.example/y"}`,
		`{"access_token":"a","token_type":"mac","id_token":"h.p.s"}`,
		`{"access_token":"a","scope":"openid  profile "}`,
	}
	for _, body := range ok {
		if _, err := ParseTokenResponse([]byte(body), now); err != nil {
			t.Errorf("%s rejected: %v", body, err)
		}
	}
	bad := []struct{ body, field string }{
		{`{"access_token":"a b"}`, "access_token"},
		{`{"access_token":"a\nb"}`, "access_token"},
		{`{"access_token":"a\u001b[2Jb"}`, "access_token"},
		{`{"access_token":"caf\u00e9"}`, "access_token"},
		{`{"access_token":"a\u007f"}`, "access_token"},
		{`{"access_token":"a","token_type":"Bearer\r\nX-Evil: 1"}`, "token_type"},
		{`{"access_token":"a","token_type":"Bear er"}`, "token_type"},
		{`{"access_token":"a","token_type":"Bearer/1"}`, "token_type"},
		{`{"access_token":"a","refresh_token":"r r"}`, "refresh_token"},
		{`{"access_token":"a","refresh_token":"r\u0000"}`, "refresh_token"},
		{`{"access_token":"a","id_token":"h.p.s\n"}`, "id_token"},
		{`{"access_token":"a","scope":"read \u001b]0;pwned\u0007"}`, "scope"},
		{`{"access_token":"a","scope":"read\twrite"}`, "scope"},
		{`{"access_token":"a","scope":"say \"hi\""}`, "scope"},
		{`{"access_token":"a","scope":"back\\slash"}`, "scope"},
		{`{"access_token":"a","scope":"\u202eevil"}`, "scope"},
		{`{"accessToken":"a","scopes":"x\ny"}`, "scope"},
	}
	for _, tc := range bad {
		tok, err := ParseTokenResponse([]byte(tc.body), now)
		if err == nil || tok != nil || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: got %v, want an error naming %s", tc.body, err, tc.field)
			continue
		}
		if strings.ContainsAny(err.Error(), "\r\n\x1b\x07\x00\u202e") || strings.Contains(err.Error(), "Evil") || strings.Contains(err.Error(), "pwned") {
			t.Errorf("%s: the error echoes the value: %q", tc.body, err)
		}
	}
}

func jwtWith(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256"}`)) + "." + enc([]byte(claims)) + ".sig"
}

func TestTokenExpiry(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	in := func(d time.Duration) time.Time { return now.Add(d) }
	for _, tc := range []struct {
		name, body string
		want       time.Time
	}{
		{"expires_in", `{"access_token":"a","expires_in":60}`, in(time.Minute)},
		{"expires_in 0 is expired", `{"access_token":"a","expires_in":0}`, now},
		{"expires_in \"0\" is expired", `{"accessToken":"a","expiresIn":"0"}`, now},
		{"missing, opaque", `{"access_token":"a"}`, time.Time{}},
		{"null, opaque", `{"access_token":"a","expires_in":null}`, time.Time{}},
		{"missing, JWT exp", `{"access_token":"` + jwtWith(`{"exp":1700000900}`) + `"}`, in(15 * time.Minute)},
		{"missing, JWT exp fraction", `{"access_token":"` + jwtWith(`{"exp":1700000900.7}`) + `"}`, in(15 * time.Minute)},
		{"missing, JWT exp past", `{"access_token":"` + jwtWith(`{"exp":1699999000}`) + `"}`, now},
		{"missing, JWT exp in ms", `{"access_token":"` + jwtWith(`{"exp":1700000900000}`) + `"}`, time.Time{}},
		{"missing, JWT exp absurd", `{"access_token":"` + jwtWith(`{"exp":1e300}`) + `"}`, time.Time{}},
		{"missing, JWT exp negative", `{"access_token":"` + jwtWith(`{"exp":-5}`) + `"}`, time.Time{}},
		{"missing, JWT exp string", `{"access_token":"` + jwtWith(`{"exp":"1700000900"}`) + `"}`, time.Time{}},
		{"missing, JWT without exp", `{"access_token":"` + jwtWith(`{"sub":"x"}`) + `"}`, time.Time{}},
		{"expires_in beats JWT exp", `{"access_token":"` + jwtWith(`{"exp":1700000900}`) + `","expires_in":60}`, in(time.Minute)},
	} {
		tok, err := ParseTokenResponse([]byte(tc.body), now)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !tok.Expiry.Equal(tc.want) {
			t.Errorf("%s: expiry %v, want %v", tc.name, tok.Expiry, tc.want)
		}
	}
}

// echoServer answers every request with an RFC 6749 error whose
// description repeats the request, as careless servers do.
func echoServer(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]string{"error": "invalid_request",
			"error_description": "bad request " + string(b) + " auth " + r.Header.Get("Authorization") + " " + r.URL.RawQuery})
	}))
	t.Cleanup(s.Close)
	return s
}

func TestErrorDescriptionRedaction(t *testing.T) {
	s := echoServer(t)
	const secret, code, verifier, refresh, token = "cl!ent s3cret/+", "the-code-123", "the-verifier-456", "the-refresh-789", "the-token-abc"
	for _, name := range []string{"ziina", "zbd"} {
		p, _ := provider.Lookup(name)
		p.TokenURL, p.RevocationURL, p.IntrospectionURL = s.URL, s.URL, s.URL
		c := Client{ID: "cid", Secret: secret}
		ctx := context.Background()
		_, e1 := Exchange(ctx, s.Client(), nil, p, c, "http://127.0.0.1:1/cb", code, verifier)
		_, e2 := Refresh(ctx, s.Client(), nil, p, c, "http://127.0.0.1:1/cb", refresh)
		e3 := Revoke(ctx, s.Client(), p, c, token, "access_token")
		_, e4 := Introspect(ctx, s.Client(), p, c, token)
		for i, err := range []error{e1, e2, e3, e4} {
			if err == nil || exitcode.Code(err) != exitcode.Provider || !strings.Contains(err.Error(), "[REDACTED]") {
				t.Errorf("%s call %d: %v", name, i, err)
				continue
			}
			basic := base64.StdEncoding.EncodeToString([]byte("cid:" + strings.NewReplacer("!", "%21", " ", "+", "/", "%2F", "+", "%2B").Replace(secret)))
			for _, sec := range []string{secret, "cl%21ent", "s3cret%2F", code, verifier, refresh, token, basic} {
				if strings.Contains(err.Error(), sec) {
					t.Errorf("%s call %d leaks %q: %v", name, i, sec, err)
				}
			}
		}
	}
}

func TestEndpointRedirectsAreNotFollowed(t *testing.T) {
	var reached atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"evil","token_type":"Bearer","active":true}`)
	}))
	defer evil.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", evil.URL+"/steal?code=QUERYSECRET%1b")
			w.WriteHeader(status)
		}))
		for _, name := range []string{"ziina", "zbd"} { // form (x/oauth2) and JSON (by hand)
			p, _ := provider.Lookup(name)
			p.TokenURL, p.RevocationURL, p.IntrospectionURL = s.URL, s.URL, s.URL
			c := Client{ID: "cid", Secret: "sec"}
			ctx := context.Background()
			_, e1 := Exchange(ctx, s.Client(), nil, p, c, "http://127.0.0.1:1/cb", "code", "verifier")
			_, e2 := Refresh(ctx, s.Client(), nil, p, c, "http://127.0.0.1:1/cb", "refresh")
			e3 := Revoke(ctx, s.Client(), p, c, "tok", "access_token")
			_, e4 := Introspect(ctx, s.Client(), p, c, "tok")
			for i, err := range []error{e1, e2, e3, e4} {
				if err == nil || exitcode.Code(err) != exitcode.Provider || !strings.Contains(err.Error(), evil.URL+"/steal?[REDACTED]") ||
					strings.Contains(err.Error(), "QUERYSECRET") || strings.Contains(err.Error(), "\x1b") {
					t.Errorf("%s %d, call %d: %v (exit %d)", name, status, i, err, exitcode.Code(err))
				}
			}
		}
		s.Close()
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the redirect target received %d requests", n)
	}
}

func TestRedact(t *testing.T) {
	secrets := []string{"a-long-secret", "s", "rt"}
	for in, want := range map[string]string{
		"grant request is invalid":          "grant request is invalid",
		"client_secret=s&refresh_token=rt":  "client_secret=[REDACTED]&refresh_token=[REDACTED]",
		`{"client_secret":"s"} rt`:          `{"client_secret":"[REDACTED]"} [REDACTED]`,
		"xa-long-secretx and a-long-secret": "x[REDACTED]x and [REDACTED]",
		"s":                                 "[REDACTED]",
		"starts and ends with s":            "starts and ends with [REDACTED]",
	} {
		if got := Redact(in, secrets); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRedactEmptySecret: an absent secret (no API key) redacts nothing and
// does not loop.
func TestRedactEmptySecret(t *testing.T) {
	if got := Redact("no key here", []string{"", "key"}); got != "no [REDACTED] here" {
		t.Errorf("Redact = %q", got)
	}
}

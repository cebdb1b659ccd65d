package oauth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/provider"
)

// The form providers go through x/oauth2; these tests pin what zauth sent
// and accepted before, where x/oauth2 alone would differ.

// labelServer answers with body under the given Content-Type and counts
// requests.
func labelServer(t *testing.T, status int, contentType, body string) (*httptest.Server, *atomic.Int32, *http.Request, *string) {
	var n atomic.Int32
	var last http.Request
	var lastBody string
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		b, _ := io.ReadAll(r.Body)
		last, lastBody = *r, string(b)
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(s.Close)
	return s, &n, &last, &lastBody
}

// TestFormProviderAnswers: a JSON answer labelled as a form or as text,
// camelCase, expires_in 0 and as a string are read as before; x/oauth2
// alone refuses the first two and reads 0 as "never expires".
func TestFormProviderAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, contentType, body string
		expired                 bool
	}{
		{"JSON labelled as a form", "application/x-www-form-urlencoded", `{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt"}`, false},
		{"JSON labelled as text", "text/plain", `{"access_token":"at","expires_in":"3600","refresh_token":"rt"}`, false},
		{"camelCase", "application/json", `{"accessToken":"at","expiresIn":"3600","refreshToken":"rt"}`, false},
		{"expires_in 0", "application/json", `{"access_token":"at","expires_in":0,"refresh_token":"rt"}`, true},
	} {
		s, _, _, _ := labelServer(t, 200, tc.contentType, tc.body)
		z, _ := provider.Lookup("ziina")
		z.TokenURL = s.URL
		c := Client{ID: "cid", Secret: "sec"}
		for i, call := range []func() (*Token, error){
			func() (*Token, error) {
				return Exchange(context.Background(), s.Client(), nil, z, c, "http://127.0.0.1:1/cb", "code", "verifier")
			},
			func() (*Token, error) {
				return Refresh(context.Background(), s.Client(), nil, z, c, "http://127.0.0.1:1/cb", "rt0")
			},
		} {
			tok, err := call()
			if err != nil {
				t.Errorf("%s, call %d: %v", tc.name, i, err)
				continue
			}
			if tok.AccessToken != "at" || tok.RefreshToken != "rt" || tok.Expiry.IsZero() ||
				tc.expired != !tok.Expiry.After(time.Now()) {
				t.Errorf("%s, call %d: %+v", tc.name, i, tok)
			}
		}
	}
}

// TestFormClientAuth: client_secret_post sends both credentials in the
// body and none in a header, a public client only its id; a refusal is
// not retried the other way (x/oauth2's auto-detection would send the
// secret twice, once in a header and once in the body).
func TestFormClientAuth(t *testing.T) {
	for _, auth := range []provider.ClientAuth{provider.AuthPost, provider.AuthNone, provider.AuthBasic} {
		s, n, req, body := labelServer(t, 401, "application/json", `{"error":"invalid_client"}`)
		p, _ := provider.Lookup("ziina")
		p.TokenURL, p.ClientAuth = s.URL, auth
		_, err := Exchange(context.Background(), s.Client(), nil, p, Client{ID: "cid", Username: "user", Secret: "sec"}, "http://127.0.0.1:1/cb", "code", "")
		if exitcode.Code(err) != exitcode.Usage || n.Load() != 1 {
			t.Errorf("%s: %v (exit %d) after %d requests", auth, err, exitcode.Code(err), n.Load())
		}
		form, _ := url.ParseQuery(*body)
		user, pass, basic := req.BasicAuth()
		switch auth {
		case provider.AuthPost:
			if form.Get("client_id") != "cid" || form.Get("client_secret") != "sec" || basic {
				t.Errorf("post: form %v, basic %v", form, basic)
			}
		case provider.AuthNone:
			if form.Get("client_id") != "cid" || form.Has("client_secret") || basic {
				t.Errorf("none: form %v, basic %v", form, basic)
			}
		case provider.AuthBasic:
			if form.Has("client_id") || form.Has("client_secret") || user != "user" || pass != "sec" {
				t.Errorf("basic: form %v, user %q pass %q", form, user, pass)
			}
		}
		if form.Has("code_verifier") || req.Header.Get("Accept") != "application/json" {
			t.Errorf("%s: form %v, Accept %q", auth, form, req.Header.Get("Accept"))
		}
	}
}

// TestFormRefreshRedirectURI: a form provider that wants redirect_uri on
// refresh gets it (x/oauth2 sends only grant_type and refresh_token).
func TestFormRefreshRedirectURI(t *testing.T) {
	for _, want := range []bool{false, true} {
		s, _, _, body := labelServer(t, 200, "application/json", `{"access_token":"at"}`)
		p, _ := provider.Lookup("ziina")
		p.TokenURL, p.RedirectURIOnRefresh = s.URL, want
		if _, err := Refresh(context.Background(), s.Client(), nil, p, Client{ID: "cid", Secret: "sec"}, "http://127.0.0.1:1/cb", "rt0"); err != nil {
			t.Fatal(err)
		}
		form, _ := url.ParseQuery(*body)
		if form.Get("grant_type") != "refresh_token" || form.Get("refresh_token") != "rt0" || form.Has("redirect_uri") != want {
			t.Errorf("redirect_uri_on_refresh %v: form %v", want, form)
		}
	}
}

// TestFormErrorAnswers: RFC 6749 errors in a JSON body labelled as a form,
// and in a real form body, are classified like JSON ones.
func TestFormErrorAnswers(t *testing.T) {
	for _, tc := range []struct{ contentType, body string }{
		{"application/x-www-form-urlencoded", `{"error":"invalid_grant","error_description":"expired"}`},
		{"application/x-www-form-urlencoded", `error=invalid_grant&error_description=expired`},
		{"application/json", `{"error":"invalid_grant","error_description":"expired"}`},
	} {
		s, _, _, _ := labelServer(t, 400, tc.contentType, tc.body)
		z, _ := provider.Lookup("ziina")
		z.TokenURL = s.URL
		_, err := Refresh(context.Background(), s.Client(), nil, z, Client{ID: "cid", Secret: "sec"}, "", "rt0")
		if exitcode.Code(err) != exitcode.LoginNeeded || !strings.Contains(err.Error(), "invalid_grant: expired") {
			t.Errorf("%s %s: %v (exit %d)", tc.contentType, tc.body, err, exitcode.Code(err))
		}
		z.RevocationURL = s.URL // sent by hand, classified the same way
		if err := Revoke(context.Background(), s.Client(), z, Client{ID: "cid", Secret: "sec"}, "tok", "access_token"); !strings.Contains(fmt.Sprint(err), "invalid_grant: expired") {
			t.Errorf("revocation %s %s: %v", tc.contentType, tc.body, err)
		}
	}
}

// TestInterrupted: a cancelled context is exit 130 on every path.
func TestInterrupted(t *testing.T) {
	s, _, _, _ := labelServer(t, 200, "application/json", `{"access_token":"at"}`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range []string{"ziina", "zbd"} {
		p, _ := provider.Lookup(name)
		p.TokenURL, p.RevocationURL = s.URL, s.URL
		_, e1 := Exchange(ctx, s.Client(), nil, p, Client{ID: "cid"}, "", "code", "v")
		_, e2 := Refresh(ctx, s.Client(), nil, p, Client{ID: "cid"}, "", "rt")
		e3 := Revoke(ctx, s.Client(), p, Client{ID: "cid"}, "tok", "access_token")
		for i, err := range []error{e1, e2, e3} {
			if exitcode.Code(err) != exitcode.Interrupted {
				t.Errorf("%s call %d: %v (exit %d)", name, i, err, exitcode.Code(err))
			}
		}
	}
}

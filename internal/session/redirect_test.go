package session

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// apiTarget stores a valid login for a provider whose API is api.
func apiTarget(t *testing.T, api string) (*Env, Target) {
	t.Helper()
	dir := t.TempDir()
	e := &Env{Store: &tokenstore.Store{Backend: &keychain.File{Path: filepath.Join(dir, "tokens.json")}, Dir: dir}, HTTP: http.DefaultClient}
	if err := e.Store.Save(&tokenstore.Record{Provider: "acme", Profile: "default", AccessToken: "tok", TokenType: "Bearer",
		Expiry: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	p := &provider.Provider{Name: "acme", DisplayName: "Acme", APIURL: api, IdentityPaths: []string{"/who"}}
	return e, Target{Provider: p, Profile: "default", Client: func() (oauth.Client, error) { return oauth.Client{ID: "cid"}, nil }}
}

// TestAPIRedirects: a redirect within the API's origin is followed; one to
// another origin is refused before the token goes there; an endpoint with
// no origin of its own follows none.
func TestAPIRedirects(t *testing.T) {
	var leaked atomic.Int32
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			leaked.Add(1)
		}
	}))
	defer evil.Close()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/here":
			http.Redirect(w, r, "/there", http.StatusFound)
		case "/leaky":
			http.Redirect(w, r, "/there?code=QUERYSECRET", http.StatusFound)
		case "/there", "/who":
			w.Write([]byte(`{"name":"alice"}`))
		case "/away":
			http.Redirect(w, r, evil.URL+"/steal", http.StatusFound)
		case "/broken":
			http.Error(w, "down", http.StatusBadGateway)
		case "/html":
			w.Write([]byte("<html>"))
		}
	}))
	defer api.Close()
	e, tg := apiTarget(t, api.URL)
	ctx := context.Background()

	resp, err := e.API(ctx, tg, APIRequest{Method: "GET", Path: "/here"})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("same-origin redirect: %v", err)
	}
	resp.Body.Close()
	_, err = e.API(ctx, tg, APIRequest{Method: "GET", Path: "/away"})
	if exitcode.Code(err) != exitcode.Provider || !strings.Contains(err.Error(), "refusing to follow the redirect") || leaked.Load() != 0 {
		t.Errorf("cross-origin redirect: %v, token sent %d times", err, leaked.Load())
	}
	// The userinfo endpoint, an OAuth endpoint, is refused as oauth
	// refuses the others: the provider and endpoint named, the target's
	// query redacted.
	if _, err := e.getJSON(ctx, tg.Provider, api.URL+"/leaky", &tokenstore.Record{AccessToken: "tok"}, "", ""); exitcode.Code(err) != exitcode.Provider ||
		!strings.Contains(err.Error(), "Acme userinfo endpoint answered HTTP 302 redirecting to "+api.URL+"/there?[REDACTED]; zauth does not follow redirects from OAuth endpoints") ||
		strings.Contains(err.Error(), "QUERYSECRET") {
		t.Errorf("redirect from an endpoint with no origin: %v", err)
	}
	for _, path := range []string{"/broken", "/html"} {
		if _, err := e.getJSON(ctx, tg.Provider, api.URL+path, &tokenstore.Record{AccessToken: "tok"}, "", api.URL); exitcode.Code(err) != exitcode.Provider {
			t.Errorf("getJSON %s: %v", path, err)
		}
	}
	sources, err := e.Identity(ctx, tg, &tokenstore.Record{AccessToken: "tok"}, "")
	if err != nil || len(sources) != 1 || sources[0].Err != nil {
		t.Errorf("Identity: %v %+v", err, sources)
	}
	tg.Provider.APIURL = ""
	if _, err := e.Identity(ctx, tg, &tokenstore.Record{AccessToken: "tok"}, ""); exitcode.Code(err) != exitcode.Usage {
		t.Errorf("Identity with no source: %v", err)
	}
	_, err = e.API(ctx, tg, APIRequest{Method: "GET", Path: "/who"})
	wantCode(t, "API with no api_url", err, exitcode.Usage)

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	tg.Provider.APIURL = api.URL
	if _, err := e.send(cctx, "GET", api.URL+"/who", nil, nil, tg.Provider, &tokenstore.Record{AccessToken: "tok"}, "", api.URL); exitcode.Code(err) != exitcode.Interrupted {
		t.Errorf("cancelled: %v", err)
	}
}

// TestUnusableStoredToken: a stored token that cannot go into a header is
// exit 3 naming the login.
func TestUnusableStoredToken(t *testing.T) {
	err := Usable(&tokenstore.Record{Provider: "acme", Profile: "w", AccessToken: "a\nb", TokenType: "Bearer"})
	var lr *LoginRequiredError
	if !errors.As(err, &lr) || lr.Provider != "acme" || lr.Profile != "w" || exitcode.Code(err) != exitcode.LoginNeeded {
		t.Errorf("Usable = %v", err)
	}
}

// TestFreshRefusesUnusableRecords: every caller of Fresh (token, api,
// exec, the library) gets no token that breaks a header or a shell line,
// whether the record is valid or was just refreshed.
func TestFreshRefusesUnusableRecords(t *testing.T) {
	f := newFlow(t, emulator.Generic)
	for _, typ := range []string{"Bearer\r\nX-Evil: 1", "Bearer"} {
		access := "ok-token"
		if typ == "Bearer" {
			access = "bad token"
		}
		r := &tokenstore.Record{Provider: "acme", Profile: "default", AccessToken: access, TokenType: typ,
			Expiry: time.Now().Add(time.Hour), ObtainedAt: time.Now()}
		if err := f.env.Store.Save(r); err != nil {
			t.Fatal(err)
		}
		got, err := f.env.Fresh(context.Background(), f.target, time.Minute)
		if got != nil || exitcode.Code(err) != exitcode.LoginNeeded {
			t.Errorf("Fresh of %q/%q = %v, %v", access, typ, got, err)
		}
	}
}

// TestIdentityErrorRedactsEcho: an identity endpoint that echoes the
// request in its error does not put the token or the API key into the
// message.
func TestIdentityErrorRedactsEcho(t *testing.T) {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad request: "+r.Header.Get("Authorization")+" "+r.Header.Get("apikey"), http.StatusBadRequest)
	}))
	defer api.Close()
	e, tg := apiTarget(t, api.URL)
	_, err := e.getJSON(context.Background(), tg.Provider, api.URL+"/who",
		&tokenstore.Record{AccessToken: "secret-access-token", TokenType: "Bearer"}, "secret-api-key", api.URL)
	if err == nil || strings.Contains(err.Error(), "secret-access-token") || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("error = %v", err)
	}
}

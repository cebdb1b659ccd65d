package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/discovery"
	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/testsys"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// The flows in-process: a standards-only provider emulator (discovery,
// refresh, revocation, introspection, userinfo), the store in a file under
// t.TempDir(), and a scripted browser that approves or denies.

type flow struct {
	t      *testing.T
	emu    *emulator.Server
	env    *Env
	target Target
	deny   bool
	done   chan struct{}
}

func newFlow(t *testing.T, kind emulator.Kind) *flow {
	t.Helper()
	redirect := fmt.Sprintf("http://127.0.0.1:%d/callback", testsys.FreePort(t))
	opts := emulator.Options{ClientID: "cid", ClientSecret: "secret", APIKey: "key", Username: "cid", Password: "secret", RedirectURIs: []string{redirect}}
	emu := emulator.New(kind, opts)
	t.Cleanup(emu.Close)
	var p *provider.Provider
	switch kind {
	case emulator.Generic:
		m, err := discovery.Discover(context.Background(), http.DefaultClient, emu.Issuer)
		if err != nil {
			t.Fatal(err)
		}
		def, _ := m.Definition(false)
		def["api_url"] = emu.URL
		if p, err = provider.FromDefinition("acme", def); err != nil {
			t.Fatal(err)
		}
	default:
		p, _ = provider.Lookup(string(kind))
		p.AuthURL, p.TokenURL, p.APIURL = emu.AuthURL(), emu.TokenURL(), emu.APIURL()
		if kind == emulator.Ziina {
			p.Issuer = emu.Issuer
		}
	}
	dir := t.TempDir()
	f := &flow{t: t, emu: emu, done: make(chan struct{}, 4),
		env: &Env{Store: &tokenstore.Store{Backend: &keychain.File{Path: filepath.Join(dir, "tokens.json")}, Dir: dir}, HTTP: http.DefaultClient},
		target: Target{Provider: p, Profile: "default", RedirectURI: redirect,
			Client: func() (oauth.Client, error) { return oauth.Client{ID: "cid", Username: "cid", Secret: "secret"}, nil }}}
	return f
}

// open is the browser: it approves (or denies) and follows the redirect to
// the listener.
func (f *flow) open(u string) error {
	go func() {
		defer func() { f.done <- struct{}{} }()
		resp, err := http.Get(u)
		if err != nil {
			f.t.Error(err)
			return
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		action, fields, err := emulator.ParseForm(resp.Request.URL.String(), string(page))
		if err != nil {
			f.t.Error(err)
			return
		}
		decision := "approve"
		if f.deny {
			decision = "deny"
		}
		fields.Set("decision", decision)
		if resp, err = http.PostForm(action, fields); err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	return nil
}

func (f *flow) login(scopes ...string) (*tokenstore.Record, error) {
	r, err := f.env.Login(context.Background(), f.target, LoginOptions{Scopes: scopes, ScopesSet: scopes != nil,
		Timeout: 20 * time.Second, Open: f.open, Status: io.Discard, APIKey: func() string { return "key" }})
	if err == nil || exitcode.Code(err) != exitcode.Usage {
		<-f.done
	}
	return r, err
}

func wantCode(t *testing.T, what string, err error, code int) {
	t.Helper()
	if exitcode.Code(err) != code {
		t.Errorf("%s: %v (exit %d), want exit %d", what, err, exitcode.Code(err), code)
	}
}

// TestFlowsGeneric: login, Fresh without and with a refresh, Refresh,
// API, Identity, Logout with revocation, and what is left afterwards.
func TestFlowsGeneric(t *testing.T) {
	f := newFlow(t, emulator.Generic)
	ctx := context.Background()
	_, err := f.env.Load(f.target)
	var lr *LoginRequiredError
	if !errors.As(err, &lr) || lr.Provider != "acme" || lr.Profile != "default" || lr.RedirectURI != f.target.RedirectURI {
		t.Fatalf("Load before login: %v", err)
	}
	r, err := f.login("openid", "offline_access")
	if err != nil || r.AccessToken == "" || !r.Refreshable() {
		t.Fatalf("Login: %v %+v", err, r)
	}

	got, err := f.env.Fresh(ctx, f.target, time.Minute)
	if err != nil || got.AccessToken != r.AccessToken || f.emu.RefreshRequests() != 0 {
		t.Errorf("Fresh of a fresh token: %v, %d refreshes", err, f.emu.RefreshRequests())
	}
	got, err = f.env.Fresh(ctx, f.target, 2*time.Hour) // longer than tokens live
	if err != nil || got.AccessToken == r.AccessToken || f.emu.RefreshRequests() != 1 || !got.ShortOfMinTTL {
		t.Fatalf("Fresh for 2h: %v, %d refreshes", err, f.emu.RefreshRequests())
	}
	if l, short := ShortLived(got, time.Now(), 2*time.Hour); !short || l <= 0 {
		t.Errorf("ShortLived = %v %v", l, short)
	}
	if again, _ := f.env.Fresh(ctx, f.target, 2*time.Hour); again.AccessToken != got.AccessToken {
		t.Error("a short-lived token was refreshed again before half its life")
	}
	ref, err := f.env.Refresh(ctx, f.target)
	if err != nil || ref.AccessToken == got.AccessToken {
		t.Fatalf("Refresh: %v", err)
	}

	resp, err := f.env.API(ctx, f.target, APIRequest{Method: "GET", Path: "/me"})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("API: %v %v", err, resp)
	}
	resp.Body.Close()
	_, err = f.env.API(ctx, f.target, APIRequest{Method: "GET", Path: "https://elsewhere.example/me"})
	wantCode(t, "API elsewhere", err, exitcode.Usage)

	sources, err := f.env.Identity(ctx, f.target, ref, "")
	if err != nil || len(sources) == 0 || NoAnswer(f.target.Provider, sources) != nil {
		t.Errorf("Identity: %v %+v", err, sources)
	}
	for _, s := range sources {
		if s.Err != nil && s.Skipped == "" {
			t.Errorf("source %s: %v", s.Name, s.Err)
		}
	}

	res, err := f.env.Logout(ctx, f.target)
	if err != nil || !res.Revoked || f.emu.RevokedTokens() == 0 {
		t.Errorf("Logout: %+v %v", res, err)
	}
	_, err = f.env.Logout(ctx, f.target)
	wantCode(t, "second logout", err, exitcode.LoginNeeded)
	_, err = f.env.Fresh(ctx, f.target, time.Minute)
	wantCode(t, "Fresh after logout", err, exitcode.LoginNeeded)
}

// TestRefreshFailuresKeepTheLogin: a rejected refresh token is exit 3
// with what a new login repeats; a provider outage is exit 4; neither
// loses the stored login.
func TestRefreshFailuresKeepTheLogin(t *testing.T) {
	f := newFlow(t, emulator.Generic)
	ctx := context.Background()
	r, err := f.login("openid", "offline_access")
	if err != nil {
		t.Fatal(err)
	}
	f.emu.InjectTokenFault(emulator.Fault{Status: 503, Body: `{"error":"temporarily_unavailable"}`, ContentType: "application/json"})
	_, err = f.env.Refresh(ctx, f.target)
	wantCode(t, "refresh during an outage", err, exitcode.Provider)

	f.emu.RevokeAllRefreshTokens()
	_, err = f.env.Refresh(ctx, f.target)
	var lr *LoginRequiredError
	if !errors.As(err, &lr) || lr.Record == nil || strings.Join(lr.Record.RequestedScopes, " ") != "openid offline_access" ||
		!strings.Contains(err.Error(), "can no longer be refreshed") {
		t.Errorf("refresh with a revoked refresh token: %v", err)
	}
	wantCode(t, "revoked refresh token", err, exitcode.LoginNeeded)
	if kept, err := f.env.Store.Load("acme", "default"); err != nil || kept.RefreshToken != r.RefreshToken {
		t.Errorf("the failed refresh changed the stored login: %v", err)
	}
}

// TestNoRefreshToken: a login without a refresh token cannot be renewed.
func TestNoRefreshToken(t *testing.T) {
	f := newFlow(t, emulator.Ziina)
	if _, err := f.login("read_account"); err != nil { // no offline_access: no refresh token
		t.Fatal(err)
	}
	_, err := f.env.Fresh(context.Background(), f.target, 2*time.Hour)
	var lr *LoginRequiredError
	if !errors.As(err, &lr) || !strings.Contains(err.Error(), "has no refresh token") {
		t.Errorf("Fresh: %v", err)
	}
	_, err = f.env.Refresh(context.Background(), f.target)
	wantCode(t, "Refresh", err, exitcode.LoginNeeded)
}

// TestLoginFailures: denied consent, no answer in time, interruption, a
// scope typo and no scopes at all; nothing is stored by any of them.
func TestLoginFailures(t *testing.T) {
	f := newFlow(t, emulator.Ziina)
	f.deny = true
	_, err := f.login("read_account")
	if err == nil || !strings.Contains(err.Error(), "access_denied") {
		t.Errorf("denied: %v", err)
	}
	wantCode(t, "denied", err, exitcode.Unexpected)

	quiet := LoginOptions{Scopes: []string{"read_account"}, ScopesSet: true, Status: io.Discard, Open: func(string) error { return nil }}
	quiet.Timeout = 50 * time.Millisecond
	_, err = f.env.Login(context.Background(), f.target, quiet)
	var bt *BrowserTimeoutError
	if !errors.As(err, &bt) || bt.Timeout != 50*time.Millisecond {
		t.Errorf("no answer: %v", err)
	}
	wantCode(t, "no answer", err, exitcode.LoginNeeded)

	ctx, cancel := context.WithCancel(context.Background())
	quiet.Timeout = time.Minute
	quiet.Open = func(string) error { cancel(); return nil }
	_, err = f.env.Login(ctx, f.target, quiet)
	wantCode(t, "interrupted", err, exitcode.Interrupted)

	_, err = f.env.Login(context.Background(), f.target, LoginOptions{Scopes: []string{"read_acount"}, ScopesSet: true, Status: io.Discard})
	wantCode(t, "scope typo", err, exitcode.Usage)
	_, err = f.env.Login(context.Background(), f.target, LoginOptions{Status: io.Discard})
	var ns *NoScopesError
	if !errors.As(err, &ns) || ns.Provider != "ziina" {
		t.Errorf("no scopes: %v", err)
	}
	if _, err := f.env.Store.Load("ziina", "default"); !errors.Is(err, tokenstore.ErrNotFound) {
		t.Errorf("a failed login stored something: %v", err)
	}

	// With a previous login and no --scope, its scopes are asked again.
	f.deny = false
	if _, err := f.login("read_account", "offline_access"); err != nil {
		t.Fatal(err)
	}
	r, err := f.login()
	if err != nil || strings.Join(r.RequestedScopes, " ") != "read_account offline_access" {
		t.Errorf("repeated login: %v %+v", err, r)
	}
}

// TestZBDIdentityNeedsAPIKey: without the project API key ZBD's identity
// sources fail with the typed error; with it they answer.
func TestZBDIdentityNeedsAPIKey(t *testing.T) {
	f := newFlow(t, emulator.ZBD)
	r, err := f.login("user", "wallet")
	if err != nil {
		t.Fatal(err)
	}
	if r.Account == "" {
		t.Error("the login did not find the account")
	}
	sources, _ := f.env.Identity(context.Background(), f.target, r, "")
	var mk *MissingAPIKeyError
	if len(sources) == 0 || !errors.As(sources[0].Err, &mk) || mk.Provider != "zbd" {
		t.Fatalf("without API key: %+v", sources)
	}
	if err := NoAnswer(f.target.Provider, sources); err == nil {
		t.Error("NoAnswer: nil with every source failing")
	}
	sources, _ = f.env.Identity(context.Background(), f.target, r, "key")
	for _, s := range sources {
		if s.Err != nil {
			t.Errorf("%s: %v", s.Name, s.Err)
		}
	}
	resp, err := f.env.API(context.Background(), f.target, APIRequest{Method: "GET", Path: "/v1/oauth2/wallet", APIKey: "key"})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("API: %v", err)
	}
	resp.Body.Close()
}

// TestExpiryFromTheClock: the expiry of a new or refreshed token is the
// Env's clock plus the provider's expires_in, like every other time the
// flow records, not the wall clock.
func TestExpiryFromTheClock(t *testing.T) {
	f := newFlow(t, emulator.Ziina)
	fixed := time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)
	f.env.Now = func() time.Time { return fixed }
	r, err := f.login("read_account", "offline_access")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Expiry.Equal(fixed.Add(time.Hour)) || !r.ObtainedAt.Equal(fixed) {
		t.Errorf("login: expiry %v, obtained %v; want %v, %v", r.Expiry, r.ObtainedAt, fixed.Add(time.Hour), fixed)
	}
	fixed = fixed.Add(10 * time.Minute)
	r, err = f.env.Refresh(context.Background(), f.target)
	if err != nil || !r.Expiry.Equal(fixed.Add(time.Hour)) {
		t.Errorf("refresh: expiry %v, %v; want %v", r.Expiry, err, fixed.Add(time.Hour))
	}
}

package cmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/testsys"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// The commands run in-process against a provider emulator, with the token
// store in a file under t.TempDir(), a scripted browser that approves the
// consent page, and a clock the test moves. The end-to-end suite covers
// the real keychain, listener-to-browser path and binary.

const (
	tClientID = "test-client"
	tSecret   = "test-secret"
	tAPIKey   = "test-api-key"
)

type fixture struct {
	t        *testing.T
	emu      *emulator.Server
	name     string
	store    *tokenstore.Store
	redirect string

	mu      sync.Mutex
	now     time.Time
	deny    bool
	opened  int
	browser chan error
}

// newFixture points the provider kind at a fresh emulator, with its client
// configured through the environment and an isolated config and state.
func newFixture(t *testing.T, kind emulator.Kind) *fixture {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	t.Setenv("ZAUTH_CONFIG", "")
	t.Setenv("ZAUTH_PROFILE", "")
	t.Setenv("ZAUTH_STORAGE", "")
	f := &fixture{t: t, name: string(kind), now: time.Now(), browser: make(chan error, 10)}
	if kind == emulator.Generic {
		f.name = "acme"
	}
	f.redirect = fmt.Sprintf("http://127.0.0.1:%d/callback", testsys.FreePort(t))
	opts := emulator.Options{ClientID: tClientID, RedirectURIs: []string{f.redirect}}
	P := strings.ToUpper(f.name)
	switch kind {
	case emulator.Ziina:
		opts.Username, opts.Password = tClientID, tSecret
	case emulator.ZBD:
		opts.ClientSecret, opts.APIKey = tSecret, tAPIKey
		t.Setenv("ZAUTH_ZBD_API_KEY", tAPIKey)
	case emulator.Generic:
		opts.ClientSecret = tSecret
	}
	f.emu = emulator.New(kind, opts)
	t.Cleanup(f.emu.Close)
	t.Setenv("ZAUTH_"+P+"_CLIENT_ID", tClientID)
	t.Setenv("ZAUTH_"+P+"_CLIENT_SECRET", tSecret)
	t.Setenv("ZAUTH_"+P+"_REDIRECT_URI", f.redirect)
	if kind != emulator.Generic {
		t.Setenv("ZAUTH_"+P+"_AUTH_URL", f.emu.AuthURL())
		t.Setenv("ZAUTH_"+P+"_TOKEN_URL", f.emu.TokenURL())
		t.Setenv("ZAUTH_"+P+"_API_URL", f.emu.APIURL())
	}
	if kind == emulator.Ziina {
		t.Setenv("ZAUTH_ZIINA_ISSUER", f.emu.Issuer)
	}
	state := filepath.Join(dir, "state", "zauth")
	f.store = &tokenstore.Store{Backend: &keychain.Chunked{Backend: &keychain.File{Path: filepath.Join(state, "tokens.json")}},
		Storage: tokenstore.File, Dir: state}
	return f
}

// app is an App wired to the fixture.
func (f *fixture) app(stdin string, out, errOut io.Writer) *App {
	return &App{In: strings.NewReader(stdin), Out: out, Err: errOut, TokenStore: f.store,
		Open: f.open, Now: f.clock}
}

func (f *fixture) clock() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

// advance moves the clock of zauth and of the emulator.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
	f.emu.SetNow(f.clock)
}

// open is the scripted browser: it loads the consent page and submits its
// form, approving (or denying), and follows the redirect to the listener.
func (f *fixture) open(u string) error {
	f.mu.Lock()
	f.opened++
	decision := "approve"
	if f.deny {
		decision = "deny"
	}
	f.mu.Unlock()
	go func() {
		f.browser <- func() error {
			resp, err := http.Get(u)
			if err != nil {
				return err
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			action, fields, err := emulator.ParseForm(resp.Request.URL.String(), string(page))
			if err != nil {
				return err
			}
			fields.Set("decision", decision)
			resp, err = http.PostForm(action, fields)
			if err != nil {
				return err
			}
			io.Copy(io.Discard, resp.Body)
			return resp.Body.Close()
		}()
	}()
	return nil
}

// run runs zauth in-process.
func (f *fixture) run(stdin string, args ...string) (stdout, stderr string, code int) {
	f.t.Helper()
	var out, errb bytes.Buffer
	code = RunApp(context.Background(), f.app(stdin, &out, &errb), args)
	return out.String(), errb.String(), code
}

// must runs zauth and fails the test unless it exits with want.
func (f *fixture) must(want int, stdin string, args ...string) (stdout, stderr string) {
	f.t.Helper()
	out, errOut, code := f.run(stdin, args...)
	if code != want {
		f.t.Fatalf("zauth %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out, errOut
}

func (f *fixture) login(args ...string) string {
	f.t.Helper()
	_, errOut := f.must(0, "", append([]string{"login", f.name}, args...)...)
	if err := <-f.browser; err != nil {
		f.t.Fatalf("browser: %v", err)
	}
	return errOut
}

func contains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s: want %q in\n%s", what, w, got)
		}
	}
}

// TestAppOrderIndependent: each App service works as the first call made
// (the client lookup and Target used to need Config to have run first).
func TestAppOrderIndependent(t *testing.T) {
	f := newFixture(t, emulator.ZBD)
	a := f.app("", io.Discard, io.Discard)
	tg, err := a.Target("zbd", "default")
	if err != nil || tg.RedirectURI != f.redirect {
		t.Errorf("Target first: %+v %v", tg, err)
	}
	if c, err := tg.Client(); err != nil || c.ID != tClientID || c.Secret != tSecret {
		t.Errorf("the target's client: %+v %v", c, err)
	}
	a = f.app("", io.Discard, io.Discard)
	if a.Store() != f.store || a.HTTPClient() == nil || a.Env().Store != f.store {
		t.Error("the injected store is not used")
	}
}

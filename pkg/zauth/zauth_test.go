package zauth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/pkg/zauth"
)

func open(t *testing.T) *zauth.Client {
	t.Helper()
	c, err := zauth.Open(zauth.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTokenValidIsNotRefreshed: a token that lasts long enough is handed
// out as stored, without asking the provider.
func TestTokenValidIsNotRefreshed(t *testing.T) {
	r := seed("valid", time.Hour, true)
	before := server.RefreshRequests()
	tok, err := open(t).Token(context.Background(), "acme", "valid", time.Minute)
	if err != nil || tok != r.AccessToken || server.RefreshRequests() != before {
		t.Fatalf("token %q (stored %q), %d refreshes, %v", tok, r.AccessToken, server.RefreshRequests()-before, err)
	}
}

// TestTokenRefreshesOnce: clients asking at once for an expiring token,
// each with its own store handle as separate processes would have, cause
// one refresh under the shared lock, and all get its token; the store
// keeps it.
func TestTokenRefreshesOnce(t *testing.T) {
	old := seed("busy", 10*time.Second, true)
	before := server.RefreshRequests()
	const n = 6
	toks := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { toks[i], errs[i] = open(t).Token(context.Background(), "acme", "busy", time.Minute) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || toks[i] == old.AccessToken || toks[i] != toks[0] {
			t.Errorf("client %d: %q, %v", i, toks[i], errs[i])
		}
	}
	if got := server.RefreshRequests() - before; got != 1 {
		t.Errorf("%d refreshes, want 1", got)
	}
	if r, err := store.Load("acme", "busy"); err != nil || r.AccessToken != toks[0] {
		t.Errorf("stored %v, %v", r, err)
	}
}

// TestTokenSourceRefreshes: the TokenSource refreshes an expired login and
// reuses the token while it stays valid for minTTL.
func TestTokenSourceRefreshes(t *testing.T) {
	old := seed("source", -time.Minute, true)
	before := server.RefreshRequests()
	ts := open(t).TokenSource(context.Background(), "acme", "source", time.Minute)
	a, err := ts.Token()
	if err != nil || a.AccessToken == old.AccessToken || !a.Valid() || a.Type() != "Bearer" {
		t.Fatalf("token %+v, %v", a, err)
	}
	b, err := ts.Token()
	if err != nil || b.AccessToken != a.AccessToken || server.RefreshRequests()-before != 1 {
		t.Errorf("second token %+v, %d refreshes, %v", b, server.RefreshRequests()-before, err)
	}
}

// TestErrorKinds walks each kind of failure to the sentinel a program
// tests for, and checks that a failure loses no stored login.
func TestErrorKinds(t *testing.T) {
	kinds := []error{zauth.ErrLoginRequired, zauth.ErrProvider, zauth.ErrStorage, zauth.ErrConfig}
	check := func(t *testing.T, err, want error, text string) {
		t.Helper()
		for _, k := range kinds {
			if errors.Is(err, k) != (k == want) {
				t.Errorf("errors.Is(%v, %v) = %v", err, k, !(k == want))
			}
		}
		if err == nil || !strings.Contains(err.Error(), text) || strings.Contains(err.Error(), "\n") {
			t.Errorf("error %q lacks %q", err, text)
		}
	}
	ctx := context.Background()
	keeps := func(t *testing.T, profile, access string) {
		t.Helper()
		if r, err := store.Load("acme", profile); err != nil || r.AccessToken != access {
			t.Errorf("stored login changed: %v, %v", r, err)
		}
	}

	t.Run("not logged in", func(t *testing.T) {
		_, err := open(t).Token(ctx, "acme", "nobody", time.Minute)
		check(t, err, zauth.ErrLoginRequired, "not logged in to acme")
	})
	t.Run("no refresh token", func(t *testing.T) {
		r := seed("norefresh", -time.Minute, false)
		_, err := open(t).Token(ctx, "acme", "norefresh", time.Minute)
		check(t, err, zauth.ErrLoginRequired, "no refresh token")
		keeps(t, "norefresh", r.AccessToken)
	})
	t.Run("refresh refused", func(t *testing.T) {
		r := seed("refused", -time.Minute, true)
		r.RefreshToken = "not-issued"
		if err := store.Save(r); err != nil {
			t.Fatal(err)
		}
		_, err := open(t).Token(ctx, "acme", "refused", time.Minute)
		check(t, err, zauth.ErrLoginRequired, "invalid_grant")
		keeps(t, "refused", r.AccessToken)
	})
	t.Run("provider down", func(t *testing.T) {
		r := seed("down", -time.Minute, true)
		server.InjectTokenFault(emulator.Fault{Status: 503, Body: "maintenance"})
		_, err := open(t).Token(ctx, "acme", "down", time.Minute)
		check(t, err, zauth.ErrProvider, "503")
		keeps(t, "down", r.AccessToken)
	})
	t.Run("unknown provider", func(t *testing.T) {
		_, err := open(t).Token(ctx, "acne", "default", time.Minute)
		check(t, err, zauth.ErrConfig, `unknown provider "acne"`)
	})
	t.Run("bad profile", func(t *testing.T) {
		_, err := open(t).Token(ctx, "acme", "../x", time.Minute)
		check(t, err, zauth.ErrConfig, "invalid profile name")
	})
	t.Run("no client secret", func(t *testing.T) {
		t.Setenv("ZAUTH_ACME_CLIENT_SECRET", "")
		r := seed("nosecret", -time.Minute, true)
		_, err := open(t).Token(ctx, "acme", "nosecret", time.Minute)
		check(t, err, zauth.ErrConfig, "ZAUTH_ACME_CLIENT_SECRET")
		keeps(t, "nosecret", r.AccessToken)
	})
	t.Run("missing config file", func(t *testing.T) {
		_, err := zauth.Open(zauth.Options{ConfigFile: filepath.Join(t.TempDir(), "none.yaml")})
		check(t, err, zauth.ErrConfig, "none.yaml")
	})
	t.Run("damaged store", func(t *testing.T) {
		state := t.TempDir()
		t.Setenv("XDG_STATE_HOME", state)
		if err := os.MkdirAll(filepath.Join(state, "zauth"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(state, "zauth", "tokens.json"), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := open(t).Token(ctx, "acme", "default", time.Minute)
		check(t, err, zauth.ErrStorage, "tokens.json")
	})
	t.Run("cancelled", func(t *testing.T) {
		seed("cancelled", -time.Minute, true)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := open(t).Token(cctx, "acme", "cancelled", time.Minute)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v", err)
		}
	})
}

// TestTokenSourceOnlyBearer: a token of another type (DPoP) is refused, not
// handed to oauth2, which would send it as "DPoP <token>" without a proof.
func TestTokenSourceOnlyBearer(t *testing.T) {
	r := seed("dpop", time.Hour, false)
	r.TokenType = "DPoP"
	if err := store.SaveLogin(r); err != nil {
		t.Fatal(err)
	}
	if tok, err := open(t).TokenSource(context.Background(), "acme", "dpop", time.Minute).Token(); err == nil || !errors.Is(err, zauth.ErrConfig) {
		t.Errorf("TokenSource of a DPoP token = %+v, %v", tok, err)
	}
}

// TestHTTPTimeoutFromEnvironment: ZAUTH_HTTP_TIMEOUT bounds the library's
// requests as it bounds the command's, so a provider that never answers
// is a provider error well before the caller's own deadline.
func TestHTTPTimeoutFromEnvironment(t *testing.T) {
	release := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer hung.Close()
	defer close(release)
	seed("hung", -time.Minute, true)
	t.Setenv("ZAUTH_ACME_TOKEN_URL", hung.URL+"/token")
	t.Setenv("ZAUTH_HTTP_TIMEOUT", "100ms")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := open(t).Token(ctx, "acme", "hung", time.Minute); !errors.Is(err, zauth.ErrProvider) {
		t.Errorf("Token against a provider that never answers = %v, want ErrProvider from the 100ms bound", err)
	}
}

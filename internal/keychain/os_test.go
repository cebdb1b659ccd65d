package keychain_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// refreshChildEnv carries a child process's refreshChild settings.
const refreshChildEnv = "ZAUTH_TEST_REFRESH_CHILD"

type refreshChild struct {
	Service  string // keychain service name
	Limit    int    // chunk size
	StateDir string // index and lock files
	TokenURL string
	Out      string // where the child writes the access token it got
}

func (c refreshChild) store() *tokenstore.Store {
	os := &keychain.OS{Service: c.Service, Timeout: 20 * time.Second}
	return &tokenstore.Store{Backend: &keychain.Chunked{Backend: os, Limit: c.Limit}, Dir: c.StateDir}
}

func (c refreshChild) target() session.Target {
	p := &provider.Provider{Name: "acme", DisplayName: "Acme", AuthURL: c.TokenURL, TokenURL: c.TokenURL,
		ScopeSeparator: " ", ClientAuth: provider.AuthNone, TokenBody: provider.BodyForm, PKCE: "s256"}
	return session.Target{Provider: p, Profile: "default", RedirectURI: provider.DefaultRedirectURI,
		Client: func() (oauth.Client, error) { return oauth.Client{ID: "client"}, nil }}
}

// TestOSKeychainParallelRefresh: processes asking at once for the token of
// an expired login, kept in the OS keychain and split into chunks, cause
// exactly one refresh (the per-login file lock: flock, or LockFileEx on
// Windows), and all get the same new token. The refresh token rotates, so
// a second refresh would also be refused by the server.
func TestOSKeychainParallelRefresh(t *testing.T) {
	if cfg := os.Getenv(refreshChildEnv); cfg != "" {
		runRefreshChild(t, cfg)
		return
	}
	k := keychain.RequireOSKeychain(t)
	limit := keychain.DefaultChunkLimit()
	if limit == 0 {
		limit = 2000 // split on Linux too, as on Windows
	}

	newAccess := "new." + random(t, 12_000) // far over any OS's item limit
	var refreshes atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		if r.Form.Get("grant_type") != "refresh_token" || r.Form.Get("refresh_token") != "rt-1" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant"}`)
			return
		}
		refreshes.Add(1)
		time.Sleep(200 * time.Millisecond) // a slow provider widens the race
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"access_token": newAccess, "token_type": "Bearer",
			"expires_in": 3600, "refresh_token": "rt-2"})
	}))
	defer srv.Close()

	dir := t.TempDir()
	cfg := refreshChild{Service: k.Service, Limit: limit, StateDir: filepath.Join(dir, "state"), TokenURL: srv.URL + "/token"}
	store := cfg.store()
	old := &tokenstore.Record{Provider: "acme", Profile: "default", ClientID: "client", TokenType: "Bearer",
		AccessToken: "old." + random(t, 6_000), RefreshToken: "rt-1", Expiry: time.Now().Add(-time.Hour)}
	if err := store.Save(old); err != nil {
		t.Fatal(err)
	}

	const n = 8
	var wg sync.WaitGroup
	outs := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		c := cfg
		c.Out = filepath.Join(dir, fmt.Sprintf("out-%d", i))
		outs[i] = c.Out
		enc, _ := json.Marshal(c)
		cmd := exec.Command(os.Args[0], "-test.run=^TestOSKeychainParallelRefresh$", "-test.count=1")
		cmd.Env = append(os.Environ(), refreshChildEnv+"="+string(enc))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out, err := cmd.CombinedOutput(); err != nil {
				errs[i] = fmt.Errorf("%v: %s", err, out)
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("process %d: %v", i, errs[i])
			continue
		}
		if got, err := os.ReadFile(outs[i]); err != nil || string(got) != newAccess {
			t.Errorf("process %d got a %d-byte token (%v), not the new one", i, len(got), err)
		}
	}
	if got := refreshes.Load(); got != 1 {
		t.Errorf("the provider saw %d refreshes, want 1", got)
	}
	r, err := store.Load("acme", "default")
	if err != nil || r.AccessToken != newAccess || r.RefreshToken != "rt-2" {
		t.Fatalf("stored after the refresh: %v, %v", r != nil && r.AccessToken == newAccess, err)
	}
}

// runRefreshChild is one process of TestOSKeychainParallelRefresh: what
// `zauth token acme` does.
func runRefreshChild(t *testing.T, enc string) {
	var c refreshChild
	if err := json.Unmarshal([]byte(enc), &c); err != nil {
		t.Fatal(err)
	}
	env := &session.Env{Store: c.store(), HTTP: http.DefaultClient, LockWait: 2 * time.Minute}
	r, err := env.Fresh(context.Background(), c.target(), time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.Out, []byte(r.AccessToken), 0o600); err != nil {
		t.Fatal(err)
	}
}

func random(t *testing.T, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)[:n]
}

package zauth_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// The tests and examples run against an emulated OpenID provider, defined
// as "acme" in a config file, with logins seeded into a file store, all in
// a temporary home.
var (
	server *emulator.Server
	store  *tokenstore.Store
	// userinfoURL is the provider's userinfo endpoint, for the examples.
	userinfoURL string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	home, err := os.MkdirTemp("", "zauth-lib-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(home)
	server = emulator.New(emulator.Generic, emulator.Options{ClientID: "acme-app", ClientSecret: "s3cret",
		RedirectURIs: []string{provider.DefaultRedirectURI}})
	defer server.Close()
	userinfoURL = server.URL + "/userinfo"

	for k, v := range map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(home, "config"), "XDG_STATE_HOME": filepath.Join(home, "state"),
		"ZAUTH_STORAGE": "file", "ZAUTH_ACME_CLIENT_SECRET": "s3cret", "ZAUTH_CONFIG": "",
	} {
		os.Setenv(k, v)
	}
	cfg := fmt.Sprintf("acme:\n  client_id: acme-app\nproviders:\n  acme:\n    display_name: Acme\n"+
		"    auth_url: %s\n    token_url: %s\n    userinfo_url: %s\n    scopes: {openid: '', offline_access: ''}\n",
		server.AuthURL(), server.TokenURL(), userinfoURL)
	if err := os.MkdirAll(filepath.Join(home, "config", "zauth"), 0o700); err != nil {
		panic(err)
	}
	if err := os.WriteFile(filepath.Join(home, "config", "zauth", "config.yaml"), []byte(cfg), 0o600); err != nil {
		panic(err)
	}
	store = tokenstore.Open(true, io.Discard)
	// The examples' login: its access token has expired, so the first
	// Token refreshes it.
	seed("default", -time.Minute, true)
	return m.Run()
}

// seed stores a login to acme whose access token expires in ttl, as
// `zauth login acme --profile profile` would have.
func seed(profile string, ttl time.Duration, withRefresh bool) *tokenstore.Record {
	access, refresh := server.IssueToken([]string{"openid", "offline_access"}, withRefresh, ttl)
	now := time.Now().UTC()
	r := &tokenstore.Record{Version: tokenstore.RecordVersion, Provider: "acme", Profile: profile, ClientID: "acme-app",
		AccessToken: access, RefreshToken: refresh, TokenType: "Bearer", Scopes: []string{"openid", "offline_access"},
		Expiry: now.Add(ttl), ObtainedAt: now.Add(-time.Hour), RedirectURI: provider.DefaultRedirectURI,
		RequestedScopes: []string{"openid", "offline_access"}}
	if err := store.SaveLogin(r); err != nil {
		panic(err)
	}
	return r
}

package session

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// TestNewTargetAndClient: the login's target comes from the configuration;
// its client is resolved only when asked, with the secret from the
// environment before the store, a public fallback where the provider
// allows one, and a typed error where it does not.
func TestNewTargetAndClient(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "config.yaml")
	os.WriteFile(file, []byte(`ziina:
  client_id: cid
  username: user
providers:
  pub:
    auth_url: https://pub.example/authorize
    token_url: https://pub.example/token
    public_without_secret: true
pub:
  client_id: pub-id
`), 0o600)
	t.Setenv("XDG_STATE_HOME", dir)
	cfg, err := config.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	store := &tokenstore.Store{Backend: &keychain.File{Path: filepath.Join(dir, "tokens.json")}, Dir: dir}
	secret := func(p *provider.Provider, name string) (string, error) { return Secret(store, p, name) }

	if _, err := NewTarget(cfg, secret, "ziina", "../x"); exitcode.Code(err) != exitcode.Usage {
		t.Errorf("bad profile: %v", err)
	}
	if _, err := NewTarget(cfg, secret, "nosuch", "default"); exitcode.Code(err) != exitcode.Usage {
		t.Errorf("unknown provider: %v", err)
	}
	tg, err := NewTarget(cfg, secret, "ziina", "default")
	if err != nil || tg.RedirectURI != provider.DefaultRedirectURI {
		t.Fatalf("NewTarget = %+v, %v", tg, err)
	}
	_, err = tg.Client()
	var missing *MissingSecretError
	if !errors.As(err, &missing) || missing.Provider != "ziina" || missing.ClientID != "cid" || exitcode.Code(err) != exitcode.Usage {
		t.Errorf("no secret: %v", err)
	}
	store.SetSecret("ziina", tokenstore.ClientSecret, "stored")
	if c, err := tg.Client(); err != nil || c.Secret != "stored" || c.Username != "user" {
		t.Errorf("stored secret: %+v %v", c, err)
	}
	t.Setenv("ZAUTH_ZIINA_CLIENT_SECRET", "from-env")
	if c, err := tg.Client(); err != nil || c.Secret != "from-env" {
		t.Errorf("the environment comes first: %+v %v", c, err)
	}

	pub, err := NewTarget(cfg, secret, "pub", "default")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := pub.Client(); err != nil || c.Secret != "" || pub.Provider.ClientAuth != provider.AuthNone {
		t.Errorf("public fallback: %+v %v, auth %s", c, err, pub.Provider.ClientAuth)
	}
}

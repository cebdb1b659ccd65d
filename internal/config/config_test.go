package config

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/loopback"
)

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPrecedence(t *testing.T) {
	file := writeFile(t, "ziina:\n  client_id: from-file\n  username: file-user\n  token_url: http://127.0.0.1:9/token\n  scopes: [read_account, offline_access]\n")
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Provider("ziina")
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := c.ClientID(p); id != "from-file" {
		t.Errorf("file: client id %q", id)
	}
	if p.TokenURL != "http://127.0.0.1:9/token" || p.AuthURL != "https://auth.ziina.com/oidc/auth" {
		t.Errorf("endpoints: %s %s", p.TokenURL, p.AuthURL)
	}
	if got := c.DefaultScopes(p); !slices.Equal(got, []string{"read_account", "offline_access"}) {
		t.Errorf("scopes %q", got)
	}

	t.Setenv("ZAUTH_ZIINA_CLIENT_ID", "from-env")
	if id, _ := c.ClientID(p); id != "from-env" {
		t.Errorf("env: client id %q", id)
	}
	c.Set("ziina", KeyClientID, "from-flag")
	if id, _ := c.ClientID(p); id != "from-flag" {
		t.Errorf("flag: client id %q", id)
	}
	if c.Username(p) != "file-user" {
		t.Errorf("username %q", c.Username(p))
	}
}

func TestDefaults(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	c, err := Load("")
	if err != nil {
		t.Fatalf("a missing default config file must be fine: %v", err)
	}
	p, _ := c.Provider("zbd")
	var missing *MissingClientIDError
	if _, err := c.ClientID(p); exitcode.Code(err) != exitcode.Usage || !errors.As(err, &missing) || missing.Provider.Name != "zbd" {
		t.Errorf("missing client id: %v", err)
	}
	t.Setenv("ZAUTH_ZBD_CLIENT_ID", "cid")
	if c.Username(p) != "cid" {
		t.Error("username does not default to the client id")
	}
	if r, _ := c.RedirectURI(p); r != "http://127.0.0.1:8976/callback" {
		t.Errorf("redirect %q", r)
	}
}

func TestBadConfig(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); exitcode.Code(err) != exitcode.Usage {
		t.Errorf("missing explicit file: %v", err)
	}
	if _, err := Load(writeFile(t, "ziina: [unclosed\n")); exitcode.Code(err) != exitcode.Usage {
		t.Errorf("bad YAML: %v", err)
	}
	c, _ := Load(writeFile(t, "ziina:\n  token_url: http://evil.example.com/token\n"))
	if _, err := c.Provider("ziina"); exitcode.Code(err) != exitcode.Usage || !strings.Contains(err.Error(), "https") {
		t.Errorf("plain http endpoint accepted: %v", err)
	}
	if _, err := c.Provider("nope"); exitcode.Code(err) != exitcode.Usage {
		t.Errorf("unknown provider: %v", err)
	}
}

func TestWrite(t *testing.T) {
	file := writeFile(t, "zbd:\n  client_id: keep\n")
	t.Setenv("ZAUTH_ZIINA_API_URL", "http://127.0.0.1:1/api") // must not leak into the file
	c, _ := Load(file)
	if err := c.Write("ziina", map[string]string{KeyClientID: "cid", KeyUsername: "u"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Write("ziina", map[string]string{KeyUsername: ""}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(file)
	s := string(data)
	if !strings.Contains(s, "client_id: cid") || !strings.Contains(s, "client_id: keep") || strings.Contains(s, "username") || strings.Contains(s, "api_url") {
		t.Errorf("config file:\n%s", s)
	}
}

// TestRedirectURIs: configuration accepts exactly what the listener can
// serve (one check for both), including the inputs on which two separate
// checks used to disagree.
func TestRedirectURIs(t *testing.T) {
	for raw, ok := range map[string]bool{
		"http://127.0.0.1:8976/callback": true, "http://localhost:9000/cb": true, "http://[::1]:1/x": true,
		"http://127.0.0.1:0/cb":     true,
		"http://127.0.0.1/callback": false, "https://127.0.0.1:1/cb": false, "http://example.com:1/cb": false,
		"http://127.0.0.1:1/cb?x=1": false, "http://127.0.0.1:1/cb?": false,
		"http://[0:0::1]:1/x": false, "http://[::ffff:127.0.0.1]:1/x": false, "http://user@127.0.0.1:1/x": false,
	} {
		t.Setenv("ZAUTH_ZIINA_REDIRECT_URI", raw)
		c, err := Load(writeFile(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		p, _ := c.Provider("ziina")
		_, cfgErr := c.RedirectURI(p)
		if (cfgErr == nil) != ok || (loopback.CheckRedirectURI(raw) == nil) != ok {
			t.Errorf("%q: config says %v, the listener's check %v; want ok=%v", raw, cfgErr, loopback.CheckRedirectURI(raw), ok)
		}
		if ok {
			if l, err := loopback.Listen(strings.Replace(raw, ":8976", ":0", 1)); err == nil {
				l.Close()
			} else if !strings.Contains(raw, ":1/") && !strings.Contains(raw, ":9000/") {
				t.Errorf("%q: accepted by config, but the listener fails: %v", raw, err)
			}
		}
	}
	if got, _ := WithPort("http://[::1]:8976/cb", 9000); got != "http://[::1]:9000/cb" {
		t.Errorf("WithPort = %q", got)
	}
	// Port 0: a free port picked at login (RFC 8252 §7.3).
	if got, err := WithPort("http://127.0.0.1:8976/cb", 0); got != "http://127.0.0.1:0/cb" || err != nil || loopback.CheckRedirectURI(got) != nil {
		t.Errorf("WithPort 0 = %q, %v", got, err)
	}
	if _, err := WithPort("http://127.0.0.1:8976/cb", -1); err == nil {
		t.Error("negative port accepted")
	}
	if _, err := WithPort("http://127.0.0.1:8976/cb", 70000); err == nil {
		t.Error("port out of range accepted")
	}
}

func TestCheckProfile(t *testing.T) {
	for name, ok := range map[string]bool{"default": true, "work-2": true, "a.b_c": true, "": false, "../x": false, "a b": false, "-x": false} {
		if err := CheckProfile(name); (err == nil) != ok {
			t.Errorf("CheckProfile(%q) = %v", name, err)
		}
	}
}

// TestEndpointFragment: an endpoint with a fragment (RFC 6749 §3.1, §3.2)
// is a configuration error when the provider is loaded, naming the key,
// whether it is a custom provider's definition or a built-in's override.
func TestEndpointFragment(t *testing.T) {
	c, err := Load(writeFile(t, `
ziina:
  token_url: https://auth.ziina.com/oidc/token#frag
providers:
  acme:
    auth_url: https://login.acme.example/authorize#x
    token_url: https://login.acme.example/token
`))
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string]string{"ziina": "ziina.token_url", "acme": "acme.auth_url"} {
		if _, err := c.Provider(name); exitcode.Code(err) != exitcode.Usage || !strings.Contains(err.Error(), key) || !strings.Contains(err.Error(), "fragment") {
			t.Errorf("%s: %v (exit %d)", name, err, exitcode.Code(err))
		}
	}
	if p := c.Problems(); len(p) != 1 || p[0].Key != "ziina.token_url" {
		t.Errorf("Problems = %+v", p)
	}
}

// TestUnreadableDefaultConfig: only a default config file that does not
// exist is fine; one that exists but cannot be read (here a directory in
// its place) is an error, not an empty configuration whose "no client id
// configured" would send the user to fix the wrong thing.
func TestUnreadableDefaultConfig(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("ZAUTH_CONFIG", "")
	if err := os.MkdirAll(filepath.Join(home, "zauth", "config.yaml"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, load := range []func(string) (*Config, error){Load, LoadForEdit} {
		if _, err := load(""); exitcode.Code(err) != exitcode.Usage || !strings.Contains(err.Error(), "config.yaml") {
			t.Errorf("unreadable default config file: %v", err)
		}
	}
}

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// writeConfig writes the harness's config file.
func (h *harness) writeConfig(content string) {
	h.t.Helper()
	dir := filepath.Join(h.dir, "config", "zauth")
	os.MkdirAll(dir, 0o700)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(content), 0o600); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) readConfig() string {
	data, _ := os.ReadFile(filepath.Join(h.dir, "config", "zauth", "config.yaml"))
	return string(data)
}

// TestGenericProviderFromConfig: a provider defined only by a providers
// block logs in, refreshes, is introspected and revoked on logout.
func TestGenericProviderFromConfig(t *testing.T) {
	h := newHarness(t, emulator.Generic, emulator.Options{})
	u := h.emu.URL
	h.acmeConfig()
	out := h.mustRun("", "providers").stdout
	if !strings.Contains(out, "acme (Acme)") || !strings.Contains(out, u+"/token") {
		t.Errorf("providers:\n%s", out)
	}
	if out := h.mustRun("", "scopes", "acme").stdout; !strings.Contains(out, "change things") {
		t.Errorf("scopes acme:\n%s", out)
	}
	h.run("", "login", "acme", "--scope", "reed").expect(t, 2, `unknown acme scope "reed"`, `did you mean "read"`)
	h.run("", "login", "acme", "--scope", "read+offline_access").expect(t, 0, "Logged in to Acme", "read offline_access")
	if q := h.emu.LastAuthRequest(); q.Get("code_challenge_method") != "S256" || q.Get("scope") != "read offline_access" {
		t.Errorf("authorization request: %v", q)
	}
	rec, ok := h.record("default")
	if !ok || rec.RefreshToken == "" {
		t.Fatalf("record: %+v", rec)
	}
	h.mustRun("", "refresh", "acme")
	if h.emu.RefreshRequests() != 1 {
		t.Error("no refresh reached the provider")
	}
	r := h.mustRun("", "inspect", "acme", "--remote", "--json")
	for _, want := range []string{`"introspection"`, `"active": true`, `"userinfo"`, `"Ada Example"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect --remote lacks %s:\n%s", want, r.stdout)
		}
	}
	h.run("", "logout", "acme").expect(t, 0, "the tokens were revoked")
	if h.emu.RevokedTokens() < 2 {
		t.Errorf("revoked %d tokens, want the refresh and the access token", h.emu.RevokedTokens())
	}
	if _, ok := h.record("default"); ok {
		t.Error("logout left the record")
	}
}

// TestProvidersAddByDiscovery defines a provider from its metadata.
func TestProvidersAddByDiscovery(t *testing.T) {
	h := newHarness(t, emulator.Generic, emulator.Options{})
	h.run("", "providers", "add", "acme", "--issuer", h.emu.Issuer, "--display-name", "Acme").
		expect(t, 0, "Added provider acme from "+h.emu.URL+"/.well-known/oauth-authorization-server")
	cfg := h.readConfig()
	for _, want := range []string{"acme:", "revocation_url: " + h.emu.URL + "/revoke", "token_url: " + h.emu.URL + "/token", "offline_access", "iss_on_redirect: true"} {
		if !strings.Contains(cfg, want) {
			t.Errorf("config lacks %q:\n%s", want, cfg)
		}
	}
	h.setupClient()
	h.mustRun("", "login", "acme", "--scope", "openid+offline_access")
	h.mustRun("", "token", "acme", "--min-ttl", "2h")
	h.run("", "providers", "add", "ziina", "--issuer", h.emu.Issuer).expect(t, 2, "built-in provider")
	h.run("", "providers", "add", "nope", "--issuer", "http://127.0.0.1:1").expect(t, 4, "no authorization server metadata found")
}

// TestProvidersAddZiinaStyle: Ziina keeps its OpenID document under /oidc/
// while its issuer has no path.
func TestProvidersAddZiinaStyle(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.run("", "providers", "add", "ziina2", "--issuer", h.emu.URL+"/oidc").expect(t, 0, "/oidc/.well-known/openid-configuration")
	cfg := h.readConfig()
	if !strings.Contains(cfg, "auth_url: "+h.emu.URL+"/oidc/auth") || !strings.Contains(cfg, "issuer: "+h.emu.URL+"\n") {
		t.Errorf("config:\n%s", cfg)
	}
}

func TestAPI(t *testing.T) {
	t.Run("ziina", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		h.setupClient()
		h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")
		r := h.mustRun("", "api", "ziina", "/account")
		var acct map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &acct); err != nil || acct["account_type"] != "business" {
			t.Errorf("api /account: %v %s", err, r.stdout)
		}
		if r := h.mustRun("", "api", "ziina", "account", "--include"); !strings.HasPrefix(r.stdout, "HTTP/1.1 200 OK\n") || !strings.Contains(r.stdout, "Content-Type: application/json") {
			t.Errorf("--include:\n%s", r.stdout)
		}
		h.run("", "api", "ziina", "/nope").expect(t, 4, "404")
		h.run("", "api", "ziina", "https://evil.example/account").expect(t, 2, "refusing to send the token")

		// A token the provider no longer accepts: one refresh, one retry.
		rec, _ := h.record("default")
		rec.AccessToken = "revoked-at-the-provider"
		h.seed(*rec)
		before := h.emu.RefreshRequests()
		if r := h.mustRun("", "api", "ziina", "/account"); !strings.Contains(r.stdout, "account_id") {
			t.Errorf("after a 401: %s", r.stdout)
		}
		if h.emu.RefreshRequests() != before+1 {
			t.Error("a 401 did not cause exactly one refresh")
		}
	})
	t.Run("ziina without read_account", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		h.setupClient()
		h.mustRun("", "login", "ziina", "--scope", "write_refunds")
		r := h.run("", "api", "ziina", "/account")
		r.expect(t, 4, "403", "read_account scope required")
		if r.stdout != "" {
			t.Errorf("stdout on error: %q", r.stdout)
		}
	})
	t.Run("zbd", func(t *testing.T) {
		h := newHarness(t, emulator.ZBD, emulator.Options{})
		h.setupClient()
		h.mustRun("", "login", "zbd", "--scope", "user,wallet")
		if r := h.mustRun("", "api", "zbd", "/v1/oauth2/wallet"); !strings.Contains(r.stdout, `"balance":"98251000"`) {
			t.Errorf("wallet: %s", r.stdout)
		}
	})
}

func TestExec(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.seed(tokenstore.Record{AccessToken: "exec-token-S3CRET", Expiry: time.Now().Add(time.Hour)})
	dir := t.TempDir()
	script := fmt.Sprintf(`tr '\0' ' ' </proc/$$/cmdline >%[1]s/argv; printenv ZAUTH_ACCESS_TOKEN >%[1]s/env1; printenv MY_TOKEN >%[1]s/env2; exit 7`, dir)
	r := h.run("", "exec", "ziina", "--env", "MY_TOKEN", "--", "sh", "-c", script)
	if r.code != 7 || r.stderr != "" {
		t.Errorf("exit %d (want the child's 7), stderr %q", r.code, r.stderr)
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return strings.TrimSpace(string(b))
	}
	if read("env1") != "exec-token-S3CRET" || read("env2") != "exec-token-S3CRET" {
		t.Errorf("env: %q %q", read("env1"), read("env2"))
	}
	if argv := read("argv"); argv == "" || strings.Contains(argv, "exec-token") {
		t.Errorf("child argv %q", argv)
	}
	h.run("", "exec", "ziina", "sh").expect(t, 2, "put the command after --")
	h.run("", "exec", "ziina", "--", "/nonexistent/cmd").expect(t, 127, "nonexistent")
}

package e2e

import (
	"encoding/base64"
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

// Everything a provider answers is hostile: these tests point zauth at an
// emulator that redirects, echoes and lies, and at an attacker's server
// (emulator.Recorder) that must never receive anything.

// evil starts an attacker's server.
func evil(t *testing.T, tls bool) *emulator.Recorder {
	rec := emulator.NewRecorder(tls)
	t.Cleanup(rec.Close)
	return rec
}

// hostPort is the host:port of a server URL.
func hostPort(u string) string {
	_, hp, _ := strings.Cut(u, "://")
	return hp
}

// otherHost names the same listener under another host name.
func otherHost(u string) string { return strings.Replace(u, "127.0.0.1", "localhost", 1) }

// reachedNothing fails the test if the attacker's server saw any request.
func reachedNothing(t *testing.T, rec *emulator.Recorder) {
	t.Helper()
	for _, q := range rec.Requests() {
		names := make([]string, 0, len(q.Header))
		for k := range q.Header {
			names = append(names, k)
		}
		t.Errorf("the attacker's server received %s %s (headers %v, %d body bytes)", q.Method, q.URL, names, len(q.Body))
	}
}

// trustTLS makes zauth (and the scripted browser) trust httptest's
// certificate, which every TLS emulator and Recorder share.
func (h *harness) trustTLS() {
	h.t.Helper()
	f := filepath.Join(h.dir, "ca.pem")
	if err := os.WriteFile(f, h.emu.CertPEM(), 0o600); err != nil {
		h.t.Fatal(err)
	}
	h.setenv("SSL_CERT_FILE=" + f)
}

// acmeConfig defines the generic provider "acme" on the harness emulator,
// with every endpoint a provider can have.
func (h *harness) acmeConfig() {
	h.writeConfig(fmt.Sprintf(`providers:
  acme:
    display_name: Acme
    auth_url: %[1]s/authorize
    token_url: %[1]s/token
    api_url: %[1]s
    issuer: %[1]s
    iss_on_redirect: true
    revocation_url: %[1]s/revoke
    introspection_url: %[1]s/introspect
    userinfo_url: %[1]s/userinfo
    client_auth: post
    scopes:
      read: read things
      write: change things
      offline_access: stay logged in
`, h.emu.URL))
	h.setupClient()
}

// noSecretIn fails if out contains any secret of the harness.
func (h *harness) noSecretIn(out string, extra ...string) {
	h.t.Helper()
	secrets := append(h.emu.Secrets(), ziinaPass, zbdSecret, zbdAPIKey, acmeSecret,
		base64.StdEncoding.EncodeToString([]byte(ziinaUser+":"+ziinaPass)))
	for _, s := range append(secrets, extra...) {
		if strings.Contains(out, s) {
			h.t.Errorf("the output leaks a secret (%.6s…):\n%s", s, out)
		}
	}
}

// TestOAuthEndpointRedirectsAreRefused: a token, revocation, introspection
// or userinfo endpoint that redirects gets nothing re-sent: exit 4, the
// target named (its query redacted), nothing stored, nothing at the target.
func TestOAuthEndpointRedirectsAreRefused(t *testing.T) {
	t.Run("login code exchange, Basic auth, same host other port", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		h.setupClient()
		rec := evil(t, false)
		h.emu.SetHostile(emulator.Hostile{Redirects: map[string]string{"/oidc/token": rec.URL + "/steal?leak=QUERYSECRET"}})
		r := h.run("", "login", "ziina", "--scope", "read_account+offline_access")
		r.expect(t, 4, "redirect", hostPort(rec.URL)+"/steal")
		reachedNothing(t, rec)
		if _, ok := h.record("default"); ok {
			t.Error("a login was stored")
		}
		if strings.Contains(r.stderr, "QUERYSECRET") {
			t.Errorf("the redirect's query was printed: %s", r.stderr)
		}
		h.noSecretIn(r.stdout + r.stderr)
	})
	t.Run("refresh, secret in a JSON body, 302 to another host", func(t *testing.T) {
		h := newHarness(t, emulator.ZBD, emulator.Options{})
		h.setupClient()
		rec := evil(t, false)
		h.seedExpired("default")
		before := h.rawRecord("default")
		h.emu.SetHostile(emulator.Hostile{RedirectStatus: 302, Redirects: map[string]string{"/v1/oauth2/token": otherHost(rec.URL) + "/token"}})
		h.run("", "token", "zbd").expect(t, 4, "redirect", "localhost:")
		reachedNothing(t, rec)
		if h.rawRecord("default") != before {
			t.Error("the stored login changed")
		}
	})
	t.Run("https to http", func(t *testing.T) {
		h := newHarness(t, emulator.Generic, emulator.Options{TLS: true})
		h.trustTLS()
		h.acmeConfig()
		rec := evil(t, false)
		h.seedExpired("default", "read", "offline_access")
		before := h.rawRecord("default")
		steal := func(path string) {
			h.emu.SetHostile(emulator.Hostile{Redirects: map[string]string{path: rec.URL + path}})
		}

		steal("/token")
		h.run("", "refresh", "acme").expect(t, 4, "token endpoint", "redirect", "http://"+hostPort(rec.URL)+"/token")
		tlsRec := evil(t, true) // https to https on another port
		h.emu.SetHostile(emulator.Hostile{Redirects: map[string]string{"/token": tlsRec.URL + "/token"}})
		h.run("", "refresh", "acme").expect(t, 4, "token endpoint", "redirect", tlsRec.URL+"/token")
		reachedNothing(t, tlsRec)
		if h.rawRecord("default") != before {
			t.Error("the stored login changed")
		}
		h.emu.SetHostile(emulator.Hostile{})
		h.mustRun("", "refresh", "acme") // the real endpoint still works

		// inspect --remote reports each source on its own: the redirected
		// one as failed, the other one's answer still printed.
		for _, src := range []struct{ path, name, other string }{{"/userinfo", "userinfo", "introspection ("}, {"/introspect", "introspection", "userinfo ("}} {
			steal(src.path)
			r := h.run("", "inspect", "acme", "--remote")
			if r.code != 0 || !strings.Contains(r.stdout, src.name+": failed: ") || !strings.Contains(r.stdout, "redirect") ||
				!strings.Contains(r.stdout, hostPort(rec.URL)+src.path) || !strings.Contains(r.stdout, src.other) {
				t.Errorf("inspect --remote with %s redirected: exit %d\n%s%s", src.path, r.code, r.stdout, r.stderr)
			}
		}
		steal("/revoke")
		h.run("", "logout", "acme").expect(t, 4, "revocation endpoint", "redirect", hostPort(rec.URL)+"/revoke")
		reachedNothing(t, rec)
	})
}

// TestAPIRedirectsStayOnTheAPIOrigin: `api` and `inspect --remote` follow a
// redirect only to the API's own scheme, host and port; the attacker's
// server never sees the usertoken, apikey or Authorization headers.
func TestAPIRedirectsStayOnTheAPIOrigin(t *testing.T) {
	t.Run("ziina", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		rec := evil(t, false)
		h.seedExpired("default")
		h.setupClient()
		h.mustRun("", "refresh", "ziina")
		for _, to := range []string{rec.URL + "/account", otherHost(rec.URL) + "/account"} {
			h.emu.SetHostile(emulator.Hostile{RedirectStatus: 302, Redirects: map[string]string{"/api/account": to}})
			r := h.run("", "api", "ziina", "/account")
			r.expect(t, 4, "refusing to follow", hostPort(to))
			if strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 || r.stdout != "" {
				t.Errorf("not one line on stderr only:\nstdout %q\nstderr %q", r.stdout, r.stderr)
			}
			h.run("", "inspect", "ziina", "--remote").expect(t, 4, "refusing to follow", hostPort(to))
		}
		reachedNothing(t, rec)

		// Same origin: followed.
		h.emu.SetHostile(emulator.Hostile{Redirects: map[string]string{"/api/moved": "/api/account"}})
		if r := h.mustRun("", "api", "ziina", "/moved"); !strings.Contains(r.stdout, "account_id") {
			t.Errorf("a same-origin redirect was not followed: %s", r.stdout)
		}
	})
	t.Run("zbd", func(t *testing.T) {
		h := newHarness(t, emulator.ZBD, emulator.Options{})
		rec := evil(t, false)
		h.setupClient()
		h.seedExpired("default")
		h.mustRun("", "refresh", "zbd")
		for _, to := range []string{rec.URL + "/wallet", otherHost(rec.URL) + "/wallet"} {
			h.emu.SetHostile(emulator.Hostile{Redirects: map[string]string{"/v1/oauth2/wallet": to, "/v1/oauth2/user": to}})
			h.run("", "api", "zbd", "/v1/oauth2/wallet").expect(t, 4, "refusing to follow", hostPort(to))
			h.run("", "inspect", "zbd", "--remote").expect(t, 4, "refusing to follow", hostPort(to))
		}
		reachedNothing(t, rec)
	})
	t.Run("https to http on the same host", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{TLS: true})
		h.trustTLS()
		rec := evil(t, false)
		h.setupClient()
		h.seedExpired("default")
		h.mustRun("", "refresh", "ziina")
		h.emu.SetHostile(emulator.Hostile{Redirects: map[string]string{"/api/account": rec.URL + "/api/account"}})
		h.run("", "api", "ziina", "/account").expect(t, 4, "refusing to follow", "http://"+hostPort(rec.URL)+"/api/account")
		reachedNothing(t, rec)
	})
}

// TestHostileTokenResponses: malformed token responses are rejected
// without being echoed or stored, provider error text is cleaned and
// redacted, and records stored before these checks are refused.
func TestHostileTokenResponses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fields map[string]any
		field  string
	}{
		{"escape in scope", map[string]any{"scope": "read_account \x1b]0;pwned\x07"}, "scope"},
		{"header injection in token_type", map[string]any{"token_type": "Bearer\r\nX-Evil: 1"}, "token_type"},
		{"newline in access_token", map[string]any{"access_token": "abc\ndef"}, "access_token"},
		{"space in refresh_token", map[string]any{"refresh_token": "abc def"}, "refresh_token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Ziina, emulator.Options{})
			h.setupClient()
			h.emu.SetHostile(emulator.Hostile{TokenFields: tc.fields})
			r := h.run("", "login", "ziina", "--scope", "read_account+offline_access")
			r.expect(t, 4, tc.field)
			if strings.ContainsAny(r.stderr, "\x1b\x07\r") || strings.Contains(r.stderr, "X-Evil") || strings.Contains(r.stderr, "pwned") {
				t.Errorf("the malformed value was echoed: %q", r.stderr)
			}
			if _, ok := h.record("default"); ok {
				t.Error("a malformed token was stored")
			}
		})
	}

	t.Run("error description echoes the request", func(t *testing.T) {
		for _, kind := range []emulator.Kind{emulator.Ziina, emulator.ZBD} {
			h := newHarness(t, kind, emulator.Options{})
			h.setupClient()
			_, refresh := h.seedExpired("default")
			h.emu.SetHostile(emulator.Hostile{EchoRequest: true})
			r := h.run("", "token", string(kind))
			r.expect(t, 4, "invalid_request", "cannot parse request", "[REDACTED]")
			h.noSecretIn(r.stdout+r.stderr, refresh)
		}
	})

	t.Run("terminal escapes in an error description", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		h.setupClient()
		h.seedExpired("default")
		h.emu.InjectTokenFault(emulator.Fault{Status: 400, ContentType: "application/json",
			Body: `{"error":"invalid_request","error_description":"\u001b]0;pwned\u0007\u009b2J bad \u202edrow"}`})
		r := h.run("", "token", "ziina")
		r.expect(t, 4, "invalid_request", "bad")
		if strings.ContainsAny(r.stderr, "\x1b\x07\u009b\u202e") {
			t.Errorf("control characters reached the terminal: %q", r.stderr)
		}
	})

	t.Run("terminal escapes in an API error body", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		h.setupClient()
		h.seedExpired("default")
		h.emu.SetHostile(emulator.Hostile{Errors: map[string]string{"/api/account": "{\"message\":\"\x1b]0;pwned\x07\x1b[2J\r\u202edenied\"}\n"}})
		for _, args := range [][]string{{"api", "ziina", "/account"}, {"inspect", "ziina", "--remote"}} {
			r := h.run("", args...)
			r.expect(t, 4, "400", "denied")
			if strings.ContainsAny(r.stderr, "\x1b\x07\r\u202e") {
				t.Errorf("%s: control characters reached the terminal: %q", args[0], r.stderr)
			}
		}
	})

	t.Run("records stored by earlier versions", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		exp := time.Now().Add(time.Hour).UTC()
		h.seed(tokenstore.Record{AccessToken: "good-token", TokenType: "Bearer\r\nX-Evil: 1", Expiry: exp,
			Scopes: []string{"read_account\x1b]0;pwned\x07", "\u202eevil"}})
		for _, format := range []string{"header", "env", "raw"} {
			r := h.run("", "token", "ziina", "--format", format)
			r.expect(t, 3, "token_type", "zauth login ziina")
			if r.stdout != "" {
				t.Errorf("--format %s printed %q", format, r.stdout)
			}
		}
		h.run("", "api", "ziina", "/account").expect(t, 3, "token_type")
		index, _ := json.Marshal([]tokenstore.Entry{{Provider: "ziina", Profile: "default", ClientID: clientID,
			Scopes: []string{"read_account\x1b]0;pwned\x07", "\u202eevil"}, ExpiresAt: exp}})
		os.MkdirAll(filepath.Join(h.dir, "state", "zauth"), 0o700)
		if err := os.WriteFile(filepath.Join(h.dir, "state", "zauth", "index.json"), index, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"inspect", "ziina"}, {"status"}} {
			r := h.mustRun("", args...)
			if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07\r\u202e") || !strings.Contains(r.stdout, "read_account") {
				t.Errorf("%s printed control characters or lost the scope: %q", args[0], r.stdout)
			}
		}
		h.seed(tokenstore.Record{AccessToken: "abc\x1b[2Jdef", Expiry: exp})
		for _, format := range []string{"header", "env", "raw"} {
			r := h.run("", "token", "ziina", "--format", format)
			r.expect(t, 3, "access_token")
			if r.stdout != "" || strings.Contains(r.stderr, "\x1b") {
				t.Errorf("--format %s: stdout %q stderr %q", format, r.stdout, r.stderr)
			}
		}
	})
}

// TestExpiryEdgeCases: expires_in 0 is an expired token, a JWT's exp
// stands in for a missing expires_in, and a token type zauth cannot send
// is refused rather than sent as Bearer.
func TestExpiryEdgeCases(t *testing.T) {
	t.Run("expires_in 0", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		h.setupClient()
		h.emu.SetHostile(emulator.Hostile{TokenFields: map[string]any{"expires_in": 0}})
		h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")
		if rec, _ := h.record("default"); rec == nil || rec.Expiry.IsZero() || rec.Expiry.After(time.Now()) {
			t.Fatalf("expires_in 0 stored as %+v", rec)
		}
		h.emu.SetHostile(emulator.Hostile{})
		h.mustRun("", "token", "ziina")
		if h.emu.RefreshRequests() != 1 {
			t.Errorf("an expired token was handed out without a refresh (%d refreshes)", h.emu.RefreshRequests())
		}
	})
	t.Run("missing expires_in, JWT exp", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{JWTAccessTokens: true, AccessTTL: 30 * time.Minute})
		h.setupClient()
		h.emu.SetHostile(emulator.Hostile{TokenFields: map[string]any{"expires_in": nil}})
		h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")
		rec, _ := h.record("default")
		if rec == nil || rec.Expiry.IsZero() || time.Until(rec.Expiry) > 31*time.Minute || time.Until(rec.Expiry) < 28*time.Minute {
			t.Fatalf("the JWT's exp was not used: %+v", rec)
		}
		h.mustRun("", "token", "ziina", "--min-ttl", "40m")
		if h.emu.RefreshRequests() != 1 {
			t.Error("a token expiring within --min-ttl by its JWT exp was not refreshed")
		}
	})
	t.Run("missing expires_in, opaque token", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		h.setupClient()
		h.emu.SetHostile(emulator.Hostile{TokenFields: map[string]any{"expires_in": nil}})
		h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")
		if rec, _ := h.record("default"); rec == nil || !rec.Expiry.IsZero() {
			t.Fatalf("an opaque token without expires_in got an expiry: %+v", rec)
		}
	})
	t.Run("token type other than Bearer", func(t *testing.T) {
		h := newHarness(t, emulator.Ziina, emulator.Options{})
		h.setupClient()
		h.emu.SetHostile(emulator.Hostile{TokenFields: map[string]any{"token_type": "DPoP"}})
		h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")
		r := h.run("", "api", "ziina", "/account")
		r.expect(t, 2, "DPoP")
		if r.stdout != "" {
			t.Errorf("the API answered: %s", r.stdout)
		}
		h.run("", "inspect", "ziina", "--remote").expect(t, 2, "DPoP")
		if r := h.mustRun("", "token", "ziina", "--format", "header"); !strings.HasPrefix(r.stdout, "Authorization: DPoP ") {
			t.Errorf("header: %q", r.stdout)
		}
	})
}

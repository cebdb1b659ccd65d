package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/testsys"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// seedExpired stores a login whose access token expired a minute ago and
// whose refresh token the emulator accepts.
func (h *harness) seedExpired(profile string, scopes ...string) (access, refresh string) {
	h.t.Helper()
	if len(scopes) == 0 {
		scopes = []string{"read_account", "offline_access"}
		if h.kind == emulator.ZBD {
			scopes = []string{"user", "wallet"}
		}
	}
	access, refresh = h.emu.IssueToken(scopes, true, time.Hour)
	h.seed(tokenstore.Record{Profile: profile, AccessToken: access, RefreshToken: refresh, Scopes: scopes,
		Expiry: time.Now().Add(-time.Minute).UTC()})
	return access, refresh
}

func TestTokenValidNeedsNoProvider(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.seed(tokenstore.Record{AccessToken: "tok-valid", Scopes: []string{"read_account"}, Expiry: time.Now().Add(time.Hour)})
	// No client configured at all: a valid token needs neither id nor secret.
	r := h.mustRun("", "token", "ziina")
	if r.stdout != "tok-valid\n" || r.stderr != "" {
		t.Errorf("stdout %q stderr %q", r.stdout, r.stderr)
	}
	if h.emu.TokenRequests() != 0 {
		t.Error("a valid token was refreshed")
	}
}

func TestTokenFormats(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	exp := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	h.seed(tokenstore.Record{AccessToken: "tok.abc-123", TokenType: "bearer", Scopes: []string{"read_account"}, Expiry: exp})
	for format, want := range map[string]string{
		"raw":    "tok.abc-123\n",
		"header": "Authorization: Bearer tok.abc-123\n",
		"env":    "ZAUTH_ACCESS_TOKEN=tok.abc-123\n",
		"json":   `{"access_token":"tok.abc-123","token_type":"bearer","expires_at":"2031-01-02T03:04:05Z","scopes":["read_account"]}`,
	} {
		r := h.mustRun("", "token", "ziina", "--format", format)
		got := r.stdout
		if format == "json" {
			var b bytes.Buffer
			if err := json.Compact(&b, []byte(got)); err != nil {
				t.Fatalf("json output %q: %v", got, err)
			}
			got = b.String()
		}
		if got != want {
			t.Errorf("--format %s: got %q, want %q", format, got, want)
		}
	}
	h.run("", "token", "ziina", "--format", "yaml").expect(t, 2, `unknown --format "yaml"`)
}

func TestTokenRefreshes(t *testing.T) {
	for _, kind := range []emulator.Kind{emulator.Ziina, emulator.ZBD} {
		t.Run(string(kind), func(t *testing.T) {
			h := newHarness(t, kind, emulator.Options{})
			h.setupClient()
			oldAccess, oldRefresh := h.seedExpired("default")
			r := h.mustRun("", "token", string(kind))
			rec, _ := h.record("default")
			if strings.TrimSpace(r.stdout) != rec.AccessToken || rec.AccessToken == oldAccess {
				t.Fatalf("printed %q, stored %q, old %q", r.stdout, rec.AccessToken, oldAccess)
			}
			if rec.RefreshToken == oldRefresh || rec.RefreshToken == "" {
				t.Error("the rotated refresh token was not stored")
			}
			if time.Until(rec.Expiry) < 50*time.Minute {
				t.Errorf("new expiry %v", rec.Expiry)
			}
			if h.emu.RefreshRequests() != 1 {
				t.Errorf("refresh requests = %d", h.emu.RefreshRequests())
			}
			// The new token is valid: the next call needs no refresh.
			if r2 := h.mustRun("", "token", string(kind)); r2.stdout != r.stdout || h.emu.RefreshRequests() != 1 {
				t.Error("a fresh token was refreshed again")
			}
		})
	}
}

func TestTokenRefreshWithoutRotationKeepsRefreshToken(t *testing.T) {
	no := false
	h := newHarness(t, emulator.Ziina, emulator.Options{RotateRefresh: &no})
	h.setupClient()
	_, oldRefresh := h.seedExpired("default")
	h.mustRun("", "token", "ziina")
	if rec, _ := h.record("default"); rec.RefreshToken != oldRefresh {
		t.Errorf("refresh token %q replaced without rotation", rec.RefreshToken)
	}
}

func TestTokenMinTTL(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	access, refresh := h.emu.IssueToken([]string{"read_account", "offline_access"}, true, time.Hour)
	h.seed(tokenstore.Record{AccessToken: access, RefreshToken: refresh, Expiry: time.Now().Add(5 * time.Minute)})
	if r := h.mustRun("", "token", "ziina"); strings.TrimSpace(r.stdout) != access {
		t.Error("a token valid for 5 minutes was refreshed with the default --min-ttl")
	}
	if r := h.mustRun("", "token", "ziina", "--min-ttl", "10m"); strings.TrimSpace(r.stdout) == access {
		t.Error("--min-ttl 10m did not refresh a token valid for 5 minutes")
	}
}

func TestTokenFailuresKeepRecord(t *testing.T) {
	cases := []struct {
		name  string
		setup func(h *harness)
		code  int
		wants []string
	}{
		{"not logged in", func(h *harness) { keyringWipe(h.t, h.service); h.setupClient() }, 3, []string{"not logged in to ziina", "zauth login ziina"}},
		{"invalid_grant", func(h *harness) { h.emu.RevokeAllRefreshTokens() }, 3, []string{"can no longer be refreshed", "invalid_grant", "zauth login ziina"}},
		{"500", func(h *harness) {
			h.emu.InjectTokenFault(emulator.Fault{Status: 500, Body: "<html>oops</html>", ContentType: "text/html"})
		}, 4, []string{"HTTP 500", "text/html"}},
		{"malformed JSON", func(h *harness) {
			h.emu.InjectTokenFault(emulator.Fault{Status: 200, Body: `{"access_token":`, ContentType: "application/json"})
		}, 4, []string{"not a JSON object"}},
		{"no access_token", func(h *harness) {
			h.emu.InjectTokenFault(emulator.Fault{Status: 200, Body: `{"token_type":"Bearer"}`, ContentType: "application/json"})
		}, 4, []string{"no access_token"}},
		{"negative expires_in", func(h *harness) {
			h.emu.InjectTokenFault(emulator.Fault{Status: 200, Body: `{"access_token":"x","expires_in":-5}`, ContentType: "application/json"})
		}, 4, []string{"not a plausible lifetime"}},
		{"absurd expires_in", func(h *harness) {
			h.emu.InjectTokenFault(emulator.Fault{Status: 200, Body: `{"access_token":"x","expires_in":99999999999}`, ContentType: "application/json"})
		}, 4, []string{"not a plausible lifetime"}},
		{"huge body", func(h *harness) {
			h.emu.InjectTokenFault(emulator.Fault{Status: 200, Body: `{"access_token":"` + strings.Repeat("a", 2<<20) + `"}`, ContentType: "application/json"})
		}, 4, []string{"more than 1048576 bytes"}},
		{"TLS error", func(h *harness) {
			srv := httptest.NewTLSServer(http.NotFoundHandler()) // a certificate nobody trusts
			t.Cleanup(srv.Close)
			h.setenv("ZAUTH_ZIINA_TOKEN_URL=" + srv.URL + "/token")
		}, 4, []string{"cannot reach Ziina token endpoint", "certificate"}},
		{"timeout", func(h *harness) {
			h.setenv("ZAUTH_HTTP_TIMEOUT=300ms")
			h.emu.InjectTokenFault(emulator.Fault{Hang: true})
		}, 4, []string{"did not answer in time"}},
		{"connection refused", func(h *harness) {
			h.setenv(fmt.Sprintf("ZAUTH_ZIINA_TOKEN_URL=http://127.0.0.1:%d/token", testsys.FreePort(t)))
		}, 4, []string{"cannot reach Ziina token endpoint", "refused"}},
		{"no refresh token", func(h *harness) {
			h.seed(tokenstore.Record{AccessToken: "old", Expiry: time.Now().Add(-time.Hour)})
		}, 3, []string{"has no refresh token", "zauth login ziina"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Ziina, emulator.Options{})
			h.setupClient()
			h.seedExpired("default")
			tc.setup(h)
			before := h.rawRecord("default")
			h.run("", "token", "ziina").expect(t, tc.code, tc.wants...)
			if after := h.rawRecord("default"); after != before {
				t.Errorf("the stored record changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// TestTokenConcurrentRefresh: many scripts asking at once on an expired token
// cause exactly one refresh, and all print the same new token.
func TestTokenConcurrentRefresh(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	old, _ := h.seedExpired("default")
	h.emu.InjectTokenFault(emulator.Fault{Delay: 300 * time.Millisecond, Status: 0}) // a slow provider widens the race
	const n = 24
	var wg sync.WaitGroup
	results := make([]result, n)
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); results[i] = h.run("", "token", "ziina") }()
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 || r.stdout != results[0].stdout || strings.TrimSpace(r.stdout) == old {
			t.Errorf("process %d: exit %d stdout %q stderr %q", i, r.code, r.stdout, r.stderr)
		}
	}
	if got := h.emu.RefreshRequests(); got != 1 {
		t.Errorf("the provider saw %d refresh requests, want 1", got)
	}
}

func TestRefreshCommand(t *testing.T) {
	h := newHarness(t, emulator.ZBD, emulator.Options{})
	h.setupClient()
	access, refresh := h.emu.IssueToken([]string{"user"}, true, time.Hour)
	h.seed(tokenstore.Record{AccessToken: access, RefreshToken: refresh, Scopes: []string{"user"}, Expiry: time.Now().Add(time.Hour)})
	r := h.run("", "refresh", "zbd")
	r.expect(t, 0, "Refreshed ZBD (profile default)", "expires in")
	rec, _ := h.record("default")
	if rec.AccessToken == access || strings.Contains(r.stdout+r.stderr, rec.AccessToken) {
		t.Errorf("refresh did not replace the token, or printed it")
	}
	h.run("", "refresh", "zbd", "--profile", "other").expect(t, 3, "not logged in to zbd (profile other)", "zauth login zbd --profile other")
}

// TestInterruptedRefresh: SIGTERM while the provider is slow leaves the
// record as it was and no lock behind.
func TestInterruptedRefresh(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.seedExpired("default")
	before := h.rawRecord("default")
	h.emu.InjectTokenFault(emulator.Fault{Hang: true})
	s := h.start("token", "ziina")
	for range 100 {
		if h.emu.TokenRequests() > 0 {
			break
		}
		sleep()
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	s.wait(t).expect(t, 130, "interrupted")
	if h.rawRecord("default") != before {
		t.Error("an interrupted refresh changed the record")
	}
	r := h.run("", "token", "ziina") // the lock is free again
	if r.code != 0 || strings.TrimSpace(r.stdout) == "" {
		t.Fatalf("token after an interrupted refresh: %+v", r)
	}
}

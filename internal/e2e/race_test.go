package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// indexEntries reads the login index file as zauth left it.
func (h *harness) indexEntries() []tokenstore.Entry {
	h.t.Helper()
	data, err := os.ReadFile(filepath.Join(h.dir, "state", "zauth", "index.json"))
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	var idx []tokenstore.Entry
	if err := json.Unmarshal(data, &idx); err != nil {
		h.t.Fatalf("index.json: %v", err)
	}
	return idx
}

// statusProfiles lists the profiles `zauth status --json` reports.
func (h *harness) statusProfiles() []string {
	h.t.Helper()
	var st []struct{ Provider, Profile string }
	if err := json.Unmarshal([]byte(h.mustRun("", "status", "--json").stdout), &st); err != nil {
		h.t.Fatalf("status --json: %v", err)
	}
	var out []string
	for _, e := range st {
		out = append(out, e.Provider+"/"+e.Profile)
	}
	return out
}

// waitHeld waits until the emulator holds a refresh answer.
func waitHeld(t *testing.T, held <-chan struct{}, s *started) {
	t.Helper()
	select {
	case <-held:
	case <-s.done:
		t.Fatalf("the refreshing zauth ended before its refresh reached the provider:\n%s", s.errText())
	case <-time.After(20 * time.Second):
		t.Fatalf("no refresh reached the provider:\n%s", s.errText())
	}
}

// settle gives a racing process the chance to finish while a refresh is
// held. Correct code must wait for the refresh whatever the timing; the
// grace only lets the old, unlocked code show its race reliably.
func settle(s *started) {
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
	}
}

// raceRefresh holds a refresh (`zauth token --min-ttl 24h`) in flight, runs
// zauth with args meanwhile, then lets the refresh's answer through. The
// refresh must succeed, whatever the timing: whoever else writes the login
// waits for it. It returns the token the refresh printed and the other
// run's result.
func (h *harness) raceRefresh(t *testing.T, provider string, args ...string) (string, result) {
	t.Helper()
	h.setenv("ZAUTH_HTTP_TIMEOUT=30s") // the held answer must not time out
	held, release := h.emu.HoldRefreshes()
	defer release()
	refresher := h.start("token", provider, "--min-ttl", "24h")
	waitHeld(t, held, refresher)
	other := h.start(args...)
	settle(other)
	release()
	r := refresher.wait(t)
	r.expect(t, 0)
	refreshed := strings.TrimSpace(r.stdout)
	if refreshed == "" {
		t.Fatal("the racing refresh printed no token")
	}
	return refreshed, other.wait(t)
}

// TestLogoutRacesRefresh: a logout while a refresh is in flight wins: once
// both have ended nothing of the login is left, and the refresh's late
// answer does not bring it back.
func TestLogoutRacesRefresh(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	scopes := []string{"read_account", "offline_access"}
	access, refresh := h.emu.IssueToken(scopes, true, time.Hour)
	h.seed(tokenstore.Record{AccessToken: access, RefreshToken: refresh, Scopes: scopes, Expiry: time.Now().Add(time.Hour).UTC()})
	h.mustRun("", "refresh", "ziina") // writes the index entry, as a login would
	if got := h.statusProfiles(); !slices.Equal(got, []string{"ziina/default"}) {
		t.Fatalf("status before: %v", got)
	}

	_, logout := h.raceRefresh(t, "ziina", "logout", "ziina")
	logout.expect(t, 0, "Logged out of Ziina (profile default)")

	if raw := h.rawRecord("default"); raw != "" {
		t.Errorf("the keychain still holds the login after logout: %d bytes", len(raw))
	}
	if idx := h.indexEntries(); len(idx) != 0 {
		t.Errorf("the index still lists %+v", idx)
	}
	if got := h.statusProfiles(); len(got) != 0 {
		t.Errorf("status lists %v after logout", got)
	}
	h.run("", "token", "ziina").expect(t, 3, "not logged in to ziina")
}

// TestLoginRacesOlderRefresh: a login that completes while an older refresh
// is in flight is what stays stored, not the refresh's late result.
func TestLoginRacesOlderRefresh(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	old := []string{"read_account", "offline_access"}
	access, refresh := h.emu.IssueToken(old, true, time.Hour)
	h.seed(tokenstore.Record{AccessToken: access, RefreshToken: refresh, Scopes: old, Expiry: time.Now().Add(time.Hour).UTC()})

	refreshed, login := h.raceRefresh(t, "ziina", "login", "ziina", "--scope", "write_refunds+offline_access")
	login.expect(t, 0, "Logged in to Ziina")

	rec, ok := h.record("default")
	if !ok {
		t.Fatal("nothing stored after the login")
	}
	if rec.AccessToken == refreshed || rec.AccessToken == access || !slices.Equal(rec.Scopes, []string{"write_refunds", "offline_access"}) {
		t.Errorf("the stored login is not the new login's: scopes %v, is the refresh's token: %v", rec.Scopes, rec.AccessToken == refreshed)
	}
	idx := h.indexEntries()
	if len(idx) != 1 || !slices.Equal(idx[0].Scopes, rec.Scopes) {
		t.Errorf("index: %+v", idx)
	}
	if r := h.mustRun("", "token", "ziina"); strings.TrimSpace(r.stdout) != rec.AccessToken {
		t.Errorf("token printed another token than the stored login's")
	}
}

// TestLogoutRacesRefreshRevokes: with a provider that revokes, the logout
// that raced a refresh revokes the tokens that refresh obtained: none of
// them stays live.
func TestLogoutRacesRefreshRevokes(t *testing.T) {
	h := newHarness(t, emulator.Generic, emulator.Options{})
	h.acmeConfig()
	h.mustRun("", "login", "acme", "--scope", "read+offline_access")

	refreshed, logout := h.raceRefresh(t, "acme", "logout", "acme")
	logout.expect(t, 0, "the tokens were revoked")

	if introspectActive(t, h, refreshed) {
		t.Error("the token the racing refresh obtained is still live after logout")
	}
	if raw := h.rawRecord("default"); raw != "" {
		t.Error("the keychain still holds the login after logout")
	}
	h.run("", "token", "acme").expect(t, 3, "not logged in to acme")
}

// introspectActive asks the emulator (RFC 7662) whether a token is live.
func introspectActive(t *testing.T, h *harness, token string) bool {
	t.Helper()
	resp, err := http.PostForm(h.emu.URL+"/introspect", url.Values{"token": {token}, "client_id": {clientID}, "client_secret": {acmeSecret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Active bool }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.Active
}

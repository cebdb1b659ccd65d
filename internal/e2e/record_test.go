package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/testsys"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// TestRefreshAfterLoginOnAnotherPort: ZBD checks redirect_uri on refresh,
// so the refresh must send the URI the login was made with, not the
// configured default.
func TestRefreshAfterLoginOnAnotherPort(t *testing.T) {
	other := fmt.Sprintf("http://127.0.0.1:%d/callback", testsys.FreePort(t))
	h := newHarness(t, emulator.ZBD, emulator.Options{RedirectURIs: []string{other}})
	h.setupClient()
	port := strings.TrimSuffix(strings.TrimPrefix(other, "http://127.0.0.1:"), "/callback")
	h.mustRun("", "login", "zbd", "--scope", "user,wallet", "--port", port)
	rec, _ := h.record("default")
	if rec == nil || rec.RedirectURI != other {
		t.Fatalf("record %+v does not carry the redirect URI %s", rec, other)
	}
	h.run("", "refresh", "zbd").expect(t, 0, "Refreshed ZBD")
	// A login that can no longer be refreshed names the command that
	// reproduces it.
	h.emu.RevokeAllRefreshTokens()
	h.run("", "refresh", "zbd").expect(t, 3, "`zauth login zbd --scope user,wallet --port "+port+"`")
}

// TestReloginReusesScopes: login without --scope asks for what the
// profile's previous login asked for; with nothing to go on it refuses.
func TestReloginReusesScopes(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access", "--profile", "work")
	h.mustRun("", "login", "ziina", "--profile", "work")
	if got := h.emu.LastAuthRequest().Get("scope"); got != "read_account offline_access" {
		t.Errorf("re-login asked for scope %q", got)
	}
	before := h.emu.TokenRequests()
	h.run("", "login", "ziina").expect(t, 2, "no scopes", "zauth scopes ziina")
	if h.emu.TokenRequests() != before {
		t.Error("a login without scopes reached the token endpoint")
	}
	rec, _ := h.record("work")
	if rec == nil || !slices.Equal(rec.RequestedScopes, []string{"read_account", "offline_access"}) {
		t.Errorf("record %+v lacks the requested scopes", rec)
	}
	// An explicit empty scope is a choice, remembered like any other.
	h.mustRun("", "login", "ziina", "--scope", "", "--profile", "other")
	h.mustRun("", "login", "ziina", "--profile", "other")
	if q := h.emu.LastAuthRequest(); q.Has("scope") && q.Get("scope") != "" {
		t.Errorf("re-login of an empty-scope login asked for %q", q.Get("scope"))
	}
}

// TestFileStoreIsOneViewWithKeychain: a login kept in the opt-in file is
// found without the flag, listed with its storage, and removed by logout
// --all.
func TestFileStoreIsOneViewWithKeychain(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.mustRun("", "login", "ziina", "--scope", "read_account", "--insecure-storage", "--profile", "file")
	h.mustRun("", "login", "ziina", "--scope", "read_account")
	if r := h.mustRun("", "token", "ziina", "--profile", "file"); strings.TrimSpace(r.stdout) == "" {
		t.Error("no token printed")
	}
	st := h.mustRun("", "status").stdout
	if !regexpLine(st, "ziina", "file", "file") || !regexpLine(st, "ziina", "default", "keychain") {
		t.Errorf("status does not say where each login lives:\n%s", st)
	}
	h.mustRun("", "logout", "--all")
	data, _ := os.ReadFile(filepath.Join(h.dir, "state", "zauth", "tokens.json"))
	if strings.Contains(string(data), "token:") {
		t.Errorf("logout --all left a login in the file:\n%s", data)
	}
	if _, ok := h.record("default"); ok {
		t.Error("logout --all left the keychain login")
	}
}

// regexpLine reports whether some line of s holds every field, in order.
func regexpLine(s string, fields ...string) bool {
	for _, line := range strings.Split(s, "\n") {
		f := strings.Fields(line)
		i := 0
		for _, w := range f {
			if i < len(fields) && w == fields[i] {
				i++
			}
		}
		if i == len(fields) {
			return true
		}
	}
	return false
}

// TestIndexIsACache: a corrupt or deleted index is rebuilt from the
// keychain, and logout --all leaves nothing of zauth's there, also logins
// the index never knew and logins of providers no longer configured.
func TestIndexIsACache(t *testing.T) {
	for _, damage := range []string{"corrupt", "deleted"} {
		t.Run(damage, func(t *testing.T) {
			h := newHarness(t, emulator.Ziina, emulator.Options{})
			h.setupClient()
			for _, p := range []string{"default", "work", "other"} {
				h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access", "--profile", p)
			}
			// Stored by an earlier zauth, never indexed; one of a provider
			// that is no longer configured.
			for _, k := range []string{"token:ziina:lost1", "token:gone:default"} {
				keyringSet(t, h.service, k, `{"v":1,"provider":"x","access_token":"a","refresh_token":"r"}`)
			}
			index := filepath.Join(h.dir, "state", "zauth", "index.json")
			if damage == "corrupt" {
				os.WriteFile(index, []byte(`[{"provider":"ziina","prof`), 0o600)
			} else {
				os.Remove(index)
			}
			st := h.mustRun("", "status").stdout
			for _, p := range []string{"default", "work", "other", "lost1"} {
				if !regexpLine(st, "ziina", p) {
					t.Errorf("status lacks ziina/%s:\n%s", p, st)
				}
			}
			h.mustRun("", "logout", "--all")
			k := &keychain.OS{Service: h.service, Timeout: 10 * time.Second}
			keys, err := k.Keys()
			if err != nil {
				t.Fatal(err)
			}
			for _, key := range keys {
				if strings.HasPrefix(key, "token:") {
					t.Errorf("logout --all left %s in the keychain", key)
				}
			}
		})
	}
}

// TestLogoutByName: a provider no longer configured can be logged out of;
// logging out of nothing says so.
func TestLogoutByName(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.run("", "logout", "ziina", "--profile", "nosuch").expect(t, 3, "not logged in to ziina (profile nosuch)")
	keyringSet(t, h.service, "token:gone:default", `{"v":1,"provider":"gone","profile":"default","access_token":"a"}`)
	h.run("", "logout", "gone").expect(t, 0, "gone")
	if v, err := keyringGet(t, h.service, "token:gone:default"); err == nil {
		t.Errorf("logout left %q", v)
	}
	h.run("", "logout", "gone").expect(t, 3, "not logged in to gone")
}

// TestStatusForPeopleAndScripts: account, human expiry, storage; exit 3
// when a login needs a new login; ZAUTH_PROFILE picks the profile.
func TestStatusForPeopleAndScripts(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")
	r := h.mustRun("", "status")
	if !regexpLine(r.stdout, "ziina", "default", "Emulated", "Shop", "read_account", "offline_access", "in", "yes", "keychain") {
		t.Errorf("status:\n%s", r.stdout)
	}
	var st []map[string]any
	json.Unmarshal([]byte(h.mustRun("", "status", "--json").stdout), &st)
	if len(st) != 1 || st[0]["account"] != "Emulated Shop" || st[0]["storage"] != "keychain" || st[0]["usable"] != true {
		t.Errorf("status --json: %v", st)
	}
	h.seed(tokenstore.Record{Profile: "work", AccessToken: "old", Expiry: time.Now().Add(-8 * time.Minute)})
	h.mustRun("", "refresh", "ziina")
	r = h.run("", "status")
	if r.code != 3 || !regexpLine(r.stdout, "ziina", "work", "expired", "8m", "ago", "no") {
		t.Errorf("status with an expired login: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	h.setenv("ZAUTH_PROFILE=work")
	h.run("", "token", "ziina").expect(t, 3, "profile work", "zauth login ziina --profile work")
}

// TestMinTTLLongerThanLifetime: a provider issuing 2-minute tokens cannot
// meet --min-ttl 10m; zauth refreshes at most once and says why.
func TestMinTTLLongerThanLifetime(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{AccessTTL: 2 * time.Minute})
	h.setupClient()
	h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")
	for range 3 {
		r := h.mustRun("", "token", "ziina", "--min-ttl", "10m")
		if !strings.Contains(r.stderr, "2m") || !strings.Contains(r.stderr, "--min-ttl") {
			t.Errorf("no warning naming the provider's lifetime:\n%s", r.stderr)
		}
	}
	if n := h.emu.RefreshRequests(); n > 1 {
		t.Errorf("%d refreshes for 3 calls", n)
	}
}

// TestRecordV1Migrated: a record written by the previous release keeps
// working, and is written in the current format by the next refresh.
func TestRecordV1Migrated(t *testing.T) {
	h := newHarness(t, emulator.ZBD, emulator.Options{})
	h.setupClient()
	_, refresh := h.emu.IssueToken([]string{"user"}, true, time.Hour)
	v1 := fmt.Sprintf(`{"v":1,"provider":"zbd","profile":"default","client_id":%q,"access_token":"old","refresh_token":%q,"token_type":"Bearer","scopes":["user"],"expires_at":%q,"obtained_at":%q}`,
		clientID, refresh, time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), time.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	setRaw(t, h, "default", v1)
	h.mustRun("", "token", "zbd")
	rec, _ := h.record("default")
	if rec.Version != tokenstore.RecordVersion || rec.RedirectURI != h.redirect || !slices.Equal(rec.RequestedScopes, []string{"user"}) {
		t.Errorf("migrated record: %+v", rec)
	}
	// Where it lives is known from where it was found, not stored in it.
	if st := h.mustRun("", "status", "--jq", ".[0].storage").stdout; st != "keychain\n" {
		t.Errorf("status storage = %q", st)
	}
}

// TestLoginRefreshLogoutJSON: --json prints the stored login's non-secret
// fields, the same names as status --json.
func TestLoginRefreshLogoutJSON(t *testing.T) {
	h := newHarness(t, emulator.ZBD, emulator.Options{})
	h.setupClient()
	var got map[string]any
	r := h.mustRun("", "login", "zbd", "--scope", "user", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got["provider"] != "zbd" || got["account"] != "satoshi" || got["storage"] != "keychain" {
		t.Errorf("login --json: %v %s", err, r.stdout)
	}
	rec, _ := h.record("default")
	r = h.mustRun("", "refresh", "zbd", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got["profile"] != "default" || got["refreshable"] != true {
		t.Errorf("refresh --json: %v %s", err, r.stdout)
	}
	r = h.mustRun("", "logout", "zbd", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got["removed"] != true || got["revoked"] != false {
		t.Errorf("logout --json: %v %s", err, r.stdout)
	}
	if strings.Contains(r.stdout, rec.RefreshToken) {
		t.Error("a token in the JSON")
	}
}

// TestLoginAccount: the account comes from the provider's account API
// (ZBD's gamertag), or an OpenID provider's userinfo; a lookup that fails
// does not fail the login.
func TestLoginAccount(t *testing.T) {
	t.Run("openid userinfo", func(t *testing.T) {
		h := newHarness(t, emulator.Generic, emulator.Options{})
		h.writeConfig(fmt.Sprintf(`providers:
  acme:
    auth_url: %[1]s/authorize
    token_url: %[1]s/token
    issuer: %[1]s
    iss_on_redirect: true
    userinfo_url: %[1]s/userinfo
    client_auth: post
    scopes: {openid: sign in, read: read things}
`, h.emu.URL))
		h.setupClient()
		h.run("", "login", "acme", "--scope", "openid+read").expect(t, 0, "Logged in to acme (profile default) as ada@example.test")
	})
	t.Run("account API down", func(t *testing.T) {
		h := newHarness(t, emulator.ZBD, emulator.Options{})
		h.setupClient()
		h.setenv(fmt.Sprintf("ZAUTH_ZBD_API_URL=http://127.0.0.1:%d", testsys.FreePort(t)))
		h.run("", "login", "zbd", "--scope", "user").expect(t, 0, "Logged in to ZBD (profile default):")
		if rec, _ := h.record("default"); rec == nil || rec.Account != "" {
			t.Errorf("record %+v", rec)
		}
	})
}

package e2e

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

func TestInspect(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{JWTAccessTokens: true})
	h.setupClient()
	h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")
	rec, _ := h.record("default")

	r := h.mustRun("", "inspect", "ziina")
	for _, want := range []string{"Provider:", "ziina", "Client ID:", clientID, "read_account offline_access", "Refreshable:", "yes", "expires in", "signature NOT verified", `"sub"`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout+r.stderr, rec.AccessToken) || strings.Contains(r.stdout+r.stderr, rec.RefreshToken) {
		t.Error("inspect printed a token without --show-token")
	}
	if r2 := h.mustRun("", "inspect"); !strings.HasPrefix(strings.Join(strings.Fields(r2.stdout), " "), "Provider: ziina Profile: default Account: Emulated Shop ") {
		t.Errorf("inspect without a provider, one login stored:\n%s", r2.stdout)
	}
	if r := h.mustRun("", "inspect", "ziina", "--show-token"); !strings.Contains(r.stdout, rec.AccessToken) || strings.Contains(r.stdout, rec.RefreshToken) {
		t.Error("--show-token must show the access token, and only it")
	}

	var doc map[string]any
	if err := json.Unmarshal([]byte(h.mustRun("", "inspect", "ziina", "--json").stdout), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"provider", "profile", "client_id", "scopes", "token_type", "obtained_at", "expires_at", "expires_in_seconds", "expired", "refreshable", "jwt"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("inspect --json lacks %q: %v", k, doc)
		}
	}
	if _, ok := doc["access_token"]; ok {
		t.Error("inspect --json has the access token without --show-token")
	}

	r = h.mustRun("", "inspect", "ziina", "--remote", "--json")
	if !strings.Contains(r.stdout, `"account_id"`) {
		t.Errorf("inspect --remote lacks the account:\n%s", r.stdout)
	}
}

func TestInspectRemoteZBD(t *testing.T) {
	h := newHarness(t, emulator.ZBD, emulator.Options{})
	h.setupClient()
	h.mustRun("", "login", "zbd", "--scope", "user,wallet")
	r := h.mustRun("", "inspect", "zbd", "--remote")
	for _, want := range []string{"/v1/oauth2/user", "gamertag", "/v1/oauth2/wallet", "balance"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("inspect --remote lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestStatusAndLogout(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")
	h.mustRun("", "login", "ziina", "--scope", "write_refunds", "--profile", "work")
	recs := []string{h.rawRecord("default"), h.rawRecord("work")}

	r := h.mustRun("", "status")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "PROVIDER") ||
		!strings.Contains(lines[1], "ziina") || !strings.Contains(lines[1], "default") || !strings.Contains(lines[1], "yes") ||
		!strings.Contains(lines[2], "work") || !strings.Contains(lines[2], "write_refunds") || !strings.Contains(lines[2], "no") {
		t.Errorf("status:\n%s", r.stdout)
	}
	var st []map[string]any
	if err := json.Unmarshal([]byte(h.mustRun("", "status", "--json").stdout), &st); err != nil || len(st) != 2 {
		t.Fatalf("status --json: %v %v", st, err)
	}
	for _, k := range []string{"provider", "profile", "client_id", "scopes", "obtained_at", "expires_at", "expired", "refreshable"} {
		if _, ok := st[0][k]; !ok {
			t.Errorf("status --json lacks %q", k)
		}
	}
	all := h.mustRun("", "status").stdout + h.mustRun("", "status", "--json").stdout
	for _, raw := range recs {
		var rec tokenstore.Record
		json.Unmarshal([]byte(raw), &rec)
		if strings.Contains(all, rec.AccessToken) {
			t.Error("status printed a token")
		}
	}

	h.run("", "inspect").expect(t, 2, "2 logins are stored (ziina/default, ziina/work)")
	h.run("", "logout", "ziina", "--profile", "work").expect(t, 0, "Logged out of Ziina (profile work)", "no revocation endpoint")
	if _, ok := h.record("work"); ok {
		t.Error("logout left the record")
	}
	if _, ok := h.record("default"); !ok {
		t.Error("logout of one profile removed another")
	}
	h.run("", "logout").expect(t, 2, "name a provider, or pass --all")
	h.mustRun("", "logout", "--all")
	if _, ok := h.record("default"); ok {
		t.Error("logout --all left a record")
	}
	if r := h.run("", "status"); r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "No stored logins") {
		t.Errorf("status after logout --all: %+v", r)
	}
	h.run("", "token", "ziina").expect(t, 3, "zauth login ziina")
}

func TestCorruptRecordIsIsolated(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.seed(tokenstore.Record{AccessToken: "good", Expiry: time.Now().Add(time.Hour)})
	h.seed(tokenstore.Record{Profile: "work", AccessToken: "x"})
	setRaw(t, h, "work", "{not json")
	h.run("", "token", "ziina", "--profile", "work").expect(t, 3, "unreadable", "zauth logout ziina --profile work")
	if r := h.mustRun("", "token", "ziina"); r.stdout != "good\n" {
		t.Errorf("the intact profile stopped working: %q", r.stdout)
	}
	h.mustRun("", "logout", "ziina", "--profile", "work")
}

package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/exitcode"
)

// TestLoginTokenRefreshLogout: a login through the scripted browser, the
// token in each format, a refresh forced by the clock, status, inspect,
// and logout, all in-process against the Ziina emulator.
func TestLoginTokenRefreshLogout(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.must(exitcode.LoginNeeded, "", "token", "ziina")

	errOut := f.login("--scope", "read_account+offline_access")
	contains(t, "login", errOut, "Logged in to Ziina (profile default)", "refreshable")
	if f.opened != 1 {
		t.Errorf("browser opened %d times", f.opened)
	}

	raw, _ := f.must(0, "", "token", "ziina")
	tok := strings.TrimSpace(raw)
	if tok == "" || strings.ContainsAny(tok, " \n") {
		t.Fatalf("token = %q", raw)
	}
	if out, _ := f.must(0, "", "token", "ziina", "--format", "header"); out != "Authorization: Bearer "+tok+"\n" {
		t.Errorf("header format: %q", out)
	}
	out, _ := f.must(0, "", "token", "ziina", "--format", "json")
	var j map[string]any
	if err := json.Unmarshal([]byte(out), &j); err != nil || j["access_token"] != tok {
		t.Errorf("json format: %v %s", err, out)
	}
	if out, _ := f.must(0, "", "token", "ziina", "--format", "env"); !strings.Contains(out, tok) {
		t.Errorf("env format: %q", out)
	}
	f.must(exitcode.Usage, "", "token", "ziina", "--format", "yaml")

	// A token that does not last --min-ttl is refreshed, once.
	before := f.emu.RefreshRequests()
	fresh, _ := f.must(0, "", "token", "ziina", "--min-ttl", "90m")
	if strings.TrimSpace(fresh) == tok || f.emu.RefreshRequests() != before+1 {
		t.Errorf("token not refreshed for --min-ttl: %d refreshes", f.emu.RefreshRequests()-before)
	}
	if again, _ := f.must(0, "", "token", "ziina"); again != fresh {
		t.Error("a fresh token was refreshed again")
	}
	_, errOut = f.must(0, "", "refresh", "ziina")
	contains(t, "refresh", errOut, "Refreshed Ziina (profile default)")
	out, _ = f.must(0, "", "refresh", "ziina", "--json")
	contains(t, "refresh --json", out, `"provider": "ziina"`)

	out, _ = f.must(0, "", "status")
	contains(t, "status", out, "ziina", "default")
	out, _ = f.must(0, "", "status", "--json")
	contains(t, "status --json", out, `"profile": "default"`)

	out, _ = f.must(0, "", "inspect", "ziina")
	contains(t, "inspect", out, "Provider:", "ziina", "Refreshable:", "yes")
	if strings.Contains(out, tok) {
		t.Error("inspect printed the token without --show-token")
	}
	out, _ = f.must(0, "", "inspect", "ziina", "--remote", "--json")
	contains(t, "inspect --remote --json", out, `"remote"`)

	// By zauth's clock the token has expired: status says so.
	f.advance(3 * time.Hour)
	out, _ = f.must(0, "", "status")
	contains(t, "status, later", out, "expired")

	_, errOut = f.must(0, "", "logout", "ziina")
	contains(t, "logout", errOut, "Logged out of Ziina (profile default)")
	_, errOut = f.must(exitcode.LoginNeeded, "", "token", "ziina")
	contains(t, "token after logout", errOut, "not logged in to ziina (profile default); run `zauth login ziina`")
}

// TestRefreshRejected: a refresh token the provider no longer accepts is
// exit 3 with the login command that repeats the login; the stored login
// stays.
func TestRefreshRejected(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account+offline_access", "--profile", "work")
	f.emu.RevokeAllRefreshTokens()
	_, errOut := f.must(exitcode.LoginNeeded, "", "refresh", "ziina", "--profile", "work")
	contains(t, "refresh", errOut, "can no longer be refreshed",
		"run `zauth login ziina --profile work --scope read_account,offline_access`")
	if _, err := f.store.Load("ziina", "work"); err != nil {
		t.Errorf("the failed refresh lost the login: %v", err)
	}
}

// TestProviderDown: a 503 from the token endpoint is exit 4, and the
// login is kept.
func TestProviderDown(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account+offline_access")
	f.emu.InjectTokenFault(emulator.Fault{Status: 503, Body: `{"error":"temporarily_unavailable"}`, ContentType: "application/json"})
	f.must(exitcode.Provider, "", "refresh", "ziina")
	f.must(0, "", "token", "ziina")
}

// TestClientRejected: invalid_client is exit 2 with the hint naming the
// command that shows the client settings.
func TestClientRejected(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account+offline_access")
	t.Setenv("ZAUTH_ZIINA_CLIENT_SECRET", "wrong")
	_, errOut := f.must(exitcode.Usage, "", "refresh", "ziina")
	contains(t, "refresh", errOut, "`zauth client show ziina`")
	if n := strings.Count(errOut, "zauth client show"); n != 1 {
		t.Errorf("the hint is given %d times:\n%s", n, errOut)
	}
}

// TestLoginDenied: consent denied in the browser stores nothing.
func TestLoginDenied(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.deny = true
	_, errOut, code := f.run("", "login", "ziina", "--scope", "read_account")
	<-f.browser
	if code == 0 || !strings.Contains(errOut, "access_denied") {
		t.Errorf("denied login: exit %d\n%s", code, errOut)
	}
	f.must(exitcode.LoginNeeded, "", "token", "ziina")
}

// TestLoginErrors: the usage errors of login, each with its hint.
func TestLoginErrors(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	_, errOut := f.must(exitcode.Usage, "", "login", "ziina")
	contains(t, "no scopes", errOut, "no scopes to request from ziina; pass --scope (see `zauth scopes ziina`)")
	_, errOut = f.must(exitcode.Usage, "", "login", "ziina", "--scope", "nope")
	contains(t, "bad scope", errOut, "nope")
	_, errOut = f.must(exitcode.Usage, "", "login", "paypal")
	contains(t, "unknown provider", errOut, `unknown provider "paypal"`, "zauth providers add")
	t.Setenv("ZAUTH_ZIINA_CLIENT_ID", "")
	_, errOut = f.must(exitcode.Usage, "", "login", "ziina", "--scope", "read_account")
	contains(t, "no client id", errOut, "no client id configured for ziina; run `zauth client set ziina --client-id ID --secret-stdin`, or set ZAUTH_ZIINA_CLIENT_ID")
	if f.opened != 0 {
		t.Error("a browser was opened for a login that could not work")
	}
}

// TestZBDAPIAndExec: ZBD's API with the project key, `api` with --jq and
// -i, and `exec` handing the token to a child.
func TestZBDAPIAndExec(t *testing.T) {
	f := newFixture(t, emulator.ZBD)
	f.login("--scope", "user,wallet")
	out, _ := f.must(0, "", "api", "zbd", "/v1/oauth2/user")
	contains(t, "api", out, "data")
	out, _ = f.must(0, "", "api", "zbd", "/v1/oauth2/wallet", "--jq", ".data.balance, .")
	if want := "98251000\n" + `{"data":{"balance":"98251000","remainingAmountLimits":{"daily":"5000000","monthly":"50000000"}},"success":true}` + "\n"; out != want {
		t.Errorf("api --jq: %q, want %q", out, want)
	}
	out, _ = f.must(0, "", "api", "zbd", "/v1/oauth2/user", "-i")
	contains(t, "api -i", out, "HTTP/", "200")
	f.must(exitcode.Usage, "", "api", "zbd", "https://evil.example/steal")

	tok, _ := f.must(0, "", "token", "zbd")
	dir := t.TempDir()
	outFile := filepath.Join(dir, "out")
	f.must(0, "", "exec", "zbd", "--env", "MY_TOKEN", "--", "sh", "-c", `printf %s "$MY_TOKEN" > "$0"`, outFile)
	if got, _ := os.ReadFile(outFile); string(got) != strings.TrimSpace(tok) {
		t.Errorf("exec passed %q", got)
	}
	_, _, code := f.run("", "exec", "zbd", "--", "sh", "-c", "exit 7")
	if code != 7 {
		t.Errorf("exec exit = %d, want the child's 7", code)
	}

	t.Setenv("ZAUTH_ZBD_API_KEY", "")
	out, _ = f.must(exitcode.Usage, "", "inspect", "zbd", "--remote")
	contains(t, "inspect without API key", out, "failed: ZBD API calls need the project API key; store it with `zauth client set zbd --client-id ID --api-key-stdin`, or set ZAUTH_ZBD_API_KEY")
}

// TestClientCommands: client set (secret from stdin into the store), show
// and delete.
func TestClientCommands(t *testing.T) {
	f := newFixture(t, emulator.ZBD)
	t.Setenv("ZAUTH_ZBD_CLIENT_SECRET", "")
	t.Setenv("ZAUTH_ZBD_CLIENT_ID", "")
	f.must(0, "s3cret\nk3y\n", "client", "set", "zbd", "--client-id", "cid", "--secret-stdin", "--api-key-stdin")
	if v, err := f.store.Secret("zbd", "client_secret"); err != nil || v != "s3cret" {
		t.Errorf("stored secret = %q, %v", v, err)
	}
	out, _ := f.must(0, "", "client", "show", "zbd")
	contains(t, "client show", out, "cid")
	if strings.Contains(out, "s3cret") {
		t.Error("client show printed the secret")
	}
	out, _ = f.must(0, "", "client", "show", "zbd", "--json")
	contains(t, "client show --json", out, `"cid"`)
	f.must(0, "", "client", "delete", "zbd")
	if v, _ := f.store.Secret("zbd", "client_secret"); v != "" {
		t.Error("client delete left the secret")
	}
	_, errOut := f.must(exitcode.Usage, "", "login", "zbd", "--scope", "user")
	contains(t, "after delete", errOut, "no client id configured for zbd")
}

// TestGenericProvider: providers add discovers an issuer, and a login to
// it works; providers and scopes list it.
func TestGenericProvider(t *testing.T) {
	f := newFixture(t, emulator.Generic)
	f.must(0, "", "providers", "add", "acme", "--issuer", f.emu.Issuer, "--dry-run")
	f.must(0, "", "providers", "add", "acme", "--issuer", f.emu.Issuer)
	out, _ := f.must(0, "", "providers")
	contains(t, "providers", out, "acme", "ziina", "zbd")
	f.must(0, "", "providers", "--json")
	f.must(0, "", "scopes", "acme")
	f.login("--scope", "openid+offline_access")
	f.must(0, "", "inspect", "acme", "--remote")
	_, errOut := f.must(0, "", "logout", "acme")
	contains(t, "logout", errOut, "tokens were revoked")
	if f.emu.RevokedTokens() == 0 {
		t.Error("logout revoked nothing")
	}
}

// TestDoctorAndLogoutAll: doctor offline, and logout --all over several
// logins.
func TestDoctorAndLogoutAll(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account+offline_access")
	f.login("--scope", "read_account", "--profile", "work")
	_, _, code := f.run("", "doctor", "--offline")
	if code != 0 && code != 1 {
		t.Errorf("doctor exit %d", code)
	}
	out, _, _ := f.run("", "doctor", "--offline", "--json")
	var d struct{ Checks []any }
	if err := json.Unmarshal([]byte(out), &d); err != nil || len(d.Checks) == 0 {
		t.Errorf("doctor --json: %v\n%s", err, out)
	}
	out, _ = f.must(0, "", "logout", "--all", "--json")
	contains(t, "logout --all", out, `"work"`, `"default"`)
	out, _ = f.must(0, "", "status")
	if strings.Contains(out, "work") {
		t.Errorf("status after logout --all:\n%s", out)
	}
}

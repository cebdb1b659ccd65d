package e2e

import (
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
)

func TestLoginZiina(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	r := h.run("", "login", "ziina", "--scope", testScopes)
	r.expect(t, 0, "Logged in to Ziina (profile default)", "write_refunds offline_access", "refreshable")

	q := h.emu.LastAuthRequest()
	for k, want := range map[string]string{
		"client_id": clientID, "redirect_uri": h.redirect, "response_type": "code",
		"scope": "write_refunds offline_access", "prompt": "consent", "code_challenge_method": "S256",
	} {
		if got := q.Get(k); got != want {
			t.Errorf("authorization request %s = %q, want %q", k, got, want)
		}
	}
	if len(q.Get("state")) != 43 || len(q.Get("code_challenge")) != 43 {
		t.Errorf("state %q / code_challenge %q are not 32-byte base64url values", q.Get("state"), q.Get("code_challenge"))
	}

	rec, ok := h.record("default")
	if !ok {
		t.Fatal("no record in the keychain after login")
	}
	if rec.AccessToken == "" || rec.RefreshToken == "" || rec.ClientID != clientID || rec.Provider != "ziina" ||
		!slices.Equal(rec.Scopes, []string{"write_refunds", "offline_access"}) || rec.TokenType != "Bearer" {
		t.Errorf("stored record: %+v", rec)
	}
	if d := time.Until(rec.Expiry); d < 55*time.Minute || d > time.Hour+time.Minute {
		t.Errorf("expiry %v is not about an hour away", rec.Expiry)
	}
	for _, secret := range []string{rec.AccessToken, rec.RefreshToken, ziinaPass} {
		if strings.Contains(r.stdout+r.stderr, secret) {
			t.Errorf("a token or secret appeared in the output")
		}
	}
	logged, _ := os.ReadFile(filepath.Join(h.dir, "browser.log"))
	if !strings.Contains(string(logged), "/callback") {
		t.Errorf("the browser never reached the listener:\n%s", logged)
	}
}

func TestLoginZiinaWithoutOfflineAccessHasNoPrompt(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.mustRun("", "login", "ziina", "--scope", "read_account", "--scope", "write_refunds")
	if p := h.emu.LastAuthRequest().Get("prompt"); p != "" {
		t.Errorf("prompt=%q sent without offline_access", p)
	}
	rec, _ := h.record("default")
	if rec == nil || rec.RefreshToken != "" {
		t.Errorf("record %+v: want one without a refresh token", rec)
	}
}

func TestLoginZBD(t *testing.T) {
	for name, camel := range map[string]bool{"snake_case": false, "camelCase": true} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, emulator.ZBD, emulator.Options{CamelCase: camel})
			h.setupClient()
			r := h.run("", "login", "zbd", "--scope", "user,wallet", "--profile", "work")
			r.expect(t, 0, "Logged in to ZBD (profile work)", "user wallet")
			q := h.emu.LastAuthRequest()
			if q.Get("scope") != "user,wallet" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
				t.Errorf("authorization request: %v", q)
			}
			rec, ok := h.record("work")
			if !ok || rec.AccessToken == "" || rec.RefreshToken == "" || !slices.Equal(rec.Scopes, []string{"user", "wallet"}) {
				t.Fatalf("stored record: %+v", rec)
			}
		})
	}
}

func TestLoginRejectsBadInput(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.run("", "login", "ziina", "--scope", "write_refund").expect(t, 2, `unknown ziina scope "write_refund"`, `did you mean "write_refunds"`, "read_account")
	h.run("", "login", "paypal").expect(t, 2, `unknown provider "paypal"`, "zbd, ziina")
	h.run("", "login", "ziina", "--redirect-uri", "https://example.com/cb").expect(t, 2, "must be http://HOST:PORT/PATH with a loopback HOST")
	h.run("", "login", "ziina", "--profile", "../x").expect(t, 2, "invalid profile name")
	if h.emu.TokenRequests() != 0 {
		t.Error("a bad command reached the token endpoint")
	}
}

func TestLoginNeedsClient(t *testing.T) {
	h := newHarness(t, emulator.ZBD, emulator.Options{})
	h.run("", "login", "zbd").expect(t, 2, "no client id configured for zbd", "zauth client set zbd")
	h.mustRun("", "client", "set", "zbd", "--client-id", clientID)
	h.run("", "login", "zbd").expect(t, 2, "no zbd client secret stored")
	h.setenv("ZAUTH_ZBD_CLIENT_SECRET=" + zbdSecret)
	h.mustRun("", "login", "zbd", "--scope", "user")
}

func TestLoginDenied(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.setenv("ZAUTH_TESTBROWSER_DECISION=deny")
	h.run("", "login", "ziina", "--scope", "read_account").expect(t, 1, "access_denied")
	if _, ok := h.record("default"); ok {
		t.Error("a denied login stored a record")
	}
}

func TestLoginTimeout(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.setenv("ZAUTH_TESTBROWSER_MODE=none")
	r := h.run("", "login", "ziina", "--scope", "read_account", "--timeout", "1s")
	r.expect(t, 3, "no answer from the browser within 1s", "nothing was stored")
	if _, ok := h.record("default"); ok {
		t.Error("stored a record after a timeout")
	}
}

func TestLoginInterrupted(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.setenv("ZAUTH_TESTBROWSER_MODE=none")
	s := h.start("login", "ziina", "--scope", "read_account")
	s.authURL(t)
	s.cmd.Process.Signal(syscall.SIGINT)
	s.wait(t).expect(t, 130, "interrupted")
	if _, ok := h.record("default"); ok {
		t.Error("stored a record after Ctrl-C")
	}
}

func TestLoginPortInUse(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	u, _ := url.Parse(h.redirect)
	busy, err := net.Listen("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	h.run("", "login", "ziina", "--scope", "read_account").expect(t, 2, "port "+u.Port()+" is in use", "--port")
}

// TestLoginNoBrowserPaste is the SSH flow: the user opens the URL elsewhere
// and pastes the URL the browser was sent to.
func TestLoginNoBrowserPaste(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	s := h.start("login", "ziina", "--no-browser", "--scope", "read_account")
	authURL := s.authURL(t)
	redirected := consent(t, authURL)
	if _, err := s.stdin.Write([]byte("not a url\n" + redirected + "\n")); err != nil {
		t.Fatal(err)
	}
	r := s.wait(t)
	r.expect(t, 0, "Logged in to Ziina", "that is not the redirect URL")
	if rec, ok := h.record("default"); !ok || rec.AccessToken == "" {
		t.Fatal("no record after a pasted login")
	}
}

// consent approves the consent page like a user would, without following the
// final redirect, and returns the URL the browser would have been sent to.
func consent(t *testing.T, authURL string) string {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(resp)
	action, fields := parseForm(t, authURL, page)
	fields.Set("decision", "approve")
	resp, err = c.PostForm(action, fields)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if loc == "" {
		t.Fatalf("consent answered %s without a redirect", resp.Status)
	}
	return loc
}

// TestLoginCodeExpired: Ziina codes live a minute; a code exchanged too late
// is refused and nothing is stored.
func TestLoginCodeExpired(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{CodeTTL: time.Nanosecond})
	h.setupClient()
	h.run("", "login", "ziina", "--scope", "read_account").expect(t, 3, "invalid_grant", "authorization code is expired")
	if _, ok := h.record("default"); ok {
		t.Error("stored a record for an expired code")
	}
}

// TestSecondLoginRacesForThePort: while one login waits for its browser, a
// second one on the same redirect URI fails at once, naming the port.
func TestSecondLoginRacesForThePort(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.setenv("ZAUTH_TESTBROWSER_MODE=none")
	first := h.start("login", "ziina", "--scope", "read_account")
	first.authURL(t) // listening
	u, _ := url.Parse(h.redirect)
	h.run("", "login", "ziina", "--scope", "read_account", "--profile", "other").expect(t, 2, "port "+u.Port()+" is in use (another zauth login?)")
	first.cmd.Process.Signal(syscall.SIGINT)
	first.wait(t).expect(t, 130)
}

package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
)

// TestVerboseLeaksNothing runs every command with --verbose through a full
// login and refresh, and checks that no code, verifier, token or secret
// appears anywhere in the output that is not the requested token.
func TestVerboseLeaksNothing(t *testing.T) {
	for _, kind := range []emulator.Kind{emulator.Ziina, emulator.ZBD} {
		t.Run(string(kind), func(t *testing.T) {
			h := newHarness(t, kind, emulator.Options{})
			h.setupClient()
			p := string(kind)
			scope := map[emulator.Kind]string{emulator.Ziina: "read_account+offline_access", emulator.ZBD: "user,wallet"}[kind]
			var out strings.Builder
			collect := func(r result) { out.WriteString(r.stdout + r.stderr) }
			collect(h.mustRun("", "--verbose", "login", p, "--scope", scope))
			collect(h.mustRun("", "--verbose", "refresh", p))
			h.setenv("ZAUTH_DEBUG=1")
			collect(h.mustRun("", "inspect", p, "--remote"))
			collect(h.mustRun("", "inspect", p, "--json"))
			collect(h.mustRun("", "status", "--json"))
			collect(h.mustRun("", "client", "show", p))
			tok := h.mustRun("", "token", p, "--min-ttl", "2h") // forces a refresh
			collect(result{stderr: tok.stderr})
			collect(h.run("", "--verbose", "token", p, "--format", "nope"))

			log := out.String()
			for _, want := range []string{"> POST " + h.emu.TokenURL(), "< 200 OK", "[REDACTED]", "grant_type"} {
				if !strings.Contains(log, want) {
					t.Errorf("the trace lacks %q", want)
				}
			}
			if n := len(h.emu.Secrets()); n < 5 {
				t.Fatalf("only %d secrets issued: the test proves nothing", n)
			}
			h.noSecretIn(log)
		})
	}
}

// TestVerboseMislabelledTokenResponse: a provider that labels its JSON
// token responses as a form must not get its tokens printed by --verbose;
// the trace redacts by what the body is, not by its label.
func TestVerboseMislabelledTokenResponse(t *testing.T) {
	for _, kind := range []emulator.Kind{emulator.Ziina, emulator.ZBD} {
		t.Run(string(kind), func(t *testing.T) {
			h := newHarness(t, kind, emulator.Options{TokenContentType: "application/x-www-form-urlencoded"})
			h.setupClient()
			p := string(kind)
			scope := map[emulator.Kind]string{emulator.Ziina: "read_account+offline_access", emulator.ZBD: "user,wallet"}[kind]
			log := h.mustRun("", "--verbose", "login", p, "--scope", scope).stderr
			log += h.mustRun("", "--verbose", "refresh", p).stderr
			for _, want := range []string{"Content-Type: application/x-www-form-urlencoded", `"access_token":"[REDACTED]"`, `"token_type":"Bearer"`} {
				if !strings.Contains(log, want) {
					t.Errorf("the trace lacks %q", want)
				}
			}
			if n := len(h.emu.Secrets()); n < 2 {
				t.Fatalf("only %d secrets issued: the test proves nothing", n)
			}
			h.noSecretIn(log)
		})
	}
}

// TestVerboseRedactsUserHeaders: credentials the user passes with
// `zauth api -H` are redacted in the trace like zauth's own.
func TestVerboseRedactsUserHeaders(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.mustRun("", "login", "ziina", "--scope", "read_account")
	r := h.mustRun("", "--verbose", "api", "ziina", "/account",
		"-H", "X-Api-Key: S3CRET-api-key", "-H", "Proxy-Authorization: Basic S3CRET-proxy",
		"-H", "X-Auth-Token: S3CRET-auth", "-H", "Cookie: sid=S3CRET-cookie", "-H", "X-Request-Id: visible-42")
	for _, want := range []string{"> X-Api-Key: [REDACTED]", "> Proxy-Authorization: Basic [REDACTED]", "> X-Request-Id: visible-42"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("the trace lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "S3CRET") {
		t.Errorf("the trace leaks a header value:\n%s", r.stderr)
	}
	if n := len(h.emu.Secrets()); n < 2 {
		t.Fatalf("only %d secrets issued: the test proves nothing", n)
	}
	h.noSecretIn(r.stderr)
}

// TestNoDBus: without a session bus zauth stops with exit 5 and explains the
// opt-in; the file backend is used only when asked for, with a warning.
func TestNoDBus(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setenv("DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR="+filepath.Join(h.dir, "no-runtime"))
	h.run(ziinaPass+"\n", "client", "set", "ziina", "--client-id", clientID, "--username", ziinaUser, "--secret-stdin").
		expect(t, 5, "no D-Bus session bus", "--insecure-storage", "ZAUTH_STORAGE=file")
	h.run("", "token", "ziina").expect(t, 5, "no D-Bus session bus")

	const warning = "warning: using insecure storage"
	h.run(ziinaPass+"\n", "--insecure-storage", "client", "set", "ziina", "--client-id", clientID, "--username", ziinaUser, "--secret-stdin").expect(t, 0, warning)
	h.run("", "--insecure-storage", "login", "ziina", "--scope", "read_account+offline_access").expect(t, 0, warning, "Logged in to Ziina")
	h.setenv("ZAUTH_STORAGE=file")
	r := h.run("", "token", "ziina")
	r.expect(t, 0, warning)
	if strings.TrimSpace(r.stdout) == "" {
		t.Fatal("no token from the file backend")
	}
	file := filepath.Join(h.dir, "state", "zauth", "tokens.json")
	st, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := os.Stat(filepath.Dir(file))
	if st.Mode().Perm() != 0o600 || dir.Mode().Perm() != 0o700 {
		t.Errorf("modes: file %v dir %v", st.Mode().Perm(), dir.Mode().Perm())
	}
	if _, ok := h.record("default"); ok {
		t.Error("the file backend wrote to the keychain")
	}
}

// TestHungKeychain: a Secret Service that accepts the connection and never
// answers must not hang a script.
func TestHungKeychain(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	sock := filepath.Join(h.dir, "bus")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // hold it open, say nothing
		}
	}()
	h.setenv("DBUS_SESSION_BUS_ADDRESS=unix:path="+sock, "ZAUTH_KEYRING_TIMEOUT=500ms")
	start := time.Now()
	h.run("", "token", "ziina").expect(t, 5, "did not answer", "within 500ms")
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %s", d)
	}
}

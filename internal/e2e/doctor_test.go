package e2e

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/emulator"
)

// doctorReport runs `zauth doctor --json` and returns its checks by line.
func doctorReport(t *testing.T, h *harness, args ...string) (lines []string, healthy bool, code int) {
	t.Helper()
	r := h.run("", append([]string{"doctor", "--json"}, args...)...)
	var rep struct {
		Healthy bool `json:"healthy"`
		Checks  []struct{ Check, Status, Detail, Fix string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("doctor --json: %v\nstdout: %s\nstderr: %s", err, r.stdout, r.stderr)
	}
	for _, c := range rep.Checks {
		lines = append(lines, c.Status+" "+c.Check+": "+c.Detail+" | "+c.Fix)
	}
	return lines, rep.Healthy, r.code
}

func hasLine(lines []string, parts ...string) bool {
	for _, l := range lines {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return true
		}
	}
	return false
}

func TestDoctorHealthy(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	lines, healthy, code := doctorReport(t, h)
	if !healthy || code != 0 {
		t.Fatalf("healthy setup: exit %d\n%s", code, strings.Join(lines, "\n"))
	}
	for _, want := range [][]string{
		{"ok config file:"},
		{"ok config: no unknown keys"},
		{"ok D-Bus session"},
		{"ok keychain:", "write, read and delete work"},
		{"ok login index:"},
		{"ok provider ziina: client id " + clientID},
		{"ok provider ziina: password available"},
		{"ok provider ziina: redirect URI " + h.redirect + " can be listened on"},
		{"ok provider ziina:", "answers (HTTP"},
	} {
		if !hasLine(lines, want...) {
			t.Errorf("no line with %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	// The human form: the same checks, one line each, exit 0.
	r := h.mustRun("", "doctor", "--offline")
	if !strings.Contains(r.stdout, "ok    keychain: ") || !strings.Contains(r.stdout, "skip  provider ziina: endpoints not checked (--offline)") {
		t.Errorf("doctor --offline:\n%s", r.stdout)
	}
}

func TestDoctorFindsProblems(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	// A typo in the config file, and a busy redirect port.
	cfg := filepath.Join(h.dir, "config", "zauth", "config.yaml")
	data, _ := os.ReadFile(cfg)
	if err := os.WriteFile(cfg, append(data, []byte("zbd:\n  clientid: oops\n")...), 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", strings.TrimSuffix(strings.TrimPrefix(h.redirect, "http://"), "/callback"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	h.setenv("ZAUTH_HTTP_TIMEOUT=bogus")

	lines, healthy, code := doctorReport(t, h, "--offline")
	if healthy || code != 1 {
		t.Fatalf("exit %d, healthy %v\n%s", code, healthy, strings.Join(lines, "\n"))
	}
	for _, want := range [][]string{
		{"fail config: unknown key zbd.clientid in the config file; did you mean zbd.client_id?"},
		{"fail config: ZAUTH_HTTP_TIMEOUT=\"bogus\" is not a valid value"},
		{"fail provider ziina: redirect URI " + h.redirect + ": port", "is in use", "--port"},
		{"ok keychain:"},
	} {
		if !hasLine(lines, want...) {
			t.Errorf("no line with %q:\n%s", want, strings.Join(lines, "\n"))
		}
	}
	// Other commands warn about the same config problems, and go on.
	r := h.run("", "scopes", "ziina")
	if r.code != 0 || !strings.Contains(r.stderr, "zauth: warning: unknown key zbd.clientid in the config file; did you mean zbd.client_id?") {
		t.Errorf("scopes with a config typo: exit %d\n%s", r.code, r.stderr)
	}
}

func TestDoctorWithoutDBus(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	var env []string
	for _, kv := range h.env {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") && !strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") {
			env = append(env, kv)
		}
	}
	h.env = env
	lines, healthy, code := doctorReport(t, h, "--offline")
	if healthy || code != 1 || !hasLine(lines, "fail D-Bus session: there is no D-Bus session bus", "--insecure-storage") {
		t.Errorf("exit %d\n%s", code, strings.Join(lines, "\n"))
	}

	// Having opted in to the file, as that advice says, doctor checks the
	// file instead of the keychain zauth no longer needs.
	h.run(ziinaPass+"\n", "--insecure-storage", "client", "set", "ziina", "--client-id", clientID, "--username", ziinaUser, "--secret-stdin").expect(t, 0)
	lines, _, _ = doctorReport(t, h, "--offline", "--insecure-storage")
	tokens := filepath.Join(h.stateDir(), "tokens.json")
	if hasLine(lines, "D-Bus session") || !hasLine(lines, "warn storage: tokens are kept unencrypted in "+tokens) ||
		!hasLine(lines, "ok file store: "+tokens+" has mode 0600") {
		t.Errorf("doctor --insecure-storage without D-Bus:\n%s", strings.Join(lines, "\n"))
	}
}

// TestLockedKeyring: a Secret Service whose collection is locked. Doctor
// and every other command say it is locked and how to unlock it (exit 5).
func TestLockedKeyring(t *testing.T) {
	if _, err := exec.LookPath("dbus-run-session"); err != nil {
		t.Skip("dbus-run-session not installed")
	}
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	home := t.TempDir()
	run := t.TempDir()
	os.Chmod(run, 0o700)
	// A private bus with a keyring daemon that was started but never
	// unlocked: its default collection stays locked.
	script := `gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1
"$@" doctor --offline --json > "$OUT_DIR/doctor.json"; echo $? > "$OUT_DIR/doctor.code"
printf 'secret\n' | "$@" client set ziina --client-id c --secret-stdin 2> "$OUT_DIR/set.err"; echo $? > "$OUT_DIR/set.code"`
	out := t.TempDir()
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", script, "sh", zauthBin)
	// Nothing of the suite's own keyring may leak in: with its control
	// socket, --start would talk to (and could take down) that daemon.
	var env []string
	for _, kv := range h.env {
		if !strings.HasPrefix(kv, "GNOME_KEYRING_CONTROL=") && !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			env = append(env, kv)
		}
	}
	cmd.Env = append(env, "HOME="+home, "XDG_RUNTIME_DIR="+run, "XDG_DATA_HOME="+filepath.Join(home, "data"),
		"OUT_DIR="+out, "ZAUTH_KEYRING_TIMEOUT=5s")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(out, name))
		return strings.TrimSpace(string(b))
	}
	if code := read("doctor.code"); code != "1" || !strings.Contains(read("doctor.json"), `"detail": "OS keychain is locked`) {
		t.Errorf("doctor on a locked keyring: exit %s\n%s", code, read("doctor.json"))
	}
	if code, msg := read("set.code"), read("set.err"); code != "5" || !strings.Contains(msg, "it is locked; unlock it") || strings.Count(msg, "\n") != 0 {
		t.Errorf("client set on a locked keyring: exit %s\n%s", code, msg)
	}
}

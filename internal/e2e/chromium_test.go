package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/emulator"
)

// TestLoginWithHeadlessChromium drives a real browser: Chromium loads the
// emulator's consent page, which approves itself, follows the redirect to
// zauth's listener and renders its answer.
func TestLoginWithHeadlessChromium(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("chromium not found: install Debian's chromium package (.ci/run does)")
	}
	h := newHarness(t, emulator.Ziina, emulator.Options{AutoSubmit: true})
	h.setupClient()
	// Not t.TempDir: Chromium's helpers may still write to their profile
	// for a moment after the main process is gone.
	dir, err := os.MkdirTemp("", "zauth-chromium")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	wrapper := filepath.Join(dir, "browser")
	pidFile := filepath.Join(dir, "pid")
	script := "#!/bin/sh\necho $$ >\"" + pidFile + "\"\nexec " + chromium + ` --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --password-store=basic \
  --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
  --user-data-dir="` + filepath.Join(dir, "profile") + `" --virtual-time-budget=10000 --dump-dom "$1" \
  >"` + filepath.Join(dir, "dom.html") + `" 2>"` + filepath.Join(dir, "chromium.log") + "\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	h.setenv("BROWSER=" + wrapper)
	r := h.run("", "login", "ziina", "--scope", "read_account+offline_access", "--timeout", "60s")
	if r.code != 0 {
		log, _ := os.ReadFile(filepath.Join(dir, "chromium.log"))
		t.Fatalf("exit %d\nstderr: %s\nchromium: %s", r.code, r.stderr, log)
	}
	rec, ok := h.record("default")
	if !ok || rec.RefreshToken == "" {
		t.Fatalf("no refreshable record after the browser login: %+v", rec)
	}
	// Chromium exits once it has dumped the page it ended on: the
	// listener's answer, which is what the user would have seen.
	var dom []byte
	for range 150 {
		if dom, _ = os.ReadFile(filepath.Join(dir, "dom.html")); len(dom) > 0 {
			break
		}
		sleep()
	}
	if pid, err := os.ReadFile(pidFile); err == nil {
		exec.Command("kill", strings.TrimSpace(string(pid))).Run()
	}
	if !strings.Contains(string(dom), "Logged in to Ziina") || strings.Contains(string(dom), "code=") {
		t.Errorf("the browser showed:\n%s", dom)
	}
}

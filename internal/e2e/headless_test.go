package e2e

import (
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/emulator"
)

// TestHeadlessLoginWithoutTheFlag: when no browser can be opened, login
// behaves as --no-browser without being told: it says so in one line and
// takes the redirected URL pasted on stdin, while still listening.
func TestHeadlessLoginWithoutTheFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		why  string
	}{
		{"every BROWSER entry fails", []string{"BROWSER=/bin/false:false %s"}, `$BROWSER command "/bin/false"`},
		{"no display", []string{"BROWSER=", "DISPLAY=", "WAYLAND_DISPLAY=", "SSH_CONNECTION=", "SSH_TTY="}, "neither DISPLAY nor WAYLAND_DISPLAY is set"},
		{"SSH", []string{"BROWSER=", "DISPLAY=:0", "SSH_CONNECTION=192.0.2.1 50000 192.0.2.2 22"}, "this is an SSH session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Ziina, emulator.Options{})
			h.setupClient()
			var env []string
			for _, kv := range h.env { // unset, not empty: Open checks presence of BROWSER
				if !strings.HasPrefix(kv, "BROWSER=") {
					env = append(env, kv)
				}
			}
			h.env = env
			for _, kv := range tc.env {
				if kv != "BROWSER=" {
					h.setenv(kv)
				}
			}
			s := h.start("login", "ziina", "--scope", "read_account")
			redirected := consent(t, s.authURL(t))
			if _, err := s.stdin.Write([]byte(redirected + "\n")); err != nil {
				t.Fatal(err)
			}
			r := s.wait(t)
			r.expect(t, 0, "Could not open a browser", tc.why, "paste here the full URL", "Logged in to Ziina")
			if strings.Contains(r.stderr, "Ignored") {
				t.Errorf("the callback port got a request:\n%s", r.stderr)
			}
			if rec, ok := h.record("default"); !ok || rec.AccessToken == "" {
				t.Fatal("no record after the pasted login")
			}
		})
	}
}

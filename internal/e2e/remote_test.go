package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/emulator"
)

// TestInspectRemoteReportsEachSource: one failing identity source is shown
// as failed while the others still print; the command fails only when no
// source answered.
func TestInspectRemoteReportsEachSource(t *testing.T) {
	h := newHarness(t, emulator.Generic, emulator.Options{})
	config := func(userinfo, introspection string) {
		h.writeConfig(fmt.Sprintf(`providers:
  acme:
    auth_url: %[1]s/authorize
    token_url: %[1]s/token
    userinfo_url: %[1]s%[2]s
    introspection_url: %[1]s%[3]s
    client_auth: post
    scopes: {read: read things}
`, h.emu.URL, userinfo, introspection))
	}
	config("/userinfo", "/no-such-endpoint")
	h.setupClient()
	h.mustRun("", "login", "acme", "--scope", "read")

	r := h.run("", "inspect", "acme", "--remote")
	if r.code != 0 || !strings.Contains(r.stdout, "Ada Example") || !strings.Contains(r.stdout, "introspection: failed: ") {
		t.Errorf("inspect --remote with introspection failing: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	var doc struct {
		Remote       map[string]any    `json:"remote"`
		RemoteErrors map[string]string `json:"remote_errors"`
	}
	r = h.mustRun("", "inspect", "acme", "--remote", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Remote["userinfo"] == nil ||
		!strings.Contains(doc.RemoteErrors["introspection"], "HTTP 404") || doc.Remote["introspection"] != nil {
		t.Errorf("inspect --remote --json (%v):\n%s", err, r.stdout)
	}

	// Every source failing: the failures are still shown, and the exit
	// code is the first one's.
	config("/no-userinfo", "/no-such-endpoint")
	r = h.run("", "inspect", "acme", "--remote")
	r.expect(t, 4, "404")
	if !strings.Contains(r.stdout, "userinfo: failed: ") || !strings.Contains(r.stdout, "introspection: failed: ") || !strings.Contains(r.stdout, "Client ID:") {
		t.Errorf("inspect --remote with every source failing:\n%s", r.stdout)
	}
}

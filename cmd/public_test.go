package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPublicClientHints: for a public client (client_auth none) zauth
// never asks for a secret, and its hints leave --secret-stdin out.
func TestPublicClientHints(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte(`providers:
  pub:
    auth_url: http://127.0.0.1:1/auth
    token_url: http://127.0.0.1:1/token
    client_auth: none
  both:
    auth_url: http://127.0.0.1:1/auth
    token_url: http://127.0.0.1:1/token
    public_without_secret: true
`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZAUTH_CONFIG", file)

	if out, _, _ := run(t, "providers"); !strings.Contains(out, "basic (none when no secret is stored), form body") {
		t.Errorf("providers:\n%s", out)
	}
	_, errOut, code := run(t, "login", "pub")
	if code != 2 || !strings.Contains(errOut, "run `zauth client set pub --client-id ID`,") {
		t.Errorf("login without a client id, public client: %d %s", code, errOut)
	}
	_, errOut, code = run(t, "login", "both")
	if code != 2 || !strings.Contains(errOut, "run `zauth client set both --client-id ID` (add --secret-stdin if the client has a secret)") {
		t.Errorf("login without a client id, either client type: %d %s", code, errOut)
	}
	_, errOut, code = run(t, "client", "set", "pub", "--client-id", "app", "--secret-stdin")
	if code != 2 || !strings.Contains(errOut, "public client") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("a secret for a public client: %d %s", code, errOut)
	}
}

package config

import (
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/exitcode"
)

// TestProviderDefinitionTypo: a misspelt api_auth in a providers block is
// a config error (exit 2) naming the file and the valid values.
func TestProviderDefinitionTypo(t *testing.T) {
	file := writeFile(t, "providers:\n  acme:\n    auth_url: https://a.example/auth\n    token_url: https://a.example/token\n    api_auth: usertokn\n")
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Provider("acme")
	if exitcode.Code(err) != exitcode.Usage {
		t.Fatalf("exit %d: %v", exitcode.Code(err), err)
	}
	for _, want := range []string{file, `api_auth "usertokn"`, "bearer or usertoken"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// TestProviderDefinitionConsentFalse: an OpenID provider's definition can
// turn the prompt=consent rule off explicitly.
func TestProviderDefinitionConsentFalse(t *testing.T) {
	file := writeFile(t, "providers:\n  acme:\n    auth_url: https://a.example/auth\n    token_url: https://a.example/token\n    scopes: {openid: '', offline_access: ''}\n    consent_for_offline: false\n  oidc:\n    auth_url: https://o.example/auth\n    token_url: https://o.example/token\n    scopes: {openid: '', offline_access: ''}\n")
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"acme": false, "oidc": true} {
		p, err := c.Provider(name)
		if err != nil || p.ConsentForOffline != want {
			t.Errorf("%s: consent_for_offline %v, want %v (%v)", name, p != nil && p.ConsentForOffline, want, err)
		}
	}
}

package config

import (
	"slices"
	"testing"
)

func TestSecretEnv(t *testing.T) {
	for name, want := range map[string]bool{
		"ZAUTH_ZIINA_CLIENT_SECRET": true,
		"ZAUTH_ZBD_CLIENT_SECRET":   true,
		"ZAUTH_ZBD_API_KEY":         true,
		"ZAUTH_ACME_CLIENT_SECRET":  true,
		"ZAUTH_MY-IDP_API_KEY":      true,
		"zauth_acme_client_secret":  true, // Windows names ignore case
		"ZAUTH_ACCESS_TOKEN":        true, // another zauth exec's, not passed on
		"ZAUTH_ZIINA_CLIENT_ID":     false,
		"ZAUTH_ZIINA_REDIRECT_URI":  false,
		"ZAUTH_CLIENT_SECRET":       false, // no provider
		"ZAUTH__API_KEY":            false,
		"MY_CLIENT_SECRET":          false,
		"ZBD_API_KEY":               false,
		"PATH":                      false,
	} {
		if got := SecretEnv(name); got != want {
			t.Errorf("SecretEnv(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestUnknownEnv: every name the table describes is known, also in
// another case; near misses are not.
func TestUnknownEnv(t *testing.T) {
	known := []string{"ZAUTH_CONFIG", "ZAUTH_ZIINA_CLIENT_ID", "ZAUTH_MY_IDP_USERINFO_URL", "ZAUTH_ZBD_API_KEY",
		"ZAUTH_ACME_CLIENT_SECRET", "ZAUTH_PROFILE", "ZAUTH_ACCESS_TOKEN", "ZAUTH_ziina_scopes"}
	unknown := []string{"ZAUTH_CONFIGFILE", "ZAUTH_ZIINA_CLIENTID", "ZAUTH_TIMEOUT", "ZAUTH__API_KEY"}
	for _, name := range append(known, unknown...) {
		t.Setenv(name, "x")
	}
	got := UnknownEnv() // the test runner may set variables of its own
	for _, name := range known {
		if slices.Contains(got, name) {
			t.Errorf("UnknownEnv lists %s", name)
		}
	}
	for _, name := range unknown {
		if !slices.Contains(got, name) {
			t.Errorf("UnknownEnv misses %s", name)
		}
	}
}

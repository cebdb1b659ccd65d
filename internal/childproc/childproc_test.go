package childproc

import (
	"slices"
	"strings"
	"testing"
)

func TestSecret(t *testing.T) {
	for name, want := range map[string]bool{
		"ZAUTH_ZIINA_CLIENT_SECRET": true,
		"ZAUTH_ZBD_CLIENT_SECRET":   true,
		"ZAUTH_ZBD_API_KEY":         true,
		"ZAUTH_ACME_CLIENT_SECRET":  true,
		"ZAUTH_MY-IDP_API_KEY":      true,
		"zauth_acme_client_secret":  true, // Windows names ignore case
		"ZAUTH_ACCESS_TOKEN":        false,
		"ZAUTH_ZIINA_CLIENT_ID":     false,
		"ZAUTH_ZIINA_REDIRECT_URI":  false,
		"ZAUTH_CLIENT_SECRET":       false, // no provider
		"ZAUTH__API_KEY":            false,
		"MY_CLIENT_SECRET":          false,
		"ZBD_API_KEY":               false,
		"PATH":                      false,
	} {
		if got := Secret(name); got != want {
			t.Errorf("Secret(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestScrub(t *testing.T) {
	env := []string{"PATH=/bin", "ZAUTH_ZIINA_CLIENT_SECRET=s1", "ZAUTH_ZBD_API_KEY=s2=x", "ZAUTH_ACCESS_TOKEN=t", "ODD", "ZAUTH_ACME_CLIENT_SECRET="}
	got := Scrub(env)
	want := []string{"PATH=/bin", "ZAUTH_ACCESS_TOKEN=t", "ODD"}
	if !slices.Equal(got, want) {
		t.Errorf("Scrub = %q, want %q", got, want)
	}
	t.Setenv("ZAUTH_FOO_CLIENT_SECRET", "S3CRET")
	for _, kv := range Environ() {
		if strings.Contains(kv, "S3CRET") {
			t.Errorf("Environ keeps %s", kv)
		}
	}
}

package childproc

import (
	"slices"
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/config"
)

func TestScrub(t *testing.T) {
	env := []string{"PATH=/bin", "ZAUTH_ZIINA_CLIENT_SECRET=s1", "ZAUTH_ZBD_API_KEY=s2=x", "ZAUTH_ACCESS_TOKEN=t", "ODD", "ZAUTH_ACME_CLIENT_SECRET="}
	got := Scrub(env)
	want := []string{"PATH=/bin", "ODD"}
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

// TestSecretFollowsTheTable: which variables are secrets comes from
// config's table of variables; a secret added there is scrubbed here.
func TestSecretFollowsTheTable(t *testing.T) {
	env := []string{"ZAUTH_ACME_SIGNING_KEY=k1", "ZAUTH_VAULT_PASSWORD=k2", "ZAUTH_ACME_CLIENT_ID=id"}
	if got := Scrub(env); len(got) != 3 {
		t.Fatalf("scrubbed before the table said so: %q", got)
	}
	old := config.EnvVars
	t.Cleanup(func() { config.EnvVars = old })
	config.EnvVars = append(slices.Clone(old),
		config.EnvVar{Name: "ZAUTH_<PROVIDER>_SIGNING_KEY", Meaning: "a signing key", Secret: true},
		config.EnvVar{Name: "ZAUTH_VAULT_PASSWORD", Meaning: "a password", Secret: true})
	if got, want := Scrub(env), []string{"ZAUTH_ACME_CLIENT_ID=id"}; !slices.Equal(got, want) {
		t.Errorf("Scrub = %q, want %q", got, want)
	}
}

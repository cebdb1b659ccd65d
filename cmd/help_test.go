package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Flags and arguments that contradict each other are named, exit 2.
func TestContradictoryFlags(t *testing.T) {
	t.Setenv("ZAUTH_STORAGE", "file")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"logout", "ziina", "--all"}, "zauth logout: give a provider or --all, not both"},
		{[]string{"logout", "--all", "--profile", "work"}, "zauth logout: --all removes every profile's login: give --profile with a provider, or --all, not both"},
		{[]string{"logout"}, "zauth logout: name a provider, or pass --all"},
		{[]string{"inspect", "--profile", "work"}, "zauth inspect: --profile picks among one provider's logins: name the provider too, for example `zauth inspect ziina --profile work`"},
		{[]string{"login", "ziina", "--port", "9000", "--redirect-uri", "http://127.0.0.1:9001/cb"}, "use either --port or --redirect-uri, not both"},
		{[]string{"client", "set", "ziina", "--client-id", "x", "--api-key-stdin"}, "zauth: ziina has no API key: leave out --api-key-stdin"},
		{[]string{"token", "ziina", "--format", "env", "--jq", ".access_token"}, "zauth token: give --jq or --format=env, not both"},
	} {
		_, errOut, code := run(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errOut, tc.want)
		}
	}
}

// Every command explains itself beyond its one-line summary.
func TestEveryCommandHasLongHelp(t *testing.T) {
	root := NewRootCmd(&App{})
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if long := strings.TrimSpace(c.Long); len(long) < len(c.Short)+20 {
			t.Errorf("%s has no long help", c.CommandPath())
		}
	}
	walk(root)
}

// Help shows the defaults the configuration puts in effect, where it can
// know them: with a provider named, that provider's.
func TestHelpShowsEffectiveDefaults(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte("ziina:\n  redirect_uri: http://127.0.0.1:9999/cb\n  scopes: [read_account, offline_access]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZAUTH_CONFIG", file)
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"login", "ziina", "--help"}, []string{
			"(default for ziina: http://127.0.0.1:9999/cb)",
			"(default for ziina: the previous login's, else read_account+offline_access)",
			"in effect: " + file + ")"}},
		{[]string{"login", "zbd", "--help"}, []string{
			"(default for zbd: http://127.0.0.1:8976/callback)",
			"(default for zbd: the previous login's; none configured)"}},
		{[]string{"login", "--help"}, []string{
			"(default: the provider's redirect_uri setting, else http://127.0.0.1:8976/callback; zauth login <provider> --help shows it)",
			"(default: those of the profile's previous login, else the configured scopes)"}},
		{[]string{"login", "nosuch", "--help"}, []string{"(default: the provider's redirect_uri setting"}},
	} {
		out, errOut, code := run(t, tc.args...)
		for _, w := range tc.want {
			if code != 0 || !strings.Contains(out, w) {
				t.Errorf("%v: exit %d, stderr %q; no %q in\n%s", tc.args, code, errOut, w, out)
			}
		}
	}
}

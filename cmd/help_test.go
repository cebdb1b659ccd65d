package cmd

import (
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

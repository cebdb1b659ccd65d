package cmd

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// run runs the command tree in-process with an isolated environment.
func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var out, errb bytes.Buffer
	code = Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func TestScopes(t *testing.T) {
	out, _, code := run(t, "scopes", "zbd")
	if code != 0 || !strings.Contains(out, "wallet") || !strings.Contains(out, "Current Balance") || !strings.Contains(out, "ZBD Gamertag") {
		t.Errorf("scopes zbd: %d\n%s", code, out)
	}
	out, _, _ = run(t, "scopes", "--json")
	var v []struct {
		Provider string `json:"provider"`
		Scopes   []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
		} `json:"scopes"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || len(v) != 2 || v[1].Provider != "ziina" || len(v[1].Scopes) != 6 {
		t.Errorf("scopes --json: %v\n%s", err, out)
	}
	if _, errOut, code := run(t, "scopes", "github"); code != 2 || !strings.Contains(errOut, `unknown provider "github"`) {
		t.Errorf("unknown provider: %d %s", code, errOut)
	}
}

func TestProviders(t *testing.T) {
	t.Setenv("ZAUTH_ZBD_AUTH_URL", "http://127.0.0.1:1/authorize")
	out, _, code := run(t, "providers")
	if code != 0 || !strings.Contains(out, "https://auth.ziina.com/oidc/token") || !strings.Contains(out, "http://127.0.0.1:1/authorize") {
		t.Errorf("providers: %d\n%s", code, out)
	}
	out, _, _ = run(t, "providers", "--json")
	if !strings.Contains(out, `"token_url": "https://api.zebedee.io/v1/oauth2/token"`) {
		t.Errorf("providers --json:\n%s", out)
	}
	t.Setenv("ZAUTH_ZBD_AUTH_URL", "http://zbd.example.com/authorize")
	if _, errOut, code := run(t, "providers"); code != 2 || !strings.Contains(errOut, "must use https") {
		t.Errorf("plain http endpoint: %d %s", code, errOut)
	}
}

func TestSecretGenerate(t *testing.T) {
	a, _, _ := run(t, "secret", "generate")
	b, _, _ := run(t, "secret", "generate")
	raw, err := hex.DecodeString(strings.TrimSpace(a))
	if err != nil || len(raw) != 32 || a == b {
		t.Errorf("secret generate: %q %q", a, b)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"nope"}, {"token"}, {"login", "ziina", "--bogus"}, {"token", "ziina", "--min-ttl", "soon"}} {
		_, errOut, code := run(t, args...)
		if code != 2 || !strings.HasPrefix(errOut, "zauth: ") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := run(t, "version")
	if code != 0 || !strings.HasPrefix(out, "zauth dev (commit none") {
		t.Errorf("version: %q", out)
	}
	if out, _, _ := run(t, "--version"); out != "zauth dev\n" {
		t.Errorf("--version: %q", out)
	}
}

// TestScopeCompletion drives cobra's completion entry point, which every
// generated shell script calls.
func TestScopeCompletion(t *testing.T) {
	cases := []struct {
		args []string
		want []string
		not  []string
	}{
		{[]string{"__complete", "login", "ziina", "--scope", ""}, []string{"write_refunds", "offline_access", "read_account"}, nil},
		{[]string{"__complete", "login", "ziina", "--scope", "write_refunds+"}, []string{"write_refunds+offline_access", "write_refunds+read_account"}, []string{"write_refunds+write_refunds"}},
		{[]string{"__complete", "login", "zbd", "--scope", "user,"}, []string{"user,wallet"}, []string{"user,user"}},
		{[]string{"__complete", "login", ""}, []string{"ziina", "zbd"}, nil},
		{[]string{"__complete", "token", "zbd", "--format", ""}, []string{"raw", "header", "json", "env"}, nil},
	}
	for _, tc := range cases {
		out, _, code := run(t, tc.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d", tc.args, code)
		}
		var names []string
		for _, line := range strings.Split(out, "\n") {
			if line != "" && !strings.HasPrefix(line, ":") {
				names = append(names, strings.SplitN(line, "\t", 2)[0])
			}
		}
		for _, w := range tc.want {
			if !slices.Contains(names, w) {
				t.Errorf("%v: candidates %v lack %q", tc.args[1:], names, w)
			}
		}
		for _, n := range tc.not {
			if slices.Contains(names, n) {
				t.Errorf("%v: candidates %v include %q", tc.args[1:], names, n)
			}
		}
	}
}

package cmd

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/provider"
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
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("scopes --json: %v\n%s", err, out)
	}
	// Every provider, in name order, each with its whole catalogue in
	// catalogue order.
	var got []string
	for _, e := range v {
		got = append(got, e.Provider)
		p, _ := provider.Lookup(e.Provider)
		var names []string
		for _, s := range e.Scopes {
			names = append(names, s.Name)
			if s.Description == "" {
				t.Errorf("scopes --json: %s %s has no description", e.Provider, s.Name)
			}
		}
		if p == nil || !slices.Equal(names, p.ScopeNames()) {
			t.Errorf("scopes --json: %s lists %v", e.Provider, names)
		}
	}
	if !slices.Equal(got, provider.Names()) {
		t.Errorf("scopes --json lists %v, want %v", got, provider.Names())
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

// TestUsageErrors: cobra's argument, flag and command errors are one line
// naming the command, with an example or the help to read, and exit 2.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, `zauth: unknown command "nope"; see ` + "`zauth --help`"},
		{[]string{"tokn", "ziina"}, "zauth: unknown command \"tokn\"; did you mean `zauth token`?"},
		{[]string{"token"}, "zauth token: name a provider, for example `zauth token ziina`"},
		{[]string{"api", "ziina"}, "zauth api: name a path, for example `zauth api ziina /account`"},
		{[]string{"status", "x"}, `zauth status: takes no arguments, but got "x"`},
		{[]string{"refresh", "ziina", "zbd"}, `zauth refresh: unexpected argument "zbd"`},
		// After --, arguments are still this command's (exec aside).
		{[]string{"status", "--", "x"}, `zauth status: takes no arguments, but got "x"`},
		{[]string{"inspect", "--", "ziina", "zbd"}, `zauth inspect: unexpected argument "zbd"`},
		{[]string{"token", "ziina", "--", "x"}, `zauth token: unexpected argument "x"`},
		{[]string{"scopes", "zbd", "ziina"}, `zauth scopes: unexpected argument "ziina"`},
		{[]string{"login", "ziina", "--bogus"}, "zauth login: unknown flag: --bogus"},
		{[]string{"token", "ziina", "--min-ttl", "soon"}, `zauth token: invalid argument "soon" for "--min-ttl"`},
		{[]string{"exec", "ziina", "sh", "-c", "true"}, "put the command to run after `--`"},
		{[]string{"providers", "add", "acme"}, `zauth providers add: required flag(s) "issuer" not set`},
	} {
		_, errOut, code := run(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q, want %q", tc.args, code, errOut, tc.want)
		}
	}
}

// TestUnclassifiedErrorIsUnexpected: an error nobody classified is exit 1,
// not a usage error. A corrupt config file is a classified usage error.
func TestUnclassifiedErrorIsUnexpected(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	// Standard output fails: a plain OS error.
	var errb bytes.Buffer
	code := Run(context.Background(), []string{"status", "--json"}, strings.NewReader(""), failingWriter{}, &errb)
	if code != 1 {
		t.Errorf("status with a failing standard output: exit %d, %s", code, errb.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("output closed") }

func TestExitCodesHelpOnce(t *testing.T) {
	out, _, _ := run(t, "--help")
	if !strings.Contains(out, "130  interrupted") || !strings.Contains(out, "exit-codes") {
		t.Errorf("root help lacks the exit codes:\n%s", out)
	}
	for _, args := range [][]string{{"token", "--help"}, {"version", "--help"}, {"completion", "--help"}} {
		if out, _, _ := run(t, args...); strings.Contains(out, "130  interrupted") {
			t.Errorf("%v repeats the exit-code block", args)
		}
	}
	if out, _, code := run(t, "help", "exit-codes"); code != 0 || !strings.Contains(out, "5    secure storage") {
		t.Errorf("help exit-codes: %d\n%s", code, out)
	}
}

func TestVersion(t *testing.T) {
	out, _, code := run(t, "version")
	// A test binary has no VCS stamp: every field says so plainly.
	if code != 0 || !strings.HasPrefix(out, "zauth ") || !strings.Contains(out, "(commit ") {
		t.Errorf("version: %q", out)
	}
}

// TestVersionFromPlainBuild: `go build` with no ldflags reports the commit
// the Go toolchain stamped into the binary.
func TestVersionFromPlainBuild(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	top, _ := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if fi, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err == nil && !fi.IsDir() {
		t.Skip("a git worktree: the Go toolchain stamps a build only where .git is a directory")
	}
	bin := filepath.Join(t.TempDir(), "zauth")
	build := exec.Command("go", "build", "-o", bin, "..")
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=auto")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "(commit " + string(head[:12]) + ", built 20"; !strings.Contains(string(out), want) {
		t.Errorf("version = %q, want it to contain %q", out, want)
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

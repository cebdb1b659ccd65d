package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/testsys"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

func TestJQ(t *testing.T) {
	t.Setenv("ZAUTH_STORAGE", "file")
	setBuild(t, "1.2.3", "abc1234", "2026-11-23T00:00:00Z")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scopes", "zbd", "--jq", ".[0].provider"}, "zbd\n"}, // strings raw
		{[]string{"scopes", "--jq", "[.[].provider]"}, `["zbd","ziina"]` + "\n"},
		{[]string{"providers", "--jq", ".[] | select(.name == \"ziina\") | .token_url"}, "https://auth.ziina.com/oidc/token\n"},
		{[]string{"version", "--jq", ".commit"}, "abc1234\n"},
		{[]string{"status", "--jq", "length"}, "0\n"},
		{[]string{"status", "--json", "--jq", "length"}, "0\n"},                // --json is implied, and allowed
		{[]string{"doctor", "--offline", "--jq", ".checks | type"}, "array\n"}, // exit 1 (no client): the output is still filtered
	} {
		out, errOut, _ := run(t, tc.args...)
		if out != tc.want {
			t.Errorf("%s: got %q, want %q (stderr %q)", strings.Join(tc.args, " "), out, tc.want, errOut)
		}
	}
}

func TestJQErrors(t *testing.T) {
	t.Setenv("ZAUTH_STORAGE", "file")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"scopes", "--jq", ".[0] |"}, `zauth scopes: --jq ".[0] |": unexpected EOF`},
		{[]string{"scopes", "--jq", ".[0].provider.x"}, `zauth scopes: --jq ".[0].provider.x": cannot index string with "x"`},
		{[]string{"scopes", "--json=false", "--jq", "."}, "zauth scopes: give --jq or --json=false, not both"},
		{[]string{"token", "ziina", "--format", "raw", "--jq", "."}, "zauth token: give --jq or --format=raw, not both"},
	} {
		out, errOut, code := run(t, tc.args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, tc.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 2 and %q", strings.Join(tc.args, " "), code, out, errOut, tc.want)
		}
	}
}

// Every command that prints JSON takes --jq, including ones added later.
func TestJQOnEveryJSONCommand(t *testing.T) {
	var walk func(c *cobra.Command)
	n := 0
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if c.Flags().Lookup("json") != nil || c.Name() == "token" {
			n++
			if c.Flags().Lookup("jq") == nil {
				t.Errorf("%s has no --jq", c.CommandPath())
			}
		}
	}
	walk(NewRootCmd(&App{}))
	if n < 8 {
		t.Errorf("only %d commands print JSON", n)
	}
}

// setBuild sets the release build information for one test.
func setBuild(t *testing.T, v, c, d string) {
	old := [3]string{version, commit, date}
	version, commit, date = v, c, d
	t.Cleanup(func() { version, commit, date = old[0], old[1], old[2] })
}

func TestVersionJSON(t *testing.T) {
	setBuild(t, "1.2.3", "abc1234", "2026-11-23T00:00:00Z")
	out, _, code := run(t, "version", "--json")
	var v map[string]string
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil || v["version"] != "1.2.3" || v["commit"] != "abc1234" || v["date"] != "2026-11-23T00:00:00Z" || len(v) != 3 {
		t.Errorf("version --json: %d %v\n%s", code, err, out)
	}
}

// client show reports facts a script can test, not prose.
func TestClientShowFacts(t *testing.T) {
	t.Setenv("ZAUTH_STORAGE", "file")
	t.Setenv("ZAUTH_ZBD_CLIENT_ID", "zbd-id")
	t.Setenv("ZAUTH_ZBD_CLIENT_SECRET", "from-env")
	out, errOut, code := run(t, "client", "show", "zbd", "--json")
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
		t.Fatalf("client show zbd --json: %d %v\n%s%s", code, err, out, errOut)
	}
	for k, want := range map[string]any{"secret_stored": true, "secret_source": "environment", "api_key_stored": false, "api_key_source": nil, "public_client": false, "client_id": "zbd-id"} {
		if v, ok := got[k]; !ok || v != want {
			t.Errorf("%s = %#v, want %#v\n%s", k, v, want, out)
		}
	}
	if _, ok := got["secret"]; ok {
		t.Errorf("prose secret field still there:\n%s", out)
	}

	// Stored in the file store, seen through one environment (same state dir).
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var o, e bytes.Buffer
	if code := Run(context.Background(), []string{"client", "set", "ziina", "--client-id", "zid", "--secret-stdin"}, strings.NewReader("pw\n"), &o, &e); code != 0 {
		t.Fatalf("client set: %d %s", code, e.String())
	}
	o.Reset()
	Run(context.Background(), []string{"client", "show", "ziina", "--jq", "[.secret_stored, .secret_source, has(\"api_key_stored\")]"}, strings.NewReader(""), &o, &e)
	if o.String() != `[true,"file",false]`+"\n" {
		t.Errorf("ziina after client set: %q %s", o.String(), e.String())
	}
	o.Reset()
	Run(context.Background(), []string{"client", "show", "ziina"}, strings.NewReader(""), &o, &e)
	if !strings.Contains(o.String(), "Password:      stored in the insecure file ") {
		t.Errorf("human form:\n%s", o.String())
	}

	out, _, _ = run(t, "client", "show", "ziina", "--jq", "[.secret_stored, .secret_source]")
	if out != "[false,null]\n" {
		t.Errorf("nothing stored: %q", out)
	}
}

// A public client has no secret: client show says so rather than "not stored".
func TestClientShowPublic(t *testing.T) {
	file := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(file, []byte("providers:\n  pub:\n    auth_url: http://127.0.0.1:1/auth\n    token_url: http://127.0.0.1:1/token\n    client_auth: none\npub:\n  client_id: app\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZAUTH_CONFIG", file)
	t.Setenv("ZAUTH_STORAGE", "file")
	out, errOut, _ := run(t, "client", "show", "pub", "--jq", "[.public_client, .secret_stored, .secret_source, has(\"api_key_stored\")]")
	if out != "[true,false,null,false]\n" {
		t.Errorf("client show pub --jq: %q %s", out, errOut)
	}
	out, _, _ = run(t, "client", "show", "pub")
	if !strings.Contains(out, "Client secret: none (a public client)") {
		t.Errorf("client show pub:\n%s", out)
	}
}

// client show names the place a secret is actually kept: Store.Secret
// finds it in either place, so a secret stored with --insecure-storage
// must not be reported as in the OS keychain when read without the flag
// (nor the other way round). Needs the keychain (scripts/test.sh).
func TestClientShowSecretPlace(t *testing.T) {
	if err := keychain.SessionBusError(); err != nil {
		testsys.NoKeychain(t, err.Error())
	}
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("ZAUTH_KEYRING_SERVICE", "zauth-test-"+strings.ReplaceAll(t.Name(), "/", "-"))
	t.Setenv("ZAUTH_STORAGE", "")
	t.Setenv("ZAUTH_ZIINA_CLIENT_SECRET", "")
	t.Setenv("ZAUTH_ZBD_CLIENT_SECRET", "")
	zauth := func(stdin string, args ...string) string {
		t.Helper()
		var o, e bytes.Buffer
		if code := Run(context.Background(), args, strings.NewReader(stdin), &o, &e); code != 0 {
			t.Fatalf("%v: exit %d %s", args, code, e.String())
		}
		return o.String()
	}
	zauth("pw\n", "client", "set", "ziina", "--client-id", "zid", "--secret-stdin", "--insecure-storage")
	zauth("sec\n", "client", "set", "zbd", "--client-id", "bid", "--secret-stdin")
	t.Cleanup(func() { zauth("", "client", "delete", "zbd") })
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"client", "show", "ziina", "--jq", ".secret_source"}, "file\n"},
		{[]string{"client", "show", "zbd", "--jq", ".secret_source", "--insecure-storage"}, "keychain\n"},
	} {
		if got := zauth("", tc.args...); got != tc.want {
			t.Errorf("%v = %q, want %q", tc.args, got, tc.want)
		}
	}
	if got := zauth("", "client", "show", "ziina"); !strings.Contains(got, "Password:      stored in the insecure file ") {
		t.Errorf("human form names another place:\n%s", got)
	}
}

// TestTokenHeaderType: --format header spells a Bearer token's type
// "Bearer" whatever case the server used (or when it gave none), and
// keeps any other type as issued.
func TestTokenHeaderType(t *testing.T) {
	for typ, want := range map[string]string{"": "Bearer", "bearer": "Bearer", "BEARER": "Bearer", "DPoP": "DPoP"} {
		var out bytes.Buffer
		if err := printToken(&App{Out: &out}, &tokenstore.Record{AccessToken: "tok", TokenType: typ}, "header"); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != "Authorization: "+want+" tok\n" {
			t.Errorf("type %q: %q", typ, got)
		}
	}
}

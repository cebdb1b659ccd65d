package cmd

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

// The tests here check what each command makes of its flags and
// arguments: the command is built with a run function that only keeps
// the options, and run the way RunApp runs zauth (global flags, argument
// and flag errors, --jq), so a rejected command line shows the exit code
// and the one line zauth prints for it.

// optCase is one command line: the options it gives, or (want nil) the
// exit code and the whole of stderr when it is rejected.
type optCase[T any] struct {
	args    []string
	profile string // ZAUTH_PROFILE
	want    *T
	code    int
	stderr  string
	prefix  bool // stderr is the line's beginning (what jq says is jq's)
}

// testOptions runs each case through build's command (under a group
// command such as "client" when group is set). fix, if set, adjusts the
// captured options before they are compared (fields not comparable as
// values).
func testOptions[T any](t *testing.T, build func(*App, func(context.Context, *T) error) *cobra.Command, group string, cases []optCase[T], fix func(*T)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Setenv("XDG_CONFIG_HOME", t.TempDir())
			t.Setenv("XDG_STATE_HOME", t.TempDir())
			t.Setenv("ZAUTH_CONFIG", "")
			t.Setenv("ZAUTH_PROFILE", tc.profile)
			var out, errb bytes.Buffer
			app := &App{In: strings.NewReader(""), Out: &out, Err: &errb}
			var got *T
			c := build(app, func(_ context.Context, o *T) error { got = o; return nil })
			if group != "" {
				g := &cobra.Command{Use: group, Short: group}
				g.AddCommand(c)
				c = g
			}
			code := runTree(context.Background(), app, newRoot(app, c), tc.args)
			if tc.want == nil {
				line, ok := strings.CutSuffix(errb.String(), "\n")
				if tc.prefix {
					ok = ok && strings.HasPrefix(line, tc.stderr) && !strings.Contains(line, "\n")
				} else {
					ok = ok && line == tc.stderr
				}
				if code != tc.code || !ok || got != nil {
					t.Errorf("exit %d, stderr %q (ran: %v); want exit %d, stderr %q", code, errb.String(), got != nil, tc.code, tc.stderr)
				}
				return
			}
			if code != 0 || got == nil {
				t.Fatalf("exit %d, stderr %q, ran: %v", code, errb.String(), got != nil)
			}
			if fix != nil {
				fix(got)
			}
			want := *tc.want
			reflect.ValueOf(&want).Elem().FieldByName("App").Set(reflect.ValueOf(app))
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("options\n got %+v\nwant %+v", *got, want)
			}
		})
	}
}

func TestLoginOptions(t *testing.T) {
	def := func(o loginOptions) *loginOptions {
		o.Provider = "ziina"
		if o.Profile == "" {
			o.Profile = "default"
		}
		if o.Timeout == 0 {
			o.Timeout = 5 * time.Minute
		}
		return &o
	}
	testOptions(t, newLoginCmd, "", []optCase[loginOptions]{
		{args: []string{"login", "ziina"}, want: def(loginOptions{})},
		{args: []string{"login", "ziina", "-p", "work"}, want: def(loginOptions{Profile: "work"})},
		{args: []string{"login", "ziina"}, profile: "env", want: def(loginOptions{Profile: "env"})},
		{args: []string{"login", "ziina", "--profile", "flag"}, profile: "env", want: def(loginOptions{Profile: "flag"})},
		{args: []string{"login", "ziina", "--scope", "a+b", "-s", "c"}, want: def(loginOptions{Scopes: []string{"a+b", "c"}, ScopesSet: true})},
		{args: []string{"login", "ziina", "--scope", ""}, want: def(loginOptions{Scopes: []string{""}, ScopesSet: true})},
		{args: []string{"login", "ziina", "--no-browser", "--json", "--timeout", "1m"}, want: def(loginOptions{NoBrowser: true, JSON: true, Timeout: time.Minute})},
		{args: []string{"login", "ziina", "--port", "0"}, want: def(loginOptions{Port: ptr(0)})},
		{args: []string{"login", "ziina", "--port", "9000"}, want: def(loginOptions{Port: ptr(9000)})},
		{args: []string{"login", "ziina", "--redirect-uri", "http://127.0.0.1:9001/cb"}, want: def(loginOptions{RedirectURI: "http://127.0.0.1:9001/cb"})},
		{args: []string{"login", "ziina", "--port", "9000", "--redirect-uri", "http://127.0.0.1:9001/cb"}, code: 2,
			stderr: "zauth: use either --port or --redirect-uri, not both"},
		{args: []string{"login", "ziina", "--redirect-uri", "https://example.com/cb"}, code: 2,
			stderr: `zauth: redirect URI "https://example.com/cb" must be http://HOST:PORT/PATH with a loopback HOST (127.0.0.1, [::1] or localhost)`},
		{args: []string{"login"}, code: 2, stderr: "zauth login: name a provider, for example `zauth login ziina --scope write_refunds+offline_access`"},
		{args: []string{"login", "ziina", "--port", "x"}, code: 2,
			stderr: "zauth login: invalid argument \"x\" for \"--port\" flag: strconv.ParseInt: parsing \"x\": invalid syntax, for example `zauth login ziina --scope write_refunds+offline_access`"},
	}, nil)
}

func TestTokenOptions(t *testing.T) {
	def := func(o tokenOptions) *tokenOptions {
		o.Provider, o.Profile = "zbd", cmp.Or(o.Profile, "default")
		o.MinTTL, o.Format = cmp.Or(o.MinTTL, time.Minute), cmp.Or(o.Format, "raw")
		return &o
	}
	testOptions(t, newTokenCmd, "", []optCase[tokenOptions]{
		{args: []string{"token", "zbd"}, want: def(tokenOptions{})},
		{args: []string{"token", "zbd", "--profile", "work", "--min-ttl", "5m"}, want: def(tokenOptions{Profile: "work", MinTTL: 5 * time.Minute})},
		{args: []string{"token", "zbd", "-f", "header"}, want: def(tokenOptions{Format: "header"})},
		{args: []string{"token", "zbd", "--format", "env"}, want: def(tokenOptions{Format: "env"})},
		{args: []string{"token", "zbd", "--jq", ".access_token"}, want: def(tokenOptions{Format: "json"})},
		{args: []string{"token", "zbd", "--format", "yaml"}, code: 2, stderr: `zauth: unknown --format "yaml"; use one of raw, header, json, env`},
		{args: []string{"token", "zbd", "--format", "env", "--jq", ".access_token"}, code: 2,
			stderr: "zauth token: give --jq or --format=env, not both (--jq filters the JSON output)"},
		{args: []string{"token", "zbd", "--jq", ".["}, code: 2, stderr: `zauth token: --jq ".[": `, prefix: true},
	}, nil)
}

func TestRefreshOptions(t *testing.T) {
	testOptions(t, newRefreshCmd, "", []optCase[refreshOptions]{
		{args: []string{"refresh", "ziina"}, want: &refreshOptions{Provider: "ziina", Profile: "default"}},
		{args: []string{"refresh", "ziina", "-p", "work", "--json"}, want: &refreshOptions{Provider: "ziina", Profile: "work", JSON: true}},
		{args: []string{"refresh", "ziina", "--jq", ".scopes"}, want: &refreshOptions{Provider: "ziina", Profile: "default", JSON: true}},
		{args: []string{"refresh", "ziina", "zbd"}, code: 2, stderr: `zauth refresh: unexpected argument "zbd", for example ` + "`zauth refresh ziina`"},
	}, nil)
}

func TestInspectOptions(t *testing.T) {
	testOptions(t, newInspectCmd, "", []optCase[inspectOptions]{
		{args: []string{"inspect"}, want: &inspectOptions{Profile: "default"}},
		{args: []string{"inspect"}, profile: "env", want: &inspectOptions{Profile: "env"}},
		{args: []string{"inspect", "ziina", "--profile", "work"}, want: &inspectOptions{Provider: "ziina", Profile: "work"}},
		{args: []string{"inspect", "ziina", "--json", "--show-token", "--remote"}, want: &inspectOptions{Provider: "ziina", Profile: "default", JSON: true, ShowToken: true, Remote: true}},
		{args: []string{"inspect", "--profile", "work"}, code: 2,
			stderr: "zauth inspect: --profile picks among one provider's logins: name the provider too, for example `zauth inspect ziina --profile work`"},
	}, nil)
}

func TestStatusOptions(t *testing.T) {
	testOptions(t, newStatusCmd, "", []optCase[statusOptions]{
		{args: []string{"status"}, want: &statusOptions{}},
		{args: []string{"status", "--json"}, want: &statusOptions{JSON: true}},
		{args: []string{"status", "--jq", ".[].provider"}, want: &statusOptions{JSON: true}},
		{args: []string{"status", "--json=false", "--jq", "."}, code: 2, stderr: "zauth status: give --jq or --json=false, not both (--jq filters the JSON output)"},
		{args: []string{"status", "ziina"}, code: 2, stderr: `zauth status: takes no arguments, but got "ziina" (see ` + "`zauth status --help`)"},
	}, nil)
}

func TestLogoutOptions(t *testing.T) {
	testOptions(t, newLogoutCmd, "", []optCase[logoutOptions]{
		{args: []string{"logout", "ziina"}, want: &logoutOptions{Provider: "ziina", Profile: "default"}},
		{args: []string{"logout", "ziina", "-p", "work", "--json"}, want: &logoutOptions{Provider: "ziina", Profile: "work", JSON: true}},
		{args: []string{"logout", "--all"}, want: &logoutOptions{Profile: "default", All: true}},
		// ZAUTH_PROFILE is a default, not a --profile: --all takes it.
		{args: []string{"logout", "--all"}, profile: "work", want: &logoutOptions{Profile: "work", All: true}},
		{args: []string{"logout", "ziina", "--all"}, code: 2, stderr: "zauth logout: give a provider or --all, not both (see `zauth logout --help`)"},
		{args: []string{"logout", "--all", "--profile", "work"}, code: 2,
			stderr: "zauth logout: --all removes every profile's login: give --profile with a provider, or --all, not both (see `zauth logout --help`)"},
		{args: []string{"logout"}, code: 2, stderr: "zauth logout: name a provider, or pass --all (see `zauth logout --help`)"},
	}, nil)
}

func TestScopesOptions(t *testing.T) {
	testOptions(t, newScopesCmd, "", []optCase[scopesOptions]{
		{args: []string{"scopes"}, want: &scopesOptions{}},
		{args: []string{"scopes", "zbd", "--json"}, want: &scopesOptions{Provider: "zbd", JSON: true}},
		{args: []string{"scopes", "zbd", "ziina"}, code: 2, stderr: `zauth scopes: unexpected argument "ziina", for example ` + "`zauth scopes ziina`"},
	}, nil)
}

func TestProvidersOptions(t *testing.T) {
	testOptions(t, newProvidersCmd, "", []optCase[providersOptions]{
		{args: []string{"providers"}, want: &providersOptions{}},
		{args: []string{"providers", "--json"}, want: &providersOptions{JSON: true}},
		{args: []string{"providers", "--jq", ".[].name"}, want: &providersOptions{JSON: true}},
	}, nil)
	testOptions(t, newProvidersAddCmd, "providers", []optCase[providersAddOptions]{
		{args: []string{"providers", "add", "Acme", "--issuer", "https://login.acme.example"},
			want: &providersAddOptions{Name: "acme", Issuer: "https://login.acme.example"}},
		{args: []string{"providers", "add", "acme", "--issuer", "https://i", "--display-name", "ACME", "--public", "--dry-run"},
			want: &providersAddOptions{Name: "acme", Issuer: "https://i", DisplayName: "ACME", Public: true, DryRun: true}},
		{args: []string{"providers", "add", "ZBD", "--issuer", "https://i"}, code: 2,
			stderr: "zauth: zbd is a built-in provider; override its endpoints with zbd.auth_url and the like instead"},
		{args: []string{"providers", "add", "a/b", "--issuer", "https://i"}, code: 2,
			stderr: `zauth: invalid provider name "a/b": use letters, digits, '.', '_' or '-'`},
		{args: []string{"providers", "add", "acme"}, code: 2,
			stderr: `zauth providers add: required flag(s) "issuer" not set, for example ` + "`zauth providers add acme --issuer https://login.acme.example`"},
	}, nil)
}

func TestClientOptions(t *testing.T) {
	testOptions(t, newClientSetCmd, "client", []optCase[clientSetOptions]{
		{args: []string{"client", "set", "ziina"}, want: &clientSetOptions{Provider: "ziina"}},
		{args: []string{"client", "set", "ziina", "--client-id", "ID", "--username", "U", "--redirect-uri", "http://127.0.0.1:9000/cb", "--secret-stdin"},
			want: &clientSetOptions{Provider: "ziina", ClientID: ptr("ID"), Username: ptr("U"), RedirectURI: ptr("http://127.0.0.1:9000/cb"), SecretStdin: true}},
		// An explicitly empty setting is given, and removes it.
		{args: []string{"client", "set", "ziina", "--username", "", "--redirect-uri", ""},
			want: &clientSetOptions{Provider: "ziina", Username: ptr(""), RedirectURI: ptr("")}},
		{args: []string{"client", "set", "zbd", "--api-key-stdin"}, want: &clientSetOptions{Provider: "zbd", APIKeyStdin: true}},
		{args: []string{"client", "set", "ziina", "--redirect-uri", "http://example.com/cb"}, code: 2,
			stderr: `zauth: redirect URI "http://example.com/cb" is not on a loopback host (127.0.0.1, [::1] or localhost)`},
		{args: []string{"client", "set", "ziina", "--secret", "x"}, code: 2,
			stderr: "zauth client set: unknown flag: --secret, for example `zauth client set ziina`"},
	}, nil)
	testOptions(t, newClientShowCmd, "client", []optCase[clientShowOptions]{
		{args: []string{"client", "show", "zbd"}, want: &clientShowOptions{Provider: "zbd"}},
		{args: []string{"client", "show", "zbd", "--json"}, want: &clientShowOptions{Provider: "zbd", JSON: true}},
		{args: []string{"client", "show", "zbd", "--jq", ".secret_stored"}, want: &clientShowOptions{Provider: "zbd", JSON: true}},
	}, nil)
	testOptions(t, newClientDeleteCmd, "client", []optCase[clientDeleteOptions]{
		{args: []string{"client", "delete", "zbd"}, want: &clientDeleteOptions{Provider: "zbd"}},
		{args: []string{"client", "delete"}, code: 2, stderr: "zauth client delete: name a provider, for example `zauth client delete ziina`"},
	}, nil)
}

func TestAPIOptions(t *testing.T) {
	var jq bool
	fix := func(o *apiOptions) { jq, o.JQ = o.JQ != nil, nil }
	req := func(o apiOptions) *apiOptions {
		o.Provider, o.Path, o.Profile = "ziina", "/account", cmp.Or(o.Profile, "default")
		if o.Header == nil {
			o.Header = http.Header{}
		}
		return &o
	}
	testOptions(t, newAPICmd, "", []optCase[apiOptions]{
		{args: []string{"api", "ziina", "/account"}, want: req(apiOptions{})},
		{args: []string{"api", "ziina", "/account", "-X", "patch", "-i", "-p", "work"}, want: req(apiOptions{Method: "PATCH", Include: true, Profile: "work"})},
		{args: []string{"api", "ziina", "/account", "-d", `{"a":1}`}, want: req(apiOptions{Data: ptr(`{"a":1}`)})},
		{args: []string{"api", "ziina", "/account", "-d", ""}, want: req(apiOptions{Data: ptr("")})},
		{args: []string{"api", "ziina", "/account", "-H", "X-A: 1", "--header", "x-a:2", "-H", "Accept:application/json"},
			want: req(apiOptions{Header: http.Header{"X-A": {"1", "2"}, "Accept": {"application/json"}}})},
		{args: []string{"api", "ziina", "/account", "-H", "no colon"}, code: 2, stderr: `zauth: header "no colon" is not 'Name: value'`},
		{args: []string{"api", "ziina", "/account", "-H", ": v"}, code: 2, stderr: `zauth: header ": v" is not 'Name: value'`},
		{args: []string{"api", "ziina", "/account", "--jq", ".["}, code: 2, stderr: `zauth api: --jq ".[": `, prefix: true},
		{args: []string{"api", "ziina"}, code: 2, stderr: "zauth api: name a path, for example `zauth api ziina /account`"},
	}, fix)
	if jq {
		t.Error("--jq set without --jq")
	}
	testOptions(t, newAPICmd, "", []optCase[apiOptions]{
		{args: []string{"api", "ziina", "/account", "--jq", ".name"}, want: req(apiOptions{})},
	}, fix)
	if !jq {
		t.Error("--jq .name gave no filter")
	}
}

func TestExecOptions(t *testing.T) {
	testOptions(t, newExecCmd, "", []optCase[execOptions]{
		{args: []string{"exec", "ziina", "--", "env"}, want: &execOptions{Provider: "ziina", Profile: "default", Command: []string{"env"}}},
		{args: []string{"exec", "zbd", "-p", "work", "--env", "ZBD_TOKEN", "--", "sh", "-c", "echo --env x"},
			want: &execOptions{Provider: "zbd", Profile: "work", EnvName: "ZBD_TOKEN", Command: []string{"sh", "-c", "echo --env x"}}},
		{args: []string{"exec", "ziina", "env"}, code: 2, stderr: "zauth: put the command after --: zauth exec ziina -- COMMAND [ARGS...]"},
		{args: []string{"exec", "ziina", "--env", "1TOKEN", "--", "env"}, code: 2, stderr: `zauth: --env "1TOKEN" is not a valid environment variable name`},
		{args: []string{"exec", "ziina", "--env", "A-B", "--", "env"}, code: 2, stderr: `zauth: --env "A-B" is not a valid environment variable name`},
		{args: []string{"exec", "ziina", "--"}, code: 2,
			stderr: "zauth exec: name a command, for example `zauth exec ziina -- sh -c 'curl -H \"Authorization: Bearer $ZAUTH_ACCESS_TOKEN\" https://api-v2.ziina.com/api/account'`"},
	}, nil)
}

func TestDoctorVersionSecretOptions(t *testing.T) {
	testOptions(t, newDoctorCmd, "", []optCase[doctorOptions]{
		{args: []string{"doctor"}, want: &doctorOptions{}},
		{args: []string{"doctor", "--offline", "--json"}, want: &doctorOptions{Offline: true, JSON: true}},
		{args: []string{"doctor", "ziina"}, code: 2, stderr: `zauth doctor: takes no arguments, but got "ziina", for example ` + "`zauth doctor`"},
	}, nil)
	testOptions(t, newVersionCmd, "", []optCase[versionOptions]{
		{args: []string{"version"}, want: &versionOptions{}},
		{args: []string{"version", "--json"}, want: &versionOptions{JSON: true}},
		{args: []string{"version", "--jq", ".version"}, want: &versionOptions{JSON: true}},
	}, nil)
	testOptions(t, newSecretGenerateCmd, "secret", []optCase[secretGenerateOptions]{
		{args: []string{"secret", "generate"}, want: &secretGenerateOptions{}},
		{args: []string{"secret", "generate", "64"}, code: 2, stderr: `zauth secret generate: takes no arguments, but got "64", for example ` + "`zauth secret generate`"},
	}, nil)
}

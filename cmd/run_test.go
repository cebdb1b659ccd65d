package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/jq"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/paths"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// The tests here call the run functions with options built by hand,
// against the in-process fixture, for behaviour the command-line tests do
// not reach.

// runApp is an App on the fixture with its own output buffers.
func (f *fixture) runApp(stdin string) (*App, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return f.app(stdin, &out, &errb), &out, &errb
}

// wantCode fails the test unless err carries the exit code want.
func wantCode(t *testing.T, what string, err error, want int) {
	t.Helper()
	if got := exitcode.Code(err); err == nil && want != 0 || err != nil && got != want {
		t.Errorf("%s: %v (exit %d), want exit %d", what, err, got, want)
	}
}

// TestRunAPIData: -d sends DATA, @FILE or @- (stdin) as the body, POST by
// default, typed application/json when it is JSON and a form otherwise;
// an unreadable @FILE is a usage error and nothing is sent.
func TestRunAPIData(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "write_payment_intents")
	body := `{"amount":1000,"currency_code":"AED","test":true}`
	file := filepath.Join(t.TempDir(), "body.json")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ stdin, data string }{{"", body}, {"", "@" + file}, {body, "@-"}} {
		app, out, errb := f.runApp(tc.stdin)
		err := runAPI(context.Background(), &apiOptions{App: app, Provider: "ziina", Profile: "default", Path: "/payment_intent", Data: &tc.data, Header: map[string][]string{}})
		if err != nil || !strings.Contains(out.String(), `"id":"pi-emulated"`) || !strings.Contains(out.String(), `"amount":1000`) {
			t.Errorf("-d %s: %v\nstdout: %s\nstderr: %s", tc.data, err, out, errb)
		}
	}

	// Not JSON: sent as a form, which this endpoint refuses; its answer
	// goes to stderr and the exit code is 4.
	app, out, errb := f.runApp("")
	form := "amount=1000"
	err := runAPI(context.Background(), &apiOptions{App: app, Provider: "ziina", Profile: "default", Path: "/payment_intent", Data: &form, Header: map[string][]string{}})
	wantCode(t, "form body", err, exitcode.Provider)
	if err == nil || err.Error() != "POST /payment_intent answered 400 Bad Request" || out.Len() != 0 || !strings.Contains(errb.String(), "a JSON body with a positive amount is required") {
		t.Errorf("form body: %v\nstdout: %s\nstderr: %s", err, out, errb)
	}

	app, _, _ = f.runApp("")
	sent := false
	app.HTTP = &http.Client{Transport: roundTrip(func(*http.Request) (*http.Response, error) { sent = true; return nil, errors.New("not sent") })}
	missing := "@" + filepath.Join(t.TempDir(), "missing.json")
	err = runAPI(context.Background(), &apiOptions{App: app, Provider: "ziina", Profile: "default", Path: "/payment_intent", Data: &missing, Header: map[string][]string{}})
	wantCode(t, "-d @missing", err, exitcode.Usage)
	if err == nil || !strings.HasPrefix(err.Error(), "-d "+missing+": open ") || sent {
		t.Errorf("-d @missing: %v (sent: %v)", err, sent)
	}
}

// TestRunAPIJQBodyCapped: a provider's response body bigger than --jq
// takes is refused (exit 4) after reading just past the cap, not decoded.
func TestRunAPIJQBodyCapped(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "write_payment_intents")
	app, out, _ := f.runApp("")
	read := 0
	app.HTTP = &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		body := io.MultiReader(strings.NewReader("["), &endless{chunk: []byte("1,"), n: &read})
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(body), Request: r}, nil
	})}
	prog, err := jq.Compile("length")
	if err != nil {
		t.Fatal(err)
	}
	opts := &apiOptions{App: app, Provider: "ziina", Profile: "default", Path: "/account", Header: map[string][]string{},
		JQ: &jqOut{Writer: out, cmd: &cobra.Command{Use: "api"}, prog: prog}}
	err = runAPI(context.Background(), opts)
	wantCode(t, "oversized body", err, exitcode.Provider)
	if err == nil || !strings.Contains(err.Error(), "too large for --jq") || out.Len() != 0 || read > jq.MaxInput+64<<10 {
		t.Errorf("err %v, stdout %d bytes, read %d bytes", err, out.Len(), read)
	}
}

// endless repeats chunk forever, counting what it hands out in n. Every
// read fills p, however small: a chunk may be split across reads.
type endless struct {
	chunk []byte
	off   int // where in chunk the next read starts
	n     *int
}

func (e *endless) Read(p []byte) (int, error) {
	k := 0
	for k < len(p) {
		c := copy(p[k:], e.chunk[e.off:])
		k += c
		e.off = (e.off + c) % len(e.chunk)
	}
	*e.n += k
	return k, nil
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRunInspectOnlyLogin: without a provider, inspect shows the only
// stored login; with none it says to log in (3), with several it names
// them (2).
func TestRunInspectOnlyLogin(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	app, _, _ := f.runApp("")
	err := runInspect(context.Background(), &inspectOptions{App: app, Profile: "default"})
	wantCode(t, "no login", err, exitcode.LoginNeeded)
	if err == nil || errorText(err, nil) != "no stored logins; run `zauth login <provider>`" {
		t.Errorf("no login: %v", err)
	}

	f.login("--scope", "read_account", "--profile", "work")
	// The login found has its own profile, whatever the default is.
	app, out, _ := f.runApp("")
	err = runInspect(context.Background(), &inspectOptions{App: app, Profile: "default"})
	if err != nil || !strings.Contains(out.String(), "Profile:           work") {
		t.Errorf("one login: %v\n%s", err, out)
	}

	f.login("--scope", "read_account")
	app, _, _ = f.runApp("")
	err = runInspect(context.Background(), &inspectOptions{App: app, Profile: "default"})
	wantCode(t, "two logins", err, exitcode.Usage)
	if err == nil || err.Error() != "2 logins are stored (ziina/default, ziina/work); name the provider (and --profile)" {
		t.Errorf("two logins: %v", err)
	}
}

// TestRunLogoutUnconfigured: the login of a provider that is no longer
// configured is removed without revoking; once removed, logging out again
// says there is nothing to remove (3) and why the provider is unknown.
func TestRunLogoutUnconfigured(t *testing.T) {
	f := newFixture(t, emulator.Generic)
	f.must(0, "", "providers", "add", "acme", "--issuer", f.emu.Issuer)
	f.login("--scope", "openid")
	if err := os.Remove(paths.ConfigFile()); err != nil {
		t.Fatal(err)
	}
	app, out, errb := f.runApp("")
	if err := runLogout(context.Background(), &logoutOptions{App: app, Provider: "acme", Profile: "default", JSON: true}); err != nil {
		t.Fatal(err)
	}
	if want := "Removed the stored login of acme (profile default) from the file; acme is no longer configured, so its tokens were not revoked.\n"; errb.String() != want {
		t.Errorf("stderr %q, want %q", errb, want)
	}
	contains(t, "logout --json", out.String(), `"provider": "acme"`, `"removed": true`, `"revoked": false`)
	if f.emu.RevokedTokens() != 0 {
		t.Error("revoked at a provider no longer configured")
	}
	_, errOut := f.must(exitcode.LoginNeeded, "", "logout", "acme")
	contains(t, "second logout", errOut, "zauth: not logged in to acme (profile default); nothing to remove; unknown provider \"acme\"")
}

// refusingDelete is a store backend that refuses to delete one key.
type refusingDelete struct {
	*keychain.Chunked
	key string
}

func (r refusingDelete) Delete(key string) error {
	if key == r.key {
		return exitcode.New(exitcode.Storage, errors.New("the keychain refused to delete "+key))
	}
	return r.Chunked.Delete(key)
}

// TestRunLogoutAllSweepFails: logout --all removes the listed logins, then
// an unlisted record it cannot delete. That failure is reported on its
// own line and in the exit message, and is not counted as a failed logout
// of the listed ones (it once read "1 of 1 logouts did not complete" after
// the one logout had completed).
func TestRunLogoutAllSweepFails(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account")
	backend := f.store.Backend.(*keychain.Chunked)
	const unlisted = "token:not-a-login-key"
	if err := backend.Set(unlisted, `{"v":1}`); err != nil {
		t.Fatal(err)
	}
	f.store.Backend = refusingDelete{backend, unlisted}
	app, out, errb := f.runApp("")
	err := runLogout(context.Background(), &logoutOptions{App: app, All: true, Profile: "default", JSON: true})
	wantCode(t, "logout --all", err, exitcode.Storage)
	if err == nil || err.Error() != "the search for unlisted login records did not complete" {
		t.Errorf("error %v, want the sweep named", err)
	}
	contains(t, "stderr", errb.String(), "zauth: the keychain refused to delete "+unlisted)
	if strings.Contains(errb.String(), "logouts did not complete") {
		t.Errorf("the sweep counted as a failed logout:\n%s", errb)
	}
	contains(t, "logout --all --json", out.String(), `"provider": "ziina"`, `"removed": true`)
	if _, err := backend.Get(tokenstore.TokenKey("ziina", "default")); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("the listed login is still stored: %v", err)
	}
}

// TestRunStatusNeedsLogin: a login that expired and cannot be refreshed
// makes status exit 3 naming the command that replaces it, scopes
// included; --json still lists it, as not usable.
func TestRunStatusNeedsLogin(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account")
	f.login("--scope", "read_account+offline_access", "--profile", "work")
	f.advance(48 * time.Hour)
	app, out, _ := f.runApp("")
	err := runStatus(context.Background(), &statusOptions{App: app})
	wantCode(t, "status", err, exitcode.LoginNeeded)
	if err == nil || err.Error() != "1 of 2 logins need a new login: `zauth login ziina --scope read_account`" {
		t.Errorf("status: %v", err)
	}
	contains(t, "status table", out.String(), "expired", "PROVIDER")
	app, out, _ = f.runApp("")
	err = runStatus(context.Background(), &statusOptions{App: app, JSON: true})
	wantCode(t, "status --json", err, exitcode.LoginNeeded)
	contains(t, "status --json", out.String(), `"usable": false`, `"usable": true`)
}

// TestRunProvidersAddDefaults: the block providers add writes holds only
// what differs from the defaults (consent_for_offline is on anyway for a
// provider with openid), and the provider read back from it has the rule.
func TestRunProvidersAddDefaults(t *testing.T) {
	f := newFixture(t, emulator.Generic)
	app, _, errb := f.runApp("")
	if err := runProvidersAdd(context.Background(), &providersAddOptions{App: app, Name: "acme", Issuer: f.emu.Issuer}); err != nil {
		t.Fatalf("%v\n%s", err, errb)
	}
	written, err := os.ReadFile(paths.ConfigFile())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(written), "consent_for_offline") || !strings.Contains(string(written), "openid") {
		t.Errorf("written:\n%s", written)
	}
	p, err := f.app("", nil, nil).Provider("acme")
	if err != nil || !p.ConsentForOffline {
		t.Errorf("read back: %+v %v", p, err)
	}
}

// TestRunProvidersAddRefusesBadEndpoints: a discovery document whose
// endpoints zauth would refuse when loading the provider (a fragment, an
// authorization endpoint in plain http on another host) is not written.
func TestRunProvidersAddRefusesBadEndpoints(t *testing.T) {
	for name, endpoints := range map[string][2]string{
		"fragment":   {"/auth#frag", "/token"},
		"plain http": {"http://auth.example.test/auth", "/token"},
	} {
		t.Run(name, func(t *testing.T) {
			var srv *httptest.Server
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				abs := func(e string) string {
					if strings.HasPrefix(e, "/") {
						return srv.URL + e
					}
					return e
				}
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"issuer":%q,"authorization_endpoint":%q,"token_endpoint":%q,"response_types_supported":["code"],"code_challenge_methods_supported":["S256"]}`,
					srv.URL, abs(endpoints[0]), abs(endpoints[1]))
			}))
			defer srv.Close()
			f := newFixture(t, emulator.Generic)
			app, _, errb := f.runApp("")
			err := runProvidersAdd(context.Background(), &providersAddOptions{App: app, Name: "acme", Issuer: srv.URL})
			if exitCode(err) != exitcode.Provider {
				t.Fatalf("exit %d (%v), want %d\n%s", exitCode(err), err, exitcode.Provider, errb)
			}
			if b, _ := os.ReadFile(paths.ConfigFile()); strings.Contains(string(b), "acme") {
				t.Errorf("written:\n%s", b)
			}
		})
	}
}

// TestClientSetHintOnce: what providers add says to run next is the
// command the missing client id error names, for a confidential client,
// a public one (--public), and a server that takes either (Ziina's
// document lists none besides the secrets).
func TestClientSetHintOnce(t *testing.T) {
	for _, tc := range []struct {
		kind   emulator.Kind
		public bool
		want   string
	}{
		{emulator.Generic, false, "`zauth client set other --client-id ID --secret-stdin`"},
		{emulator.Generic, true, "`zauth client set other --client-id ID`"},
		{emulator.Ziina, false, "`zauth client set other --client-id ID` (add --secret-stdin if the client has a secret)"},
	} {
		f := newFixture(t, tc.kind)
		issuer := f.emu.Issuer
		if tc.kind == emulator.Ziina {
			issuer += "/oidc" // where Ziina keeps its document
		}
		app, _, errb := f.runApp("")
		if err := runProvidersAdd(context.Background(), &providersAddOptions{App: app, Name: "other", Issuer: issuer, Public: tc.public}); err != nil {
			t.Fatalf("%v\n%s", err, errb)
		}
		if next := errb.String()[strings.LastIndex(errb.String(), "Next: "):]; next != "Next: "+tc.want+"\n" {
			t.Errorf("providers add: %q, want %q", next, "Next: "+tc.want)
		}
		_, errOut := f.must(exitcode.Usage, "", "login", "other", "--scope", "openid")
		contains(t, "login without a client id", errOut, "; run "+tc.want+", or set ZAUTH_OTHER_CLIENT_ID")
	}
}

// TestRunClientSetRejects: settings the provider cannot take are refused
// before anything is stored, each with its one line.
func TestRunClientSetRejects(t *testing.T) {
	f := newFixture(t, emulator.ZBD)
	t.Setenv("ZAUTH_ZBD_CLIENT_ID", "")
	for _, tc := range []struct {
		opts clientSetOptions
		want string
	}{
		{clientSetOptions{Provider: "zbd"}, "--client-id is required: no client id is stored for zbd"},
		{clientSetOptions{Provider: "zbd", ClientID: ptr("  ")}, "--client-id must not be empty; run `zauth client delete zbd` to forget the client"},
		{clientSetOptions{Provider: "zbd", ClientID: ptr("id"), Username: ptr("u")}, "zbd takes no --username"},
		{clientSetOptions{Provider: "zbd", ClientID: ptr("id"), SecretStdin: true}, "expected the client secret on stdin, got nothing"},
		{clientSetOptions{Provider: "nosuch", ClientID: ptr("id")}, `unknown provider "nosuch"; known providers: zbd, ziina; define one with ` + "`zauth providers add NAME --issuer URL`"},
	} {
		app, _, errb := f.runApp("")
		tc.opts.App = app
		err := runClientSet(context.Background(), &tc.opts)
		wantCode(t, tc.want, err, exitcode.Usage)
		if err == nil || errorText(err, nil) != tc.want || errb.Len() != 0 {
			t.Errorf("%+v: %v, stderr %q; want %q", tc.opts, err, errb, tc.want)
		}
	}
	if _, err := os.Stat(paths.ConfigFile()); !os.IsNotExist(err) {
		t.Errorf("a refused client set wrote the config file: %v", err)
	}
	if s, _ := f.store.Secret("zbd", tokenstore.ClientSecret); s != "" {
		t.Error("a refused client set stored a secret")
	}
}

// TestRunInspectRemoteShowsTheTokenAsked: --remote refreshes an expired
// token before asking the provider; what inspect then shows (the token
// under --show-token, its expiry) is that token, the one now stored, not
// the one it replaced.
func TestRunInspectRemoteShowsTheTokenAsked(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account+offline_access")
	old, err := f.store.Load("ziina", "default")
	if err != nil {
		t.Fatal(err)
	}
	f.advance(old.Expiry.Sub(f.clock()) + time.Hour)
	app, out, errb := f.runApp("")
	if err := runInspect(context.Background(), &inspectOptions{App: app, Provider: "ziina", Profile: "default", JSON: true, ShowToken: true, Remote: true}); err != nil {
		t.Fatalf("inspect --remote: %v\n%s", err, errb)
	}
	stored, err := f.store.Load("ziina", "default")
	if err != nil || stored.AccessToken == old.AccessToken {
		t.Fatalf("no refresh happened: %v", err)
	}
	var in struct {
		AccessToken string `json:"access_token"`
		Expired     bool   `json:"expired"`
	}
	if err := json.Unmarshal(out.Bytes(), &in); err != nil {
		t.Fatal(err)
	}
	if in.AccessToken != stored.AccessToken || in.Expired {
		t.Errorf("inspect --remote shows the replaced token (%v) or calls it expired (%v)", in.AccessToken == old.AccessToken, in.Expired)
	}
}

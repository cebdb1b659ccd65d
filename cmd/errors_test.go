package cmd

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// TestErrorTable walks every error type internal/ returns to the exit code and
// the hint the command line gives for it: the one place they meet.
func TestErrorTable(t *testing.T) {
	ziina, _ := provider.Lookup("ziina")
	zbd, _ := provider.Lookup("zbd")
	public := &provider.Provider{Name: "pub", ClientAuth: provider.AuthNone}
	wrap := func(code int, err error) error { return fmt.Errorf("context: %w", exitcode.New(code, err)) }
	for _, tc := range []struct {
		name string
		err  error
		p    *provider.Provider
		code int
		hint string // "" for none
	}{
		{"unclassified", errors.New("disk full"), nil, exitcode.Unexpected, ""},
		{"usage", usageError(&cobra.Command{Use: "zauth"}, "bad flag"), nil, exitcode.Usage, ""},
		{"not logged in", wrap(exitcode.LoginNeeded, &session.LoginRequiredError{Provider: "zbd", Profile: "default", Msg: "not logged in"}), nil,
			exitcode.LoginNeeded, "run `zauth login zbd`"},
		{"needs re-login, other profile, other port", wrap(exitcode.LoginNeeded, &session.LoginRequiredError{Provider: "zbd", Profile: "work",
			RedirectURI: "http://127.0.0.1:8976/callback",
			Record:      &tokenstore.Record{RequestedScopes: []string{"user"}, RedirectURI: "http://127.0.0.1:9123/callback"}}), nil,
			exitcode.LoginNeeded, "run `zauth login zbd --profile work --scope user --port 9123`"},
		{"damaged record", wrap(exitcode.LoginNeeded, &tokenstore.CorruptError{Key: "k", Provider: "ziina", Profile: "p", Reason: "x"}), nil,
			exitcode.LoginNeeded, "remove it with `zauth logout ziina --profile p`, then `zauth login ziina --profile p`"},
		{"browser timeout", wrap(exitcode.LoginNeeded, &session.BrowserTimeoutError{Timeout: time.Second}), nil,
			exitcode.LoginNeeded, "run the login again (raise --timeout if you need longer)"},
		{"index not written", wrap(exitcode.Storage, &tokenstore.IndexError{Storage: "keychain", Path: "/s/index.json", Err: errors.New("full")}), nil,
			exitcode.Storage, "`zauth token` works meanwhile"},
		{"index not written on logout", wrap(exitcode.Storage, &tokenstore.IndexError{Deleted: true, Storage: "keychain", Path: "/s/index.json", Err: errors.New("full")}), nil,
			exitcode.Storage, "the next zauth command rebuilds the index"},
		{"keychain unavailable", wrap(exitcode.Storage, &keychain.StateError{State: keychain.Unavailable, Err: errors.New("no bus")}), nil,
			exitcode.Storage, "pass --insecure-storage (or set ZAUTH_STORAGE=file)"},
		{"keychain locked", wrap(exitcode.Storage, &keychain.StateError{State: keychain.Locked, Err: errors.New("locked")}), nil,
			exitcode.Storage, "`gnome-keyring-daemon --unlock`"},
		{"keychain timeout", wrap(exitcode.Storage, &keychain.StateError{State: keychain.TimedOut, Err: errors.New("slow")}), nil,
			exitcode.Storage, "raise ZAUTH_KEYRING_TIMEOUT"},
		{"no client id", wrap(exitcode.Usage, &config.MissingClientIDError{Provider: zbd}), nil,
			exitcode.Usage, "run `zauth client set zbd --client-id ID --secret-stdin`, or set ZAUTH_ZBD_CLIENT_ID"},
		{"no client id, public client", wrap(exitcode.Usage, &config.MissingClientIDError{Provider: public}), nil,
			exitcode.Usage, "run `zauth client set pub --client-id ID`, or set ZAUTH_PUB_CLIENT_ID"},
		{"no client secret", wrap(exitcode.Usage, &session.MissingSecretError{Provider: "ziina", SecretName: "password", ClientID: "cid"}), nil,
			exitcode.Usage, "run `zauth client set ziina --client-id cid --secret-stdin`, or set ZAUTH_ZIINA_CLIENT_SECRET"},
		{"no API key", wrap(exitcode.Usage, &session.MissingAPIKeyError{Provider: "zbd", DisplayName: "ZBD"}), nil,
			exitcode.Usage, "`zauth client set zbd --client-id ID --api-key-stdin`, or set ZAUTH_ZBD_API_KEY"},
		{"no scopes", wrap(exitcode.Usage, &session.NoScopesError{Provider: "gen"}), nil,
			exitcode.Usage, "pass --scope (see `zauth scopes gen`)"},
		{"unknown provider", wrap(exitcode.Usage, &config.UnknownProviderError{Name: "x", Known: []string{"zbd"}}), nil,
			exitcode.Usage, "`zauth providers add NAME --issuer URL`"},
		{"client rejected", wrap(exitcode.Usage, &oauth.TokenError{Endpoint: "token", Status: 401, Code: "invalid_client"}), ziina,
			exitcode.Usage, "check the client id and " + ziina.SecretName + " (`zauth client show ziina`)"},
		{"grant rejected", wrap(exitcode.LoginNeeded, &oauth.TokenError{Endpoint: "token", Status: 400, Code: "invalid_grant"}), ziina,
			exitcode.LoginNeeded, ""},
		{"provider down", wrap(exitcode.Provider, &oauth.TokenError{Endpoint: "token", Status: 503, Code: "temporarily_unavailable"}), ziina,
			exitcode.Provider, ""},
		{"interrupted", exitcode.New(exitcode.Interrupted, errors.New("interrupted")), nil, exitcode.Interrupted, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := exitCode(tc.err); got != tc.code {
				t.Errorf("exit code %d, want %d", got, tc.code)
			}
			got := hint(tc.err, tc.p)
			if tc.hint == "" && got != "" || !strings.Contains(got, tc.hint) {
				t.Errorf("hint %q, want %q", got, tc.hint)
			}
			if text := errorText(tc.err, tc.p); !strings.HasPrefix(text, tc.err.Error()) || strings.Count(text, got) != 1 && got != "" {
				t.Errorf("errorText %q: want the message then the hint once", text)
			}
		})
	}
}

// TestNoCommandTextBelowCmd: the error texts internal/ returns name no zauth
// command, flag or environment variable; cmd adds those.
func TestNoCommandTextBelowCmd(t *testing.T) {
	zbd, _ := provider.Lookup("zbd")
	for _, err := range []error{
		&session.LoginRequiredError{Provider: "zbd", Profile: "w", Msg: "not logged in to zbd (profile w)"},
		&session.MissingAPIKeyError{Provider: "zbd", DisplayName: "ZBD"},
		&session.NoScopesError{Provider: "zbd"},
		&session.BrowserTimeoutError{Timeout: time.Second},
		&config.MissingClientIDError{Provider: zbd},
		&config.UnknownProviderError{Name: "x", Known: []string{"zbd"}},
		&tokenstore.CorruptError{Key: "k", Provider: "zbd", Profile: "w", Reason: "x"},
	} {
		if msg := err.Error(); strings.Contains(msg, "zauth ") || strings.Contains(msg, "--") || strings.Contains(msg, "ZAUTH_") {
			t.Errorf("%T says %q", err, msg)
		}
	}
}

func TestLoginCommand(t *testing.T) {
	def := "http://127.0.0.1:8976/callback"
	for _, tc := range []struct {
		profile string
		r       *tokenstore.Record
		want    string
	}{
		{"default", nil, "`zauth login zbd`"},
		{"work", &tokenstore.Record{RequestedScopes: []string{"user", "wallet"}, RedirectURI: def}, "`zauth login zbd --profile work --scope user,wallet`"},
		{"default", &tokenstore.Record{RequestedScopes: []string{"user"}, RedirectURI: "http://127.0.0.1:9123/callback"}, "`zauth login zbd --scope user --port 9123`"},
		{"default", &tokenstore.Record{RequestedScopes: []string{}, RedirectURI: "http://localhost:9123/cb"}, "`zauth login zbd --scope '' --redirect-uri http://localhost:9123/cb`"},
		{"default", &tokenstore.Record{RequestedScopes: []string{"a b;rm", "c"}}, "`zauth login zbd --scope 'a b;rm,c'`"},
	} {
		if got := loginCommand("zbd", tc.profile, def, tc.r); got != tc.want {
			t.Errorf("loginCommand = %s, want %s", got, tc.want)
		}
	}
}

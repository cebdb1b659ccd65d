package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/loopback"
	"github.com/zauth-cli/zauth/internal/progress"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// loginOptions is what `zauth login` was asked to do.
type loginOptions struct {
	App         *App
	Provider    string
	Profile     string
	Scopes      []string
	ScopesSet   bool // --scope given, maybe empty
	NoBrowser   bool
	Port        *int // nil: the redirect URI's port
	RedirectURI string
	Timeout     time.Duration
	JSON        bool
}

func newLoginCmd(app *App, runF func(context.Context, *loginOptions) error) *cobra.Command {
	opts := &loginOptions{App: app}
	if runF == nil {
		runF = runLogin
	}
	var port int
	c := &cobra.Command{
		Use:   "login <provider>",
		Short: "Log in through the browser and store the tokens in the keychain",
		Long: `Log in to a provider: zauth listens on the registered loopback redirect URI,
opens the consent page in your browser, exchanges the returned code (PKCE) and
stores the tokens in the OS keychain.

Scopes can be written as a+b, a,b, "a b" or as repeated --scope flags. Without
--scope, zauth asks for the scopes of the profile's previous login, else the
configured ones; with neither it stops (see zauth scopes). A provider that needs
no scope takes an explicit --scope ''.

The stored login remembers how it was made: its redirect URI (the real port for
--port 0), the scopes asked for and granted, the client id, where it is kept and,
when the provider tells cheaply, the account it belongs to. Refreshes send the
same redirect URI.
Requesting offline_access from Ziina, or from any OpenID Connect provider, adds
prompt=consent, without which such servers issue no refresh token (OpenID
Connect Core §11; a provider's consent_for_offline key turns it off).

--port 0 listens on a free port and sends that one, for servers that accept any
loopback port for a native client (RFC 8252 §7.3). Use it only with such a
server: the redirect URI of the login then names the port that was picked.

When no browser can be opened (SSH, no display, every $BROWSER command
fails) zauth says so and works as with --no-browser: open the printed URL on
any machine, then paste the URL you are redirected to; the listener keeps
waiting meanwhile, so a browser on this machine still works. If nothing
comes back within 30 seconds, zauth says once what usually went wrong.`,
		Example: `  zauth login ziina --scope write_refunds+offline_access
  zauth login zbd --scope user,wallet
  zauth login ziina --profile work --no-browser --port 9000`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Provider = args[0]
			opts.ScopesSet = c.Flags().Changed("scope")
			if c.Flags().Changed("port") {
				if c.Flags().Changed("redirect-uri") {
					return exitcode.Newf(exitcode.Usage, "use either --port or --redirect-uri, not both")
				}
				opts.Port = &port
			}
			if opts.RedirectURI != "" {
				if err := loopback.CheckRedirectURI(opts.RedirectURI); err != nil {
					return exitcode.New(exitcode.Usage, err)
				}
			}
			return runF(c.Context(), opts)
		},
	}
	addProfileFlag(app, c, &opts.Profile)
	c.Flags().StringArrayVarP(&opts.Scopes, "scope", "s", nil, "scopes to request: a+b, a,b or repeated (default: those of the profile's previous login, else the configured scopes)")
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the stored login's non-secret fields as JSON (as status --json)")
	c.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "print the URL instead of opening a browser, and accept the redirected URL on stdin")
	c.Flags().IntVar(&port, "port", 0, "listen on this port instead of the redirect URI's (register the changed URI with the provider); 0 picks a free port")
	c.Flags().StringVar(&opts.RedirectURI, "redirect-uri", "", "loopback redirect URI registered with the provider (default: the provider's redirect_uri setting, else "+provider.DefaultRedirectURI+"; zauth login <provider> --help shows it)")
	c.Flags().DurationVar(&opts.Timeout, "timeout", 5*time.Minute, "how long to wait for the browser")
	_ = c.RegisterFlagCompletionFunc("scope", scopeCompletion(app))
	return c
}

func runLogin(ctx context.Context, opts *loginOptions) error {
	app := opts.App
	t, err := app.Target(opts.Provider, opts.Profile)
	if err != nil {
		return err
	}
	if opts.RedirectURI != "" {
		t.RedirectURI = opts.RedirectURI
	}
	if opts.Port != nil {
		if t.RedirectURI, err = config.WithPort(t.RedirectURI, *opts.Port); err != nil {
			return exitcode.New(exitcode.Usage, err)
		}
	}
	terminal := isTerminal(app.Err)
	r, err := app.Env().Login(ctx, t, session.LoginOptions{
		Scopes:        provider.ParseScopes(opts.Scopes),
		ScopesSet:     opts.ScopesSet,
		DefaultScopes: app.cfg.DefaultScopes(t.Provider),
		APIKey: func() string {
			k, _ := app.apiKey(t.Provider)
			return k
		},
		Timeout:   opts.Timeout,
		NoBrowser: opts.NoBrowser,
		Paste:     app.In,
		Open:      app.openBrowser,
		Status:    app.Err,
		Waiting: func(deadline time.Time) func() {
			return progress.Wait(app.Err, terminal, "Waiting for the browser to come back…", deadline)
		},
	})
	if err != nil {
		return err
	}
	return reportLogin(app, "Logged in to", t, r, opts.JSON)
}

// reportLogin says on stderr what a login or refresh stored, and prints
// its non-secret fields as JSON when asked.
func reportLogin(app *App, did string, t session.Target, r *tokenstore.Record, asJSON bool) error {
	fmt.Fprintf(app.Err, "%s %s (profile %s)%s: %s.\n", did, t.Provider.DisplayName, r.Profile, asAccount(r), summary(r, app.now()))
	if asJSON {
		return writeJSON(app.Out, recordView(r, app.now()))
	}
	return nil
}

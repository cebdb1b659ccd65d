package cmd

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

var tokenFormats = []string{"raw", "header", "json", "env"}

// tokenOptions is what `zauth token` was asked to do.
type tokenOptions struct {
	App      *App
	Provider string
	Profile  string
	MinTTL   time.Duration
	Format   string // one of tokenFormats
}

func newTokenCmd(app *App, runF func(context.Context, *tokenOptions) error) *cobra.Command {
	opts := &tokenOptions{App: app}
	if runF == nil {
		runF = runToken
	}
	c := &cobra.Command{
		Use:   "token <provider>",
		Short: "Print a valid access token, refreshing it first if it is about to expire",
		Long: `Print the stored access token on stdout, for scripts. When it expires within
--min-ttl, zauth refreshes it first (once, even when many zauth processes ask at
the same time) and stores the result.

Formats:
  raw     the token and a newline (default)
  header  Authorization: <type> <token>
  json    {"access_token", "token_type", "expires_at", "scopes"}
  env     ZAUTH_ACCESS_TOKEN=<token>, for eval`,
		Example: `  curl -H "Authorization: Bearer $(zauth token ziina)" https://api-v2.ziina.com/api/account
  curl -H "$(zauth token ziina --format header)" https://api-v2.ziina.com/api/account
  eval "$(zauth token zbd --format env)"`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			if !slices.Contains(tokenFormats, opts.Format) {
				return exitcode.Newf(exitcode.Usage, "unknown --format %q; use one of %s", opts.Format, strings.Join(tokenFormats, ", "))
			}
			opts.Provider = args[0]
			return runF(c.Context(), opts)
		},
	}
	addProfileFlag(app, c, &opts.Profile)
	c.Flags().DurationVar(&opts.MinTTL, "min-ttl", 60*time.Second, "refresh first when the token expires within this long")
	c.Flags().StringVarP(&opts.Format, "format", "f", "raw", "output format: raw, header, json or env")
	_ = c.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(tokenFormats, cobra.ShellCompDirectiveNoFileComp))
	return c
}

func runToken(ctx context.Context, opts *tokenOptions) error {
	app := opts.App
	t, err := app.Target(opts.Provider, opts.Profile)
	if err != nil {
		return err
	}
	r, err := app.Env().Fresh(ctx, t, opts.MinTTL)
	if err != nil {
		return err
	}
	if l, short := session.ShortLived(r, app.now(), opts.MinTTL); short {
		fmt.Fprintf(app.Err, "zauth: warning: %s issues access tokens valid for %s, less than --min-ttl %s; this one expires in %s (zauth refreshes it in the second half of its life instead of on every call)\n",
			t.Provider.DisplayName, human(l), human(opts.MinTTL), human(r.Expiry.Sub(app.now())))
	}
	return printToken(app, r, opts.Format)
}

func printToken(app *App, r *tokenstore.Record, format string) error {
	switch format {
	case "header":
		typ := r.TokenType
		if session.IsBearer(r) { // "bearer" from some servers is valid but unusual
			typ = "Bearer"
		}
		_, err := fmt.Fprintf(app.Out, "Authorization: %s %s\n", typ, r.AccessToken)
		return err
	case "json":
		out := struct {
			AccessToken string     `json:"access_token"`
			TokenType   string     `json:"token_type"`
			ExpiresAt   *time.Time `json:"expires_at"`
			Scopes      []string   `json:"scopes"`
		}{r.AccessToken, r.TokenType, timePtr(r.Expiry), nonNil(r.Scopes)}
		return writeJSON(app.Out, out)
	case "env":
		_, err := fmt.Fprintf(app.Out, "ZAUTH_ACCESS_TOKEN=%s\n", shellQuote(r.AccessToken))
		return err
	}
	_, err := fmt.Fprintln(app.Out, r.AccessToken)
	return err
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

package cmd

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/jwt"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/textsafe"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// inspection is the `inspect --json` document; its field names are stable.
type inspection struct {
	Provider    string       `json:"provider"`
	Profile     string       `json:"profile"`
	Account     string       `json:"account"`
	ClientID    string       `json:"client_id"`
	Scopes      []string     `json:"scopes"`
	Requested   []string     `json:"requested_scopes"`
	RedirectURI string       `json:"redirect_uri"`
	Storage     string       `json:"storage"`
	TokenType   string       `json:"token_type"`
	ObtainedAt  time.Time    `json:"obtained_at"`
	ExpiresAt   *time.Time   `json:"expires_at"`
	ExpiresIn   *int64       `json:"expires_in_seconds"` // negative once expired
	Expired     bool         `json:"expired"`
	Refreshable bool         `json:"refreshable"`
	JWT         *jwt.Decoded `json:"jwt,omitempty"` // decoded, not verified
	AccessToken string       `json:"access_token,omitempty"`
	// Remote has each source's answer, keyed by source; RemoteErrors and
	// RemoteSkipped say why a source did not answer.
	Remote        map[string]any    `json:"remote,omitempty"`
	RemoteErrors  map[string]string `json:"remote_errors,omitempty"`
	RemoteSkipped map[string]string `json:"remote_skipped,omitempty"`

	sources []session.Source // in the provider's order, for the text form
}

// inspectOptions is what `zauth inspect` was asked to do.
type inspectOptions struct {
	App       *App
	Provider  string // "": the only stored login
	Profile   string
	JSON      bool
	ShowToken bool
	Remote    bool
}

func newInspectCmd(app *App, runF func(context.Context, *inspectOptions) error) *cobra.Command {
	opts := &inspectOptions{App: app}
	if runF == nil {
		runF = runInspect
	}
	c := &cobra.Command{
		Use:   "inspect [<provider>]",
		Short: "Show what is stored for a login (the token itself only with --show-token)",
		Long: `Show the stored login: client id, scopes, token type, when it was obtained and
when it expires, whether it can be refreshed, and, when the access token is a
JWT, its decoded header and claims (not verified); also how the login was made
(account, requested scopes, redirect URI, storage). --remote asks the provider
who the token belongs to. Without a provider, inspects the only stored login.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) == 0 && c.Flags().Changed("profile") { // would be ignored
				return exitcode.Newf(exitcode.Usage, "%s: --profile picks among one provider's logins: name the provider too, for example `%s ziina --profile %s`", c.CommandPath(), c.CommandPath(), opts.Profile)
			}
			if len(args) == 1 {
				opts.Provider = args[0]
			}
			return runF(c.Context(), opts)
		},
	}
	addProfileFlag(app, c, &opts.Profile)
	c.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	c.Flags().BoolVar(&opts.ShowToken, "show-token", false, "include the access token")
	c.Flags().BoolVar(&opts.Remote, "remote", false, "ask the provider who the token belongs to")
	return c
}

func runInspect(ctx context.Context, opts *inspectOptions) error {
	app := opts.App
	name, profile := opts.Provider, opts.Profile
	if name == "" {
		var err error
		if name, profile, err = app.onlyLogin(); err != nil {
			return err
		}
	}
	t, err := app.Target(name, profile)
	if err != nil {
		return err
	}
	env := app.Env()
	r, err := env.Load(t)
	if err != nil {
		return err
	}
	var sources []session.Source
	var remoteErr error
	if opts.Remote {
		// What is shown is then the token the provider is asked about:
		// the refreshed one, if Fresh replaced an expired token.
		if r, err = env.Fresh(ctx, t, 0); err != nil {
			return err
		}
		key, err := app.apiKey(t.Provider)
		if err != nil {
			return err
		}
		if sources, err = env.Identity(ctx, t, r, key); err != nil {
			return err
		}
	}
	in := inspect(r, app.now())
	if opts.ShowToken {
		in.AccessToken = r.AccessToken
	}
	if opts.Remote {
		in.sources = sources
		in.setRemote()
		// Whatever answered is shown; the command fails only when
		// no source answered.
		remoteErr = session.NoAnswer(t.Provider, in.sources)
	}
	if opts.JSON {
		if err := writeJSON(app.Out, in); err != nil {
			return err
		}
	} else {
		printInspection(app, in)
	}
	return remoteErr
}

// onlyLogin names the single stored login, for commands whose provider
// argument is optional.
func (a *App) onlyLogin() (provider, profile string, err error) {
	entries, err := a.Store().List()
	if err != nil {
		return "", "", err
	}
	switch len(entries) {
	case 0:
		return "", "", exitcode.Newf(exitcode.LoginNeeded, "no stored logins").WithHint("run `zauth login <provider>`")
	case 1:
		return entries[0].Provider, entries[0].Profile, nil
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Provider + "/" + e.Profile
	}
	return "", "", exitcode.Newf(exitcode.Usage, "%d logins are stored (%s); name the provider (and --profile)", len(entries), strings.Join(names, ", "))
}

func inspect(r *tokenstore.Record, now time.Time) inspection {
	in := inspection{Provider: r.Provider, Profile: r.Profile, Account: r.Account, ClientID: r.ClientID, Scopes: nonNil(r.Scopes),
		Requested: nonNil(r.RequestedScopes), RedirectURI: r.RedirectURI, Storage: r.Storage,
		TokenType: r.TokenType, ObtainedAt: r.ObtainedAt.UTC(), ExpiresAt: timePtr(r.Expiry), Refreshable: r.Refreshable()}
	if !r.Expiry.IsZero() {
		secs := int64(r.Expiry.Sub(now).Seconds())
		in.ExpiresIn = &secs
		in.Expired = secs <= 0
	}
	if d, ok := jwt.Decode(r.AccessToken); ok {
		in.JWT = d
	}
	return in
}

// printInspection prints for people: everything the provider chose is
// cleaned of escape sequences (the --json document is exact instead).
func printInspection(app *App, in inspection) {
	w := tabwriter.NewWriter(app.Out, 0, 0, 2, ' ', 0)
	row := func(k, v string) { fmt.Fprintf(w, "%s:\t%s\n", k, textsafe.Line(v)) }
	row("Provider", in.Provider)
	row("Profile", in.Profile)
	row("Account", dash(in.Account))
	row("Client ID", in.ClientID)
	row("Scopes", strings.Join(in.Scopes, " "))
	row("Requested scopes", strings.Join(in.Requested, " "))
	row("Redirect URI", dash(in.RedirectURI))
	row("Storage", in.Storage)
	row("Token type", in.TokenType)
	row("Obtained at", in.ObtainedAt.Local().Format(time.RFC3339))
	exp := "unknown"
	if in.ExpiresAt != nil {
		exp = in.ExpiresAt.Local().Format(time.RFC3339) + " (" + expiresText(*in.ExpiresAt, app.now()) + ")"
	}
	row("Expires at", exp)
	row("Refreshable", yesNo(in.Refreshable))
	if in.AccessToken != "" {
		row("Access token", in.AccessToken)
	}
	w.Flush()
	printJSON := func(v any) {
		var b bytes.Buffer
		writeJSON(&b, v)
		app.Out.Write(textsafe.JSON(b.Bytes()))
	}
	if in.JWT != nil {
		fmt.Fprintln(app.Out, "\nAccess token is a JWT (decoded, signature NOT verified):")
		printJSON(in.JWT)
	}
	if len(in.sources) > 0 {
		fmt.Fprintln(app.Out, "\nProvider says:")
	}
	for _, s := range in.sources {
		switch {
		case s.Skipped != "":
			fmt.Fprintf(app.Out, "%s: skipped: %s\n", textsafe.Line(s.Name), s.Skipped)
		case s.Err != nil:
			fmt.Fprintf(app.Out, "%s: failed: %s\n", textsafe.Line(s.Name), errorText(s.Err, nil))
		default:
			fmt.Fprintf(app.Out, "%s (%s):\n", textsafe.Line(s.Name), textsafe.Line(s.URL))
			printJSON(s.Answer)
		}
	}
}

// setRemote fills the JSON fields from the sources.
func (in *inspection) setRemote() {
	for _, s := range in.sources {
		switch {
		case s.Skipped != "":
			in.RemoteSkipped = setKey(in.RemoteSkipped, s.Name, s.Skipped)
		case s.Err != nil:
			in.RemoteErrors = setKey(in.RemoteErrors, s.Name, errorText(s.Err, nil))
		default:
			if in.Remote == nil {
				in.Remote = map[string]any{}
			}
			in.Remote[s.Name] = s.Answer
		}
	}
}

func setKey(m map[string]string, k, v string) map[string]string {
	if m == nil {
		m = map[string]string{}
	}
	m[k] = v
	return m
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

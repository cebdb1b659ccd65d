package cmd

import (
	"cmp"
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/textsafe"
)

// logoutView is one `logout --json` element; its field names are stable.
type logoutView struct {
	Provider string `json:"provider"`
	Profile  string `json:"profile"`
	Storage  string `json:"storage"` // where the login was kept; "" when damaged
	Removed  bool   `json:"removed"`
	Revoked  bool   `json:"revoked"`
	Damaged  bool   `json:"damaged"`
}

// logoutOptions is what `zauth logout` was asked to do.
type logoutOptions struct {
	App      *App
	Provider string // "" with All
	Profile  string
	All      bool
	JSON     bool
}

func newLogoutCmd(app *App, runF func(context.Context, *logoutOptions) error) *cobra.Command {
	opts := &logoutOptions{App: app}
	if runF == nil {
		runF = runLogout
	}
	c := &cobra.Command{
		Use:   "logout [<provider>] [--all]",
		Short: "Remove stored logins",
		Long: `Remove a stored login, wherever it is kept (keychain or file), or every login
with --all. A login of a provider that is no longer configured can be removed
too (nothing is revoked then). Logging out of a login that is not stored exits 3.

--all also removes every login record zauth finds in the keychain and the file
that the index of logins had lost.

When the provider has a revocation endpoint (RFC 7009), zauth revokes the tokens
there first. Neither Ziina nor ZBD documents one, so their tokens stay valid at
the provider until they expire; revoke the app's access in the provider's own
settings if a token may have leaked.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			switch all := opts.All; {
			case all && len(args) == 1:
				return usageError(c, "give a provider or --all, not both")
			case all && c.Flags().Changed("profile"):
				return usageError(c, "--all removes every profile's login: give --profile with a provider, or --all, not both")
			case !all && len(args) == 0:
				return usageError(c, "name a provider, or pass --all")
			}
			if len(args) == 1 {
				opts.Provider = args[0]
			}
			return runF(c.Context(), opts)
		},
	}
	addProfileFlag(app, c, &opts.Profile)
	c.Flags().BoolVar(&opts.All, "all", false, "remove every stored login")
	c.Flags().BoolVar(&opts.JSON, "json", false, "print what was removed as JSON")
	return c
}

func runLogout(ctx context.Context, opts *logoutOptions) error {
	app := opts.App
	if !opts.All {
		v, err := app.logout(ctx, opts.Provider, opts.Profile)
		if err != nil {
			return err
		}
		if opts.JSON {
			return writeJSON(app.Out, v)
		}
		return nil
	}
	store := app.Store()
	entries, err := store.Rebuild() // the index is a cache: ask storage
	if err != nil {
		return err
	}
	var firstErr error
	failed := 0
	out := []logoutView{}
	for _, e := range entries {
		v, err := app.logout(ctx, e.Provider, e.Profile)
		if err != nil {
			fmt.Fprintln(app.Err, "zauth: "+errorText(err, nil))
			firstErr = cmp.Or(firstErr, err)
			failed++
			continue
		}
		out = append(out, v)
	}
	// Records under keys zauth cannot name as provider and profile.
	swept, err := store.Sweep()
	for _, k := range swept {
		fmt.Fprintf(app.Err, "Removed the unlisted login record %s.\n", textsafe.Line(k))
	}
	sweepFailed := err != nil
	if sweepFailed {
		fmt.Fprintln(app.Err, "zauth: "+errorText(err, nil))
		firstErr = cmp.Or(firstErr, err)
	}
	if len(entries) == 0 && len(swept) == 0 && failed == 0 && !sweepFailed {
		fmt.Fprintln(app.Err, "No stored logins.")
	}
	if opts.JSON {
		if err := writeJSON(app.Out, out); err != nil {
			return err
		}
	}
	if failed > 0 {
		return exitcode.Newf(exitcode.Code(firstErr), "%d of %d logouts did not complete", failed, len(entries))
	}
	if sweepFailed {
		return exitcode.Newf(exitcode.Code(firstErr), "the search for unlisted login records did not complete")
	}
	return nil
}

func (a *App) logout(ctx context.Context, name, profile string) (logoutView, error) {
	t, err := a.Target(name, profile)
	unconfigured := false
	if err != nil {
		// A provider no longer configured: its stored login can still be
		// removed, without revoking (zauth no longer knows where).
		cfg, cfgErr := a.Config()
		if cfgErr != nil {
			return logoutView{}, err
		}
		if t, err = session.UnconfiguredTarget(cfg, a.Store(), name, profile, err); err != nil {
			return logoutView{}, err
		}
		unconfigured = true
	}
	res, err := a.Env().Logout(ctx, t)
	if err != nil {
		return logoutView{}, err
	}
	p := t.Provider
	switch {
	case res.Damaged:
		fmt.Fprintf(a.Err, "Removed a damaged login for %s (profile %s); nothing was revoked. Log in again with %s.\n", p.DisplayName, t.Profile,
			loginCommand(t.Provider.Name, t.Profile, t.RedirectURI, nil))
	case unconfigured:
		fmt.Fprintf(a.Err, "Removed the stored login of %s (profile %s) from the %s; %s is no longer configured, so its tokens were not revoked.\n", p.Name, t.Profile, res.Storage, p.Name)
	case res.Revoked:
		fmt.Fprintf(a.Err, "Logged out of %s (profile %s), removed from the %s; the tokens were revoked.\n", p.DisplayName, t.Profile, res.Storage)
	case p.RevocationURL == "":
		fmt.Fprintf(a.Err, "Logged out of %s (profile %s), removed from the %s. %s has no revocation endpoint; the token stays valid there until it expires.\n", p.DisplayName, t.Profile, res.Storage, p.DisplayName)
	default:
		fmt.Fprintf(a.Err, "Logged out of %s (profile %s), removed from the %s.\n", p.DisplayName, t.Profile, res.Storage)
	}
	return logoutView{Provider: p.Name, Profile: t.Profile, Storage: res.Storage, Removed: true, Revoked: res.Revoked, Damaged: res.Damaged}, nil
}

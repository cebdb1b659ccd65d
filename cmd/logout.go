package cmd

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/pkg/exitcode"
)

func newLogoutCmd(app *App) *cobra.Command {
	var (
		profile string
		all     bool
	)
	c := &cobra.Command{
		Use:   "logout [<provider>] [--all]",
		Short: "Remove stored logins",
		Long: `Remove a stored login from the keychain, or every login with --all.

When the provider has a revocation endpoint (RFC 7009), zauth revokes the tokens
there first. Neither Ziina nor ZBD documents one, so their tokens stay valid at
the provider until they expire; revoke the app's access in the provider's own
settings if a token may have leaked.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			switch {
			case all && len(args) == 1:
				return usageError(c, "give a provider or --all, not both")
			case all && c.Flags().Changed("profile"):
				return usageError(c, "--all removes every profile's login: give --profile with a provider, or --all, not both")
			case !all && len(args) == 0:
				return usageError(c, "name a provider, or pass --all")
			}
			if !all {
				return app.logout(c, args[0], profile)
			}
			entries, err := app.Store().List()
			if err != nil {
				return err
			}
			if len(entries) == 0 {
				fmt.Fprintln(app.Err, "No stored logins.")
			}
			var firstErr error
			failed := 0
			for _, e := range entries {
				if err := app.logout(c, e.Provider, e.Profile); err != nil {
					fmt.Fprintln(app.Err, "zauth: "+err.Error())
					firstErr = cmp.Or(firstErr, err)
					failed++
				}
			}
			if failed > 0 {
				return exitcode.Newf(exitcode.Code(firstErr), "%d of %d logouts did not complete", failed, len(entries))
			}
			return nil
		},
	}
	addProfileFlag(app, c, &profile)
	c.Flags().BoolVar(&all, "all", false, "remove every stored login")
	return c
}

func (a *App) logout(c *cobra.Command, name, profile string) error {
	t, err := a.Target(name, profile)
	if err != nil {
		return err
	}
	res, err := a.Env().Logout(c.Context(), t)
	if err != nil {
		return err
	}
	p := t.Provider
	switch {
	case res.Damaged:
		fmt.Fprintf(a.Err, "Removed a damaged login for %s (profile %s); nothing was revoked. Log in again with `%s`.\n", p.DisplayName, profile,
			strings.TrimPrefix(exitcode.LoginHint(p.Name, t.Profile), "run "))
	case res.Revoked:
		fmt.Fprintf(a.Err, "Logged out of %s (profile %s); the tokens were revoked.\n", p.DisplayName, profile)
	case p.RevocationURL == "":
		fmt.Fprintf(a.Err, "Logged out of %s (profile %s). %s has no revocation endpoint; the token stays valid there until it expires.\n", p.DisplayName, profile, p.DisplayName)
	default:
		fmt.Fprintf(a.Err, "Logged out of %s (profile %s).\n", p.DisplayName, profile)
	}
	return nil
}

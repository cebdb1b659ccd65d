package cmd

import (
	"fmt"

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

Neither Ziina nor ZBD documents a token revocation endpoint, so the tokens stay
valid at the provider until they expire; revoke the app's access in the
provider's own settings if a token may have leaked.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			if all == (len(args) == 1) {
				return exitcode.Newf(exitcode.Usage, "name a provider, or pass --all")
			}
			store := app.Store()
			if all {
				entries, err := store.List()
				if err != nil {
					return err
				}
				for _, e := range entries {
					if err := store.Delete(e.Provider, e.Profile); err != nil {
						return err
					}
					fmt.Fprintf(app.Err, "Logged out of %s (profile %s).\n", e.Provider, e.Profile)
				}
				if len(entries) == 0 {
					fmt.Fprintln(app.Err, "No stored logins.")
				}
				return nil
			}
			t, err := app.Target(args[0], profile)
			if err != nil {
				return err
			}
			if err := store.Delete(t.Provider.Name, profile); err != nil {
				return err
			}
			fmt.Fprintf(app.Err, "Logged out of %s (profile %s). %s has no revocation endpoint; the token stays valid there until it expires.\n",
				t.Provider.DisplayName, profile, t.Provider.DisplayName)
			return nil
		},
	}
	addProfileFlag(app, c, &profile)
	c.Flags().BoolVar(&all, "all", false, "remove every stored login")
	return c
}

package cmd

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newRefreshCmd(app *App) *cobra.Command {
	var (
		profile string
		asJSON  bool
	)
	c := &cobra.Command{
		Use:   "refresh <provider>",
		Short: "Refresh the stored access token now",
		Long: `Use the stored refresh token to get a new access token now, and store it.
zauth token does this on its own when the token is about to expire; refresh is
for checking that the refresh token still works, or for a fresh expiry.

A failed refresh keeps the stored login. Without a refresh token, or when the
provider rejects it (invalid_grant), the exit code is 3: log in again.`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			t, err := app.Target(args[0], profile)
			if err != nil {
				return err
			}
			r, err := app.Env().Refresh(c.Context(), t)
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Err, "Refreshed %s (profile %s)%s: %s.\n", t.Provider.DisplayName, r.Profile, asAccount(r), summary(r, app.now()))
			if asJSON {
				return writeJSON(app.Out, recordView(r, app.now()))
			}
			return nil
		},
	}
	addProfileFlag(app, c, &profile)
	c.Flags().BoolVar(&asJSON, "json", false, "print the stored login's non-secret fields as JSON (as status --json)")
	return c
}

package cmd

import (
	"context"

	"github.com/spf13/cobra"
)

// refreshOptions is what `zauth refresh` was asked to do.
type refreshOptions struct {
	App      *App
	Provider string
	Profile  string
	JSON     bool
}

func newRefreshCmd(app *App, runF func(context.Context, *refreshOptions) error) *cobra.Command {
	opts := &refreshOptions{App: app}
	if runF == nil {
		runF = runRefresh
	}
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
			opts.Provider = args[0]
			return runF(c.Context(), opts)
		},
	}
	addProfileFlag(app, c, &opts.Profile)
	c.Flags().BoolVar(&opts.JSON, "json", false, "print the stored login's non-secret fields as JSON (as status --json)")
	return c
}

func runRefresh(ctx context.Context, opts *refreshOptions) error {
	app := opts.App
	t, err := app.Target(opts.Provider, opts.Profile)
	if err != nil {
		return err
	}
	r, err := app.Env().Refresh(ctx, t)
	if err != nil {
		return err
	}
	return reportLogin(app, "Refreshed", t, r, opts.JSON)
}

package cmd

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/doctor"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/textsafe"
)

// doctorOptions is what `zauth doctor` was asked to do.
type doctorOptions struct {
	App     *App
	Offline bool
	JSON    bool
}

func newDoctorCmd(app *App, runF func(context.Context, *doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{App: app}
	if runF == nil {
		runF = runDoctor
	}
	c := &cobra.Command{
		Use:   "doctor",
		Short: "Check the setup and explain each problem with its fix",
		Long: `Check everything a login needs, one line each, with the fix for each problem:
the config file (syntax, unknown keys with the closest valid one, unusable
values), the D-Bus session and the keychain (a write, read and delete of a
throwaway item: reachable, unlocked, writable), the login index against
storage, the file store's permissions, and for each configured provider its
client id and secret, whether its redirect port is free, whether its endpoints
answer and whether the clock agrees with the provider's.

Exit status 0 when nothing failed (warnings allowed), 1 otherwise.`,
		Example: `  zauth doctor
  zauth doctor --offline --json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runF(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.Offline, "offline", false, "do not contact the providers")
	c.Flags().BoolVar(&opts.JSON, "json", false, "print JSON: {healthy, checks: [{check, status, detail, fix}]}")
	return c
}

func runDoctor(ctx context.Context, opts *doctorOptions) error {
	app := opts.App
	app.noConfigWarnings = true // reported as checks instead
	cfg, cfgErr := app.Config()
	hc := oauth.NoRedirects(app.HTTPClient()) // a copy: the shared client keeps its settings
	hc.Timeout = min(hc.Timeout, 10*time.Second)
	results := doctor.Run(ctx, doctor.Env{
		Config: cfg, ConfigErr: cfgErr, Store: app.Store(), Secret: app.Secret,
		HTTP: hc, Offline: opts.Offline,
	})
	healthy := doctor.Healthy(results)
	if opts.JSON {
		if err := writeJSON(app.Out, struct {
			Healthy bool            `json:"healthy"`
			Checks  []doctor.Result `json:"checks"`
		}{healthy, results}); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			fmt.Fprintf(app.Out, "%-5s %s: %s\n", statusWord[r.Status], textsafe.Line(r.Check), textsafe.Line(r.Detail))
			if r.Fix != "" && r.Status != doctor.OK {
				fmt.Fprintf(app.Out, "      fix: %s\n", textsafe.Line(r.Fix))
			}
		}
	}
	if !healthy {
		return &exitcode.Error{Code: exitcode.Unexpected, Err: fmt.Errorf("doctor found problems"), Quiet: opts.JSON}
	}
	return nil
}

var statusWord = map[doctor.Status]string{doctor.OK: "ok", doctor.Warn: "warn", doctor.Fail: "FAIL", doctor.Skip: "skip"}

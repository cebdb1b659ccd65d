package cmd

import (
	"fmt"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/doctor"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/textsafe"
)

func newDoctorCmd(app *App) *cobra.Command {
	var offline, asJSON bool
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
			app.noConfigWarnings = true // reported as checks instead
			cfg, cfgErr := app.Config()
			hc := new(http.Client)
			*hc = *app.HTTPClient() // a copy: the shared client keeps its settings
			hc.Timeout = min(hc.Timeout, 10*time.Second)
			hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			results := doctor.Run(c.Context(), doctor.Env{
				Config: cfg, ConfigErr: cfgErr, Store: app.Store(), Secret: app.Secret,
				HTTP: hc, Offline: offline,
			})
			healthy := doctor.Healthy(results)
			if asJSON {
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
				return &exitcode.Error{Code: exitcode.Unexpected, Err: fmt.Errorf("doctor found problems"), Quiet: asJSON}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&offline, "offline", false, "do not contact the providers")
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON: {healthy, checks: [{check, status, detail, fix}]}")
	return c
}

var statusWord = map[doctor.Status]string{doctor.OK: "ok", doctor.Warn: "warn", doctor.Fail: "FAIL", doctor.Skip: "skip"}

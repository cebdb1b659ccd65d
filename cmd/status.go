package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/pkg/textsafe"
)

// statusEntry is one `status --json` element; its field names are stable.
type statusEntry struct {
	Provider    string     `json:"provider"`
	Profile     string     `json:"profile"`
	ClientID    string     `json:"client_id"`
	Scopes      []string   `json:"scopes"`
	ObtainedAt  time.Time  `json:"obtained_at"`
	ExpiresAt   *time.Time `json:"expires_at"`
	Expired     bool       `json:"expired"`
	Refreshable bool       `json:"refreshable"`
}

func newStatusCmd(app *App) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "status",
		Short: "List every stored login, one line each",
		Long: `List every stored login: provider, profile, scopes, when the access token
expires and whether it can be refreshed. status reads zauth's non-secret index,
so it unlocks nothing and prints no token.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			entries, err := app.Store().List()
			if err != nil {
				return err
			}
			now := time.Now()
			out := make([]statusEntry, 0, len(entries))
			for _, e := range entries {
				out = append(out, statusEntry{Provider: e.Provider, Profile: e.Profile, ClientID: e.ClientID,
					Scopes: nonNil(e.Scopes), ObtainedAt: e.ObtainedAt.UTC(), ExpiresAt: timePtr(e.ExpiresAt),
					Expired: !e.ExpiresAt.IsZero() && !now.Before(e.ExpiresAt), Refreshable: e.Refreshable})
			}
			if asJSON {
				return writeJSON(app.Out, out)
			}
			if len(out) == 0 {
				fmt.Fprintln(app.Err, "No stored logins; run `zauth login <provider>`.")
				return nil
			}
			w := tabwriter.NewWriter(app.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "PROVIDER\tPROFILE\tSCOPES\tEXPIRES\tREFRESHABLE")
			for _, e := range out {
				exp := "unknown"
				if e.ExpiresAt != nil {
					exp = strings.TrimPrefix(expiresText(*e.ExpiresAt, now), "expires ")
				}
				scopes := textsafe.Line(strings.Join(e.Scopes, " ")) // from the provider
				if scopes == "" {
					scopes = "-"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", e.Provider, e.Profile, scopes, exp, yesNo(e.Refreshable))
			}
			return w.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

package cmd

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/textsafe"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// loginView is the non-secret description of a stored login printed by
// `status --json` and by `login`, `refresh` --json; its field names are
// stable.
type loginView struct {
	Provider        string     `json:"provider"`
	Profile         string     `json:"profile"`
	Account         string     `json:"account"`
	ClientID        string     `json:"client_id"`
	Scopes          []string   `json:"scopes"`
	RequestedScopes []string   `json:"requested_scopes"`
	RedirectURI     string     `json:"redirect_uri"`
	Storage         string     `json:"storage"`
	ObtainedAt      *time.Time `json:"obtained_at"`
	ExpiresAt       *time.Time `json:"expires_at"`
	Expired         bool       `json:"expired"`
	Refreshable     bool       `json:"refreshable"`
	Usable          bool       `json:"usable"` // valid, or refreshable
	Damaged         bool       `json:"damaged"`
}

func viewOf(e tokenstore.Entry, now time.Time) loginView {
	expired := !e.ExpiresAt.IsZero() && !now.Before(e.ExpiresAt)
	return loginView{Provider: e.Provider, Profile: e.Profile, Account: e.Account, ClientID: e.ClientID,
		Scopes: nonNil(e.Scopes), RequestedScopes: nonNil(e.RequestedScopes), RedirectURI: e.RedirectURI,
		Storage: cmp.Or(e.Storage, tokenstore.Keychain), ObtainedAt: timePtr(e.ObtainedAt), ExpiresAt: timePtr(e.ExpiresAt),
		Expired: expired, Refreshable: e.Refreshable, Usable: !e.Damaged && (!expired || e.Refreshable), Damaged: e.Damaged}
}

func recordView(r *tokenstore.Record, now time.Time) loginView {
	return viewOf(tokenstore.EntryOf(r), now)
}

// statusOptions is what `zauth status` was asked to do.
type statusOptions struct {
	App  *App
	JSON bool
}

func newStatusCmd(app *App, runF func(context.Context, *statusOptions) error) *cobra.Command {
	opts := &statusOptions{App: app}
	if runF == nil {
		runF = runStatus
	}
	c := &cobra.Command{
		Use:   "status",
		Short: "List every stored login, one line each",
		Long: `List every stored login: provider, profile, the account it belongs to, scopes,
when the access token expires, whether it can be refreshed, and where it is kept
(keychain or file). status reads zauth's non-secret index, so it unlocks nothing
and prints no token; when the index is missing or damaged it is rebuilt from
storage first.

Exit status: 0 when every listed login is usable (valid, or refreshable), 3 when
any needs a new login (expired and not refreshable, or damaged).`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runF(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return c
}

func runStatus(ctx context.Context, opts *statusOptions) error {
	app := opts.App
	entries, err := app.Store().List()
	if err != nil {
		return err
	}
	now := app.now()
	out := make([]loginView, 0, len(entries))
	var unusable []string
	for _, e := range entries {
		v := viewOf(e, now)
		out = append(out, v)
		if !v.Usable {
			unusable = append(unusable, app.reloginCommand(e))
		}
	}
	if opts.JSON {
		if err := writeJSON(app.Out, out); err != nil {
			return err
		}
	} else if len(out) == 0 {
		fmt.Fprintln(app.Err, "No stored logins; run `zauth login <provider>`.")
	} else {
		w := tabwriter.NewWriter(app.Out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(w, "PROVIDER\tPROFILE\tACCOUNT\tSCOPES\tEXPIRES\tREFRESHABLE\tSTORAGE")
		for _, e := range out {
			exp := "unknown"
			switch {
			case e.Damaged:
				exp = "damaged"
			case e.ExpiresAt != nil:
				exp = strings.TrimPrefix(expiresText(*e.ExpiresAt, now), "expires ")
			}
			// Names come from storage, which other programs can write to.
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", textsafe.Line(e.Provider), textsafe.Line(e.Profile), dash(e.Account),
				dash(strings.Join(e.Scopes, " ")), exp, yesNo(e.Refreshable), textsafe.Line(e.Storage))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if len(unusable) > 0 {
		return exitcode.Newf(exitcode.LoginNeeded, "%d of %d logins need a new login: %s", len(unusable), len(out), strings.Join(unusable, ", "))
	}
	return nil
}

// dash is s cleaned for the terminal (it may come from the provider), or
// "-" when empty.
func dash(s string) string {
	if s = textsafe.Line(s); s == "" {
		return "-"
	}
	return s
}

// reloginCommand is the command that replaces a listed login.
func (a *App) reloginCommand(e tokenstore.Entry) string {
	t, err := a.Target(e.Provider, e.Profile)
	if err != nil {
		return textsafe.Line(e.Provider + "/" + e.Profile)
	}
	if e.Damaged {
		return fmt.Sprintf("`zauth logout %s --profile %s` then %s", e.Provider, e.Profile, loginCommand(t.Provider.Name, t.Profile, t.RedirectURI, nil))
	}
	return loginCommand(t.Provider.Name, t.Profile, t.RedirectURI, &tokenstore.Record{RequestedScopes: e.RequestedScopes, RedirectURI: e.RedirectURI})
}

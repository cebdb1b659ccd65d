package cmd

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/pkg/provider"
)

func newProvidersCmd(app *App) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "providers",
		Short: "List the providers zauth knows, with their endpoints",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var out []*provider.Provider
			for _, n := range provider.Names() {
				p, err := app.Provider(n)
				if err != nil {
					return err
				}
				out = append(out, p)
			}
			if asJSON {
				return writeJSON(app.Out, out)
			}
			w := tabwriter.NewWriter(app.Out, 0, 0, 2, ' ', 0)
			for i, p := range out {
				if i > 0 {
					fmt.Fprintln(w)
				}
				fmt.Fprintf(w, "%s (%s)\n", p.Name, p.DisplayName)
				fmt.Fprintf(w, "  authorization:\t%s\n  token:\t%s\n", p.AuthURL, p.TokenURL)
				if p.Issuer != "" {
					fmt.Fprintf(w, "  issuer:\t%s\n", p.Issuer)
				}
				if p.APIURL != "" {
					fmt.Fprintf(w, "  api:\t%s\n", p.APIURL)
				}
				fmt.Fprintf(w, "  client auth:\t%s, %s body, PKCE S256\n", p.ClientAuth, p.TokenBody)
			}
			return w.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

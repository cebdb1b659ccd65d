package cmd

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/pkg/config"
	"github.com/zauth-cli/zauth/pkg/discovery"
	"github.com/zauth-cli/zauth/pkg/exitcode"
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
			for _, n := range app.providerNames() {
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
	c.AddCommand(newProvidersAddCmd(app))
	return c
}

func newProvidersAddCmd(app *App) *cobra.Command {
	var issuer, displayName string
	c := &cobra.Command{
		Use:   "add <name> --issuer URL",
		Short: "Define a provider from its OAuth / OpenID discovery document",
		Long: `Define a provider from its authorization server metadata: zauth tries the
RFC 8414 and OpenID Connect discovery locations for the issuer, then writes a
providers.<name> block to the config file (endpoints, scopes, client
authentication). Edit the block to adjust it. When a provider keeps its
document under a path (Ziina: /oidc), pass that path as part of --issuer.`,
		Example: `  zauth providers add acme --issuer https://login.acme.example
  zauth client set acme --client-id ID --secret-stdin
  zauth login acme --scope openid+offline_access`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			name := strings.ToLower(args[0])
			if _, builtin := provider.Lookup(name); builtin {
				return exitcode.Newf(exitcode.Usage, "%s is a built-in provider; override its endpoints with %s.auth_url and the like instead", name, name)
			}
			if err := config.CheckProfile(name); err != nil { // same rules: it names keychain items
				return exitcode.Newf(exitcode.Usage, "invalid provider name %q: use letters, digits, '.', '_' or '-'", name)
			}
			cfg, err := app.Config()
			if err != nil {
				return err
			}
			m, err := discovery.Discover(c.Context(), app.HTTPClient(), issuer)
			if err != nil {
				return err
			}
			def := m.Definition()
			if displayName != "" {
				def["display_name"] = displayName
			}
			if err := cfg.WriteProvider(name, def); err != nil {
				return err
			}
			p, err := cfg.Provider(name)
			if err != nil {
				return err
			}
			fmt.Fprintf(app.Err, "Added provider %s from %s to %s: %d scopes, client auth %s%s.\n",
				name, m.DiscoveryURL, cfg.File, len(p.Scopes), p.ClientAuth, map[bool]string{true: ", revocation", false: ""}[p.RevocationURL != ""])
			return nil
		},
	}
	c.Flags().StringVar(&issuer, "issuer", "", "the authorization server's issuer URL")
	c.Flags().StringVar(&displayName, "display-name", "", "name shown in messages (default: the provider name)")
	_ = c.MarkFlagRequired("issuer")
	return c
}

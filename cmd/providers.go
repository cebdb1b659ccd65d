package cmd

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/discovery"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/provider"
)

// providersOptions is what `zauth providers` was asked to do.
type providersOptions struct {
	App  *App
	JSON bool
}

func newProvidersCmd(app *App, runF func(context.Context, *providersOptions) error) *cobra.Command {
	opts := &providersOptions{App: app}
	if runF == nil {
		runF = runProviders
	}
	c := &cobra.Command{
		Use:   "providers",
		Short: "List the providers zauth knows, with their endpoints",
		Long: `List the built-in providers (Ziina, ZBD) and those defined in the config file,
with the endpoints zauth will use after the config's overrides (auth_url,
token_url, ...), and how the client authenticates at the token endpoint. Add a
provider with zauth providers add.`,
		Example: `  zauth providers
  zauth providers --jq '.[].name'`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runF(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	c.AddCommand(newProvidersAddCmd(app, nil))
	return c
}

func runProviders(_ context.Context, opts *providersOptions) error {
	app := opts.App
	var out []*provider.Provider
	for _, n := range app.providerNames() {
		p, err := app.Provider(n)
		if err != nil {
			return err
		}
		out = append(out, p)
	}
	if opts.JSON {
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
		auth := string(p.ClientAuth)
		if p.PublicWithoutSecret {
			auth += " (none when no secret is stored)"
		}
		fmt.Fprintf(w, "  client auth:\t%s, %s body, PKCE S256\n", auth, p.TokenBody)
	}
	return w.Flush()
}

// providersAddOptions is what `zauth providers add` was asked to do.
type providersAddOptions struct {
	App         *App
	Name        string // lower case
	Issuer      string
	DisplayName string
	Public      bool
	DryRun      bool
}

func newProvidersAddCmd(app *App, runF func(context.Context, *providersAddOptions) error) *cobra.Command {
	opts := &providersAddOptions{App: app}
	if runF == nil {
		runF = runProvidersAdd
	}
	c := &cobra.Command{
		Use:   "add <name> --issuer URL [--public]",
		Short: "Define a provider from its OAuth / OpenID discovery document",
		Long: `Define a provider from its authorization server metadata: zauth tries the
RFC 8414 and OpenID Connect discovery locations for the issuer, shows the
providers.<name> block it will write to the config file (endpoints, scopes,
client authentication, PKCE, iss check, consent rule) with the choices it made
and how to change each, then writes it. Edit the block to adjust it. When a
provider keeps its document under a path (Ziina: /oidc), pass that path as part
of --issuer.

--public is for a client without a secret (a native app): it authenticates
with its client id alone (token endpoint auth "none"). Without --public, when
the server accepts both secrets and public clients, a client with no secret
stored logs in as a public client.

An OpenID Connect provider gets consent_for_offline: requesting offline_access
then sends prompt=consent, without which such servers issue no refresh token
(OpenID Connect Core §11).`,
		Example: `  zauth providers add acme --issuer https://login.acme.example
  zauth client set acme --client-id ID --secret-stdin
  zauth login acme --scope openid+offline_access

  zauth providers add acme --issuer https://login.acme.example --public
  zauth client set acme --client-id ID`,
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			name := strings.ToLower(args[0])
			if _, builtin := provider.Lookup(name); builtin {
				return exitcode.Newf(exitcode.Usage, "%s is a built-in provider; override its endpoints with %s.auth_url and the like instead", name, name)
			}
			if err := config.CheckProfile(name); err != nil { // same rules: it names keychain items
				return exitcode.Newf(exitcode.Usage, "invalid provider name %q: use letters, digits, '.', '_' or '-'", name)
			}
			opts.Name = name
			return runF(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&opts.Issuer, "issuer", "", "the authorization server's issuer URL")
	c.Flags().StringVar(&opts.DisplayName, "display-name", "", "name shown in messages (default: the provider name)")
	c.Flags().BoolVar(&opts.Public, "public", false, "the client has no secret (native app): authenticate with the client id alone")
	c.Flags().BoolVar(&opts.DryRun, "dry-run", false, "show what would be written, and write nothing")
	_ = c.MarkFlagRequired("issuer")
	return c
}

func runProvidersAdd(ctx context.Context, opts *providersAddOptions) error {
	app, name := opts.App, opts.Name
	cfg, err := app.Config()
	if err != nil {
		return err
	}
	m, err := discovery.Discover(ctx, app.HTTPClient(), opts.Issuer)
	if err != nil {
		return err
	}
	def, choices := m.Definition(opts.Public)
	if opts.DisplayName != "" {
		def["display_name"] = opts.DisplayName
	}
	// Checked before anything is written, as loading it would check it:
	// a definition zauth could not use is not saved.
	p, err := provider.FromDefinition(name, def)
	if err == nil {
		err = p.Validate()
	}
	if err != nil {
		return exitcode.New(exitcode.Provider, fmt.Errorf("%s: %w", m.DiscoveryURL, err))
	}
	block, err := yaml.Marshal(map[string]any{"providers": map[string]any{name: def}})
	if err != nil {
		return err
	}
	verb := "Writing"
	if opts.DryRun {
		verb = "Would write"
	}
	fmt.Fprintf(app.Err, "%s to %s (from %s):\n\n%s\nChoices:\n", verb, cfg.File, m.DiscoveryURL, block)
	for _, ch := range choices {
		fmt.Fprintf(app.Err, "  %s = %s: %s\n    change with: %s\n", ch.What, ch.Value, ch.Why, ch.Change)
	}
	if opts.DryRun {
		fmt.Fprintln(app.Err, "Nothing written (--dry-run).")
		return nil
	}
	if err := cfg.WriteProvider(name, def); err != nil {
		return err
	}
	if p, err = cfg.Provider(name); err != nil {
		return err
	}
	revocation := ""
	if p.RevocationURL != "" {
		revocation = ", revocation"
	}
	fmt.Fprintf(app.Err, "Added provider %s from %s to %s: %d scopes, client auth %s%s.\n",
		name, m.DiscoveryURL, cfg.File, len(p.Scopes), p.ClientAuth, revocation)
	fmt.Fprintf(app.Err, "Next: %s\n", clientSetCommand(p))
	return nil
}

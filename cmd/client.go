package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/loopback"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

func newClientCmd(app *App) *cobra.Command {
	c := &cobra.Command{
		Use:   "client",
		Short: "Configure the OAuth client zauth logs in with",
		Long: `Configure the OAuth client registered with a provider. The client id and
username go to the config file; secrets (the Ziina password, the ZBD client
secret and API key) go to the OS keychain only, read from stdin or a prompt,
never from a flag.`,
	}
	c.AddCommand(newClientSetCmd(app, nil), newClientShowCmd(app, nil), newClientDeleteCmd(app, nil))
	return c
}

// clientSetOptions is what `zauth client set` was asked to do. A nil
// setting was not given, and keeps its stored value.
type clientSetOptions struct {
	App         *App
	Provider    string
	ClientID    *string
	Username    *string // "" removes it
	RedirectURI *string // "" removes it
	SecretStdin bool
	APIKeyStdin bool
}

func newClientSetCmd(app *App, runF func(context.Context, *clientSetOptions) error) *cobra.Command {
	opts := &clientSetOptions{App: app}
	if runF == nil {
		runF = runClientSet
	}
	var clientID, username, redirectURI string
	c := &cobra.Command{
		Use:   "set <provider> [--client-id ID] [--username U] [--redirect-uri URI] [--secret-stdin] [--api-key-stdin]",
		Short: "Store a client id, and its secret in the keychain",
		Long: `Store the client id (and Ziina username, redirect URI) in the config file, and
the secret in the OS keychain. With --secret-stdin the secret is the first line
of stdin; with --api-key-stdin (ZBD) the API key is the next line. On a
terminal without those flags, zauth prompts for the secret without echo.

Only what is given changes: a setting whose flag is left out keeps its stored
value (so rotating a secret needs no other flag once the client id is stored).
An explicitly empty --username or --redirect-uri removes the setting. The
config file is created if it does not exist yet, and edited in place: comments,
key order and a symbolic link to it are kept.`,
		Example: `  zauth client set ziina --client-id ID --username USER --secret-stdin < password.txt
  printf '%s\n%s\n' "$ZBD_SECRET" "$ZBD_API_KEY" | zauth client set zbd --client-id ID --secret-stdin --api-key-stdin
  zauth client set ziina --secret-stdin < new-password.txt`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Provider = args[0]
			given := func(name string, v *string) *string {
				if c.Flags().Changed(name) {
					return v
				}
				return nil
			}
			opts.ClientID, opts.Username, opts.RedirectURI = given("client-id", &clientID), given("username", &username), given("redirect-uri", &redirectURI)
			if redirectURI != "" {
				if err := loopback.CheckRedirectURI(redirectURI); err != nil {
					return exitcode.New(exitcode.Usage, err)
				}
			}
			return runF(c.Context(), opts)
		},
	}
	c.Flags().StringVar(&clientID, "client-id", "", "client id issued by the provider (required the first time)")
	c.Flags().StringVar(&username, "username", "", "Basic-auth username (Ziina; default: the client id); --username '' removes it")
	c.Flags().StringVar(&redirectURI, "redirect-uri", "", "the loopback redirect URI registered with the provider; --redirect-uri '' removes it")
	c.Flags().BoolVar(&opts.SecretStdin, "secret-stdin", false, "read the client secret (Ziina: password) from the first line of stdin")
	c.Flags().BoolVar(&opts.APIKeyStdin, "api-key-stdin", false, "read the project API key (ZBD) from the next line of stdin")
	return c
}

func runClientSet(_ context.Context, opts *clientSetOptions) error {
	app := opts.App
	cfg, err := app.editConfig()
	if err != nil {
		return err
	}
	p, err := cfg.Provider(opts.Provider)
	if err != nil {
		return err
	}
	values := map[string]string{}
	if opts.ClientID != nil {
		id := strings.TrimSpace(*opts.ClientID)
		if id == "" {
			return exitcode.Newf(exitcode.Usage, "--client-id must not be empty").
				WithHint(fmt.Sprintf("run `zauth client delete %s` to forget the client", p.Name))
		}
		values[config.KeyClientID] = id
	} else if _, err := cfg.ClientID(p); err != nil {
		return exitcode.Newf(exitcode.Usage, "--client-id is required: no client id is stored for %s", p.Name)
	}
	if opts.Username != nil {
		if !p.UsesUsername {
			return exitcode.Newf(exitcode.Usage, "%s takes no --username", p.Name)
		}
		values[config.KeyUsername] = strings.TrimSpace(*opts.Username) // "" removes it
	}
	if opts.RedirectURI != nil {
		values[config.KeyRedirectURI] = *opts.RedirectURI // "" removes it
	}
	public := p.ClientAuth == provider.AuthNone
	if public && opts.SecretStdin {
		return exitcode.Newf(exitcode.Usage, "%s is set up for a public client (client_auth none), which has no secret", p.Name).WithHint(
			"for a confidential client, define the provider again without --public")
	}
	if opts.APIKeyStdin && !p.UsesAPIKey {
		return exitcode.Newf(exitcode.Usage, "%s has no API key: leave out --api-key-stdin", p.Name)
	}
	in := bufio.NewReader(app.In)
	var secret, apiKey string
	switch {
	case public: // nothing to ask for
	case opts.SecretStdin:
		if secret, err = readLine(in, p.SecretName); err != nil {
			return err
		}
	case isTerminal(app.In):
		if secret, err = prompt(app, p.DisplayName+" "+p.SecretName+" (empty keeps the stored one): "); err != nil {
			return err
		}
	}
	if opts.APIKeyStdin {
		if apiKey, err = readLine(in, "API key"); err != nil {
			return err
		}
	}
	store := app.Store()
	if secret != "" {
		if err := store.SetSecret(p.Name, tokenstore.ClientSecret, secret); err != nil {
			return err
		}
	}
	if apiKey != "" {
		if err := store.SetSecret(p.Name, tokenstore.APIKey, apiKey); err != nil {
			return err
		}
	}
	if len(values) > 0 {
		if err := cfg.Write(p.Name, values); err != nil {
			return err
		}
	}
	id, _ := cfg.ClientID(p)
	fmt.Fprintf(app.Err, "Saved the %s client %s", p.DisplayName, id)
	if len(values) > 0 {
		fmt.Fprintf(app.Err, " in %s", cfg.File)
	}
	if secret != "" {
		fmt.Fprintf(app.Err, " and its %s in the %s", p.SecretName, store.Backend.Name())
	}
	fmt.Fprintln(app.Err, ".")
	return nil
}

// editConfig loads the configuration for a command that writes it: unlike
// App.Config, a --config file that does not exist yet is fine, since the
// write creates it.
func (a *App) editConfig() (*config.Config, error) {
	if a.cfg == nil {
		c, err := config.LoadForEdit(a.ConfigFile)
		if err != nil {
			return nil, err
		}
		a.cfg = c
	}
	return a.cfg, nil
}

// clientShowOptions is what `zauth client show` was asked to do.
type clientShowOptions struct {
	App      *App
	Provider string
	JSON     bool
}

func newClientShowCmd(app *App, runF func(context.Context, *clientShowOptions) error) *cobra.Command {
	opts := &clientShowOptions{App: app}
	if runF == nil {
		runF = runClientShow
	}
	c := &cobra.Command{
		Use:   "show <provider>",
		Short: "Show the client settings and whether a secret is stored",
		Long: `Show the client id, username (Ziina), redirect URI and config file zauth will
use for a provider, and where its secret comes from: the environment, the
keychain, or nowhere yet. The secret itself is never printed.

--json gives facts for scripts: {provider, client_id, username, redirect_uri,
public_client, secret_stored, secret_source, api_key_stored, api_key_source,
config_file}; a source is "environment", "keychain" or "file", or null when
nothing is stored. api_key_* appear only for providers with an API key (ZBD).`,
		Example: `  zauth client show ziina
  zauth client show zbd --jq .secret_stored`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Provider = args[0]
			return runF(c.Context(), opts)
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print JSON")
	return c
}

func runClientShow(_ context.Context, opts *clientShowOptions) error {
	app := opts.App
	p, err := app.Provider(opts.Provider)
	if err != nil {
		return err
	}
	redirect, err := app.cfg.RedirectURI(p)
	if err != nil {
		return err
	}
	// Where each secret comes from: facts for scripts, a phrase for people.
	secretState := func(name string) (secretFact, error) {
		if config.Env(p.Name, name) != "" {
			return secretFact{true, ptr("environment"), "from " + config.EnvName(p.Name, name)}, nil
		}
		s, err := app.Store().LookupSecret(p.Name, name)
		switch {
		case err != nil:
			return secretFact{}, err
		case s.Value == "":
			return secretFact{text: "not stored"}, nil
		}
		return secretFact{true, ptr(s.Storage), "stored in the " + s.Place}, nil
	}
	out := struct {
		Provider     string  `json:"provider"`
		ClientID     string  `json:"client_id"`
		Username     string  `json:"username,omitempty"`
		RedirectURI  string  `json:"redirect_uri"`
		PublicClient bool    `json:"public_client"`
		SecretStored bool    `json:"secret_stored"`
		SecretSource *string `json:"secret_source"`
		APIKeyStored *bool   `json:"api_key_stored,omitempty"`
		APIKeySource any     `json:"api_key_source,omitempty"` // *string, or null; absent without an API key
		ConfigFile   string  `json:"config_file"`
	}{Provider: p.Name, RedirectURI: redirect, PublicClient: p.ClientAuth == provider.AuthNone, ConfigFile: app.cfg.File}
	out.ClientID, _ = app.cfg.ClientID(p)
	if p.UsesUsername {
		out.Username = app.cfg.Username(p)
	}
	secret, err := secretState(tokenstore.ClientSecret)
	if err != nil {
		return err
	}
	out.SecretStored, out.SecretSource = secret.stored, secret.source
	var apiKey secretFact
	if p.UsesAPIKey {
		if apiKey, err = secretState(tokenstore.APIKey); err != nil {
			return err
		}
		out.APIKeyStored, out.APIKeySource = &apiKey.stored, json.RawMessage("null")
		if apiKey.source != nil {
			out.APIKeySource = apiKey.source
		}
	}
	if opts.JSON {
		return writeJSON(app.Out, out)
	}
	fmt.Fprintf(app.Out, "Provider:      %s\nClient ID:     %s\n", out.Provider, orNone(out.ClientID))
	if p.UsesUsername {
		fmt.Fprintf(app.Out, "Username:      %s\n", orNone(out.Username))
	}
	if out.PublicClient {
		secret.text = "none (a public client)"
	}
	fmt.Fprintf(app.Out, "Redirect URI:  %s\n%-15s%s\n", out.RedirectURI, capitalize(p.SecretName)+":", secret.text)
	if p.UsesAPIKey {
		fmt.Fprintf(app.Out, "API key:       %s\n", apiKey.text)
	}
	fmt.Fprintf(app.Out, "Config file:   %s\n", out.ConfigFile)
	return nil
}

// clientDeleteOptions is what `zauth client delete` was asked to do.
type clientDeleteOptions struct {
	App      *App
	Provider string
}

func newClientDeleteCmd(app *App, runF func(context.Context, *clientDeleteOptions) error) *cobra.Command {
	opts := &clientDeleteOptions{App: app}
	if runF == nil {
		runF = runClientDelete
	}
	return &cobra.Command{
		Use:   "delete <provider>",
		Short: "Forget the client settings and secrets (stored logins stay)",
		Long: `Remove the provider's client id, username and redirect URI from the config
file and its client secret (and API key) from the keychain. Stored logins are
not touched: remove them with zauth logout. Secrets given in the environment
(ZAUTH_<PROVIDER>_CLIENT_SECRET) are not zauth's to delete.`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: app.providerArg,
		RunE: func(c *cobra.Command, args []string) error {
			opts.Provider = args[0]
			return runF(c.Context(), opts)
		},
	}
}

func runClientDelete(_ context.Context, opts *clientDeleteOptions) error {
	app := opts.App
	p, err := app.Provider(opts.Provider)
	if err != nil {
		return err
	}
	if err := app.Store().DeleteSecrets(p.Name); err != nil {
		return err
	}
	if err := app.cfg.Write(p.Name, map[string]string{config.KeyClientID: "", config.KeyUsername: "", config.KeyRedirectURI: ""}); err != nil {
		return err
	}
	fmt.Fprintf(app.Err, "Deleted the %s client settings and secrets.\n", p.DisplayName)
	return nil
}

// readLine reads one line of stdin, without its line ending.
func readLine(r *bufio.Reader, what string) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", exitcode.Newf(exitcode.Usage, "expected the %s on stdin, got nothing", what)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", exitcode.Newf(exitcode.Usage, "the %s read from stdin is empty", what)
	}
	return line, nil
}

// prompt reads a secret from the terminal without echo.
func prompt(app *App, label string) (string, error) {
	fmt.Fprint(app.Err, label)
	b, err := term.ReadPassword(int(app.In.(*os.File).Fd()))
	fmt.Fprintln(app.Err)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func orNone(s string) string {
	if s == "" {
		return "(not set)"
	}
	return s
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// secretFact is where a client secret comes from, if anywhere.
type secretFact struct {
	stored bool
	source *string // "environment", "keychain" or "file"; nil when not stored
	text   string  // the same, for people
}

func ptr[T any](v T) *T { return &v }

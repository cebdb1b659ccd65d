package cmd

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/zauth-cli/zauth/pkg/config"
	"github.com/zauth-cli/zauth/pkg/exitcode"
	"github.com/zauth-cli/zauth/pkg/oauth"
	"github.com/zauth-cli/zauth/pkg/paths"
	"github.com/zauth-cli/zauth/pkg/provider"
	"github.com/zauth-cli/zauth/pkg/session"
	"github.com/zauth-cli/zauth/pkg/tokenstore"
	"github.com/zauth-cli/zauth/pkg/trace"
)

// App holds the streams and the lazily built services shared by commands.
type App struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	ConfigFile      string
	InsecureStorage bool
	Verbose         bool

	cfg   *config.Config
	store *tokenstore.Store
	// noConfigWarnings: the command reports config problems itself
	// (doctor), or stderr is not the user's (shell completion).
	noConfigWarnings bool
}

// Config loads the configuration once.
func (a *App) Config() (*config.Config, error) {
	if a.cfg == nil {
		c, err := config.Load(a.ConfigFile)
		if err != nil {
			return nil, err
		}
		a.cfg = c
		if !a.noConfigWarnings {
			for _, p := range c.Problems() {
				fmt.Fprintln(a.Err, "zauth: warning: "+p.Message)
			}
		}
	}
	return a.cfg, nil
}

// Store opens the token store once; the file backend only when asked for.
func (a *App) Store() *tokenstore.Store {
	if a.store == nil {
		a.store = tokenstore.Open(a.fileStorage(), a.Err)
	}
	return a.store
}

// fileStorage reports whether secrets go to the 0600 file, not the keychain.
func (a *App) fileStorage() bool {
	return a.InsecureStorage || os.Getenv("ZAUTH_STORAGE") == "file"
}

// Env builds the flow environment.
func (a *App) Env() *session.Env {
	return &session.Env{Store: a.Store(), HTTP: a.HTTPClient()}
}

// HTTPClient is the client for provider requests: bounded, and traced with
// secrets redacted under --verbose or ZAUTH_DEBUG=1.
func (a *App) HTTPClient() *http.Client {
	c := &http.Client{Timeout: tokenTimeout()}
	if a.Verbose || os.Getenv("ZAUTH_DEBUG") == "1" {
		c.Transport = &trace.Transport{W: a.Err}
	}
	return c
}

// tokenTimeout bounds each request to a provider (ZAUTH_HTTP_TIMEOUT).
func tokenTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("ZAUTH_HTTP_TIMEOUT")); err == nil && d > 0 {
		return d
	}
	return 30 * time.Second
}

// Provider resolves a provider by name with the config applied.
func (a *App) Provider(name string) (*provider.Provider, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, err
	}
	return cfg.Provider(name)
}

// Target resolves everything needed to talk to a provider for a profile.
func (a *App) Target(name, profile string) (session.Target, error) {
	if err := config.CheckProfile(profile); err != nil {
		return session.Target{}, err
	}
	p, err := a.Provider(name)
	if err != nil {
		return session.Target{}, err
	}
	redirect, err := a.cfg.RedirectURI(p)
	if err != nil {
		return session.Target{}, err
	}
	return session.Target{Provider: p, Profile: profile, RedirectURI: redirect,
		Client: func() (oauth.Client, error) { return a.Client(p) }}, nil
}

// Client resolves the client id and secret: the secret from the
// environment, else the keychain.
func (a *App) Client(p *provider.Provider) (oauth.Client, error) {
	id, err := a.cfg.ClientID(p)
	if err != nil {
		return oauth.Client{}, err
	}
	c := oauth.Client{ID: id, Username: a.cfg.Username(p)}
	if p.ClientAuth == provider.AuthNone {
		return c, nil
	}
	c.Secret, err = a.Secret(p, tokenstore.ClientSecret)
	if err != nil {
		return c, err
	}
	if c.Secret == "" {
		if p.PublicWithoutSecret {
			// The server accepts public clients too: authenticate as one.
			// p is this run's own value, shared by the Target's flows.
			p.ClientAuth = provider.AuthNone
			return c, nil
		}
		return c, exitcode.Newf(exitcode.Usage, "no %s %s stored", p.Name, p.SecretName).WithHint(
			fmt.Sprintf("run `zauth client set %s --client-id %s --secret-stdin`, or set %s", p.Name, id, config.EnvName(p.Name, tokenstore.ClientSecret)))
	}
	return c, nil
}

// Secret returns a client secret (tokenstore.ClientSecret or APIKey) from
// the environment, else the keychain; "" when neither has it.
func (a *App) Secret(p *provider.Provider, name string) (string, error) {
	if v := config.Env(p.Name, name); v != "" {
		return v, nil
	}
	return a.Store().Secret(p.Name, name)
}

// errIsTerminal reports whether stderr is a terminal (spinner, colours).
func (a *App) errIsTerminal() bool {
	f, ok := a.Err.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// providerArg completes the provider argument: built-in and configured.
func (a *App) providerArg(c *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return a.providerNames(), cobra.ShellCompDirectiveNoFileComp
}

// providerNames lists built-in and configured providers; a broken config
// file still leaves the built-ins.
func (a *App) providerNames() []string {
	if cfg, err := a.Config(); err == nil {
		return cfg.ProviderNames()
	}
	return provider.Names()
}

func addProfileFlag(app *App, c *cobra.Command, profile *string) {
	c.Flags().StringVarP(profile, "profile", "p", "default", "profile name, to keep several logins to one provider; ZAUTH_PROFILE changes the default")
	// ZAUTH_PROFILE applies when the flag is not given (read at run time,
	// so that generated help does not depend on the environment).
	if run := c.RunE; run != nil {
		c.RunE = func(c *cobra.Command, args []string) error {
			if env := os.Getenv("ZAUTH_PROFILE"); env != "" && !c.Flags().Changed("profile") {
				*profile = env
			}
			return run(c, args)
		}
	}
	// Complete the profiles stored for the provider, from the non-secret index.
	_ = c.RegisterFlagCompletionFunc("profile", func(c *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		entries := (&tokenstore.Store{Dir: paths.StateDir()}).Cached()
		var out []cobra.Completion
		for _, e := range entries {
			if len(args) == 0 || e.Provider == args[0] {
				out = append(out, e.Profile)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
}

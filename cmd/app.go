package cmd

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/zauth-cli/zauth/internal/browseropen"
	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/paths"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/tokenstore"
	"github.com/zauth-cli/zauth/internal/trace"
)

// App is the commands' factory: the streams, the global flags, and the
// services commands need, each built on first use whatever the order of
// the calls. The exported service fields are seams: left nil, the real
// thing is used (the OS keychain, a bounded HTTP client, the user's
// browser, the wall clock); tests set them to run any command in-process.
type App struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	ConfigFile      string
	InsecureStorage bool
	Verbose         bool

	// TokenStore, when set, is used instead of opening the OS keychain
	// (or the file under --insecure-storage).
	TokenStore *tokenstore.Store
	// HTTP, when set, is the client for every request to a provider.
	HTTP *http.Client
	// Open, when set, opens a URL in place of the user's browser.
	Open func(url string) error
	// Now, when set, is the clock.
	Now func() time.Time

	cfg *config.Config
	// provider is the last provider resolved, named by hints of provider
	// errors (which do not name it themselves).
	provider *provider.Provider
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
	if a.TokenStore == nil {
		a.TokenStore = tokenstore.Open(a.fileStorage(), a.Err)
	}
	return a.TokenStore
}

// now is the time by the App's clock.
func (a *App) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// openBrowser opens u in the user's browser (or the injected opener).
func (a *App) openBrowser(u string) error {
	if a.Open != nil {
		return a.Open(u)
	}
	return browseropen.Open(u, a.Err)
}

// fileStorage reports whether secrets go to the 0600 file, not the keychain.
func (a *App) fileStorage() bool {
	return a.InsecureStorage || os.Getenv("ZAUTH_STORAGE") == "file"
}

// Env builds the flow environment.
func (a *App) Env() *session.Env {
	return &session.Env{Store: a.Store(), HTTP: a.HTTPClient(), Now: a.Now}
}

// HTTPClient is the client for provider requests: bounded, and traced with
// secrets redacted under --verbose or ZAUTH_DEBUG=1.
func (a *App) HTTPClient() *http.Client {
	if a.HTTP != nil {
		return a.HTTP
	}
	c := &http.Client{Timeout: config.HTTPTimeout()}
	if a.Verbose || os.Getenv("ZAUTH_DEBUG") == "1" {
		c.Transport = &trace.Transport{W: a.Err}
	}
	return c
}

// Provider resolves a provider by name with the config applied.
func (a *App) Provider(name string) (*provider.Provider, error) {
	cfg, err := a.Config()
	if err != nil {
		return nil, err
	}
	p, err := cfg.Provider(name)
	if err == nil {
		a.provider = p
	}
	return p, err
}

// Target resolves everything needed to talk to a provider for a profile.
func (a *App) Target(name, profile string) (session.Target, error) {
	cfg, err := a.Config()
	if err != nil {
		return session.Target{}, err
	}
	t, err := session.NewTarget(cfg, a.Secret, name, profile)
	if err == nil {
		a.provider = t.Provider
	}
	return t, err
}

// Secret returns a client secret (tokenstore.ClientSecret or APIKey) from
// the environment, else the keychain; "" when neither has it.
func (a *App) Secret(p *provider.Provider, name string) (string, error) {
	return session.Secret(a.Store(), p, name)
}

// apiKey is p's project API key (tokenstore.APIKey) from the environment,
// else the keychain; "" for a provider that takes none.
func (a *App) apiKey(p *provider.Provider) (string, error) {
	if !p.UsesAPIKey {
		return "", nil
	}
	return a.Secret(p, tokenstore.APIKey)
}

// isTerminal reports whether a stream (App.In, App.Out, App.Err) is a
// terminal: for prompts without echo, the spinner, and output to clean.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
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

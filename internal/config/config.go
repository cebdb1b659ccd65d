// Package config resolves provider settings from, in order: command-line
// flags, the environment (ZAUTH_<PROVIDER>_<KEY>), the config file, and the
// built-in defaults.
package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/viper"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/loopback"
	"github.com/zauth-cli/zauth/internal/paths"
	"github.com/zauth-cli/zauth/internal/provider"
)

// Per-provider keys.
const (
	KeyClientID    = "client_id"
	KeyUsername    = "username"
	KeyRedirectURI = "redirect_uri"
	KeyIssuer      = "issuer"
	KeyAuthURL     = "auth_url"
	KeyTokenURL    = "token_url"
	KeyAPIURL      = "api_url"
	KeyScopes      = "scopes"
)

// Config is the resolved configuration.
type Config struct {
	v    *viper.Viper
	File string // the config file in use (may not exist)
	// fileKeys are the keys the file itself sets, for Problems.
	fileKeys []string
}

// Load reads the config file (explicit path, ZAUTH_CONFIG, or the default
// location). A missing default file is fine; a missing explicit one is not.
func Load(file string) (*Config, error) { return load(file, false) }

func load(file string, forEdit bool) (*Config, error) {
	explicit := file != "" || os.Getenv("ZAUTH_CONFIG") != ""
	if file == "" {
		file = paths.ConfigFile()
	}
	v := viper.New()
	v.SetConfigFile(file)
	v.SetConfigType("yaml")
	v.SetEnvPrefix("ZAUTH")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_", "-", "_"))
	v.AutomaticEnv()
	if err := v.ReadInConfig(); err != nil {
		// Only a file that does not exist is no configuration; one that
		// cannot be read (a directory, no permission) is an error.
		if !errors.Is(err, fs.ErrNotExist) || explicit && !forEdit {
			return nil, exitcode.Newf(exitcode.Usage, "config file %s: %v", file, err)
		}
	}
	return &Config{v: v, File: file, fileKeys: v.AllKeys()}, nil
}

// Set overrides a key for this run (how flags take precedence).
func (c *Config) Set(providerName, key, value string) {
	c.v.Set(providerName+"."+key, value)
}

func (c *Config) get(providerName, key string) string {
	return strings.TrimSpace(c.v.GetString(providerName + "." + key))
}

// Provider returns a built-in provider, or one defined in the config file's
// providers block, with its endpoint overrides applied and checked.
func (c *Config) Provider(name string) (*provider.Provider, error) {
	p, ok := provider.Lookup(name)
	if !ok {
		var err error
		if p, ok, err = c.custom(strings.ToLower(name)); err != nil {
			return nil, err
		}
		if !ok {
			return nil, exitcode.New(exitcode.Usage, &UnknownProviderError{Name: name, Known: c.ProviderNames()})
		}
	}
	for key, field := range map[string]*string{
		KeyAuthURL: &p.AuthURL, KeyTokenURL: &p.TokenURL, KeyIssuer: &p.Issuer, KeyAPIURL: &p.APIURL,
		"revocation_url": &p.RevocationURL, "introspection_url": &p.IntrospectionURL, "userinfo_url": &p.UserinfoURL,
	} {
		if v := c.get(p.Name, key); v != "" {
			*field = v
		}
	}
	if err := p.Validate(); err != nil {
		return nil, exitcode.New(exitcode.Usage, err)
	}
	return p, nil
}

// ProviderNames lists the built-in and the configured providers, sorted.
func (c *Config) ProviderNames() []string {
	names := provider.Names()
	for name := range c.v.GetStringMap("providers") {
		if _, builtin := provider.Lookup(name); !builtin {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// custom builds a provider from the config file's providers.<name> block,
// the same data form as the built-in definitions.
func (c *Config) custom(name string) (*provider.Provider, bool, error) {
	key := "providers." + name
	if !c.v.IsSet(key) {
		return nil, false, nil
	}
	p, err := provider.FromDefinition(name, c.v.GetStringMap(key))
	if err != nil {
		return nil, true, exitcode.New(exitcode.Usage, fmt.Errorf("config file %s: %w", c.File, err))
	}
	return p, true, nil
}

// ClientID returns the configured client id, or a usage error saying how to
// set one.
func (c *Config) ClientID(p *provider.Provider) (string, error) {
	id := c.get(p.Name, KeyClientID)
	if id == "" {
		return "", exitcode.New(exitcode.Usage, &MissingClientIDError{Provider: p})
	}
	return id, nil
}

// Username is the Basic-auth user; it defaults to the client id.
func (c *Config) Username(p *provider.Provider) string {
	if u := c.get(p.Name, KeyUsername); u != "" {
		return u
	}
	return c.get(p.Name, KeyClientID)
}

// RedirectURI returns the configured loopback redirect URI, checked.
func (c *Config) RedirectURI(p *provider.Provider) (string, error) {
	raw := c.get(p.Name, KeyRedirectURI)
	if raw == "" {
		raw = p.DefaultRedirectURI
	}
	if err := loopback.CheckRedirectURI(raw); err != nil {
		return "", exitcode.New(exitcode.Usage, err)
	}
	return raw, nil
}

// WithPort returns raw with its port replaced. Port 0 makes the login
// listen on a free port and send that one (RFC 8252 §7.3), for servers
// that accept any loopback port.
func WithPort(raw string, port int) (string, error) {
	if port < 0 || port > 65535 {
		return "", fmt.Errorf("--port %d is out of range (0-65535; 0 picks a free port)", port)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(port))
	return u.String(), nil
}

// DefaultScopes returns the configured default scopes.
func (c *Config) DefaultScopes(p *provider.Provider) []string {
	return provider.ParseScopes(c.v.GetStringSlice(p.Name + "." + KeyScopes))
}

// Env returns a secret from the environment (ZAUTH_<PROVIDER>_<NAME>).
func Env(providerName, key string) string {
	return os.Getenv(EnvName(providerName, key))
}

// EnvName is the environment variable of a provider key.
func EnvName(providerName, key string) string {
	return "ZAUTH_" + strings.ToUpper(providerName+"_"+key)
}

// CheckProfile validates a profile name: it becomes part of keychain keys
// and file names. (No regexp: compiling one costs start-up time on every
// `zauth token`.)
func CheckProfile(name string) error {
	ok := len(name) > 0 && len(name) <= 64
	for i, r := range name {
		alnum := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
		if !alnum && (i == 0 || (r != '.' && r != '_' && r != '-')) {
			ok = false
		}
	}
	if !ok {
		return exitcode.Newf(exitcode.Usage, "invalid profile name %q: use letters, digits, '.', '_' or '-' (at most 64)", name)
	}
	return nil
}

// UnknownProviderError: no built-in or configured provider has the name
// (exit 2).
type UnknownProviderError struct {
	Name  string
	Known []string
}

func (e *UnknownProviderError) Error() string {
	return fmt.Sprintf("unknown provider %q; known providers: %s", e.Name, strings.Join(e.Known, ", "))
}

// MissingClientIDError: the provider has no client id configured (exit 2).
// Provider says whether the client has a secret to store as well.
type MissingClientIDError struct{ Provider *provider.Provider }

func (e *MissingClientIDError) Error() string {
	return "no client id configured for " + e.Provider.Name
}

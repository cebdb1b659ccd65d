package session

import (
	"errors"
	"fmt"
	"strings"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// MissingSecretError is a confidential client whose secret is neither
// stored nor in the environment (exit 2).
type MissingSecretError struct{ Provider, SecretName, ClientID string }

func (e *MissingSecretError) Error() string {
	return fmt.Sprintf("no %s %s stored", e.Provider, e.SecretName)
}

// Secret returns a client secret (tokenstore.ClientSecret or APIKey) from
// the environment (ZAUTH_<PROVIDER>_<NAME>), else the store; "" when
// neither has it.
func Secret(store *tokenstore.Store, p *provider.Provider, name string) (string, error) {
	if v := config.Env(p.Name, name); v != "" {
		return v, nil
	}
	return store.Secret(p.Name, name)
}

// SecretLookup returns one of a provider's client secrets by name
// (tokenstore.ClientSecret or APIKey); "" when there is none.
type SecretLookup func(p *provider.Provider, name string) (string, error)

// NewTarget resolves a login from the configuration: the provider with
// cfg applied, its redirect URI, and the client credentials, which are
// read (secret included) only when a flow calls Target.Client, so the fast
// path of a valid token reads no secret.
func NewTarget(cfg *config.Config, secret SecretLookup, name, profile string) (Target, error) {
	if err := config.CheckProfile(profile); err != nil {
		return Target{}, err
	}
	p, err := cfg.Provider(name)
	if err != nil {
		return Target{}, err
	}
	redirect, err := cfg.RedirectURI(p)
	if err != nil {
		return Target{}, err
	}
	return Target{Provider: p, Profile: profile, RedirectURI: redirect,
		Client: func() (oauth.Client, error) { return ResolveClient(cfg, secret, p) }}, nil
}

// UnconfiguredTarget is a target for removing the stored login of a
// provider the configuration no longer defines (nothing is revoked: zauth
// no longer knows where); cause is why the provider could not be
// resolved, returned when it is not that.
func UnconfiguredTarget(cfg *config.Config, store *tokenstore.Store, name, profile string, cause error) (Target, error) {
	if config.CheckProfile(profile) != nil || config.CheckProfile(name) != nil {
		return Target{}, cause
	}
	if _, err := cfg.Provider(name); err == nil {
		return Target{}, cause // configured, but broken: say why
	}
	if _, err := store.Load(name, profile); errors.Is(err, tokenstore.ErrNotFound) {
		return Target{}, exitcode.Newf(exitcode.LoginNeeded, "not logged in to %s (profile %s); nothing to remove", name, profile).
			WithHint(strings.TrimSuffix(cause.Error(), "."))
	}
	return Target{Provider: provider.Custom(name), Profile: profile}, nil
}

// ResolveClient returns p's client id, Basic user and secret. A provider
// that also accepts public clients (public_without_secret) falls back to
// authenticating with the client id alone when no secret is stored; p is
// changed accordingly, so every flow of this run uses the same method.
func ResolveClient(cfg *config.Config, secret SecretLookup, p *provider.Provider) (oauth.Client, error) {
	id, err := cfg.ClientID(p)
	if err != nil {
		return oauth.Client{}, err
	}
	c := oauth.Client{ID: id, Username: cfg.Username(p)}
	if p.ClientAuth == provider.AuthNone {
		return c, nil
	}
	if c.Secret, err = secret(p, tokenstore.ClientSecret); err != nil {
		return c, err
	}
	if c.Secret == "" {
		if p.PublicWithoutSecret {
			p.ClientAuth = provider.AuthNone
			return c, nil
		}
		return c, exitcode.New(exitcode.Usage, &MissingSecretError{Provider: p.Name, SecretName: p.SecretName, ClientID: id})
	}
	return c, nil
}

// Package zauth hands Go programs the tokens of logins made with the zauth
// command, without running it: the same configuration (config file and
// ZAUTH_* environment), the same token store (the OS keychain, or the
// opt-in file) and the same refresh, made once under the cross-process
// lock that concurrent `zauth token` calls share.
//
// Logging in stays with the command (`zauth login PROVIDER`): it needs a
// browser. A program asks for a token that stays valid for as long as it
// needs one:
//
//	c, err := zauth.Open(zauth.Options{})
//	if err != nil { ... }
//	tok, err := c.Token(ctx, "ziina", "", time.Minute)
//	if errors.Is(err, zauth.ErrLoginRequired) { ... } // run zauth login ziina
//
// or an oauth2.TokenSource, for oauth2.NewClient.
package zauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// Options configure Open. The zero value is what the zauth command uses.
type Options struct {
	// ConfigFile is the config file to read; "" means $ZAUTH_CONFIG, else
	// the default location. A missing default file is fine.
	ConfigFile string
	// FileStorage puts the tokens this client writes in zauth's
	// unencrypted 0600 file instead of the OS keychain, like the command's
	// --insecure-storage; ZAUTH_STORAGE=file asks for it too. A login is
	// found, and refreshed in place, wherever it is kept.
	FileStorage bool
	// HTTPClient makes the requests to providers; nil means a client whose
	// timeout is the command's: ZAUTH_HTTP_TIMEOUT, else 30 seconds.
	HTTPClient *http.Client
}

// Client gets tokens from the store, refreshing them when needed. It is
// safe for concurrent use.
type Client struct {
	env *session.Env
	mu  sync.Mutex // guards cfg: resolving reads it
	cfg *config.Config
}

// Open reads the configuration and opens the token store; no provider is
// contacted until a token needs refreshing.
func Open(opts Options) (*Client, error) {
	cfg, err := config.Load(opts.ConfigFile)
	if err != nil {
		return nil, classify(err)
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: config.HTTPTimeout()}
	}
	file := opts.FileStorage || os.Getenv("ZAUTH_STORAGE") == "file"
	// The command's warning about the file is for its users; here the
	// caller asked for it in code.
	store := tokenstore.Open(file, io.Discard)
	return &Client{cfg: cfg, env: &session.Env{Store: store, HTTP: hc}}, nil
}

// Token returns an access token of the login to providerName (a built-in
// provider or one defined in the config file) under profile ("" means
// "default") that is valid for at least minTTL, refreshing it first if it
// is not. When the provider issues tokens for less than minTTL, the token
// returned expires sooner: it is refreshed once, then only in the second
// half of its life.
//
// Errors satisfy errors.Is with ErrLoginRequired, ErrProvider, ErrStorage
// or ErrConfig, or, when ctx ended, with ctx.Err(); they keep their
// causes for errors.As.
func (c *Client) Token(ctx context.Context, providerName, profile string, minTTL time.Duration) (string, error) {
	r, err := c.fresh(ctx, providerName, profile, minTTL)
	if err != nil {
		return "", err
	}
	return r.AccessToken, nil
}

// TokenSource returns a source of the login's tokens for oauth2.NewClient
// and the like: each token is reused while it stays valid for minTTL, then
// Token's refresh applies. ctx carries the refresh requests. The tokens go
// in Authorization: Bearer headers, so this is for providers whose APIs
// take them there (not ZBD's, which take a usertoken header: use Token).
func (c *Client) TokenSource(ctx context.Context, providerName, profile string, minTTL time.Duration) oauth2.TokenSource {
	src := sourceFunc(func() (*oauth2.Token, error) {
		r, err := c.fresh(ctx, providerName, profile, minTTL)
		if err != nil {
			return nil, err
		}
		if !session.IsBearer(r) { // oauth2.Token would send "DPoP <token>" and the like
			return nil, classify(session.NotBearer(r))
		}
		return &oauth2.Token{AccessToken: r.AccessToken, TokenType: "Bearer", Expiry: r.Expiry}, nil
	})
	return oauth2.ReuseTokenSourceWithExpiry(nil, src, minTTL)
}

func (c *Client) fresh(ctx context.Context, providerName, profile string, minTTL time.Duration) (*tokenstore.Record, error) {
	t, err := c.target(providerName, profile)
	if err != nil {
		return nil, classify(err)
	}
	r, err := c.env.Fresh(ctx, t, minTTL)
	if err != nil {
		if ctx.Err() != nil { // the caller's deadline or cancellation, whatever failed of it
			return nil, &kindError{kind: ctx.Err(), err: err}
		}
		return nil, classify(err)
	}
	return r, nil
}

// target resolves a login the way the command does (session.NewTarget).
// The configuration is not safe for concurrent use: resolving, and the
// client lookup a refresh makes later, hold c.mu.
func (c *Client) target(providerName, profile string) (session.Target, error) {
	if profile == "" {
		profile = "default"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	secret := func(p *provider.Provider, name string) (string, error) { return session.Secret(c.env.Store, p, name) }
	t, err := session.NewTarget(c.cfg, secret, providerName, profile)
	if err != nil {
		return t, err
	}
	resolve := t.Client
	t.Client = func() (oauth.Client, error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		cl, err := resolve()
		var missing *session.MissingSecretError
		if errors.As(err, &missing) { // no command line to give the hint
			err = fmt.Errorf("%w; set %s or store it with zauth", err, config.EnvName(missing.Provider, tokenstore.ClientSecret))
		}
		return cl, err
	}
	return t, nil
}

type sourceFunc func() (*oauth2.Token, error)

func (f sourceFunc) Token() (*oauth2.Token, error) { return f() }

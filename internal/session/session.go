// Package session runs zauth's flows over the lower packages: logging in
// (listener, browser, code exchange, store), handing out fresh tokens
// (refresh once under a cross-process lock), and logging out.
package session

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/filelock"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// Target names one login and how to talk to its provider.
type Target struct {
	Provider    *provider.Provider
	Profile     string
	RedirectURI string
	// Client resolves the client credentials. It is called only when the
	// provider must be contacted, so the fast path reads no client secret.
	Client func() (oauth.Client, error)
}

// Env is what the flows need from the outside world.
type Env struct {
	Store *tokenstore.Store
	HTTP  *http.Client
	Now   func() time.Time
	// LockWait bounds the wait for another process's refresh.
	LockWait time.Duration
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Load reads the stored login, turning "not found" into exit 3 with the
// login hint.
func (e *Env) Load(t Target) (*tokenstore.Record, error) {
	r, err := e.Store.Load(t.Provider.Name, t.Profile)
	if errors.Is(err, tokenstore.ErrNotFound) {
		return nil, loginRequired(t, nil, fmt.Sprintf("not logged in to %s (profile %s)", t.Provider.Name, t.Profile))
	}
	return r, err
}

// Fresh returns a usable record (see Usable) whose access token is valid
// for at least minTTL, refreshing it first if needed. When the provider issues tokens for less
// than minTTL no refresh can meet it: the token is refreshed once, and
// then only in the second half of its life, not on every call; the caller
// sees a record that expires within minTTL (see ShortLived).
func (e *Env) Fresh(ctx context.Context, t Target, minTTL time.Duration) (*tokenstore.Record, error) {
	r, err := e.Load(t)
	if err != nil {
		return nil, err
	}
	needed := func(cur *tokenstore.Record) bool {
		ttl := minTTL
		if l := cur.Lifetime(); cur.ShortOfMinTTL && l > 0 && l <= minTTL {
			ttl = l / 2
		}
		return cur.ExpiresWithin(e.now(), ttl)
	}
	if needed(r) {
		if r, err = e.refresh(ctx, t, r, minTTL, needed); err != nil {
			return nil, err
		}
	}
	// Whoever asks puts the token into a header, a shell line or a
	// child's environment: a record stored before zauth checked token
	// responses may carry anything.
	if err := Usable(r); err != nil {
		return nil, err
	}
	return r, nil
}

// ShortLived reports whether a record handed out by Fresh falls short of
// minTTL because the provider issues shorter-lived tokens, and their
// lifetime.
func ShortLived(r *tokenstore.Record, now time.Time, minTTL time.Duration) (time.Duration, bool) {
	l := r.Lifetime()
	return l, l > 0 && l <= minTTL && r.ExpiresWithin(now, minTTL)
}

// Refresh refreshes unconditionally, unless another process refreshed the
// same login while this one waited for the lock.
func (e *Env) Refresh(ctx context.Context, t Target) (*tokenstore.Record, error) {
	r, err := e.Load(t)
	if err != nil {
		return nil, err
	}
	return e.refresh(ctx, t, r, 0, func(cur *tokenstore.Record) bool { return cur.AccessToken == r.AccessToken })
}

// refresh takes the login's lock, re-reads the record (another process may
// have refreshed it meanwhile, and refresh tokens may rotate), and refreshes
// only if still needed. The stored record is replaced only by a successful
// answer, so a failed refresh loses nothing.
func (e *Env) refresh(ctx context.Context, t Target, r *tokenstore.Record, minTTL time.Duration, needed func(*tokenstore.Record) bool) (*tokenstore.Record, error) {
	if !r.Refreshable() {
		return nil, e.expired(t, r, "has no refresh token")
	}
	lock, err := e.lock(ctx, t)
	if err != nil {
		return nil, err
	}
	defer lock.Release()

	cur, err := e.Load(t)
	if err != nil {
		return nil, err
	}
	if !needed(cur) {
		return cur, nil
	}
	if !cur.Refreshable() {
		return nil, e.expired(t, cur, "has no refresh token")
	}
	client, err := t.Client()
	if err != nil {
		return nil, err
	}
	// The redirect URI the login was made with: servers that check it on
	// refresh (ZBD) refuse any other. A version 1 record did not keep it.
	redirect := cmp.Or(cur.RedirectURI, t.RedirectURI)
	tok, err := oauth.Refresh(ctx, e.HTTP, e.now, t.Provider, client, redirect, cur.RefreshToken)
	if err != nil {
		if exitcode.Code(err) == exitcode.LoginNeeded {
			return nil, e.expired(t, cur, "can no longer be refreshed ("+err.Error()+")")
		}
		return nil, err
	}
	next := *cur
	next.RedirectURI = redirect
	next.AccessToken = tok.AccessToken
	next.TokenType = tok.TokenType
	next.Expiry = tok.Expiry
	next.ObtainedAt = e.now().UTC()
	if tok.RefreshToken != "" { // rotation; otherwise the old one stays valid
		next.RefreshToken = tok.RefreshToken
	}
	if tok.Scopes != nil {
		next.Scopes = tok.Scopes
	}
	next.ShortOfMinTTL = minTTL > 0 && next.ExpiresWithin(e.now(), minTTL)
	if err := e.Store.Save(&next); err != nil {
		var ie *tokenstore.IndexError
		if errors.As(err, &ie) {
			return nil, err // stored; says so itself
		}
		return nil, fmt.Errorf("refreshed, but could not store the new token: %w", err)
	}
	return &next, nil
}

// lock takes the login's cross-process lock, waiting at most LockWait (a
// minute by default). Whoever writes or deletes the login holds it: a
// refresh, a login's save, a logout.
func (e *Env) lock(ctx context.Context, t Target) (*filelock.Lock, error) {
	wait := e.LockWait
	if wait == 0 {
		wait = time.Minute
	}
	lctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	return e.Store.Lock(lctx, t.Provider.Name, t.Profile)
}

func (e *Env) expired(t Target, r *tokenstore.Record, why string) error {
	return loginRequired(t, r, fmt.Sprintf("the stored %s token (profile %s) %s", t.Provider.Name, t.Profile, why))
}

// LoginRequiredError means the login must be made again (exit 3): there
// is none, or its token can no longer be used or refreshed. It carries what
// a new login should repeat.
type LoginRequiredError struct {
	Provider, Profile string
	// RedirectURI is the configured one; Record, when known, is the stored
	// login (its requested scopes and redirect URI).
	RedirectURI string
	Record      *tokenstore.Record
	Msg         string
}

func (e *LoginRequiredError) Error() string { return e.Msg }

func loginRequired(t Target, r *tokenstore.Record, msg string) error {
	return exitcode.New(exitcode.LoginNeeded, &LoginRequiredError{
		Provider: t.Provider.Name, Profile: t.Profile, RedirectURI: t.RedirectURI, Record: r, Msg: msg})
}

package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// LogoutResult says what Logout did.
type LogoutResult struct {
	Revoked bool   // the provider revoked the tokens
	Damaged bool   // the record was damaged: removed without revoking anything
	Storage string // where the login was kept ("" when damaged)
}

// Logout removes a stored login, damaged or not, under the login's lock, so
// that no refresh running meanwhile can store it again. When the provider
// has a revocation endpoint (RFC 7009), the refresh and access tokens are
// revoked first; the local record is removed even if that fails, and the
// failure is returned.
func (e *Env) Logout(ctx context.Context, t Target) (LogoutResult, error) {
	var res LogoutResult
	lock, err := e.lock(ctx, t)
	if err != nil {
		return res, err
	}
	defer lock.Release()
	r, err := e.Store.Load(t.Provider.Name, t.Profile)
	var revokeErr error
	var corrupt *tokenstore.CorruptError
	switch {
	case err == nil:
		res.Storage = r.Storage
		if t.Provider.RevocationURL != "" {
			revokeErr = e.revoke(ctx, t, r)
			res.Revoked = revokeErr == nil
		}
	case errors.As(err, &corrupt):
		res.Damaged = true
	case !errors.Is(err, tokenstore.ErrNotFound):
		return res, err // storage trouble: deleting would fail the same way
	}
	if err := e.Store.Delete(t.Provider.Name, t.Profile); err != nil {
		return LogoutResult{}, err
	}
	if r == nil && !res.Damaged {
		// Nothing was stored (the delete cleared a stale index entry).
		return res, exitcode.Newf(exitcode.LoginNeeded, "not logged in to %s (profile %s); nothing to remove", t.Provider.Name, t.Profile)
	}
	if revokeErr != nil {
		return LogoutResult{}, exitcode.Newf(exitcode.Provider, "removed the local login, but %s did not revoke the token: %v; it stays valid until it expires", t.Provider.DisplayName, revokeErr)
	}
	return res, nil
}

func (e *Env) revoke(ctx context.Context, t Target, r *tokenstore.Record) error {
	client, err := t.Client()
	if err != nil {
		return err
	}
	// Revoking the refresh token first: servers commonly revoke the access
	// tokens issued from it too (RFC 7009 §2.1).
	if r.RefreshToken != "" {
		if err := oauth.Revoke(ctx, e.HTTP, t.Provider, client, r.RefreshToken, "refresh_token"); err != nil {
			return err
		}
	}
	if err := oauth.Revoke(ctx, e.HTTP, t.Provider, client, r.AccessToken, "access_token"); err != nil {
		return fmt.Errorf("access token: %w", err)
	}
	return nil
}

package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/zauth-cli/zauth/pkg/exitcode"
	"github.com/zauth-cli/zauth/pkg/oauth"
	"github.com/zauth-cli/zauth/pkg/tokenstore"
)

// Logout removes a stored login. When the provider has a revocation
// endpoint (RFC 7009), the refresh and access tokens are revoked first; the
// local record is removed even if that fails, and the failure is returned.
func (e *Env) Logout(ctx context.Context, t Target) (revoked bool, err error) {
	r, err := e.Store.Load(t.Provider.Name, t.Profile)
	var revokeErr error
	if err == nil && t.Provider.RevocationURL != "" {
		revokeErr = e.revoke(ctx, t, r)
		revoked = revokeErr == nil
	} else if err != nil && !errors.Is(err, tokenstore.ErrNotFound) && exitcode.Code(err) != exitcode.LoginNeeded {
		return false, err // storage trouble: deleting would fail the same way
	}
	if err := e.Store.Delete(t.Provider.Name, t.Profile); err != nil {
		return false, err
	}
	if revokeErr != nil {
		return false, exitcode.Newf(exitcode.Provider, "removed the local login, but %s did not revoke the token: %v; it stays valid until it expires", t.Provider.DisplayName, revokeErr)
	}
	return revoked, nil
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

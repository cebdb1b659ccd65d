package cmd

import (
	"context"

	"github.com/zauth-cli/zauth/pkg/session"
	"github.com/zauth-cli/zauth/pkg/tokenstore"
)

// remoteIdentity asks the provider who the token belongs to.
func (a *App) remoteIdentity(ctx context.Context, t session.Target, r *tokenstore.Record) (any, error) {
	apiKey := ""
	if t.Provider.UsesAPIKey {
		var err error
		if apiKey, err = a.Secret(t.Provider, "api_key"); err != nil {
			return nil, err
		}
	}
	return a.Env().Identity(ctx, t, r, apiKey)
}

package oauth

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/provider"
)

// Revoke asks the provider to revoke a token (RFC 7009). hint is
// "refresh_token" or "access_token".
func Revoke(ctx context.Context, hc *http.Client, p *provider.Provider, c Client, token, hint string) error {
	_, err := revocation(ctx, hc, p, c, endpoint{p.RevocationURL, "revocation"}, token, hint)
	return err
}

// Introspect asks the provider what it knows about a token (RFC 7662).
func Introspect(ctx context.Context, hc *http.Client, p *provider.Provider, c Client, token string) (map[string]any, error) {
	data, err := revocation(ctx, hc, p, c, endpoint{p.IntrospectionURL, "introspection"}, token, "access_token")
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if json.Unmarshal(data, &out) != nil {
		return nil, exitcode.Newf(exitcode.Provider, "%s introspection endpoint answered with a body that is not a JSON object", p.DisplayName)
	}
	return out, nil
}

// revocation sends a token to a revocation or introspection endpoint (the
// same request, RFC 7009 and RFC 7662) by hand: x/oauth2 has neither.
func revocation(ctx context.Context, hc *http.Client, p *provider.Provider, c Client, e endpoint, token, hint string) ([]byte, error) {
	params := [][2]string{{"token", token}, {"token_type_hint", hint}}
	data, err := post(ctx, hc, p, c, e, params)
	if err != nil {
		return nil, fail(p, e, err, sentSecrets(p, c, params))
	}
	return data, nil
}

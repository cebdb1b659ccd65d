package session

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/zauth-cli/zauth/pkg/exitcode"
	"github.com/zauth-cli/zauth/pkg/oauth"
	"github.com/zauth-cli/zauth/pkg/provider"
	"github.com/zauth-cli/zauth/pkg/textsafe"
	"github.com/zauth-cli/zauth/pkg/tokenstore"
)

// AuthorizeAPI adds the token (and, for providers that want one, the API
// key) to an API request the way the provider expects. Only Bearer tokens
// go into the Authorization header: another type (DPoP, MAC) needs proof
// zauth does not make, and sending it as Bearer would be wrong.
func AuthorizeAPI(req *http.Request, p *provider.Provider, r *tokenstore.Record, apiKey string) error {
	if err := Usable(r); err != nil {
		return err
	}
	switch {
	case p.APIAuth == "usertoken":
		req.Header.Set("usertoken", r.AccessToken)
		if apiKey != "" {
			req.Header.Set("apikey", apiKey)
		}
	case r.TokenType == "" || strings.EqualFold(r.TokenType, "bearer"):
		req.Header.Set("Authorization", "Bearer "+r.AccessToken)
	default:
		return exitcode.Newf(exitcode.Usage, "the stored %s token is of type %q; zauth sends only Bearer tokens to an API", r.Provider, r.TokenType)
	}
	return nil
}

// Identity asks the provider who the token belongs to: its identity API
// paths (Ziina's account, ZBD's user and wallet), its OpenID userinfo
// endpoint and its RFC 7662 introspection endpoint, whichever it has. The
// JSON answers are keyed by path or by "userinfo" / "introspection".
func (e *Env) Identity(ctx context.Context, t Target, r *tokenstore.Record, apiKey string) (map[string]any, error) {
	p := t.Provider
	out := map[string]any{}
	if p.APIURL != "" && len(p.IdentityPaths) > 0 {
		if p.UsesAPIKey && apiKey == "" {
			return nil, exitcode.Newf(exitcode.Usage, "%s API calls need the project API key", p.DisplayName).WithHint(
				fmt.Sprintf("store it with `zauth client set %s --client-id ID --api-key-stdin`, or set ZAUTH_%s_API_KEY", p.Name, strings.ToUpper(p.Name)))
		}
		for _, path := range p.IdentityPaths {
			v, err := e.getJSON(ctx, p, strings.TrimSuffix(p.APIURL, "/")+path, r, apiKey, p.APIURL)
			if err != nil {
				return nil, err
			}
			out[path] = v
		}
	}
	if p.UserinfoURL != "" {
		v, err := e.getJSON(ctx, p, p.UserinfoURL, r, "", "")
		if err != nil {
			return nil, err
		}
		out["userinfo"] = v
	}
	if p.IntrospectionURL != "" {
		client, err := t.Client()
		if err != nil {
			return nil, err
		}
		v, err := oauth.Introspect(ctx, e.HTTP, p, client, r.AccessToken)
		if err != nil {
			return nil, err
		}
		out["introspection"] = v
	}
	if len(out) == 0 {
		return nil, exitcode.Newf(exitcode.Usage, "%s has no endpoint that tells who a token belongs to (no identity API, userinfo or introspection)", p.Name)
	}
	return out, nil
}

// getJSON follows redirects only within origin (none when it is empty).
func (e *Env) getJSON(ctx context.Context, p *provider.Provider, url string, r *tokenstore.Record, apiKey, origin string) (any, error) {
	resp, err := e.send(ctx, http.MethodGet, url, nil, http.Header{"Accept": {"application/json"}}, p, r, apiKey, origin)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if err != nil {
		return nil, exitcode.Newf(exitcode.Provider, "GET %s: %v", url, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, exitcode.Newf(exitcode.Provider, "GET %s answered %s: %s", url, textsafe.Line(resp.Status), textsafe.Short(string(body), 200))
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, exitcode.Newf(exitcode.Provider, "GET %s answered with a body that is not JSON", url)
	}
	return v, nil
}

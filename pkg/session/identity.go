package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/zauth-cli/zauth/pkg/exitcode"
	"github.com/zauth-cli/zauth/pkg/provider"
	"github.com/zauth-cli/zauth/pkg/tokenstore"
)

// AuthorizeAPI adds the token (and, for providers that want one, the API
// key) to an API request the way the provider expects.
func AuthorizeAPI(req *http.Request, p *provider.Provider, r *tokenstore.Record, apiKey string) {
	switch p.APIAuth {
	case "usertoken":
		req.Header.Set("usertoken", r.AccessToken)
		if apiKey != "" {
			req.Header.Set("apikey", apiKey)
		}
	default:
		req.Header.Set("Authorization", "Bearer "+r.AccessToken)
	}
}

// Identity asks the provider's API who the token belongs to: one GET per
// identity path, the JSON answers keyed by path.
func Identity(ctx context.Context, hc *http.Client, p *provider.Provider, r *tokenstore.Record, apiKey string) (map[string]any, error) {
	if p.APIURL == "" || len(p.IdentityPaths) == 0 {
		return nil, exitcode.Newf(exitcode.Usage, "%s has no API endpoint that identifies a token", p.Name)
	}
	if p.UsesAPIKey && apiKey == "" {
		return nil, exitcode.Newf(exitcode.Usage, "%s API calls need the project API key", p.DisplayName).WithHint(
			fmt.Sprintf("store it with `zauth client set %s --client-id ID --api-key-stdin`, or set ZAUTH_%s_API_KEY", p.Name, strings.ToUpper(p.Name)))
	}
	out := map[string]any{}
	for _, path := range p.IdentityPaths {
		url := strings.TrimSuffix(p.APIURL, "/") + path
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return nil, exitcode.New(exitcode.Usage, err)
		}
		req.Header.Set("Accept", "application/json")
		AuthorizeAPI(req, p, r, apiKey)
		resp, err := hc.Do(req)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil, exitcode.New(exitcode.Interrupted, errors.New("interrupted"))
			}
			return nil, exitcode.Newf(exitcode.Provider, "GET %s: %v", url, err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		if err != nil {
			return nil, exitcode.Newf(exitcode.Provider, "GET %s: %v", url, err)
		}
		if resp.StatusCode/100 != 2 {
			return nil, exitcode.Newf(exitcode.Provider, "GET %s answered %s: %s", url, resp.Status, snippet(body))
		}
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return nil, exitcode.Newf(exitcode.Provider, "GET %s answered with a body that is not JSON", url)
		}
		out[path] = v
	}
	return out, nil
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

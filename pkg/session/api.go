package session

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zauth-cli/zauth/pkg/exitcode"
	"github.com/zauth-cli/zauth/pkg/provider"
	"github.com/zauth-cli/zauth/pkg/tokenstore"
)

// APIRequest is one call to a provider's API.
type APIRequest struct {
	Method string
	Path   string // relative to the provider's api_url, or a full URL on its host
	Body   []byte
	Header http.Header
	APIKey string // for providers that want one (ZBD)
}

// APIURL resolves path against the provider's API base. A full URL must be
// on the API's own scheme and host: the token is never sent elsewhere.
func APIURL(base, path string) (string, error) {
	if base == "" {
		return "", errors.New("the provider has no api_url configured")
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		u, err := url.Parse(path)
		if err != nil {
			return "", err
		}
		if u.Scheme != b.Scheme || u.Host != b.Host {
			return "", errors.New("refusing to send the token to " + u.Scheme + "://" + u.Host + ", which is not the provider's API host " + b.Host)
		}
		return u.String(), nil
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(path, "/"), nil
}

// API sends an authenticated request with a fresh token. On 401 it
// refreshes the token once and retries: the provider may have revoked or
// shortened the token before its stated expiry. The caller reads and
// closes the response body.
func (e *Env) API(ctx context.Context, t Target, ar APIRequest) (*http.Response, error) {
	target, err := APIURL(t.Provider.APIURL, ar.Path)
	if err != nil {
		return nil, exitcode.New(exitcode.Usage, err)
	}
	r, err := e.Fresh(ctx, t, time.Minute)
	if err != nil {
		return nil, err
	}
	for attempt := 0; ; attempt++ {
		resp, err := e.send(ctx, ar.Method, target, ar.Body, ar.Header, t.Provider, r, ar.APIKey)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusUnauthorized || attempt > 0 || !r.Refreshable() {
			return resp, nil
		}
		resp.Body.Close()
		if r, err = e.Refresh(ctx, t); err != nil {
			return nil, err
		}
	}
}

// send makes one authenticated API request, mapping transport failures to
// exit codes.
func (e *Env) send(ctx context.Context, method, target string, body []byte, header http.Header,
	p *provider.Provider, r *tokenstore.Record, apiKey string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, exitcode.New(exitcode.Usage, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	AuthorizeAPI(req, p, r, apiKey)
	resp, err := e.HTTP.Do(req)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, exitcode.New(exitcode.Interrupted, errors.New("interrupted"))
		}
		return nil, exitcode.Newf(exitcode.Provider, "%s %s: %v", method, target, err)
	}
	return resp, nil
}

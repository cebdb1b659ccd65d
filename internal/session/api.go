package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/textsafe"
	"github.com/zauth-cli/zauth/internal/tokenstore"
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
		if !oauth.SameOrigin(u, b) {
			return "", errors.New("refusing to send the token to " + u.Scheme + "://" + u.Host + ", which is not the provider's API host " + b.Host)
		}
		return u.String(), nil
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(path, "/"), nil
}

// API sends an authenticated request with a fresh token. On 401 it
// refreshes the token once and retries: the provider may have revoked or
// shortened the token before its stated expiry. Redirects are followed only
// within the API's origin. The caller reads and closes the response body.
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
		resp, err := e.send(ctx, ar.Method, target, ar.Body, ar.Header, t.Provider, r, ar.APIKey, t.Provider.APIURL)
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

// send makes one authenticated request, mapping transport failures to exit
// codes. Redirects are followed only to the origin (scheme, host and port)
// of the URL origin: Go would carry the token to any other host in the
// usertoken or apikey header, and in the Authorization header to the same
// host on another port or scheme. An empty origin is the userinfo
// endpoint, an OAuth endpoint: it follows none, as oauth's do not.
func (e *Env) send(ctx context.Context, method, target string, body []byte, header http.Header,
	p *provider.Provider, r *tokenstore.Record, apiKey, origin string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, exitcode.New(exitcode.Usage, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if err := AuthorizeAPI(req, p, r, apiKey); err != nil {
		return nil, err
	}
	resp, err := oauth.SameOriginRedirects(e.HTTP, origin).Do(req)
	if err != nil {
		var refused *oauth.RefusedRedirect
		switch {
		case errors.Is(err, context.Canceled):
			return nil, exitcode.New(exitcode.Interrupted, errors.New("interrupted"))
		case errors.As(err, &refused):
			return nil, exitcode.Newf(exitcode.Provider, "%s %s: refusing to follow the redirect to %s, which is not on the provider's API origin %s; the token was not sent there",
				method, target, textsafe.URL(refused.To.String()), refused.Origin)
		}
		return nil, exitcode.Newf(exitcode.Provider, "%s %s: %v", method, target, err)
	}
	if origin == "" && resp.StatusCode/100 == 3 {
		resp.Body.Close()
		return nil, oauth.RedirectError(p, "userinfo", resp)
	}
	return resp, nil
}

// Usable refuses a stored token that cannot be put into a header or a
// shell line: records stored before zauth checked token responses may
// carry anything a provider sent.
func Usable(r *tokenstore.Record) error {
	if err := oauth.CheckUsable(r.AccessToken, r.TokenType); err != nil {
		return exitcode.New(exitcode.LoginNeeded, &LoginRequiredError{Provider: r.Provider, Profile: r.Profile,
			Msg: fmt.Sprintf("the stored %s token (profile %s) is unusable: %v", r.Provider, r.Profile, err)})
	}
	return nil
}

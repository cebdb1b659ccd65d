package session

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/textsafe"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// IsBearer reports whether a stored token goes in an Authorization: Bearer
// header (its type is Bearer, in any case, or unstated).
func IsBearer(r *tokenstore.Record) bool {
	return r.TokenType == "" || strings.EqualFold(r.TokenType, "bearer")
}

// NotBearer is the error for a token zauth cannot send as Bearer (exit 2).
func NotBearer(r *tokenstore.Record) error {
	return exitcode.Newf(exitcode.Usage, "the stored %s token is of type %q; zauth sends only Bearer tokens to an API", r.Provider, r.TokenType)
}

// AuthorizeAPI adds the token (and, for providers that want one, the API
// key) to an API request the way the provider expects. Only Bearer tokens
// go into the Authorization header: another type (DPoP, MAC) needs proof
// zauth does not make, and sending it as Bearer would be wrong.
func AuthorizeAPI(req *http.Request, p *provider.Provider, r *tokenstore.Record, apiKey string) error {
	if err := Usable(r); err != nil {
		return err
	}
	switch {
	case p.APIAuth == provider.APIUserToken:
		req.Header.Set("usertoken", r.AccessToken)
		if apiKey != "" {
			req.Header.Set("apikey", apiKey)
		}
	case IsBearer(r):
		req.Header.Set("Authorization", "Bearer "+r.AccessToken)
	default:
		return NotBearer(r)
	}
	return nil
}

// Source is one of the provider's answers to "who does this token belong
// to": an identity API path, "userinfo" or "introspection".
type Source struct {
	Name    string
	URL     string
	Answer  any    // the decoded JSON answer, when Err and Skipped are empty
	Err     error  // why the source did not answer
	Skipped string // why the source was not asked
}

// Identity asks each source the provider has, on its own: its identity API
// paths (Ziina's account, ZBD's user and wallet), its OpenID userinfo
// endpoint and its RFC 7662 introspection endpoint. A failing source is
// reported as such and does not hide the others' answers. Introspection
// needs client authentication (RFC 7662 §2.1), so a public client skips it.
// The error is for a provider with no source at all.
func (e *Env) Identity(ctx context.Context, t Target, r *tokenstore.Record, apiKey string) ([]Source, error) {
	p := t.Provider
	var out []Source
	if p.APIURL != "" {
		for _, path := range p.IdentityPaths {
			s := Source{Name: path, URL: strings.TrimSuffix(p.APIURL, "/") + path}
			if p.UsesAPIKey && apiKey == "" {
				s.Err = exitcode.New(exitcode.Usage, &MissingAPIKeyError{Provider: p.Name, DisplayName: p.DisplayName})
			} else {
				s.Answer, s.Err = e.getJSON(ctx, p, s.URL, r, apiKey, p.APIURL)
			}
			out = append(out, s)
		}
	}
	if p.UserinfoURL != "" {
		s := Source{Name: "userinfo", URL: p.UserinfoURL}
		s.Answer, s.Err = e.getJSON(ctx, p, p.UserinfoURL, r, "", "")
		out = append(out, s)
	}
	if p.IntrospectionURL != "" {
		s := Source{Name: "introspection", URL: p.IntrospectionURL}
		// Resolving the client settles its type (a public client may be
		// chosen for want of a secret).
		client, err := t.Client()
		switch {
		case err != nil:
			s.Err = err
		case p.ClientAuth == provider.AuthNone:
			s.Skipped = "a public client cannot authenticate at the introspection endpoint (RFC 7662 §2.1)"
		default:
			var v map[string]any
			if v, s.Err = oauth.Introspect(ctx, e.HTTP, p, client, r.AccessToken); s.Err == nil {
				s.Answer = v
			}
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, exitcode.Newf(exitcode.Usage, "%s has no endpoint that tells who a token belongs to (no identity API, userinfo or introspection)", p.Name)
	}
	return out, nil
}

// NoAnswer returns nil when at least one source answered, else the first
// source's error (or, when every source was skipped, a usage error).
func NoAnswer(p *provider.Provider, sources []Source) error {
	var first error
	for _, s := range sources {
		if s.Err == nil && s.Skipped == "" {
			return nil
		}
		if first == nil && s.Err != nil {
			first = s.Err
		}
	}
	if first != nil {
		return first
	}
	return exitcode.Newf(exitcode.Usage, "no source of %s could be asked who the token belongs to", p.Name)
}

// getJSON follows redirects only within origin (none when it is empty).
func (e *Env) getJSON(ctx context.Context, p *provider.Provider, url string, r *tokenstore.Record, apiKey, origin string) (any, error) {
	resp, err := e.send(ctx, http.MethodGet, url, nil, http.Header{"Accept": {"application/json"}}, p, r, apiKey, origin)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, oauth.MaxBody))
	resp.Body.Close()
	if err != nil {
		return nil, exitcode.Newf(exitcode.Provider, "GET %s: %v", url, err)
	}
	if resp.StatusCode/100 != 2 {
		// A server that echoes the request would show the token and key.
		text := oauth.Redact(string(body), []string{r.AccessToken, apiKey})
		return nil, exitcode.Newf(exitcode.Provider, "GET %s answered %s: %s", url, textsafe.Line(resp.Status), textsafe.Short(text, 200))
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, exitcode.Newf(exitcode.Provider, "GET %s answered with a body that is not JSON", url)
	}
	return v, nil
}

// MissingAPIKeyError: the provider's API needs the project API key, and
// none is stored or set (exit 2).
type MissingAPIKeyError struct{ Provider, DisplayName string }

func (e *MissingAPIKeyError) Error() string {
	return e.DisplayName + " API calls need the project API key"
}

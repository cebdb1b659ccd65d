// Package discovery reads an authorization server's metadata (RFC 8414,
// OpenID Connect Discovery) and turns it into a zauth provider definition.
package discovery

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/textsafe"
)

// Metadata holds the fields zauth uses.
type Metadata struct {
	Issuer                   string   `json:"issuer"`
	AuthorizationEndpoint    string   `json:"authorization_endpoint"`
	TokenEndpoint            string   `json:"token_endpoint"`
	RevocationEndpoint       string   `json:"revocation_endpoint"`
	IntrospectionEndpoint    string   `json:"introspection_endpoint"`
	UserinfoEndpoint         string   `json:"userinfo_endpoint"`
	ScopesSupported          []string `json:"scopes_supported"`
	TokenEndpointAuthMethods []string `json:"token_endpoint_auth_methods_supported"`
	CodeChallengeMethods     []string `json:"code_challenge_methods_supported"`
	IssParameterSupported    bool     `json:"authorization_response_iss_parameter_supported"`
	DiscoveryURL             string   `json:"-"`
}

// Candidates lists the metadata URLs to try for an issuer, in order: the
// RFC 8414 form (well-known segment before the issuer's path), the OpenID
// form (appended to it), then both at the host root.
func Candidates(issuer string) ([]string, error) {
	u, err := url.Parse(strings.TrimSuffix(issuer, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("issuer %q is not an absolute URL", issuer)
	}
	root := u.Scheme + "://" + u.Host
	var out []string
	for _, wk := range []string{"oauth-authorization-server", "openid-configuration"} {
		if u.Path != "" {
			out = append(out, root+"/.well-known/"+wk+u.Path, root+u.Path+"/.well-known/"+wk)
		}
	}
	out = append(out, root+"/.well-known/oauth-authorization-server", root+"/.well-known/openid-configuration")
	return slices.Compact(out), nil
}

// Discover fetches the first metadata document found for issuer. The
// document's issuer must be the one asked for, or (as with Ziina, whose
// document lives under /oidc/ while its issuer has no path) the same origin
// with the path trimmed; the second case is reported in Metadata.Issuer.
func Discover(ctx context.Context, hc *http.Client, issuer string) (*Metadata, error) {
	if err := provider.CheckEndpoint(issuer); err != nil {
		return nil, exitcode.New(exitcode.Usage, err)
	}
	urls, err := Candidates(issuer)
	if err != nil {
		return nil, exitcode.New(exitcode.Usage, err)
	}
	var tried []string
	for _, u := range urls {
		m, err := fetch(ctx, hc, u)
		if ctx.Err() != nil {
			return nil, ctx.Err() // Ctrl-C: not a server without metadata
		}
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s (%v)", u, err))
			continue
		}
		want := strings.TrimSuffix(issuer, "/")
		got := strings.TrimSuffix(m.Issuer, "/")
		if got != want && !strings.HasPrefix(want, got+"/") {
			return nil, exitcode.Newf(exitcode.Provider, "%s says its issuer is %q, not %q; refusing it (possible mix-up)", u, m.Issuer, issuer)
		}
		if m.AuthorizationEndpoint == "" || m.TokenEndpoint == "" {
			return nil, exitcode.Newf(exitcode.Provider, "%s has no authorization_endpoint or token_endpoint", u)
		}
		m.DiscoveryURL = u
		return m, nil
	}
	return nil, exitcode.Newf(exitcode.Provider, "no authorization server metadata found; tried %s", strings.Join(tried, ", "))
}

func fetch(ctx context.Context, hc *http.Client, u string) (*Metadata, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	// Redirects stay within the metadata URL's origin: elsewhere (an open
	// redirect on the issuer's host, plain http), someone else could answer
	// with a document that copies the issuer and names their own endpoints.
	resp, err := oauth.SameOriginRedirects(hc, u).Do(req)
	if err != nil {
		var refused *oauth.RefusedRedirect
		var ue *url.Error
		switch {
		case errors.As(err, &refused):
			err = fmt.Errorf("refusing its redirect to another origin, %s", textsafe.URL(refused.To.String()))
		case errors.As(err, &ue):
			err = ue.Err // the URL is named by the caller
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var m Metadata
	if err := json.NewDecoder(io.LimitReader(resp.Body, oauth.MaxBody)).Decode(&m); err != nil {
		return nil, fmt.Errorf("not JSON")
	}
	return &m, nil
}

// Choice is one decision Definition made that the metadata did not settle
// by itself, with how to change it.
type Choice struct {
	What   string // "client auth", "PKCE", …
	Value  string // what was chosen
	Why    string
	Change string // the flag or config key that changes it
}

// Definition is the config block for the provider the metadata describes,
// and the choices made for it. public says the client has no secret (a
// native app): it authenticates with client_id alone ("none").
func (m *Metadata) Definition(public bool) (map[string]any, []Choice) {
	def := map[string]any{
		"auth_url":  m.AuthorizationEndpoint,
		"token_url": m.TokenEndpoint,
		"issuer":    m.Issuer,
	}
	for k, v := range map[string]string{"revocation_url": m.RevocationEndpoint, "introspection_url": m.IntrospectionEndpoint, "userinfo_url": m.UserinfoEndpoint} {
		if v != "" {
			def[k] = v
		}
	}
	if len(m.ScopesSupported) > 0 {
		scopes := map[string]string{}
		for _, s := range m.ScopesSupported {
			scopes[s] = ""
		}
		def["scopes"] = scopes
	}
	auth := m.clientAuth(public)
	def["client_auth"] = string(auth.value)
	if auth.publicToo {
		def["public_without_secret"] = true
	}
	def["pkce"] = string(provider.PKCES256) // zauth sends S256 whatever the document says
	def["iss_on_redirect"] = m.IssParameterSupported
	oidc := m.OpenID()
	// Written only when it differs from what a definition gets without
	// the key: on when openid is among the scopes.
	if oidc != slices.Contains(m.ScopesSupported, provider.OpenIDScope) {
		def["consent_for_offline"] = oidc
	}

	choices := []Choice{{What: "client auth", Value: string(auth.value), Why: auth.why, Change: auth.change}}
	pkce := Choice{What: "PKCE", Value: "S256", Change: "key pkce (off for a server that rejects the parameters)"}
	if slices.Contains(m.CodeChallengeMethods, "S256") {
		pkce.Why = "the server supports S256"
	} else {
		pkce.Why = "zauth always sends S256; the server does not announce it"
	}
	iss := Choice{What: "iss check", Value: "off", Change: "key iss_on_redirect",
		Why: "the server does not announce iss on the redirect (RFC 9207 authorization_response_iss_parameter_supported)"}
	if m.IssParameterSupported {
		iss.Value, iss.Why = "on", "the server adds iss to the redirect (RFC 9207): a callback without it, or with another, is refused"
	}
	consent := Choice{What: "consent rule", Value: "off", Change: "key consent_for_offline",
		Why: "not an OpenID Connect provider: offline_access is sent without prompt=consent"}
	if oidc {
		consent.Value, consent.Why = "on", "an OpenID Connect provider gives a refresh token for offline_access only with prompt=consent (OpenID Connect Core §11), so zauth sends both"
	}
	return def, append(choices, pkce, iss, consent)
}

// OpenID reports whether the server is an OpenID Connect provider: its
// document came from an OpenID configuration, or it supports openid.
func (m *Metadata) OpenID() bool {
	return strings.HasSuffix(m.DiscoveryURL, "/openid-configuration") || strings.Contains(m.DiscoveryURL, "/openid-configuration/") ||
		slices.Contains(m.ScopesSupported, provider.OpenIDScope)
}

type authChoice struct {
	value     provider.ClientAuth
	publicToo bool
	why       string
	change    string
}

// clientAuth picks the token endpoint authentication.
func (m *Metadata) clientAuth(public bool) authChoice {
	methods := m.TokenEndpointAuthMethods
	none := slices.Contains(methods, "none")
	if public {
		c := authChoice{value: provider.AuthNone, why: "--public: the client has no secret", change: "run providers add without --public for a confidential client"}
		if len(methods) > 0 && !none {
			c.why += "; the server does not list none and may refuse a public client"
		}
		return c
	}
	c := authChoice{change: "--public for a client without a secret, or key client_auth (basic, post, none)"}
	switch {
	case len(methods) == 0:
		// RFC 8414 §2: the default is client_secret_basic.
		c.value, c.why = provider.AuthBasic, "the server lists no methods; client_secret_basic is the default (RFC 8414)"
	case slices.Contains(methods, "client_secret_basic"):
		c.value, c.why = provider.AuthBasic, "the server supports client_secret_basic"
	case slices.Contains(methods, "client_secret_post"):
		c.value, c.why = provider.AuthPost, "the server supports client_secret_post, not client_secret_basic"
	case none:
		c.value, c.why = provider.AuthNone, "the server supports only public clients (none) among the methods zauth has"
		return c
	default:
		c.value, c.why = provider.AuthBasic, "the server lists no method zauth has ("+textsafe.Short(strings.Join(methods, ", "), 200)+"); trying client_secret_basic"
	}
	if none {
		c.publicToo = true
		c.why += "; it also accepts public clients, so with no secret stored zauth sends client_id alone (none)"
		c.change += "; key public_without_secret"
	}
	return c
}

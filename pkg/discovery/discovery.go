// Package discovery reads an authorization server's metadata (RFC 8414,
// OpenID Connect Discovery) and turns it into a zauth provider definition.
package discovery

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/zauth-cli/zauth/pkg/exitcode"
	"github.com/zauth-cli/zauth/pkg/provider"
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
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	var m Metadata
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&m); err != nil {
		return nil, fmt.Errorf("not JSON")
	}
	return &m, nil
}

// Definition is the config block for the provider the metadata describes.
func (m *Metadata) Definition() map[string]any {
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
	// RFC 8414 §2: the default is client_secret_basic.
	def["client_auth"] = "basic"
	if len(m.TokenEndpointAuthMethods) > 0 && !slices.Contains(m.TokenEndpointAuthMethods, "client_secret_basic") {
		switch {
		case slices.Contains(m.TokenEndpointAuthMethods, "client_secret_post"):
			def["client_auth"] = "post"
		case slices.Contains(m.TokenEndpointAuthMethods, "none"):
			def["client_auth"] = "none"
		}
	}
	def["pkce"] = "s256" // zauth sends S256 whatever the document says
	def["iss_on_redirect"] = m.IssParameterSupported
	return def
}

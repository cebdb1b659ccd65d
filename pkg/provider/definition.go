package provider

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// definition is the data form of a provider: the built-in ones
// (builtin.yaml) and the config file's providers.<name> blocks alike.
type definition struct {
	DisplayName          *string         `json:"display_name"`
	AuthURL              *string         `json:"auth_url"`
	TokenURL             *string         `json:"token_url"`
	Issuer               *string         `json:"issuer"`
	APIURL               *string         `json:"api_url"`
	RevocationURL        *string         `json:"revocation_url"`
	IntrospectionURL     *string         `json:"introspection_url"`
	UserinfoURL          *string         `json:"userinfo_url"`
	DefaultRedirectURI   *string         `json:"default_redirect_uri"`
	Scopes               json.RawMessage `json:"scopes"`
	ScopeSeparator       *string         `json:"scope_separator"`
	ClientAuth           *ClientAuth     `json:"client_auth"`
	TokenBody            *BodyEncoding   `json:"token_body"`
	PKCE                 *string         `json:"pkce"`
	IssOnRedirect        *bool           `json:"iss_on_redirect"`
	ConsentForOffline    *bool           `json:"consent_for_offline"`
	RedirectURIOnRefresh *bool           `json:"redirect_uri_on_refresh"`
	PublicWithoutSecret  *bool           `json:"public_without_secret"`
	SecretName           *string         `json:"secret_name"`
	UsesUsername         *bool           `json:"uses_username"`
	UsesAPIKey           *bool           `json:"uses_api_key"`
	APIAuth              *string         `json:"api_auth"`
	IdentityPaths        []string        `json:"identity_paths"`
	Account              *AccountSource  `json:"account"`
}

// FromDefinition builds a provider from its data form, starting from the
// standard defaults (Custom). Scopes are either a list of {name,
// description, covers} (catalogue order kept) or a map of name to
// description (sorted by name).
func FromDefinition(name string, def map[string]any) (*Provider, error) {
	raw, err := json.Marshal(def)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %v", name, err)
	}
	var d definition
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("provider %s: %v", name, err)
	}
	p := Custom(name)
	set(&p.DisplayName, d.DisplayName)
	set(&p.AuthURL, d.AuthURL)
	set(&p.TokenURL, d.TokenURL)
	set(&p.Issuer, d.Issuer)
	set(&p.APIURL, d.APIURL)
	set(&p.RevocationURL, d.RevocationURL)
	set(&p.IntrospectionURL, d.IntrospectionURL)
	set(&p.UserinfoURL, d.UserinfoURL)
	set(&p.DefaultRedirectURI, d.DefaultRedirectURI)
	set(&p.ScopeSeparator, d.ScopeSeparator)
	set(&p.ClientAuth, d.ClientAuth)
	set(&p.TokenBody, d.TokenBody)
	set(&p.PKCE, d.PKCE)
	set(&p.IssOnRedirect, d.IssOnRedirect)
	set(&p.ConsentForOffline, d.ConsentForOffline)
	set(&p.RedirectURIOnRefresh, d.RedirectURIOnRefresh)
	set(&p.PublicWithoutSecret, d.PublicWithoutSecret)
	set(&p.SecretName, d.SecretName)
	set(&p.UsesUsername, d.UsesUsername)
	set(&p.UsesAPIKey, d.UsesAPIKey)
	set(&p.APIAuth, d.APIAuth)
	if d.IdentityPaths != nil {
		p.IdentityPaths = d.IdentityPaths
	}
	if d.Account != nil {
		if d.Account.Path == "" || len(d.Account.Fields) == 0 {
			return nil, fmt.Errorf("provider %s: account needs a path and fields", name)
		}
		p.Account = d.Account
	}
	if len(d.Scopes) > 0 && string(d.Scopes) != "null" {
		var list []Scope
		var byName map[string]string
		switch {
		case json.Unmarshal(d.Scopes, &list) == nil:
			p.Scopes = list
		case json.Unmarshal(d.Scopes, &byName) == nil:
			for _, n := range slices.Sorted(maps.Keys(byName)) {
				p.Scopes = append(p.Scopes, Scope{Name: n, Description: byName[n]})
			}
		default:
			return nil, fmt.Errorf("provider %s: scopes must be a list of {name, description} or a map of name: description", name)
		}
	}
	for _, s := range p.Scopes {
		if s.Name == "" || strings.ContainsAny(s.Name, "+, \t") {
			return nil, fmt.Errorf("provider %s: invalid scope name %q", name, s.Name)
		}
	}
	if d.ConsentForOffline == nil {
		// OpenID Connect Core §11: servers drop offline_access requested
		// without prompt=consent.
		p.ConsentForOffline = p.HasScope(OpenIDScope)
	}
	return p, nil
}

func set[T any](field *T, v *T) {
	if v != nil {
		*field = *v
	}
}

// Package provider describes OAuth 2.0 providers as data: endpoints, scope
// catalogue and the quirks that differ between them (scope separator, client
// authentication, token body encoding, PKCE, issuer on the redirect, the
// prompt rule). The flow code reads these fields; it never switches on a
// provider's name.
package provider

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/zauth-cli/zauth/internal/textsafe"
)

// ClientAuth says how the client authenticates at the token endpoint.
type ClientAuth string

const (
	// AuthBasic sends Authorization: Basic base64(username:secret).
	AuthBasic ClientAuth = "basic"
	// AuthPost sends client_id and client_secret in the request body.
	AuthPost ClientAuth = "post"
	// AuthNone sends only client_id (public client).
	AuthNone ClientAuth = "none"
)

// BodyEncoding is the encoding of token-endpoint request bodies.
type BodyEncoding string

const (
	// BodyForm is application/x-www-form-urlencoded (RFC 6749).
	BodyForm BodyEncoding = "form"
	// BodyJSON is a JSON object (ZBD).
	BodyJSON BodyEncoding = "json"
)

// PKCE says whether authorization requests carry a PKCE challenge.
type PKCE string

const (
	// PKCERequired: the provider refuses requests without it.
	PKCERequired PKCE = "required"
	// PKCES256: sent, as zauth does for every provider that does not
	// forbid it.
	PKCES256 PKCE = "s256"
	// PKCEOff: not sent, for a server that rejects the parameters.
	PKCEOff PKCE = "off"
)

// APIAuth says how API calls carry the access token.
type APIAuth string

const (
	// APIBearer sends Authorization: Bearer <token>.
	APIBearer APIAuth = "bearer"
	// APIUserToken sends usertoken and apikey headers (ZBD).
	APIUserToken APIAuth = "usertoken"
)

// The quirk fields come from config files: a value outside its set is
// refused when the definition is read, naming the valid ones, instead of
// silently meaning the default.
func (v ClientAuth) check() error   { return checkEnum("client_auth", v, AuthBasic, AuthPost, AuthNone) }
func (v BodyEncoding) check() error { return checkEnum("token_body", v, BodyForm, BodyJSON) }
func (v PKCE) check() error         { return checkEnum("pkce", v, PKCERequired, PKCES256, PKCEOff) }
func (v APIAuth) check() error      { return checkEnum("api_auth", v, APIBearer, APIUserToken) }

// UnmarshalText accepts only a known client_auth value.
func (v *ClientAuth) UnmarshalText(b []byte) error { return unmarshalEnum(v, b) }

// UnmarshalText accepts only a known token_body value.
func (v *BodyEncoding) UnmarshalText(b []byte) error { return unmarshalEnum(v, b) }

// UnmarshalText accepts only a known pkce value.
func (v *PKCE) UnmarshalText(b []byte) error { return unmarshalEnum(v, b) }

// UnmarshalText accepts only a known api_auth value.
func (v *APIAuth) UnmarshalText(b []byte) error { return unmarshalEnum(v, b) }

func unmarshalEnum[T interface {
	~string
	check() error
}](v *T, b []byte) error {
	val := T(b)
	if err := val.check(); err != nil {
		return err
	}
	*v = val
	return nil
}

func checkEnum[T ~string](key string, v T, valid ...T) error {
	if slices.Contains(valid, v) {
		return nil
	}
	names := make([]string, len(valid))
	for i, s := range valid {
		names[i] = string(s)
	}
	msg := fmt.Sprintf("%s %q must be %s or %s", key, string(v), strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
	if s := Closest(string(v), names); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return errors.New(msg)
}

// Scope is one entry of a provider's scope catalogue.
type Scope struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Covers      []string `json:"covers,omitempty"` // finer permissions the scope grants
}

// Provider is everything zauth needs to know about an authorization server.
type Provider struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`

	AuthURL          string `json:"auth_url"`
	TokenURL         string `json:"token_url"`
	Issuer           string `json:"issuer,omitempty"`
	APIURL           string `json:"api_url,omitempty"`
	RevocationURL    string `json:"revocation_url,omitempty"`
	IntrospectionURL string `json:"introspection_url,omitempty"`
	UserinfoURL      string `json:"userinfo_url,omitempty"`

	// DefaultRedirectURI is used when no redirect_uri is configured.
	DefaultRedirectURI string `json:"default_redirect_uri"`

	Scopes []Scope `json:"scopes"`
	// ScopeSeparator joins scopes in requests: " " (RFC 6749) or ",".
	ScopeSeparator string `json:"scope_separator"`

	ClientAuth ClientAuth   `json:"client_auth"`
	TokenBody  BodyEncoding `json:"token_body"`
	PKCE       PKCE         `json:"pkce"`
	// IssOnRedirect: the provider adds iss to the redirect (RFC 9207), and a
	// callback without it, or with another value, is rejected.
	IssOnRedirect bool `json:"iss_on_redirect"`
	// ConsentForOffline: requesting offline_access needs prompt=consent.
	// OpenID Connect Core §11 makes it the rule for OpenID providers, so a
	// definition without the key gets it when openid is among its scopes.
	ConsentForOffline bool `json:"consent_for_offline"`
	// PublicWithoutSecret: the server also accepts public clients (token
	// endpoint auth "none"), so with no secret stored zauth authenticates
	// as one instead of asking for a secret.
	PublicWithoutSecret bool `json:"public_without_secret,omitempty"`
	// RedirectURIOnRefresh: the refresh request repeats redirect_uri.
	RedirectURIOnRefresh bool `json:"redirect_uri_on_refresh"`
	// SecretName names the client secret in prompts and messages.
	SecretName string `json:"secret_name"`
	// UsesUsername: Basic auth uses a username distinct from client_id.
	UsesUsername bool `json:"uses_username"`
	// UsesAPIKey: API calls need a separate project API key.
	UsesAPIKey bool `json:"uses_api_key"`

	// APIAuth is how API calls carry the token.
	APIAuth APIAuth `json:"api_auth"`
	// IdentityPaths, under APIURL, tell who a token belongs to.
	IdentityPaths []string `json:"identity_paths,omitempty"`
	// Account says how a login names its account: one identity API call
	// made when the login was granted Scope. Without it, an OpenID
	// provider's ID token or userinfo answer names the account.
	Account *AccountSource `json:"account,omitempty"`
}

// AccountSource is an API path, under APIURL, whose JSON answer names the
// account: the first of Fields (dotted paths into the answer) that holds a
// string or number.
type AccountSource struct {
	Path   string   `json:"path"`
	Scope  string   `json:"scope,omitempty"` // asked only when this scope was granted
	Fields []string `json:"fields"`
}

// OfflineScope is the OpenID Connect scope that asks for a refresh token.
const OfflineScope = "offline_access"

// OpenIDScope marks an OpenID Connect request (and, in a catalogue, an
// OpenID provider).
const OpenIDScope = "openid"

// DefaultRedirectURI is the loopback redirect every built-in provider
// defaults to; it must be registered with the provider exactly.
const DefaultRedirectURI = "http://127.0.0.1:8976/callback"

// ScopeNames lists the catalogue's scope names in catalogue order.
func (p *Provider) ScopeNames() []string {
	names := make([]string, len(p.Scopes))
	for i, s := range p.Scopes {
		names[i] = s.Name
	}
	return names
}

// HasScope reports whether name is in the catalogue.
func (p *Provider) HasScope(name string) bool {
	for _, s := range p.Scopes {
		if s.Name == name {
			return true
		}
	}
	return false
}

// JoinScopes renders scopes the way the provider expects them.
func (p *Provider) JoinScopes(scopes []string) string {
	sep := p.ScopeSeparator
	if sep == "" {
		sep = " "
	}
	return strings.Join(scopes, sep)
}

// Validate checks that every endpoint is an absolute https URL, or http on a
// loopback host (sandboxes and tests).
func (p *Provider) Validate() error {
	if err := p.checkEnums(); err != nil {
		return err
	}
	for _, e := range []struct{ key, val string }{
		{"auth_url", p.AuthURL}, {"token_url", p.TokenURL},
		{"issuer", p.Issuer}, {"api_url", p.APIURL}, {"revocation_url", p.RevocationURL},
		{"introspection_url", p.IntrospectionURL}, {"userinfo_url", p.UserinfoURL},
	} {
		if e.val == "" {
			if e.key == "auth_url" || e.key == "token_url" {
				return fmt.Errorf("provider %s has no %s", p.Name, e.key)
			}
			continue
		}
		if err := CheckEndpoint(e.val); err != nil {
			return fmt.Errorf("%s.%s: %w", p.Name, e.key, err)
		}
	}
	return nil
}

// checkEnums rejects unknown values of the quirk fields, which come from
// config files.
func (p *Provider) checkEnums() error {
	for _, e := range []interface{ check() error }{p.ClientAuth, p.TokenBody, p.PKCE, p.APIAuth} {
		if err := e.check(); err != nil {
			return fmt.Errorf("provider %s: %w", p.Name, err)
		}
	}
	if p.ScopeSeparator != " " && p.ScopeSeparator != "," {
		return fmt.Errorf("provider %s: scope_separator must be \" \" or \",\"", p.Name)
	}
	return nil
}

// CheckEndpoint accepts https URLs, and http URLs whose host is loopback,
// without a fragment (the parameters zauth appends would go after it and
// never reach the provider; RFC 6749 §3.1 and §3.2 forbid one) and without
// invisible characters.
func CheckEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	if strings.Contains(raw, "#") {
		return fmt.Errorf("%q has a fragment (#...), which an endpoint URL must not have", raw)
	}
	if !textsafe.Printable(raw) {
		// A bidi override makes the URL read as another where it is shown.
		return fmt.Errorf("%q has an invisible or control character", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopback(u.Hostname()) {
			return nil
		}
	}
	return fmt.Errorf("%q must use https (http is allowed only for loopback hosts)", raw)
}

// IsLoopback reports whether host is localhost or a loopback IP.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Lookup returns the built-in provider called name: a value of its own,
// slices and pointers included, which the caller may change.
func Lookup(name string) (*Provider, bool) {
	p, ok := builtinProviders()[strings.ToLower(name)]
	return p, ok
}

// Names lists the built-in providers, sorted.
func Names() []string {
	b := builtinProviders()
	names := make([]string, 0, len(b))
	for n := range b {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Custom returns a provider with standard-following defaults, for the
// definitions in the config file: form bodies, Basic client
// authentication, space-separated scopes, PKCE S256, Bearer API calls.
func Custom(name string) *Provider {
	return &Provider{Name: name, DisplayName: name, DefaultRedirectURI: DefaultRedirectURI,
		ScopeSeparator: " ", ClientAuth: AuthBasic, TokenBody: BodyForm, PKCE: PKCES256,
		SecretName: "client secret", APIAuth: APIBearer}
}

// Package oauth implements the authorization-code flow with PKCE for a
// provider described as data: the authorization URL, the code exchange and the
// refresh, with form or JSON bodies and Basic or in-body client
// authentication, and the mapping of RFC 6749 errors to zauth exit codes.
//
// golang.org/x/oauth2 builds every authorization URL and sends the form
// requests; the JSON body ZBD needs, redirect_uri on refresh, revocation
// and introspection are sent by hand through the same client, which never
// follows redirects. Every answer is judged by ParseTokenResponse or
// classify here, not by x/oauth2.
package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"slices"

	"golang.org/x/oauth2"

	"github.com/zauth-cli/zauth/internal/provider"
)

// Client holds the credentials of a registered OAuth client.
type Client struct {
	ID       string
	Username string // Basic auth user when the provider uses one; defaults to ID
	Secret   string // client secret (Ziina: password)
}

func (c Client) basicUser() string {
	if c.Username != "" {
		return c.Username
	}
	return c.ID
}

// Request is one authorization request: the values that must come back
// (state) or be proven later (verifier).
type Request struct {
	State       string
	Verifier    string
	RedirectURI string
	Scopes      []string
	URL         string // the authorization URL to open in the browser
}

// NewState returns 32 random bytes, base64url-encoded.
func NewState() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error()) // never happens on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewRequest builds an authorization request with a fresh state and PKCE
// verifier. prompt=consent is added when the provider needs it for
// offline_access. p's endpoints are checked (provider.CheckEndpoint: no
// fragment, after which the parameters would never reach the provider).
func NewRequest(p *provider.Provider, clientID, redirectURI string, scopes []string) *Request {
	r := &Request{State: NewState(), RedirectURI: redirectURI, Scopes: scopes}
	cfg := oauth2.Config{ClientID: clientID, RedirectURL: redirectURI, Endpoint: oauth2.Endpoint{AuthURL: p.AuthURL}}
	var opts []oauth2.AuthCodeOption
	if len(scopes) > 0 {
		// Not cfg.Scopes: x/oauth2 joins those with spaces, ZBD wants commas.
		opts = append(opts, oauth2.SetAuthURLParam("scope", p.JoinScopes(scopes)))
	}
	if p.PKCE != provider.PKCEOff {
		r.Verifier = oauth2.GenerateVerifier()
		opts = append(opts, oauth2.S256ChallengeOption(r.Verifier))
	}
	if p.ConsentForOffline && slices.Contains(scopes, provider.OfflineScope) {
		opts = append(opts, oauth2.SetAuthURLParam("prompt", "consent"))
	}
	r.URL = cfg.AuthCodeURL(r.State, opts...) // url.Values encodes spaces as '+'
	return r
}

// Package oauth implements the authorization-code flow with PKCE for a
// provider described as data: the authorization URL, the code exchange and the
// refresh, with form or JSON bodies and Basic or in-body client
// authentication, and the mapping of RFC 6749 errors to zauth exit codes.
package oauth

import (
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"slices"

	"golang.org/x/oauth2"

	"github.com/zauth-cli/zauth/pkg/provider"
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
// offline_access.
func NewRequest(p *provider.Provider, clientID, redirectURI string, scopes []string) (*Request, error) {
	u, err := url.Parse(p.AuthURL)
	if err != nil {
		return nil, err
	}
	r := &Request{State: NewState(), RedirectURI: redirectURI, Scopes: scopes}
	q := u.Query()
	q.Set("client_id", clientID)
	q.Set("redirect_uri", redirectURI)
	q.Set("response_type", "code")
	if len(scopes) > 0 {
		q.Set("scope", p.JoinScopes(scopes))
	}
	q.Set("state", r.State)
	if p.PKCE != provider.PKCEOff {
		r.Verifier = oauth2.GenerateVerifier()
		q.Set("code_challenge", oauth2.S256ChallengeFromVerifier(r.Verifier))
		q.Set("code_challenge_method", "S256")
	}
	if p.ConsentForOffline && slices.Contains(scopes, provider.OfflineScope) {
		q.Set("prompt", "consent")
	}
	u.RawQuery = q.Encode() // url.Values encodes spaces as '+'
	r.URL = u.String()
	return r, nil
}

// Package emulator runs in-process authorization servers that behave as
// Ziina and ZBD document their OAuth 2.0 flows: consent page, redirect with
// code (and iss for Ziina), token endpoint with their client authentication
// and body encoding, refresh with rotation, and the user-data endpoints; and
// a standards-only server for generic providers. Tests point zauth at them.
package emulator

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// Kind selects the provider to emulate.
type Kind string

const (
	Ziina Kind = "ziina"
	ZBD   Kind = "zbd"
	// Generic follows the standards only: RFC 6749 with PKCE, RFC 8414 and
	// OpenID discovery, RFC 9207 iss, RFC 7009 revocation, RFC 7662
	// introspection, and a userinfo endpoint.
	Generic Kind = "generic"
)

// Options configure an emulator.
type Options struct {
	ClientID     string
	Username     string // Ziina Basic-auth user (default ClientID)
	Password     string // Ziina Basic-auth password
	ClientSecret string // ZBD client_secret
	APIKey       string // ZBD project API key
	RedirectURIs []string
	CodeTTL      time.Duration // default 60s
	AccessTTL    time.Duration // default 1h
	// RotateRefresh: issue a new refresh token on every refresh and retire
	// the old one (default true).
	RotateRefresh *bool
	// AutoSubmit makes the consent page approve itself with a script, for
	// a real headless browser.
	AutoSubmit bool
	// CamelCase answers ZBD token requests in camelCase, as one ZBD SDK
	// types them.
	CamelCase bool
	// JWTAccessTokens issues unsigned JWT-shaped access tokens.
	JWTAccessTokens bool
	// TLS serves HTTPS with httptest's certificate (see CertPEM).
	TLS bool
	// TokenContentType labels successful token responses, still JSON, with
	// this Content-Type instead of application/json, as some providers
	// mislabel them (e.g. application/x-www-form-urlencoded).
	TokenContentType string
}

// Fault replaces the next token-endpoint answers.
type Fault struct {
	Status      int // 0 with Delay: answer normally after the delay
	Body        string
	ContentType string
	Delay       time.Duration
	Hang        bool // never answer (until the client gives up)
	Times       int  // how many requests it applies to (default 1)
}

type authRequest struct {
	redirectURI, state, challenge string
	scopes                        []string
}

type grant struct {
	authRequest
	issued time.Time
	used   bool
}

type token struct {
	scopes      []string
	expires     time.Time
	redirectURI string
}

// Server is a running emulator.
type Server struct {
	URL    string
	Issuer string // Ziina only

	kind      Kind
	opts      Options
	srv       *httptest.Server
	closing   chan struct{} // closed by Close: releases hanging requests
	closeOnce sync.Once

	mu           sync.Mutex
	now          func() time.Time
	interactions map[string]authRequest
	codes        map[string]*grant
	access       map[string]token
	refresh      map[string]token
	faults       []Fault
	tokenReqs    int
	refreshReqs  int
	lastAuth     url.Values
	secrets      []string // every code, token and verifier seen
	revoked      int
	hostile      Hostile
	hold         *refreshHold // see HoldRefreshes
}

// New starts an emulator on 127.0.0.1.
func New(kind Kind, opts Options) *Server {
	if opts.Username == "" {
		opts.Username = opts.ClientID
	}
	if opts.CodeTTL == 0 {
		opts.CodeTTL = time.Minute
	}
	if opts.AccessTTL == 0 {
		opts.AccessTTL = time.Hour
	}
	s := &Server{kind: kind, opts: opts, now: time.Now, closing: make(chan struct{}),
		interactions: map[string]authRequest{}, codes: map[string]*grant{},
		access: map[string]token{}, refresh: map[string]token{}}
	mux := http.NewServeMux()
	p := s.paths()
	mux.HandleFunc("GET "+p.auth, s.authorize)
	mux.HandleFunc("POST "+p.auth+"/decision", s.decision)
	mux.HandleFunc("POST "+p.token, s.tokenEndpoint)
	switch kind {
	case Ziina:
		mux.HandleFunc("GET /oidc/.well-known/openid-configuration", s.discovery)
		mux.HandleFunc("GET /api/account", s.account)
		mux.HandleFunc("POST /api/payment_intent", s.paymentIntent)
	case ZBD:
		mux.HandleFunc("GET /v1/oauth2/user", s.zbdData("user"))
		mux.HandleFunc("GET /v1/oauth2/wallet", s.zbdData("wallet"))
	case Generic:
		mux.HandleFunc("GET /.well-known/oauth-authorization-server", s.discovery)
		mux.HandleFunc("GET /.well-known/openid-configuration", s.discovery)
		mux.HandleFunc("POST /revoke", s.revoke)
		mux.HandleFunc("POST /introspect", s.introspect)
		mux.HandleFunc("GET /userinfo", s.userinfo)
		mux.HandleFunc("GET /me", s.userinfo) // an API that takes the server's access tokens
	}
	if opts.TLS {
		s.srv = httptest.NewTLSServer(s.hostileHandler(mux))
	} else {
		s.srv = httptest.NewServer(s.hostileHandler(mux))
	}
	s.URL = s.srv.URL
	if kind != ZBD {
		s.Issuer = s.URL
	}
	return s
}

type paths struct{ auth, token string }

func (s *Server) paths() paths {
	switch s.kind {
	case Ziina:
		return paths{"/oidc/auth", "/oidc/token"}
	case ZBD:
		return paths{"/v1/oauth2/authorize", "/v1/oauth2/token"}
	}
	return paths{"/authorize", "/token"}
}

// Close stops the server. Requests held by a Hang fault are released
// first: httptest waits for every outstanding request.
func (s *Server) Close() {
	s.closeOnce.Do(func() { close(s.closing) })
	s.srv.Close()
}

// AuthURL, TokenURL and APIURL are the endpoints to configure zauth with.
func (s *Server) AuthURL() string  { return s.URL + s.paths().auth }
func (s *Server) TokenURL() string { return s.URL + s.paths().token }
func (s *Server) APIURL() string {
	if s.kind == Ziina {
		return s.URL + "/api"
	}
	return s.URL
}

// RevokedTokens counts tokens revoked through the revocation endpoint.
func (s *Server) RevokedTokens() int { s.mu.Lock(); defer s.mu.Unlock(); return s.revoked }

// TokenRequests counts requests to the token endpoint.
func (s *Server) TokenRequests() int { s.mu.Lock(); defer s.mu.Unlock(); return s.tokenReqs }

// RefreshRequests counts refresh_token grants, successful or not.
func (s *Server) RefreshRequests() int { s.mu.Lock(); defer s.mu.Unlock(); return s.refreshReqs }

// LastAuthRequest is the query of the last authorization request.
func (s *Server) LastAuthRequest() url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.lastAuth)
}

// InjectTokenFault queues a fault for the next token requests.
func (s *Server) InjectTokenFault(f Fault) {
	if f.Times == 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// SetNow replaces the clock used for code and token expiry.
func (s *Server) SetNow(now func() time.Time) { s.mu.Lock(); defer s.mu.Unlock(); s.now = now }

// Secrets lists every authorization code, access and refresh token the
// emulator issued and every code_verifier it received, for tests that
// check none of them leaks.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.DeleteFunc(slices.Clone(s.secrets), func(v string) bool { return v == "" })
}

// RevokeAllRefreshTokens makes every later refresh fail with invalid_grant.
func (s *Server) RevokeAllRefreshTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.refresh)
}

// IssueToken mints tokens directly, for tests that seed a store.
func (s *Server) IssueToken(scopes []string, withRefresh bool, ttl time.Duration) (access, refresh string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var redirectURI string // ZBD refreshes must repeat it
	if len(s.opts.RedirectURIs) > 0 {
		redirectURI = s.opts.RedirectURIs[0]
	}
	return s.issue(scopes, withRefresh, ttl, redirectURI)
}

// issue must be called with s.mu held.
func (s *Server) issue(scopes []string, withRefresh bool, ttl time.Duration, redirectURI string) (access, refresh string) {
	t := token{scopes: scopes, expires: s.now().Add(ttl), redirectURI: redirectURI}
	access = random()
	if s.opts.JWTAccessTokens {
		access = s.jwt(scopes, t.expires)
	}
	s.access[access] = t
	if withRefresh {
		refresh = random()
		s.refresh[refresh] = t
	}
	s.secrets = append(s.secrets, access, refresh)
	return access, refresh
}

func (s *Server) jwt(scopes []string, exp time.Time) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	return enc(map[string]any{"alg": "RS256", "typ": "at+jwt", "kid": "emulator"}) + "." +
		enc(map[string]any{"iss": s.URL, "sub": "user-42", "aud": s.opts.ClientID, "iat": s.now().Unix(),
			"exp": exp.Unix(), "scope": strings.Join(scopes, " "), "jti": random()[:16]}) + "." + random()
}

func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// catalogue is each provider's scope list.
func (s *Server) catalogue() []string {
	switch s.kind {
	case Ziina:
		return []string{"write_payment_intents", "write_refunds", "write_webhooks", "write_transfers", "offline_access", "read_account"}
	case ZBD:
		return []string{"user", "wallet"}
	}
	return []string{"openid", "profile", "email", "read", "write", "offline_access"}
}

func (s *Server) parseScopes(raw string) []string {
	if s.kind == ZBD {
		return strings.FieldsFunc(raw, func(r rune) bool { return r == ',' || r == ' ' })
	}
	return strings.Fields(raw)
}

func (s *Server) joinScopes(scopes []string) string {
	if s.kind == ZBD {
		return strings.Join(scopes, ",")
	}
	return strings.Join(scopes, " ")
}

func hasScope(scopes []string, want string) bool { return slices.Contains(scopes, want) }

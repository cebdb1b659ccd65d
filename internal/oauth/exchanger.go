package oauth

import (
	"context"
	"errors"
	"net/http"

	"golang.org/x/oauth2"

	"github.com/zauth-cli/zauth/internal/provider"
)

// tokenEndpoint sends the two token requests. Both implementations take
// their HTTP client from the context (oauth2.HTTPClient), the recording
// client that never follows redirects, and report a provider's error
// answer as *oauth2.RetrieveError; the answer itself is read from the
// recording.
type tokenEndpoint interface {
	exchange(ctx context.Context, code, verifier string) error
	refresh(ctx context.Context, refreshToken string) error
}

func newTokenEndpoint(p *provider.Provider, c Client, redirectURI string) tokenEndpoint {
	byHand := handEndpoint{p, c, redirectURI}
	if p.TokenBody == provider.BodyJSON {
		return byHand // ZBD: a JSON body with the secret in it
	}
	cfg := oauth2.Config{ClientID: c.ID, RedirectURL: redirectURI,
		Endpoint: oauth2.Endpoint{TokenURL: p.TokenURL, AuthStyle: oauth2.AuthStyleInParams}}
	switch p.ClientAuth {
	case provider.AuthBasic:
		// The Basic user may differ from the client id (Ziina's
		// username); x/oauth2 form-encodes both parts (RFC 6749 §2.3.1).
		cfg.ClientID, cfg.ClientSecret, cfg.Endpoint.AuthStyle = c.basicUser(), c.Secret, oauth2.AuthStyleInHeader
	case provider.AuthPost:
		cfg.ClientSecret = c.Secret
	}
	// Never AuthStyleAutoDetect: it would send the secret a second way
	// after a refusal.
	return formEndpoint{cfg, byHand}
}

// formEndpoint sends form-encoded requests through x/oauth2.
type formEndpoint struct {
	cfg    oauth2.Config
	byHand handEndpoint
}

func (f formEndpoint) exchange(ctx context.Context, code, verifier string) error {
	var opts []oauth2.AuthCodeOption
	if verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	_, err := f.cfg.Exchange(ctx, code, opts...)
	return err
}

func (f formEndpoint) refresh(ctx context.Context, refreshToken string) error {
	if f.byHand.p.RedirectURIOnRefresh {
		// x/oauth2 sends only grant_type and refresh_token.
		return f.byHand.refresh(ctx, refreshToken)
	}
	_, err := f.cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: refreshToken}).Token()
	return err
}

// handEndpoint sends what x/oauth2 cannot: a JSON body, redirect_uri on
// refresh.
type handEndpoint struct {
	p           *provider.Provider
	c           Client
	redirectURI string
}

func (h handEndpoint) exchange(ctx context.Context, code, verifier string) error {
	params := [][2]string{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", h.redirectURI}}
	if verifier != "" {
		params = append(params, [2]string{"code_verifier", verifier})
	}
	return h.send(ctx, params)
}

func (h handEndpoint) refresh(ctx context.Context, refreshToken string) error {
	params := [][2]string{{"grant_type", "refresh_token"}, {"refresh_token", refreshToken}}
	if h.p.RedirectURIOnRefresh {
		params = append(params, [2]string{"redirect_uri", h.redirectURI})
	}
	return h.send(ctx, params)
}

func (h handEndpoint) send(ctx context.Context, params [][2]string) error {
	hc, ok := ctx.Value(oauth2.HTTPClient).(*http.Client)
	if !ok { // only tokenRequest calls this, with its wired client
		return errors.New("oauth: no wired HTTP client in the context")
	}
	_, err := post(ctx, hc, h.p, h.c, endpoint{h.p.TokenURL, "token"}, params)
	return err
}

package session

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/loopback"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/textsafe"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// LoginOptions configure one interactive login.
type LoginOptions struct {
	// Scopes are requested when ScopesSet (--scope given, maybe empty);
	// otherwise those the profile's previous login requested, else
	// DefaultScopes (the configured ones).
	Scopes        []string
	ScopesSet     bool
	DefaultScopes []string
	// APIKey returns the project API key, for a provider whose account
	// lookup needs one; "" when none is stored.
	APIKey    func() string
	Timeout   time.Duration
	NoBrowser bool
	// Paste, when set, is read for a pasted redirect URL (--no-browser).
	Paste io.Reader
	// Open opens a URL in the user's browser.
	Open func(url string) error
	// Status receives progress messages (stderr); Waiting, when set, shows
	// the wait (a spinner on a terminal) until its stop function is called.
	Status  io.Writer
	Waiting func(deadline time.Time) (stop func())
	// HintAfter is how long to wait for the browser before saying what
	// usually went wrong (default 30 s).
	HintAfter time.Duration
}

// syncWriter serialises writes from the flow, the listener's notes and the
// hint timer to one stream.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(b)
}

// Login runs the authorization-code flow with PKCE through the loopback
// listener and stores the result.
func (e *Env) Login(ctx context.Context, t Target, o LoginOptions) (*tokenstore.Record, error) {
	p := t.Provider
	if err := p.CheckScopes(o.Scopes); err != nil { // a typo first: before any other trouble
		return nil, exitcode.New(exitcode.Usage, err)
	}
	client, err := t.Client()
	if err != nil {
		return nil, err
	}
	scopes, err := e.loginScopes(t, o)
	if err != nil {
		return nil, err
	}
	if err := p.CheckScopes(scopes); err != nil {
		return nil, exitcode.New(exitcode.Usage, err)
	}

	// Bind before the browser opens, so the redirect cannot arrive first.
	l, err := loopback.Listen(t.RedirectURI)
	if err != nil {
		var busy *loopback.PortInUseError
		if errors.As(err, &busy) {
			return nil, exitcode.New(exitcode.Usage, err)
		}
		return nil, exitcode.Newf(exitcode.Usage, "cannot listen on %s: %v", t.RedirectURI, err)
	}
	defer l.Close()
	l.AppName = p.DisplayName

	req := oauth.NewRequest(p, client.ID, l.RedirectURI(), scopes)

	status := &syncWriter{w: o.Status}
	pasting := o.NoBrowser
	if o.NoBrowser {
		fmt.Fprintf(status, "Open this URL in a browser to log in to %s:\n\n  %s\n\n", p.DisplayName, req.URL)
		fmt.Fprintf(status, "Then wait here, or paste the full URL the browser was redirected to (it starts with %s) and press Enter.\n", l.RedirectURI())
	} else {
		fmt.Fprintf(status, "Opening %s in your browser. If it does not open, visit:\n\n  %s\n\n", p.DisplayName, req.URL)
		if err := o.Open(req.URL); err != nil {
			// Headless, SSH, or a $BROWSER that fails: carry on as
			// --no-browser would, without the user knowing the flag.
			pasting = true
			fmt.Fprintf(status, "Could not open a browser (%s): open the URL above on any machine, then paste here the full URL it redirects to (it starts with %s) and press Enter.\n",
				textsafe.Line(err.Error()), l.RedirectURI())
		}
	}

	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	deadline := time.Now().Add(timeout)
	wctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	stop := func() {}
	if o.Waiting != nil {
		stop = o.Waiting(deadline)
	}
	// The usual reasons for a silent wait, said once, while still waiting.
	hintAfter := o.HintAfter
	if hintAfter == 0 {
		hintAfter = 30 * time.Second
	}
	hint := time.AfterFunc(hintAfter, func() {
		fmt.Fprintf(status, "Still waiting for the browser. If it shows an error page, %s probably does not have the redirect URI %s registered (register exactly that, or log in with the --redirect-uri or --port it has); if consent was denied in another tab, start the login again.\n",
			p.DisplayName, l.RedirectURI())
	})
	defer hint.Stop()
	exp := loopback.Expect{State: req.State}
	if p.IssOnRedirect {
		exp.Issuer = p.Issuer
	}
	var paste io.Reader
	if pasting {
		paste = o.Paste
	}
	code, err := l.Wait(wctx, exp, paste, status)
	hint.Stop()
	stop()
	l.Close()
	if err != nil {
		return nil, waitError(ctx, p, err, timeout)
	}

	// Codes live for a minute at most (Ziina): exchange at once.
	tok, err := oauth.Exchange(ctx, e.HTTP, e.now, p, client, l.RedirectURI(), code, req.Verifier)
	if err != nil {
		return nil, err
	}
	granted := tok.Scopes
	if granted == nil {
		granted = slices.Clone(scopes)
	}
	r := &tokenstore.Record{
		Provider: p.Name, Profile: t.Profile, ClientID: client.ID,
		AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: tok.TokenType,
		Scopes: granted, Expiry: tok.Expiry, ObtainedAt: e.now().UTC(),
		RedirectURI: l.RedirectURI(), RequestedScopes: append([]string{}, scopes...),
	}
	apiKey := ""
	if p.UsesAPIKey && o.APIKey != nil {
		apiKey = o.APIKey()
	}
	r.Account = e.account(ctx, p, r, tok.IDToken, apiKey)
	// Under the login's lock: a refresh of the previous login that is
	// still running finishes first, and cannot overwrite this one.
	lock, err := e.lock(ctx, t)
	if err != nil {
		return nil, fmt.Errorf("%w; the new login was not stored", err)
	}
	defer lock.Release()
	if err := e.Store.SaveLogin(r); err != nil {
		return nil, err
	}
	return r, nil
}

// loginScopes settles what a login asks for (see LoginOptions.Scopes).
// Asking for nothing by accident gets a token that can do nothing and
// cannot be refreshed, so an empty request must be explicit.
func (e *Env) loginScopes(t Target, o LoginOptions) ([]string, error) {
	if o.ScopesSet {
		return o.Scopes, nil
	}
	if prev, err := e.Store.Load(t.Provider.Name, t.Profile); err == nil {
		return prev.RequestedScopes, nil
	}
	if len(o.DefaultScopes) > 0 {
		return o.DefaultScopes, nil
	}
	return nil, exitcode.New(exitcode.Usage, &NoScopesError{Provider: t.Provider.Name})
}

// NoScopesError: a login with no scopes given, none configured and no
// previous login to repeat (exit 2).
type NoScopesError struct{ Provider string }

func (e *NoScopesError) Error() string { return "no scopes to request from " + e.Provider }

func waitError(ctx context.Context, p *provider.Provider, err error, timeout time.Duration) error {
	switch {
	case ctx.Err() != nil:
		return exitcode.New(exitcode.Interrupted, errors.New("login interrupted; nothing was stored"))
	case errors.Is(err, context.DeadlineExceeded):
		return exitcode.New(exitcode.LoginNeeded, &BrowserTimeoutError{Timeout: timeout})
	}
	var pe *loopback.ProviderError
	if errors.As(err, &pe) {
		code := exitcode.Provider
		switch pe.Code {
		case "access_denied":
			code = exitcode.Unexpected
		case "invalid_scope", "invalid_request", "unauthorized_client", "unsupported_response_type":
			code = exitcode.Usage
		}
		return exitcode.Newf(code, "%s login failed: %v", p.DisplayName, err)
	}
	return exitcode.Newf(exitcode.Unexpected, "%s login rejected: %v; nothing was stored", p.DisplayName, err)
}

// BrowserTimeoutError: the browser did not come back with an answer in
// time (exit 3); nothing was stored.
type BrowserTimeoutError struct{ Timeout time.Duration }

func (e *BrowserTimeoutError) Error() string {
	return fmt.Sprintf("no answer from the browser within %s; nothing was stored", e.Timeout)
}

package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/oauth2"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/textsafe"
)

// MaxBody bounds how much of any answer zauth reads (token, revocation,
// introspection, identity, API and discovery endpoints): a provider
// answers in well under a kilobyte, so anything larger is a fault.
const MaxBody = 1 << 20

// errTooLarge is returned by the recording transport for an answer over
// MaxBody.
var errTooLarge = errors.New("answer too large")

// endpoint names a URL and what it is, for messages.
type endpoint struct{ url, what string }

// recorder is the transport of every OAuth endpoint call, by x/oauth2 or
// by hand. It asks for JSON, bounds the answer to MaxBody and keeps the raw
// answer: ParseTokenResponse judges that, not what x/oauth2 made of it (a
// JSON body labelled as a form, expires_in 0, camelCase).
type recorder struct {
	base http.RoundTripper
	resp *http.Response
	body []byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context()) // a RoundTripper must not modify its request
	req.Header.Set("Accept", "application/json")
	resp, err := r.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBody {
		return nil, errTooLarge
	}
	r.resp, r.body = resp, data
	resp.Body = io.NopCloser(bytes.NewReader(data))
	return resp, nil
}

// status is the HTTP status of the recorded answer, 0 without one.
func (r *recorder) status() int {
	if r.resp == nil {
		return 0
	}
	return r.resp.StatusCode
}

// NoRedirects returns a copy of hc (nil: the default client) that never
// follows a redirect, for every OAuth endpoint: a redirect would carry the
// client secret, code, verifier or token to wherever the answer points,
// and bring back a token from there. The 3xx answer itself is returned;
// RedirectError says so.
func NoRedirects(hc *http.Client) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	c := *hc
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

// RefusedRedirect is a redirect away from the allowed origin.
type RefusedRedirect struct {
	To     *url.URL
	Origin string // cleaned for display
}

func (e *RefusedRedirect) Error() string {
	return "redirect to " + textsafe.URL(e.To.String()) + " refused"
}

// SameOriginRedirects returns a copy of hc that follows redirects only
// within origin's scheme, host and port (none when origin is empty); one
// elsewhere is a *RefusedRedirect.
func SameOriginRedirects(hc *http.Client, origin string) *http.Client {
	c := NoRedirects(hc)
	if origin == "" {
		return c
	}
	o, err := url.Parse(origin)
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		switch {
		case err != nil:
			return &RefusedRedirect{To: req.URL, Origin: textsafe.URL(origin)}
		case !SameOrigin(req.URL, o):
			return &RefusedRedirect{To: req.URL, Origin: textsafe.URL(o.Scheme + "://" + o.Host)}
		case len(via) >= 10:
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return c
}

// SameOrigin reports whether a and b have one origin: the same scheme,
// host name and port, with default ports spelled out.
func SameOrigin(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		return map[string]string{"http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// wire returns a copy of hc that never follows a redirect and records the
// answer.
func wire(hc *http.Client) (*http.Client, *recorder) {
	if hc != nil {
		if rec, ok := hc.Transport.(*recorder); ok {
			return hc, rec // wired already (a hand-written token request)
		}
	}
	c := NoRedirects(hc)
	rec := &recorder{base: c.Transport}
	if rec.base == nil {
		rec.base = http.DefaultTransport
	}
	c.Transport = rec
	return c, rec
}

// post sends params to an endpoint by hand, for what x/oauth2 does not
// send: ZBD's JSON body, redirect_uri on refresh, revocation and
// introspection. It returns the body of a 2xx answer; any other answer is
// an *oauth2.RetrieveError, as from x/oauth2.
func post(ctx context.Context, hc *http.Client, p *provider.Provider, c Client, e endpoint, params [][2]string) ([]byte, error) {
	switch p.ClientAuth {
	case provider.AuthPost:
		params = append([][2]string{{"client_id", c.ID}, {"client_secret", c.Secret}}, params...)
	case provider.AuthNone:
		params = append([][2]string{{"client_id", c.ID}}, params...)
	}
	var body []byte
	var contentType string
	if p.TokenBody == provider.BodyJSON {
		m := make(map[string]string, len(params))
		for _, kv := range params {
			m[kv[0]] = kv[1]
		}
		body, _ = json.Marshal(m)
		contentType = "application/json"
	} else {
		v := url.Values{}
		for _, kv := range params {
			v.Set(kv[0], kv[1])
		}
		body = []byte(v.Encode())
		contentType = "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(body))
	if err != nil {
		return nil, exitcode.Newf(exitcode.Usage, "%s URL %q: %v", e.what, e.url, err)
	}
	req.Header.Set("Content-Type", contentType)
	if p.ClientAuth == provider.AuthBasic {
		// RFC 6749 §2.3.1: form-encode both parts before joining them.
		req.SetBasicAuth(url.QueryEscape(c.basicUser()), url.QueryEscape(c.Secret))
	}
	hc, rec := wire(hc)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, &oauth2.RetrieveError{Response: resp, Body: rec.body}
	}
	return rec.body, nil
}

// fail turns the error of an endpoint call, by x/oauth2 or by hand, into
// one with the right exit code. The provider's text is redacted of the
// secrets the request carried (some servers echo the request) and cleaned
// for the terminal.
func fail(p *provider.Provider, e endpoint, err error, secrets []string) error {
	var xe *exitcode.Error
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &xe):
		return err
	case errors.As(err, &re):
		return classify(p, e, re, secrets)
	case errors.Is(err, errTooLarge):
		return exitcode.Newf(exitcode.Provider, "%s %s endpoint sent more than %d bytes", p.DisplayName, e.what, MaxBody)
	}
	return networkError(p, e, err)
}

func networkError(p *provider.Provider, e endpoint, err error) error {
	if errors.Is(err, context.Canceled) {
		return exitcode.New(exitcode.Interrupted, errors.New("interrupted"))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL is in the message below already
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return exitcode.Newf(exitcode.Provider, "%s %s endpoint %s did not answer in time", p.DisplayName, e.what, e.url)
	}
	return exitcode.Newf(exitcode.Provider, "cannot reach %s %s endpoint %s: %v", p.DisplayName, e.what, e.url, err)
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// RedirectError is the error for a redirect from one of p's OAuth
// endpoints (what: "token", "userinfo", ...): exit 4, the target named
// without its query, which may carry a code or token.
func RedirectError(p *provider.Provider, what string, resp *http.Response) error {
	to := "nowhere (no Location)"
	if u, err := resp.Location(); err == nil {
		to = textsafe.URL(u.String())
	} else if loc := resp.Header.Get("Location"); loc != "" {
		to = textsafe.URL(loc)
	}
	return exitcode.Newf(exitcode.Provider, "%s %s endpoint answered HTTP %d redirecting to %s; zauth does not follow redirects from OAuth endpoints, so nothing was sent there",
		p.DisplayName, what, resp.StatusCode, to)
}

// classify maps a provider's error answer to an exit code: invalid_grant
// needs a new login, invalid_client or unauthorized_client a fix of the
// client's configuration, anything else is the provider's fault. The
// *TokenError stays in the chain for callers that add their own advice.
func classify(p *provider.Provider, e endpoint, re *oauth2.RetrieveError, secrets []string) error {
	status := re.Response.StatusCode
	if status/100 == 3 {
		return RedirectError(p, e.what, re.Response)
	}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"` // some APIs answer {"message": ...}
	}
	// JSON whatever the label says, else a form where labelled as one
	// (whoever sent the request: x/oauth2 reads the same).
	mt, _, _ := mime.ParseMediaType(re.Response.Header.Get("Content-Type"))
	if json.Unmarshal(re.Body, &body) != nil {
		body.Error, body.Description, body.Message = "", "", ""
		if v, err := url.ParseQuery(string(re.Body)); err == nil && (mt == "application/x-www-form-urlencoded" || mt == "text/plain") {
			body.Error, body.Description = v.Get("error"), v.Get("error_description")
		}
	}
	if body.Error == "" && body.Message == "" {
		kind := "an unexpected body"
		if mt != "" {
			kind = "a " + textsafe.Short(mt, 60) + " body"
		}
		return exitcode.Newf(exitcode.Provider, "%s %s endpoint answered HTTP %d with %s", p.DisplayName, e.what, status, kind)
	}
	te := &TokenError{Endpoint: e.what, Status: status, Code: textsafe.Short(Redact(body.Error, secrets), 64),
		Description: textsafe.Short(Redact(body.Description, secrets), 300)}
	if body.Error == "" {
		te.Description = textsafe.Short(Redact(body.Message, secrets), 300)
	}
	switch body.Error {
	case "invalid_grant":
		return &exitcode.Error{Code: exitcode.LoginNeeded, Err: te}
	case "invalid_client", "unauthorized_client":
		return &exitcode.Error{Code: exitcode.Usage, Err: te}
	}
	return &exitcode.Error{Code: exitcode.Provider, Err: te}
}

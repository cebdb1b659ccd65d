// Package trace logs HTTP exchanges with providers for --verbose, with every
// credential redacted: the first thing to read when a provider rejects a
// redirect URI or a client.
package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/zauth-cli/zauth/internal/textsafe"
)

// Sensitive names: parameters, JSON fields and headers whose values are
// never printed. Matching ignores case and the _ / - / camelCase spelling.
var sensitive = map[string]bool{
	"code": true, "codeverifier": true, "clientsecret": true, "password": true,
	"accesstoken": true, "refreshtoken": true, "idtoken": true, "token": true,
	"authorization": true, "apikey": true, "usertoken": true, "cookie": true, "setcookie": true,
	"state": true, "assertion": true, "clientassertion": true,
}

// IsSensitive reports whether a parameter, field or header name holds a secret.
func IsSensitive(name string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(name))
	return sensitive[n]
}

// headerWords mark a header as a credential wherever they appear in its
// name: users pass their own with `zauth api -H` (X-Api-Key, X-Auth-Token,
// Proxy-Authorization, ...), and a header's name says more than a field's.
var headerWords = []string{"auth", "token", "key", "secret", "cookie", "session", "password", "signature"}

// sensitiveHeader reports whether a header's value is never printed.
func sensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	for _, w := range headerWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	return IsSensitive(name)
}

// schemeHeaders keep their scheme ("Bearer", "Basic") visible when redacted.
var schemeHeaders = map[string]bool{
	"Authorization": true, "Proxy-Authorization": true, "Www-Authenticate": true, "Proxy-Authenticate": true,
}

const redacted = "[REDACTED]"

// Transport wraps a RoundTripper and writes each exchange to W.
type Transport struct {
	Base http.RoundTripper
	W    io.Writer
	mu   sync.Mutex
}

func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	reqBody, req, err := peekBody(req)
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "> %s %s\n", req.Method, RedactURL(req.URL))
	writeHeaders(&b, ">", req.Header)
	if len(reqBody) > 0 {
		fmt.Fprintf(&b, "> %s\n", RedactBody(req.Header.Get("Content-Type"), reqBody))
	}
	start := time.Now()
	resp, err := base.RoundTrip(req)
	if err != nil {
		fmt.Fprintf(&b, "< error after %s: %v\n", time.Since(start).Round(time.Millisecond), err)
		t.write(b.String())
		return nil, err
	}
	// Read a bounded prefix for the log and hand the caller the same bytes.
	prefix, _ := io.ReadAll(io.LimitReader(resp.Body, logPrefix))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(prefix), resp.Body), resp.Body}
	fmt.Fprintf(&b, "< %s (%s)\n", resp.Status, time.Since(start).Round(time.Millisecond))
	writeHeaders(&b, "<", resp.Header)
	if len(prefix) > 0 {
		fmt.Fprintf(&b, "< %s\n", RedactBody(resp.Header.Get("Content-Type"), prefix))
	}
	t.write(b.String())
	return resp, nil
}

// logPrefix bounds how much of a body the trace reads for itself.
const logPrefix = 64 << 10

// peekBody returns the start of req's body for the log and the request to
// send. A RoundTripper must not modify its request: the body is re-read
// through GetBody when the request has one; otherwise it is read in full,
// closed as RoundTrip must, and a copy of the request carries it.
func peekBody(req *http.Request) ([]byte, *http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, req, nil
	}
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			b, _ := io.ReadAll(io.LimitReader(rc, logPrefix))
			rc.Close()
			return b, req, nil
		}
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, nil, err
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(b))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	return b[:min(len(b), logPrefix)], out, nil
}

// write prints one exchange. Much of it is the provider's text (status
// line, header values, decoded JSON strings, which re-encoding leaves with
// C1 controls and bidi overrides): it is cleaned for the terminal here,
// for every line at once.
func (t *Transport) write(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	io.WriteString(t.W, textsafe.Text(s))
}

func writeHeaders(b *strings.Builder, dir string, h http.Header) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := strings.Join(h[k], ", ")
		if sensitiveHeader(k) {
			v = redacted
			if scheme, _, ok := strings.Cut(strings.Join(h[k], ""), " "); ok && schemeHeaders[http.CanonicalHeaderKey(k)] {
				v = scheme + " " + redacted
			}
		}
		fmt.Fprintf(b, "%s %s: %s\n", dir, k, v)
	}
}

// RedactURL returns u with sensitive query parameters replaced.
func RedactURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		c.RawQuery = redactValues(c.Query()).Encode()
	}
	return c.String()
}

func redactValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vals := range v {
		for _, val := range vals {
			if IsSensitive(k) {
				val = redacted
			}
			out.Add(k, val)
		}
	}
	return out
}

// RedactBody renders a JSON or form body with sensitive values replaced.
// What the body is decides, not contentType: providers mislabel token
// responses (JSON sent as a form, forms sent as text/plain). Anything else
// is summarised by size: it may hold anything, a bare token included.
func RedactBody(contentType string, body []byte) string {
	if v, ok := parseJSON(body); ok {
		out, _ := json.Marshal(redactJSON(v))
		return string(out)
	}
	if v, ok := parseForm(body); ok {
		return redactValues(v).Encode()
	}
	return fmt.Sprintf("[%d bytes of %s]", len(body), orUnknown(contentType))
}

// parseJSON accepts a JSON object or array. A bare JSON string or number
// has no field name to judge it by.
func parseJSON(body []byte) (any, bool) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil, false
	}
	switch v.(type) {
	case map[string]any, []any:
		return v, true
	}
	return nil, false
}

// parseForm accepts name=value pairs joined by &, with names that look like
// parameter names. url.ParseQuery alone accepts nearly any text, and would
// print a bare token (its base64 padding read as "=") as a name.
func parseForm(body []byte) (url.Values, bool) {
	s := string(body)
	if s == "" {
		return nil, false
	}
	pairs := strings.Split(s, "&")
	for _, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		if !ok || !paramName(name) || strings.HasPrefix(value, "=") || (len(pairs) == 1 && value == "") {
			return nil, false
		}
		if strings.ContainsFunc(value, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
			return nil, false
		}
	}
	v, err := url.ParseQuery(s)
	return v, err == nil
}

// paramName reports whether s looks like a form parameter's name.
func paramName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.[]%", r)) {
			return false
		}
	}
	return true
}

func redactJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if IsSensitive(k) {
				x[k] = redacted
			} else {
				x[k] = redactJSON(val)
			}
		}
	case []any:
		for i := range x {
			x[i] = redactJSON(x[i])
		}
	}
	return v
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown type"
	}
	return s
}

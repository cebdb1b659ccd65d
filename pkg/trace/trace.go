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
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
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
	prefix, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
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

func (t *Transport) write(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	io.WriteString(t.W, s)
}

func writeHeaders(b *strings.Builder, dir string, h http.Header) {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := strings.Join(h[k], ", ")
		if IsSensitive(k) {
			v = redacted
			if scheme, _, ok := strings.Cut(strings.Join(h[k], ""), " "); ok && strings.EqualFold(k, "Authorization") {
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

// RedactBody renders a form or JSON body with sensitive values replaced.
// Anything else is summarised by size: it may hold anything.
func RedactBody(contentType string, body []byte) string {
	switch {
	case strings.Contains(contentType, "json"):
		var v any
		if json.Unmarshal(body, &v) == nil {
			out, _ := json.Marshal(redactJSON(v))
			return string(out)
		}
	case strings.Contains(contentType, "x-www-form-urlencoded"):
		if v, err := url.ParseQuery(string(body)); err == nil {
			return redactValues(v).Encode()
		}
	}
	return fmt.Sprintf("[%d bytes of %s]", len(body), orUnknown(contentType))
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

package loopback

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

const issuer = "https://auth.example.test"

func TestParseCallback(t *testing.T) {
	exp := Expect{State: "s1", Issuer: issuer}
	cases := []struct {
		name  string
		query string
		exp   Expect
		code  string
		err   error
		msg   string
	}{
		{"valid", "code=c1&state=s1&iss=" + url.QueryEscape(issuer), exp, "c1", nil, ""},
		{"wrong state", "code=c1&state=s2&iss=" + url.QueryEscape(issuer), exp, "", ErrStateMismatch, "does not match"},
		{"missing state", "code=c1&iss=" + url.QueryEscape(issuer), exp, "", ErrMissingState, "no state"},
		{"wrong iss", "code=c1&state=s1&iss=https://evil.test", exp, "", ErrIssuerMismatch, "mix-up"},
		{"missing iss", "code=c1&state=s1", exp, "", ErrMissingIssuer, "no iss"},
		{"iss not expected", "code=c1&state=s1&iss=https://other.test", Expect{State: "s1"}, "c1", nil, ""},
		{"missing code", "state=s1&iss=" + url.QueryEscape(issuer), exp, "", ErrMissingCode, "neither a code"},
		{"access denied", "error=access_denied&error_description=User+said+no%0Aplease&state=s1&iss=" + url.QueryEscape(issuer), exp, "", nil, "the authorization was denied in the browser (access_denied): User said no please"},
		{"invalid scope", "error=invalid_scope&state=s1&iss=" + url.QueryEscape(issuer), exp, "", nil, "rejected the requested scopes (invalid_scope)"},
		{"forged error", "error=access_denied&state=nope", exp, "", ErrStateMismatch, ""},
		{"empty expected state", "code=c1&state=", Expect{}, "", ErrMissingState, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query)
			code, err := ParseCallback(q, tc.exp)
			if code != tc.code {
				t.Errorf("code %q, want %q", code, tc.code)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("err %v, want %v", err, tc.err)
			}
			if tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)) {
				t.Errorf("err %v, want it to say %q", err, tc.msg)
			}
			if tc.code == "" && err == nil {
				t.Error("no code and no error")
			}
		})
	}
}

// start listens on a free port and waits in the background.
func start(t *testing.T, exp Expect, paste io.Reader, notes io.Writer) (*Listener, chan [2]any) {
	t.Helper()
	return startOn(t, "http://127.0.0.1:0/callback", exp, paste, notes)
}

func get(t *testing.T, rawURL, host, method string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, rawURL, nil)
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

func TestListenerRejectsStrayRequests(t *testing.T) {
	l, done := start(t, Expect{State: "s1"}, nil, io.Discard)
	base := l.RedirectURI()
	u, _ := url.Parse(base)
	stray := []struct {
		name, url, host, method string
		status                  int
	}{
		{"wrong host", base + "?code=c&state=s1", "evil.test:" + u.Port(), "GET", 400},
		{"localhost instead of the registered IP", base + "?code=c&state=s1", "localhost:" + u.Port(), "GET", 400},
		{"wrong path", strings.Replace(base, "/callback", "/other", 1) + "?code=c&state=s1", "", "GET", 404},
		{"favicon", strings.Replace(base, "/callback", "/favicon.ico", 1), "", "GET", 404},
		{"POST", base + "?code=c&state=s1", "", "POST", 405},
		{"CORS preflight", base, "", "OPTIONS", 405},
	}
	for _, s := range stray {
		resp, _ := get(t, s.url, s.host, s.method)
		if resp.StatusCode != s.status {
			t.Errorf("%s: status %d, want %d", s.name, resp.StatusCode, s.status)
		}
	}
	select {
	case r := <-done:
		t.Fatalf("a stray request settled the login: %v", r)
	case <-time.After(50 * time.Millisecond):
	}
	resp, body := get(t, base+"?code=SECRET-CODE&state=s1", "", "GET")
	if resp.StatusCode != 200 || !strings.Contains(body, "close this tab") || strings.Contains(body, "SECRET-CODE") {
		t.Errorf("success page %d: %s", resp.StatusCode, body)
	}
	for k, v := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "Content-Type": "text/html; charset=utf-8"} {
		if resp.Header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, resp.Header.Get(k), v)
		}
	}
	r := <-done
	if r[0] != "SECRET-CODE" || r[1] != nil {
		t.Fatalf("Wait = %v", r)
	}
	// The second callback finds the door closed.
	l.Close()
	if resp, err := http.Get(base + "?code=c2&state=s1"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusGone {
			t.Errorf("second callback: %s", resp.Status)
		}
	}
}

func TestListenerSettlesOnBadCallback(t *testing.T) {
	l, done := start(t, Expect{State: "s1", Issuer: issuer}, nil, io.Discard)
	resp, body := get(t, l.RedirectURI()+"?code=c&state=s1&iss=https://evil.test", "", "GET")
	if resp.StatusCode != 400 || !strings.Contains(body, "mix-up") {
		t.Errorf("error page %d: %s", resp.StatusCode, body)
	}
	if r := <-done; !errors.Is(r[1].(error), ErrIssuerMismatch) {
		t.Errorf("Wait = %v", r)
	}
	resp, _ = get(t, l.RedirectURI()+"?code=c&state=s1&iss="+url.QueryEscape(issuer), "", "GET")
	if resp.StatusCode != http.StatusGone {
		t.Errorf("a callback after the first: %s", resp.Status)
	}
}

func TestWaitTimeout(t *testing.T) {
	l, err := Listen("http://127.0.0.1:0/cb")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := l.Wait(ctx, Expect{State: "s"}, nil, io.Discard); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v", err)
	}
}

func TestPaste(t *testing.T) {
	pr, pw := io.Pipe()
	var notes strings.Builder
	l, done := start(t, Expect{State: "s1"}, pr, &notes)
	u, _ := url.Parse(l.RedirectURI())
	// The browser ran elsewhere: another host, same path.
	go io.WriteString(pw, "\nnonsense\nhttp://127.0.0.1:1/wrong?code=x&state=s1\nhttp://remote.example:"+u.Port()+"/callback?code=PASTED&state=s1\n")
	r := <-done
	if r[0] != "PASTED" || r[1] != nil {
		t.Fatalf("Wait = %v", r)
	}
	if strings.Count(notes.String(), "that is not the redirect URL") != 2 {
		t.Errorf("notes: %q", notes.String())
	}

	pr2, pw2 := io.Pipe()
	l2, done2 := start(t, Expect{State: "s1"}, pr2, io.Discard)
	go io.WriteString(pw2, l2.RedirectURI()+"?code=c&state=forged\n")
	if r := <-done2; !errors.Is(r[1].(error), ErrStateMismatch) {
		t.Errorf("pasted forged state: %v", r)
	}

	// EOF on stdin leaves the listener waiting.
	l3, done3 := start(t, Expect{State: "s1"}, strings.NewReader(""), io.Discard)
	time.Sleep(20 * time.Millisecond)
	get(t, l3.RedirectURI()+"?code=viahttp&state=s1", "", "GET")
	if r := <-done3; r[0] != "viahttp" {
		t.Errorf("after EOF: %v", r)
	}
}

func TestPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	_, err = Listen("http://127.0.0.1:" + strconv.Itoa(port) + "/callback")
	var pe *PortInUseError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "port "+strconv.Itoa(port)+" is in use") || !strings.Contains(err.Error(), "--port") {
		t.Errorf("Listen on a busy port: %v", err)
	}
}

func TestLocalhostAndBadURIs(t *testing.T) {
	l, err := Listen("http://localhost:0/cb")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	u, _ := url.Parse(l.RedirectURI())
	if u.Hostname() != "localhost" || u.Port() == "0" {
		t.Errorf("RedirectURI %s", l.RedirectURI())
	}
	for _, bad := range []string{"http://example.com:1/cb", "https://127.0.0.1:1/cb", "http://127.0.0.1/cb", "http://0.0.0.0:1/cb"} {
		if l, err := Listen(bad); err == nil {
			l.Close()
			t.Errorf("Listen(%q) accepted", bad)
		}
	}
}

// TestLocalhostServesBothFamilies: a browser may resolve localhost to ::1
// (IPv6-only localhost) or 127.0.0.1; both reach the listener.
func TestLocalhostServesBothFamilies(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback on this host")
	} else {
		ln.Close()
	}
	for _, addr := range []string{"[::1]", "127.0.0.1"} {
		l, done := startOn(t, "http://localhost:0/cb", Expect{State: "s1"}, nil, io.Discard)
		u, _ := url.Parse(l.RedirectURI())
		req, _ := http.NewRequest("GET", "http://"+addr+":"+u.Port()+"/cb?code=c-"+addr+"&state=s1", nil)
		req.Host = u.Host // what the browser sends: localhost:PORT
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
		resp.Body.Close()
		if r := <-done; r[0] != "c-"+addr {
			t.Errorf("%s: Wait = %v", addr, r)
		}
	}
	l, done := startOn(t, "http://[::1]:0/cb", Expect{State: "s1"}, nil, io.Discard)
	resp, body := get(t, l.RedirectURI()+"?code=v6&state=s1", "", "GET")
	if resp.StatusCode != 200 || strings.Contains(body, "v6") {
		t.Errorf("[::1] redirect: %d", resp.StatusCode)
	}
	if r := <-done; r[0] != "v6" {
		t.Errorf("[::1]: %v", r)
	}
}

func startOn(t *testing.T, redirect string, exp Expect, paste io.Reader, notes io.Writer) (*Listener, chan [2]any) {
	t.Helper()
	l, err := Listen(redirect)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	done := make(chan [2]any, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		code, err := l.Wait(ctx, exp, paste, notes)
		done <- [2]any{code, err}
	}()
	return l, done
}

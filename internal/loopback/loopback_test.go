package loopback

import (
	"context"
	"errors"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

const issuer = "https://auth.example.test"

var qIss = url.QueryEscape(issuer)

func TestParseCallback(t *testing.T) {
	exp := Expect{State: "s1", Issuer: issuer}
	cases := []struct {
		name  string
		query string
		exp   Expect
		code  string
		err   error  // errors.Is target, when set
		msg   string // part of the message, when set
	}{
		{"valid", "code=c1&state=s1&iss=" + qIss, exp, "c1", nil, ""},
		{"valid without issuer expected", "code=c1&state=s1", Expect{State: "s1"}, "c1", nil, ""},
		{"iss present but not expected", "code=c1&state=s1&iss=https://other.test", Expect{State: "s1"}, "c1", nil, ""},
		{"wrong state", "code=c1&state=s2&iss=" + qIss, exp, "", ErrStateMismatch, "does not match"},
		{"state prefix", "code=c1&state=s&iss=" + qIss, exp, "", ErrStateMismatch, ""},
		{"missing state", "code=c1&iss=" + qIss, exp, "", ErrMissingState, "no state"},
		{"empty state", "code=c1&state=&iss=" + qIss, exp, "", ErrMissingState, ""},
		{"empty expected state", "code=c1&state=", Expect{}, "", ErrMissingState, ""},
		{"nothing expected", "code=c1&state=x", Expect{}, "", ErrStateMismatch, ""},
		{"wrong iss", "code=c1&state=s1&iss=https://evil.test", exp, "", ErrIssuerMismatch, "mix-up"},
		{"iss with trailing slash", "code=c1&state=s1&iss=" + qIss + "%2F", exp, "", ErrIssuerMismatch, ""},
		{"missing iss", "code=c1&state=s1", exp, "", ErrMissingIssuer, "no iss"},
		{"missing code", "state=s1&iss=" + qIss, exp, "", ErrMissingCode, "neither a code"},
		{"empty code", "code=&state=s1&iss=" + qIss, exp, "", ErrMissingCode, ""},
		{"repeated state", "code=c1&state=s1&state=s1&iss=" + qIss, exp, "", ErrRepeatedParameter, "repeats"},
		{"repeated code", "code=c1&code=c2&state=s1&iss=" + qIss, exp, "", ErrRepeatedParameter, ""},
		{"repeated iss", "code=c1&state=s1&iss=" + qIss + "&iss=https://evil.test", exp, "", ErrRepeatedParameter, ""},
		{"access denied", "error=access_denied&error_description=User+said+no%0Aplease&state=s1&iss=" + qIss, exp, "", nil,
			"the authorization was denied in the browser (access_denied): User said no please"},
		{"invalid scope", "error=invalid_scope&state=s1&iss=" + qIss, exp, "", nil, "the provider rejected the requested scopes (invalid_scope)"},
		{"error wins over code", "error=server_error&code=c1&state=s1&iss=" + qIss, exp, "", nil, "(server_error)"},
		{"forged error", "error=access_denied&state=nope", exp, "", ErrStateMismatch, ""},
		{"error without state", "error=access_denied", exp, "", ErrMissingState, ""},
		{"error with wrong iss", "error=access_denied&state=s1&iss=https://evil.test", exp, "", ErrIssuerMismatch, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			code, err := ParseCallback(q, tc.exp)
			if code != tc.code {
				t.Errorf("code %q, want %q", code, tc.code)
			}
			if (code == "") == (err == nil) {
				t.Errorf("code %q together with err %v", code, err)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("err %v, want %v", err, tc.err)
			}
			if tc.msg != "" && (err == nil || !strings.Contains(err.Error(), tc.msg)) {
				t.Errorf("err %v, want it to say %q", err, tc.msg)
			}
		})
	}
}

func TestProviderErrorText(t *testing.T) {
	cases := []struct {
		name, query string
		want        string
		wantCode    string
	}{
		{"known code", "error=access_denied", "the authorization was denied in the browser (access_denied)", "access_denied"},
		{"unknown code", "error=weird_thing", "the provider returned an error (weird_thing)", "weird_thing"},
		{"with description and link", "error=invalid_scope&error_description=no+payments&error_uri=https%3A%2F%2Fdocs.test%2Fe",
			"the provider rejected the requested scopes (invalid_scope): no payments (see https://docs.test/e)", "invalid_scope"},
		{"no script link", "error=server_error&error_uri=javascript%3Aalert(1)", "the provider had an internal error (server_error)", "server_error"},
		{"control and bidi characters", "error=access_denied&error_description=a%1B%5B2Jb%E2%80%AEc%0D%0Ad", "the authorization was denied in the browser (access_denied): a [2Jb c d", "access_denied"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tc.query + "&state=s")
			_, err := ParseCallback(q, Expect{State: "s"})
			var pe *ProviderError
			if !errors.As(err, &pe) || pe.Code != tc.wantCode {
				t.Fatalf("err %#v, want a ProviderError %s", err, tc.wantCode)
			}
			if err.Error() != tc.want {
				t.Errorf("message\n got %q\nwant %q", err.Error(), tc.want)
			}
		})
	}
	long := strings.Repeat("é", 400)
	q := url.Values{"state": {"s"}, "error": {"access_denied"}, "error_description": {long}}
	_, err := ParseCallback(q, Expect{State: "s"})
	if msg := err.Error(); !utf8.ValidString(msg) || len(msg) > 400 || !strings.HasSuffix(msg, "…") {
		t.Errorf("long description: %d bytes, valid UTF-8 %v", len(msg), utf8.ValidString(msg))
	}
}

type result struct {
	code string
	err  error
}

// start listens on a free port of 127.0.0.1 and waits in the background.
func start(t *testing.T, exp Expect, paste io.Reader, notes io.Writer) (*Listener, chan result) {
	t.Helper()
	return startOn(t, "http://127.0.0.1:0/callback", exp, paste, notes)
}

func startOn(t *testing.T, redirect string, exp Expect, paste io.Reader, notes io.Writer) (*Listener, chan result) {
	t.Helper()
	l, err := Listen(redirect)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	done := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		code, err := l.Wait(ctx, exp, paste, notes)
		done <- result{code, err}
	}()
	return l, done
}

// send makes one request on a fresh connection.
func send(t *testing.T, method, rawURL, host string) (*http.Response, string, error) {
	t.Helper()
	req, err := http.NewRequest(method, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 3 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b), nil
}

func get(t *testing.T, rawURL string) (*http.Response, string) {
	t.Helper()
	resp, body, err := send(t, "GET", rawURL, "")
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func pending(t *testing.T, done chan result) {
	t.Helper()
	select {
	case r := <-done:
		t.Fatalf("the login settled: %+v", r)
	case <-time.After(30 * time.Millisecond):
	}
}

func checkPageHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	for k, v := range map[string]string{
		"Cache-Control":          "no-store",
		"Referrer-Policy":        "no-referrer",
		"Content-Type":           "text/html; charset=utf-8",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP %q", csp)
	}
}

// refused checks that nothing listens on the redirect URI's port any more.
func refused(t *testing.T, redirect string) {
	t.Helper()
	u, _ := url.Parse(redirect)
	if c, err := net.DialTimeout("tcp", u.Host, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections", u.Host)
	}
}

func TestListenerIgnoresStrayRequests(t *testing.T) {
	l, done := start(t, Expect{State: "s1"}, nil, io.Discard)
	base := l.RedirectURI()
	u, _ := url.Parse(base)
	other := func(path string) string { return strings.Replace(base, "/callback", path, 1) }
	stray := []struct {
		name, method, url, host string
		status                  int
	}{
		{"wrong host", "GET", base + "?code=c&state=s1", "evil.test:" + u.Port(), 400},
		{"wrong host, no port", "GET", base + "?code=c&state=s1", "evil.test", 400},
		{"localhost instead of the registered IP", "GET", base + "?code=c&state=s1", "localhost:" + u.Port(), 400},
		{"wrong port in Host", "GET", base + "?code=c&state=s1", "127.0.0.1:1", 400},
		{"wrong path", "GET", other("/other") + "?code=c&state=s1", "", 404},
		{"path prefix", "GET", other("/callback/x") + "?code=c&state=s1", "", 404},
		{"favicon", "GET", other("/favicon.ico"), "", 404},
		{"POST", "POST", base + "?code=c&state=s1", "", 405},
		{"CORS preflight", "OPTIONS", base, "", 405},
		{"HEAD", "HEAD", base + "?code=c&state=s1", "", 405},
	}
	for _, s := range stray {
		t.Run(s.name, func(t *testing.T) {
			resp, body, err := send(t, s.method, s.url, s.host)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != s.status {
				t.Errorf("status %d, want %d", resp.StatusCode, s.status)
			}
			if strings.Contains(body, "code=") {
				t.Errorf("body echoes the query: %s", body)
			}
			if resp.Header.Get("Cache-Control") != "no-store" {
				t.Error("no Cache-Control: no-store")
			}
		})
	}
	pending(t, done)

	resp, body := get(t, base+"?code=SECRET-CODE&state=s1")
	if resp.StatusCode != 200 || !strings.Contains(body, "close this tab") || strings.Contains(body, "SECRET-CODE") {
		t.Errorf("success page %d: %s", resp.StatusCode, body)
	}
	checkPageHeaders(t, resp)
	if r := <-done; r.code != "SECRET-CODE" || r.err != nil {
		t.Fatalf("Wait = %+v", r)
	}
	refused(t, base)
}

func TestSuccessPageNamesTheApp(t *testing.T) {
	l, err := Listen("http://127.0.0.1:0/callback")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	l.AppName = "Ziina <Sandbox>"
	done := make(chan result, 1)
	go func() {
		code, err := l.Wait(context.Background(), Expect{State: "s"}, nil, nil)
		done <- result{code, err}
	}()
	_, body := get(t, l.RedirectURI()+"?code=c&state=s")
	if !strings.Contains(body, "Logged in to Ziina &lt;Sandbox&gt;") {
		t.Errorf("page: %s", body)
	}
	<-done
}

func TestListenerSettlesOnBadCallback(t *testing.T) {
	exp := Expect{State: "s1", Issuer: issuer}
	cases := []struct {
		name, query string
		err         error
		msg         string // in the error and, escaped, in the page
	}{
		{"wrong iss", "code=CODE1&state=s1&iss=https://evil.test", ErrIssuerMismatch, "possible mix-up attack"},
		{"missing iss", "code=CODE1&state=s1", ErrMissingIssuer, "no iss parameter"},
		{"missing code", "state=s1&iss=" + qIss, ErrMissingCode, "neither a code nor an error"},
		{"access denied", "error=access_denied&error_description=Not+today&state=s1&iss=" + qIss, nil, "denied in the browser (access_denied): Not today"},
		{"invalid scope", "error=invalid_scope&state=s1&iss=" + qIss, nil, "rejected the requested scopes (invalid_scope)"},
		{"markup in the description", "error=server_error&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=s1&iss=" + qIss, nil, "<script>alert(1)</script>"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l, done := start(t, exp, nil, io.Discard)
			resp, body := get(t, l.RedirectURI()+"?"+tc.query)
			if resp.StatusCode != 400 {
				t.Errorf("status %d", resp.StatusCode)
			}
			checkPageHeaders(t, resp)
			if !strings.Contains(body, html.EscapeString(tc.msg)) || strings.Contains(body, "<script>") || strings.Contains(body, "CODE1") {
				t.Errorf("error page: %s", body)
			}
			r := <-done
			if r.code != "" || r.err == nil || !strings.Contains(r.err.Error(), tc.msg) {
				t.Errorf("Wait = %+v", r)
			}
			if tc.err != nil && !errors.Is(r.err, tc.err) {
				t.Errorf("Wait error %v, want %v", r.err, tc.err)
			}
			var pe *ProviderError
			if tc.err == nil && !errors.As(r.err, &pe) {
				t.Errorf("Wait error %T, want *ProviderError", r.err)
			}
			refused(t, l.RedirectURI())
		})
	}
}

// TestListenerIgnoresForeignState: a callback whose state is missing,
// repeated or wrong is not part of this login (a stale tab, another local
// process, a web page navigating to the loopback URL). It gets 400 and a
// note, and the login goes on until the real callback arrives.
func TestListenerIgnoresForeignState(t *testing.T) {
	var mu sync.Mutex
	var notes strings.Builder
	l, done := start(t, Expect{State: "s1", Issuer: issuer}, nil, lockedWriter{&mu, &notes})
	foreign := []struct{ name, query string }{
		{"wrong state", "code=CODE1&state=FORGED-STATE&iss=" + qIss},
		{"missing state", "code=CODE1&iss=" + qIss},
		{"empty state", "code=CODE1&state=&iss=" + qIss},
		{"state prefix", "code=CODE1&state=s&iss=" + qIss},
		{"repeated state", "code=CODE1&state=s1&state=FORGED-STATE&iss=" + qIss},
		{"forged error", "error=access_denied&error_description=FORGED-TEXT&state=FORGED-STATE"},
		{"error without state", "error=access_denied&error_description=FORGED-TEXT"},
		{"nothing", ""},
	}
	for _, f := range foreign {
		t.Run(f.name, func(t *testing.T) {
			resp, body := get(t, l.RedirectURI()+"?"+f.query)
			if resp.StatusCode != 400 || !strings.Contains(body, "not for the login in progress") {
				t.Errorf("answer %d: %s", resp.StatusCode, body)
			}
			for _, s := range []string{"CODE1", "FORGED", "access_denied"} {
				if strings.Contains(body, s) {
					t.Errorf("the page echoes %s: %s", s, body)
				}
			}
			checkPageHeaders(t, resp)
			pending(t, done)
		})
	}
	resp, _ := get(t, l.RedirectURI()+"?code=REAL&state=s1&iss="+qIss)
	if resp.StatusCode != 200 {
		t.Errorf("real callback: %s", resp.Status)
	}
	if r := <-done; r.code != "REAL" || r.err != nil {
		t.Fatalf("Wait = %+v", r)
	}
	mu.Lock()
	defer mu.Unlock()
	out := notes.String()
	if n := strings.Count(out, "Ignored a request"); n != maxIgnoredNotes {
		t.Errorf("%d notes, want %d:\n%s", n, maxIgnoredNotes, out)
	}
	if !strings.Contains(out, "Ignored 8 requests in all") {
		t.Errorf("no summary:\n%s", out)
	}
	for _, s := range []string{"CODE1", "FORGED", "access_denied"} {
		if strings.Contains(out, s) {
			t.Errorf("the notes echo %s:\n%s", s, out)
		}
	}
}

// TestIgnoredNotesAreBounded: a hostile page looping on the callback URL
// gets a few notes printed, then only a count.
func TestIgnoredNotesAreBounded(t *testing.T) {
	var mu sync.Mutex
	var notes strings.Builder
	l, done := start(t, Expect{State: "s1"}, nil, lockedWriter{&mu, &notes})
	for range 50 {
		if resp, _ := get(t, l.RedirectURI()+"?code=c&state=forged"); resp.StatusCode != 400 {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	get(t, l.RedirectURI()+"?code=REAL&state=s1")
	if r := <-done; r.code != "REAL" {
		t.Fatalf("Wait = %+v", r)
	}
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(notes.String(), "\n"); n != maxIgnoredNotes+1 {
		t.Errorf("%d lines of notes, want %d:\n%s", n, maxIgnoredNotes+1, notes.String())
	}
	if !strings.Contains(notes.String(), "Ignored 50 requests in all") {
		t.Errorf("no summary:\n%s", notes.String())
	}
}

// TestIgnoredWithoutNotes: Wait with nil notes still ignores foreign
// callbacks (and does not panic writing about them).
func TestIgnoredWithoutNotes(t *testing.T) {
	l, done := start(t, Expect{State: "s1"}, nil, nil)
	if resp, _ := get(t, l.RedirectURI()+"?code=c&state=forged"); resp.StatusCode != 400 {
		t.Errorf("status %d", resp.StatusCode)
	}
	pending(t, done)
	get(t, l.RedirectURI()+"?code=REAL&state=s1")
	if r := <-done; r.code != "REAL" {
		t.Fatalf("Wait = %+v", r)
	}
}

func TestOnlyOneCallbackSettles(t *testing.T) {
	l, done := start(t, Expect{State: "s1"}, nil, io.Discard)
	if resp, _ := get(t, l.RedirectURI()+"?code=first&state=s1"); resp.StatusCode != 200 {
		t.Fatalf("first callback: %s", resp.Status)
	}
	if r := <-done; r.code != "first" {
		t.Errorf("Wait = %+v", r)
	}
	if _, _, err := send(t, "GET", l.RedirectURI()+"?code=second&state=s1", ""); err == nil {
		t.Error("a callback after the login was answered")
	}
}

// TestLateCallbackGone: a callback racing in after another one took the
// login, before the listener closed, gets 410.
func TestLateCallbackGone(t *testing.T) {
	l, done := start(t, Expect{State: "s1"}, nil, io.Discard)
	time.Sleep(10 * time.Millisecond)
	l.claim() // as if another callback were being answered
	resp, body := get(t, l.RedirectURI()+"?code=late&state=s1")
	if resp.StatusCode != http.StatusGone || strings.Contains(body, "late") {
		t.Errorf("late callback: %d %s", resp.StatusCode, body)
	}
	checkPageHeaders(t, resp)
	l.Close()
	if r := <-done; !errors.Is(r.err, ErrClosed) {
		t.Errorf("Wait = %+v", r)
	}
}

func TestConcurrentCallbacks(t *testing.T) {
	l, done := start(t, Expect{State: "s1"}, nil, io.Discard)
	var mu sync.Mutex
	status := map[int]int{}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _, err := send(t, "GET", l.RedirectURI()+"?state=s1&code=c"+strconv.Itoa(i), "")
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				status[0]++ // refused: the listener had closed
			} else {
				status[resp.StatusCode]++
			}
		}()
	}
	wg.Wait()
	if status[200] != 1 || status[200]+status[410]+status[0] != 8 {
		t.Errorf("statuses %v, want one 200 and the rest 410 or refused", status)
	}
	if r := <-done; r.err != nil || !strings.HasPrefix(r.code, "c") {
		t.Errorf("Wait = %+v", r)
	}
}

func TestCallbackBeforeWait(t *testing.T) {
	l, err := Listen("http://127.0.0.1:0/callback")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got := make(chan int, 1)
	go func() {
		resp, _ := get(t, l.RedirectURI()+"?code=early&state=s")
		got <- resp.StatusCode
	}()
	time.Sleep(30 * time.Millisecond) // the browser is faster than us
	code, err := l.Wait(context.Background(), Expect{State: "s"}, nil, nil)
	if code != "early" || err != nil {
		t.Errorf("Wait = %q, %v", code, err)
	}
	if s := <-got; s != 200 {
		t.Errorf("status %d", s)
	}
}

func TestWaitEnds(t *testing.T) {
	t.Run("deadline", func(t *testing.T) {
		l, err := Listen("http://127.0.0.1:0/cb")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		if _, err := l.Wait(ctx, Expect{State: "s"}, nil, io.Discard); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait = %v", err)
		}
		refused(t, l.RedirectURI())
		if err := l.Close(); err != nil {
			t.Errorf("Close after Wait: %v", err)
		}
		if _, err := l.Wait(context.Background(), Expect{State: "s"}, nil, nil); err == nil {
			t.Error("a second Wait succeeded")
		}
	})
	t.Run("cancel", func(t *testing.T) {
		l, err := Listen("http://127.0.0.1:0/cb")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		if _, err := l.Wait(ctx, Expect{State: "s"}, strings.NewReader(""), nil); !errors.Is(err, context.Canceled) {
			t.Errorf("Wait = %v", err)
		}
		refused(t, l.RedirectURI())
	})
	t.Run("close", func(t *testing.T) {
		l, done := start(t, Expect{State: "s"}, nil, nil)
		time.Sleep(10 * time.Millisecond)
		l.Close()
		if r := <-done; !errors.Is(r.err, ErrClosed) {
			t.Errorf("Wait = %+v", r)
		}
		refused(t, l.RedirectURI())
	})
}

func TestPaste(t *testing.T) {
	const ok = "http://127.0.0.1:8976/callback?code=PASTED&state=s1"
	cases := []struct {
		name    string
		input   string
		code    string
		err     error
		notes   int // "not the redirect URL"
		ignored int // "not for this login"
	}{
		{"valid", ok + "\n", "PASTED", nil, 0, 0},
		{"no newline", ok, "PASTED", nil, 0, 0},
		{"blank lines and spaces", "\n  \n\t" + ok + "  \r\n", "PASTED", nil, 0, 0},
		{"other host (the browser ran elsewhere)", "https://remote.example/callback?code=PASTED&state=s1\n", "PASTED", nil, 0, 0},
		{"garbage then valid", "nonsense\ncode=x&state=s1\nhttp://127.0.0.1:8976/wrong?code=x&state=s1\nhttp://127.0.0.1:8976/callback\n" + ok + "\n", "PASTED", nil, 4, 0},
		{"a huge line then valid", strings.Repeat("x", 200<<10) + "\n" + ok + "\n", "PASTED", nil, 1, 0},
		{"wrong state then valid", "http://127.0.0.1:8976/callback?code=c&state=forged\n" + ok + "\n", "PASTED", nil, 0, 1},
		{"stale URLs then valid", "http://127.0.0.1:8976/callback?code=c\nhttp://127.0.0.1:8976/callback?error=access_denied&state=old\n" + ok + "\n", "PASTED", nil, 0, 2},
		{"provider error", "http://127.0.0.1:8976/callback?error=access_denied&state=s1\n", "", nil, 0, 0},
		{"missing code", "http://127.0.0.1:8976/callback?state=s1\n" + ok + "\n", "", ErrMissingCode, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var notes strings.Builder
			_, done := start(t, Expect{State: "s1"}, strings.NewReader(tc.input), &notes)
			r := <-done
			if r.code != tc.code || (tc.code == "") == (r.err == nil) {
				t.Errorf("Wait = %+v", r)
			}
			if tc.err != nil && !errors.Is(r.err, tc.err) {
				t.Errorf("Wait error %v, want %v", r.err, tc.err)
			}
			n := strings.Count(notes.String(), "that is not the redirect URL (expected http://127.0.0.1:")
			ignored := strings.Count(notes.String(), "Ignored a pasted URL that is not for the login in progress")
			if n != tc.notes || ignored != tc.ignored || strings.Count(notes.String(), "\n") != tc.notes+tc.ignored {
				t.Errorf("%d+%d notes, want %d+%d: %q", n, ignored, tc.notes, tc.ignored, notes.String())
			}
			if strings.Contains(notes.String(), "forged") || strings.Contains(notes.String(), "old") {
				t.Errorf("the notes echo the pasted state: %q", notes.String())
			}
		})
	}
}

func TestPasteEOFKeepsWaiting(t *testing.T) {
	l, done := start(t, Expect{State: "s1"}, strings.NewReader("\n"), io.Discard)
	pending(t, done)
	get(t, l.RedirectURI()+"?code=viahttp&state=s1")
	if r := <-done; r.code != "viahttp" {
		t.Errorf("after EOF: %+v", r)
	}
}

// TestPasteAfterWait: a paste reader that outlives Wait neither settles
// nor writes notes.
func TestPasteAfterWait(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	var mu sync.Mutex
	var notes strings.Builder
	l, done := start(t, Expect{State: "s1"}, pr, lockedWriter{&mu, &notes})
	get(t, l.RedirectURI()+"?code=viahttp&state=s1")
	if r := <-done; r.code != "viahttp" {
		t.Fatalf("Wait = %+v", r)
	}
	io.WriteString(pw, "garbage\n") // returns once the reader took it
	io.WriteString(pw, "http://127.0.0.1:1/callback?code=late&state=s1\n")
	mu.Lock()
	defer mu.Unlock()
	if notes.Len() != 0 {
		t.Errorf("notes after Wait: %q", notes.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(p)
}

func TestPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	for _, uri := range []string{"http://127.0.0.1:" + port + "/callback", "http://localhost:" + port + "/callback"} {
		_, err = Listen(uri)
		var pe *PortInUseError
		if !errors.As(err, &pe) || pe.Port != port ||
			err.Error() != "port "+port+" is in use (another zauth login?); choose another with --port or --redirect-uri, and register that redirect URI with the provider" {
			t.Errorf("Listen(%s): %v", uri, err)
		}
	}
	// The port is free again once the listener is closed.
	l, err := Listen("http://127.0.0.1:0/callback")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if l2, err := Listen(l.RedirectURI()); err != nil {
		t.Errorf("port not released: %v", err)
	} else {
		l2.Close()
	}
}

func TestPortInUseOnIPv6Only(t *testing.T) {
	busy, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback on this host")
	}
	defer busy.Close()
	port := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	var pe *PortInUseError
	if _, err := Listen("http://localhost:" + port + "/cb"); !errors.As(err, &pe) {
		t.Errorf("localhost with [::1] busy: %v", err)
	}
	// The IPv4 side must have been released.
	if ln, err := net.Listen("tcp", "127.0.0.1:"+port); err != nil {
		t.Errorf("127.0.0.1:%s left bound: %v", port, err)
	} else {
		ln.Close()
	}
}

func TestListenRedirectURIs(t *testing.T) {
	for _, bad := range []string{
		"http://example.com:1/cb",
		"https://127.0.0.1:1/cb",
		"ftp://127.0.0.1:1/cb",
		"http://127.0.0.1/cb",
		"http://127.0.0.1:99999/cb",
		"http://127.0.0.1:x/cb",
		"http://0.0.0.0:1/cb",
		"http://[::]:1/cb",
		"http://192.168.1.1:1/cb",
		"http://[::ffff:127.0.0.1]:1/cb",
		"http://[0:0::1]:1/cb",
		"http://user@127.0.0.1:1/cb",
		"http://127.0.0.1:1/cb#frag",
		"http://127.0.0.1:1/cb#",
		"http:127.0.0.1:1",
		"127.0.0.1:1/cb",
		"",
		"http://localhost.evil.test:1/cb",
	} {
		if l, err := Listen(bad); err == nil {
			l.Close()
			t.Errorf("Listen(%q) accepted", bad)
		}
	}
}

func TestRedirectURIForms(t *testing.T) {
	cases := []struct {
		redirect string
		host     string // the Host header a browser sends, with PORT for the port
		path     string
	}{
		{"http://127.0.0.1:0", "127.0.0.1:PORT", "/"},
		{"http://127.0.0.1:0/", "127.0.0.1:PORT", "/"},
		{"http://LocalHost:0/cb", "localhost:PORT", "/cb"},
	}
	for _, tc := range cases {
		t.Run(tc.redirect, func(t *testing.T) {
			l, done := startOn(t, tc.redirect, Expect{State: "s"}, nil, nil)
			u, _ := url.Parse(l.RedirectURI())
			if u.Port() == "0" || !strings.HasPrefix(l.RedirectURI(), strings.Replace(tc.redirect, ":0", ":"+u.Port(), 1)) {
				t.Errorf("RedirectURI %s", l.RedirectURI())
			}
			target := "http://127.0.0.1:" + u.Port() + tc.path + "?code=c&state=s"
			resp, _, err := send(t, "GET", target, strings.Replace(tc.host, "PORT", u.Port(), 1))
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("callback: %v %v", resp, err)
			}
			if r := <-done; r.code != "c" {
				t.Errorf("Wait = %+v", r)
			}
		})
	}
}

// TestLocalhostServesBothFamilies: a browser may resolve localhost to ::1
// or 127.0.0.1; both reach the listener.
func TestLocalhostServesBothFamilies(t *testing.T) {
	if ln, err := net.Listen("tcp", "[::1]:0"); err != nil {
		t.Skip("no IPv6 loopback on this host")
	} else {
		ln.Close()
	}
	for _, addr := range []string{"[::1]", "127.0.0.1"} {
		l, done := startOn(t, "http://localhost:0/cb", Expect{State: "s1"}, nil, io.Discard)
		u, _ := url.Parse(l.RedirectURI())
		if u.Hostname() != "localhost" {
			t.Errorf("RedirectURI %s", l.RedirectURI())
		}
		// What the browser sends: localhost:PORT, to either address.
		resp, _, err := send(t, "GET", "http://"+addr+":"+u.Port()+"/cb?code=c-"+addr+"&state=s1", u.Host)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %v %v", addr, resp, err)
		}
		if r := <-done; r.code != "c-"+addr {
			t.Errorf("%s: Wait = %+v", addr, r)
		}
		refused(t, "http://"+addr+":"+u.Port())
	}
	l, done := startOn(t, "http://[::1]:0/cb", Expect{State: "s1"}, nil, io.Discard)
	if resp, body := get(t, l.RedirectURI()+"?code=v6code&state=s1"); resp.StatusCode != 200 || strings.Contains(body, "v6code") {
		t.Errorf("[::1] redirect: %d", resp.StatusCode)
	}
	if r := <-done; r.code != "v6code" {
		t.Errorf("[::1]: %+v", r)
	}
}

package e2e

import (
	"context"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/zauth-cli/zauth/internal/emulator"
)

// TestCallbackRejections sends forged or broken callbacks to a waiting
// `zauth login`. One with this login's state but a bad issuer, no code or a
// provider error ends the login with the right message, and nothing is
// stored. Any other (wrong state, wrong host or path) is refused and the
// login goes on: the real callback then completes it.
func TestCallbackRejections(t *testing.T) {
	cases := []struct {
		name    string
		query   func(state, iss string) string
		host    string // Host header override
		path    string // path override
		status  int    // what the listener answers
		settles bool   // whether the login ends on it
		code    int
		msg     string // on stderr: the error if it settles, a note if not
	}{
		{name: "wrong state", query: func(s, i string) string { return "code=c&state=forged&iss=" + i }, status: 400, msg: "Ignored a request"},
		{name: "missing state", query: func(s, i string) string { return "code=c&iss=" + i }, status: 400, msg: "Ignored a request"},
		{name: "repeated state", query: func(s, i string) string { return "code=c&state=" + s + "&state=forged&iss=" + i }, status: 400, msg: "Ignored a request"},
		{name: "forged error", query: func(s, i string) string { return "error=access_denied&state=forged&iss=" + i }, status: 400, msg: "Ignored a request"},
		{name: "wrong iss", query: func(s, i string) string { return "code=c&state=" + s + "&iss=https%3A%2F%2Fevil.test" }, status: 400, settles: true, code: 1, msg: "possible mix-up attack"},
		{name: "missing iss", query: func(s, i string) string { return "code=c&state=" + s }, status: 400, settles: true, code: 1, msg: "no iss parameter"},
		{name: "missing code", query: func(s, i string) string { return "state=" + s + "&iss=" + i }, status: 400, settles: true, code: 1, msg: "neither a code nor an error"},
		{name: "provider error", query: func(s, i string) string {
			return "error=server_error&error_description=try+later&state=" + s + "&iss=" + i
		}, status: 400, settles: true, code: 4, msg: "internal error (server_error): try later"},
		{name: "invalid scope", query: func(s, i string) string { return "error=invalid_scope&state=" + s + "&iss=" + i }, status: 400, settles: true, code: 2, msg: "rejected the requested scopes"},
		{name: "wrong host", query: func(s, i string) string { return "code=c&state=" + s + "&iss=" + i }, host: "attacker.test:80", status: 400},
		{name: "wrong path", query: func(s, i string) string { return "code=c&state=" + s + "&iss=" + i }, path: "/other", status: 404},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, emulator.Ziina, emulator.Options{})
			h.setupClient()
			h.setenv("ZAUTH_TESTBROWSER_MODE=none")
			s := h.start("login", "ziina", "--scope", "read_account")
			authURL := s.authURL(t)
			au, _ := url.Parse(authURL)
			state := au.Query().Get("state")
			target, _ := url.Parse(h.redirect)
			if tc.path != "" {
				target.Path = tc.path
			}
			target.RawQuery = tc.query(state, url.QueryEscape(h.emu.Issuer))
			req, _ := http.NewRequest("GET", target.String(), nil)
			if tc.host != "" {
				req.Host = tc.host
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(resp)
			if resp.StatusCode != tc.status || strings.Contains(body, "code=") {
				t.Errorf("listener answered %d (want %d): %s", resp.StatusCode, tc.status, body)
			}
			if tc.settles {
				s.wait(t).expect(t, tc.code, tc.msg)
				if _, ok := h.record("default"); ok {
					t.Error("a rejected callback stored a record")
				}
				if n := h.emu.TokenRequests(); n != 0 {
					t.Errorf("a rejected callback reached the token endpoint %d times", n)
				}
				return
			}
			// Still waiting: the real callback logs in.
			h.browse(t, authURL)
			r := s.wait(t)
			r.expect(t, 0, "Logged in to Ziina")
			if tc.msg != "" {
				r.expect(t, 0, tc.msg)
			}
			if rec, ok := h.record("default"); !ok || rec.AccessToken == "" {
				t.Error("no record after the real callback")
			}
			if n := h.emu.TokenRequests(); n != 1 {
				t.Errorf("%d token requests, want 1", n)
			}
		})
	}
}

// TestForgedCallbacksDoNotEndLogin: while a login waits, anything on the
// machine (a web page navigating to the loopback URL, a stale tab from an
// earlier login, a local process) sends callbacks without this login's
// state. They are refused and noted, a few times then as a count; the
// browser's real callback still logs in.
func TestForgedCallbacksDoNotEndLogin(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.setenv("ZAUTH_TESTBROWSER_MODE=none")
	s := h.start("login", "ziina", "--scope", "read_account")
	authURL := s.authURL(t)
	iss := url.QueryEscape(h.emu.Issuer)
	forged := []string{
		"code=FORGED-CODE&state=FORGED-STATE&iss=" + iss,
		"code=FORGED-CODE&iss=" + iss,
		"error=access_denied&error_description=FORGED-TEXT",
	}
	for range 10 { // a page looping on the callback
		forged = append(forged, "code=FORGED-CODE&state=FORGED-STATE")
	}
	for _, q := range forged {
		resp, err := http.Get(h.redirect + "?" + q)
		if err != nil {
			t.Fatalf("the listener is gone after a forged callback: %v\n%s", err, s.errText())
		}
		body := readAll(resp)
		if resp.StatusCode != 400 || !strings.Contains(body, "not for the login in progress") || strings.Contains(body, "FORGED") {
			t.Errorf("forged callback answered %d: %s", resp.StatusCode, body)
		}
	}
	h.browse(t, authURL)
	r := s.wait(t)
	r.expect(t, 0, "Logged in to Ziina", "Ignored a request", "Ignored 13 requests in all")
	if n := strings.Count(r.stderr, "Ignored a request"); n > 3 {
		t.Errorf("%d notes for ignored requests, want at most 3:\n%s", n, r.stderr)
	}
	if strings.Contains(r.stderr, "FORGED") {
		t.Errorf("stderr echoes a forged value:\n%s", r.stderr)
	}
	if rec, ok := h.record("default"); !ok || rec.AccessToken == "" {
		t.Fatal("no record after the real callback")
	}
}

// TestPastedForeignURLKeepsWaiting: with --no-browser, a pasted URL from an
// earlier login (wrong state) gets a note; the right one then logs in.
func TestPastedForeignURLKeepsWaiting(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	s := h.start("login", "ziina", "--no-browser", "--scope", "read_account")
	redirected := consent(t, s.authURL(t))
	u, _ := url.Parse(redirected)
	q := u.Query()
	q.Set("state", "stale-state")
	u.RawQuery = q.Encode()
	if _, err := s.stdin.Write([]byte(u.String() + "\n" + redirected + "\n")); err != nil {
		t.Fatal(err)
	}
	s.wait(t).expect(t, 0, "Ignored a pasted URL that is not for the login in progress", "Logged in to Ziina")
	if _, ok := h.record("default"); !ok {
		t.Fatal("no record after the pasted login")
	}
}

// TestSecondCallbackIsRefused: the listener takes one code, then closes.
func TestSecondCallbackIsRefused(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.setenv("ZAUTH_TESTBROWSER_MODE=none")
	s := h.start("login", "ziina", "--scope", "read_account")
	back := consent(t, s.authURL(t))
	resp, err := http.Get(back)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(resp); resp.StatusCode != 200 || !strings.Contains(body, "Logged in to Ziina") {
		t.Fatalf("first callback: %d %s", resp.StatusCode, body)
	}
	s.wait(t).expect(t, 0, "Logged in to Ziina")
	if resp, err := http.Get(back); err == nil {
		readAll(resp)
		t.Errorf("a second callback was answered: %s", resp.Status)
	}
	if n := h.emu.TokenRequests(); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
}

// browse runs the scripted browser on authURL, as zauth would have, even
// when ZAUTH_TESTBROWSER_MODE=none kept zauth's own run from doing it.
func (h *harness) browse(t *testing.T, authURL string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browserBin, authURL)
	for _, kv := range h.env {
		if !strings.HasPrefix(kv, "ZAUTH_TESTBROWSER_MODE=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripted browser: %v\n%s", err, out)
	}
}

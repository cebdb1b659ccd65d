package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"

	"github.com/zauth-cli/zauth/internal/emulator"
)

// TestCallbackRejections sends forged or broken callbacks to a waiting
// `zauth login`: each is rejected with the right message and nothing is
// stored.
func TestCallbackRejections(t *testing.T) {
	cases := []struct {
		name    string
		query   func(state, iss string) string
		host    string // Host header override
		path    string // path override
		status  int    // what the listener answers
		settles bool   // whether the login ends on it
		code    int
		msg     string
	}{
		{name: "wrong state", query: func(s, i string) string { return "code=c&state=forged&iss=" + i }, status: 400, settles: true, code: 1, msg: "state does not match"},
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
			au, _ := url.Parse(s.authURL(t))
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
			if !tc.settles {
				s.cmd.Process.Signal(syscall.SIGINT) // it must still be waiting
				s.wait(t).expect(t, 130, "interrupted; nothing was stored")
			} else {
				s.wait(t).expect(t, tc.code, tc.msg)
			}
			if _, ok := h.record("default"); ok {
				t.Error("a rejected callback stored a record")
			}
			if n := h.emu.TokenRequests(); n != 0 {
				t.Errorf("a rejected callback reached the token endpoint %d times", n)
			}
		})
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

package e2e

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/testsys"
)

// --jq against real output: a stored login's JSON and an API response.
func TestJQ(t *testing.T) {
	h := newHarness(t, emulator.Ziina, emulator.Options{})
	h.setupClient()
	h.mustRun("", "login", "ziina", "--scope", "read_account+offline_access")

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"api", "ziina", "/account", "--jq", ".display_name"}, "Emulated Shop\n"},
		{[]string{"status", "--jq", `.[] | "\(.provider)/\(.profile) \(.refreshable)"`}, "ziina/default true\n"},
		{[]string{"token", "ziina", "--jq", ".scopes"}, `["read_account","offline_access"]` + "\n"},
		{[]string{"inspect", "ziina", "--jq", ".expired"}, "false\n"},
		{[]string{"client", "show", "ziina", "--jq", "[.secret_stored, .secret_source]"}, `[true,"keychain"]` + "\n"},
	} {
		if r := h.mustRun("", tc.args...); r.stdout != tc.want {
			t.Errorf("%v: stdout %q, want %q", tc.args, r.stdout, tc.want)
		}
	}
	// A failing expression does not show the token it failed on.
	token := strings.TrimSpace(h.mustRun("", "token", "ziina").stdout)
	for _, args := range [][]string{
		{"token", "ziina", "--jq", ".access_token.x"},
		{"token", "ziina", "--jq", ".access_token | error"},
		{"inspect", "ziina", "--show-token", "--jq", ". - 1"},
	} {
		r := h.run("", args...)
		r.expect(t, 2, "zauth "+args[0]+": --jq")
		if len(token) < 16 || strings.Contains(r.stderr, token[:8]) {
			t.Errorf("%v: the token shows in the error: %s", args, r.stderr)
		}
	}

	// A broken expression is refused before the request is sent: the API
	// host is unreachable, which would be exit 4 had zauth tried it.
	h.setenv("ZAUTH_ZIINA_API_URL=http://127.0.0.1:" + strconv.Itoa(testsys.FreePort(t)) + "/api")
	r := h.run("", "api", "ziina", "-X", "POST", "/payment_intent", "-d", `{"amount":1}`, "--jq", ".id |")
	r.expect(t, 2, `zauth api: --jq ".id |": unexpected EOF`)
	if r.stdout != "" {
		t.Errorf("stdout %q", r.stdout)
	}
	// A body that is not JSON cannot be filtered: said so, exit 4.
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "hello\n")
	}))
	defer plain.Close()
	h.setenv("ZAUTH_ZIINA_API_URL=" + plain.URL)
	h.run("", "api", "ziina", "/hello", "--jq", ".").expect(t, 4, "the response is not JSON, so --jq cannot filter it")
}

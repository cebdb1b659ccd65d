package cmd

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/zauth-cli/zauth/internal/emulator"
	"github.com/zauth-cli/zauth/internal/jq"
	"github.com/zauth-cli/zauth/internal/testsys"
)

// answering returns a transport whose every answer is 200 with body as
// JSON.
func answering(body string) *http.Client {
	return &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})}
}

// apiScreen runs api with its output on a pseudo-terminal, the provider
// answering body, and returns what reached the screen.
func apiScreen(t *testing.T, f *fixture, body string, opts func(*App) *apiOptions) string {
	t.Helper()
	ptmx, tty := testsys.OpenPTY(t)
	app, _, _ := f.runApp("")
	app.Out, app.HTTP = tty, answering(body)
	if err := runAPI(context.Background(), opts(app)); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	screen, _ := io.ReadAll(ptmx) // ends with EIO once the terminal side is closed
	return string(screen)
}

// TestRunAPIBodyOnTerminal: a provider's answer printed on a terminal
// cannot drive it (clear the screen, retitle the window, hide text with a
// carriage return); piped, the body passes byte for byte.
func TestRunAPIBodyOnTerminal(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account")
	const hostile = "{\"name\":\"ok\x1b[2J\x1b]0;pwned\x07\"}\r\n"
	opts := func(app *App) *apiOptions {
		return &apiOptions{App: app, Provider: "ziina", Profile: "default", Path: "/account", Header: map[string][]string{}}
	}

	if screen := apiScreen(t, f, hostile, opts); strings.ContainsAny(screen, "\x1b\x07") || !strings.Contains(screen, `"name":"ok`) {
		t.Errorf("on a terminal: %q", screen)
	}

	app, out, _ := f.runApp("")
	app.HTTP = answering(hostile)
	if err := runAPI(context.Background(), opts(app)); err != nil || out.String() != hostile {
		t.Errorf("piped: %v %q", err, out)
	}
}

// TestRunAPIJQOnTerminal: --jq prints a string result raw, so a
// provider's string reaches the terminal as it is unless cleaned there
// too; piped, it passes unchanged, as jq -r would print it.
func TestRunAPIJQOnTerminal(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account")
	const hostile = `{"name":"ok\u001b[2J\u001b]0;pwned\u0007\r\u009b31m\u202e"}`
	prog, err := jq.Compile(".name, .")
	if err != nil {
		t.Fatal(err)
	}
	opts := func(app *App) *apiOptions {
		return &apiOptions{App: app, Provider: "ziina", Profile: "default", Path: "/account", Header: map[string][]string{},
			JQ: &jqOut{Writer: app.Out, cmd: &cobra.Command{Use: "api"}, prog: prog}}
	}

	if screen := apiScreen(t, f, hostile, opts); strings.ContainsAny(screen, "\x1b\x07\u009b\u202e") || !strings.Contains(screen, "ok") {
		t.Errorf("on a terminal: %q", screen)
	}

	app, out, _ := f.runApp("")
	app.HTTP = answering(hostile)
	if err := runAPI(context.Background(), opts(app)); err != nil || !strings.HasPrefix(out.String(), "ok\x1b[2J\x1b]0;pwned\x07\r\u009b31m\u202e\n") {
		t.Errorf("piped: %v %q", err, out)
	}
}

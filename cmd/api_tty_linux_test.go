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

// TestRunAPIBodyOnTerminal: a provider's answer printed on a terminal
// cannot drive it (clear the screen, retitle the window, hide text with a
// carriage return); piped, the body passes byte for byte.
func TestRunAPIBodyOnTerminal(t *testing.T) {
	f := newFixture(t, emulator.Ziina)
	f.login("--scope", "read_account")
	const hostile = "{\"name\":\"ok\x1b[2J\x1b]0;pwned\x07\"}\r\n"
	answer := func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(hostile)), Request: r}, nil
	}
	opts := func(app *App) *apiOptions {
		return &apiOptions{App: app, Provider: "ziina", Profile: "default", Path: "/account", Header: map[string][]string{}}
	}

	ptmx, tty := testsys.OpenPTY(t)
	app, _, _ := f.runApp("")
	app.Out, app.HTTP = tty, &http.Client{Transport: roundTrip(answer)}
	if err := runAPI(context.Background(), opts(app)); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	screen, _ := io.ReadAll(ptmx) // ends with EIO once the terminal side is closed
	if strings.ContainsAny(string(screen), "\x1b\x07") || !strings.Contains(string(screen), `"name":"ok`) {
		t.Errorf("on a terminal: %q", screen)
	}

	app, out, _ := f.runApp("")
	app.HTTP = &http.Client{Transport: roundTrip(answer)}
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
	answer := func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Status: "200 OK", Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(hostile)), Request: r}, nil
	}
	prog, err := jq.Compile(".name, .")
	if err != nil {
		t.Fatal(err)
	}
	opts := func(app *App) *apiOptions {
		return &apiOptions{App: app, Provider: "ziina", Profile: "default", Path: "/account", Header: map[string][]string{},
			JQ: &jqOut{Writer: app.Out, cmd: &cobra.Command{Use: "api"}, prog: prog}}
	}

	ptmx, tty := testsys.OpenPTY(t)
	app, _, _ := f.runApp("")
	app.Out, app.HTTP = tty, &http.Client{Transport: roundTrip(answer)}
	if err := runAPI(context.Background(), opts(app)); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	screen, _ := io.ReadAll(ptmx)
	if strings.ContainsAny(string(screen), "\x1b\x07\u009b\u202e") || !strings.Contains(string(screen), "ok") {
		t.Errorf("on a terminal: %q", screen)
	}

	app, out, _ := f.runApp("")
	app.HTTP = &http.Client{Transport: roundTrip(answer)}
	if err := runAPI(context.Background(), opts(app)); err != nil || !strings.HasPrefix(out.String(), "ok\x1b[2J\x1b]0;pwned\x07\r\u009b31m\u202e\n") {
		t.Errorf("piped: %v %q", err, out)
	}
}

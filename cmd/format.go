package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/jq"
	"github.com/zauth-cli/zauth/internal/textsafe"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// summary is the one-line, token-free description of a login. The scopes
// come from the provider: cleaned for the terminal.
func summary(r *tokenstore.Record, now time.Time) string {
	scopes := "no scopes reported"
	if len(r.Scopes) > 0 {
		scopes = "scopes " + textsafe.Line(strings.Join(r.Scopes, " "))
	}
	refresh := "not refreshable"
	if r.Refreshable() {
		refresh = "refreshable"
	}
	return fmt.Sprintf("%s; %s; %s", scopes, expiresText(r.Expiry, now), refresh)
}

// asAccount is " as <account>" when the login knows its account.
func asAccount(r *tokenstore.Record) string {
	if r.Account == "" {
		return ""
	}
	return " as " + textsafe.Line(r.Account)
}

// expiresText says when a token expires, relative to now.
func expiresText(exp, now time.Time) string {
	if exp.IsZero() {
		return "expiry unknown"
	}
	d := exp.Sub(now)
	if d <= 0 {
		return "expired " + human(-d) + " ago"
	}
	return "expires in " + human(d)
}

// human renders a duration the way people say it: 59m, 3h12m, 2d4h.
func human(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}

// writeJSON prints a command's JSON document, or under --jq what the
// expression makes of it.
func writeJSON(w io.Writer, v any) error {
	if j, ok := w.(*jqOut); ok {
		return runJQ(j.cmd, j.prog, j.Writer, v)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// jqOut stands in for App.Out while --jq is given: writeJSON sends its
// document through the program; anything else written passes unchanged.
type jqOut struct {
	io.Writer
	cmd  *cobra.Command
	prog *jq.Program
}

// compileJQ compiles c's --jq expression: nil when none was given, a
// usage error naming the expression when it does not compile.
func compileJQ(c *cobra.Command) (*jq.Program, error) {
	if !c.Flags().Changed("jq") {
		return nil, nil
	}
	expr, _ := c.Flags().GetString("jq")
	prog, err := jq.Compile(expr)
	if err != nil {
		return nil, exitcode.Newf(exitcode.Usage, "%s: %v", c.CommandPath(), err)
	}
	return prog, nil
}

// runJQ writes what prog makes of v; the expression's faults are usage
// errors (exit 2) that name it.
func runJQ(c *cobra.Command, prog *jq.Program, w io.Writer, v any) error {
	ctx := c.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	if isTerminal(w) { // strings print raw, and may be a provider's
		w = terminalText{w}
	}
	err := prog.Write(ctx, w, v)
	var jqErr *jq.Error
	if errors.As(err, &jqErr) {
		return exitcode.Newf(exitcode.Usage, "%s: %v", c.CommandPath(), jqErr)
	}
	return err
}

// terminalText writes to a terminal what cannot drive it (see
// textsafe.Text): Program.Write gives it one whole line at a time.
type terminalText struct{ io.Writer }

func (t terminalText) Write(b []byte) (int, error) {
	if _, err := io.WriteString(t.Writer, textsafe.Text(string(b))); err != nil {
		return 0, err
	}
	return len(b), nil
}

// addJQ gives --jq to every command below c that prints JSON: one with a
// --json flag, or a --format flag offering json (token). NewRootCmd calls
// it on the finished tree, so a command gets --jq by having --json.
func addJQ(app *App, c *cobra.Command) {
	for _, sub := range c.Commands() {
		addJQ(app, sub)
	}
	f := c.Flags()
	format := f.Lookup("format")
	if f.Lookup("jq") != nil { // has its own (api)
		return
	}
	if f.Lookup("json") == nil && (format == nil || !strings.Contains(format.Usage, "json")) {
		return
	}
	implies := "--json"
	if f.Lookup("json") == nil {
		implies = "--format json"
	}
	f.String("jq", "", "filter the JSON output with a jq `expression` (implies "+implies+"); strings print raw")
	_ = c.RegisterFlagCompletionFunc("jq", cobra.NoFileCompletions)
	pre, prePlain := c.PreRunE, c.PreRun
	c.PreRun = nil
	c.PreRunE = func(c *cobra.Command, args []string) error {
		if err := useJQ(app, c); err != nil {
			return err
		}
		if pre != nil {
			return pre(c, args)
		}
		if prePlain != nil {
			prePlain(c, args)
		}
		return nil
	}
}

// useJQ compiles --jq, turns JSON output on and routes writeJSON through
// the program.
func useJQ(app *App, c *cobra.Command) error {
	f := c.Flags()
	prog, err := compileJQ(c)
	if prog == nil {
		return err
	}
	on, want := f.Lookup("json"), "true"
	if on == nil {
		on, want = f.Lookup("format"), "json"
	}
	if f.Changed(on.Name) && on.Value.String() != want {
		return exitcode.Newf(exitcode.Usage, "%s: give --jq or --%s=%s, not both (--jq filters the JSON output)", c.CommandPath(), on.Name, on.Value)
	}
	if err := on.Value.Set(want); err != nil {
		return err
	}
	app.Out = &jqOut{Writer: app.Out, cmd: c, prog: prog}
	return nil
}

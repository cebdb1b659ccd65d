package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/zauth-cli/zauth/pkg/textsafe"
	"github.com/zauth-cli/zauth/pkg/tokenstore"
)

// summary is the one-line, token-free description of a login. The scopes
// come from the provider: cleaned for the terminal.
func summary(r *tokenstore.Record) string {
	scopes := "no scopes reported"
	if len(r.Scopes) > 0 {
		scopes = "scopes " + textsafe.Line(strings.Join(r.Scopes, " "))
	}
	refresh := "not refreshable"
	if r.Refreshable() {
		refresh = "refreshable"
	}
	return fmt.Sprintf("%s; %s; %s", scopes, expiresText(r.Expiry, time.Now()), refresh)
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

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

package cmd

import (
	"errors"
	"fmt"
	"strings"

	"github.com/zauth-cli/zauth/internal/config"
	"github.com/zauth-cli/zauth/internal/exitcode"
	"github.com/zauth-cli/zauth/internal/keychain"
	"github.com/zauth-cli/zauth/internal/oauth"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/session"
	"github.com/zauth-cli/zauth/internal/textsafe"
	"github.com/zauth-cli/zauth/internal/tokenstore"
)

// The one place where errors meet the command line: internal/ returns errors
// that carry an exit code (internal/exitcode) and the facts (which provider,
// which profile, what state); here they get the code the process exits
// with and the hint naming the command, flag or variable to use next.

// exitCode is the code err calls for: the one internal/ classified it with, or
// 1 (unexpected). Usage errors are classified where they are found,
// cobra's included (usage.go).
func exitCode(err error) int { return exitcode.Code(err) }

// hint is the next step for err, naming zauth's commands, flags and
// environment variables; "" when there is none to give. p is the provider
// the command talked to, if any: provider errors do not name it.
func hint(err error, p *provider.Provider) string {
	var (
		login    *session.LoginRequiredError
		apiKey   *session.MissingAPIKeyError
		noScopes *session.NoScopesError
		browser  *session.BrowserTimeoutError
		corrupt  *tokenstore.CorruptError
		index    *tokenstore.IndexError
		state    *keychain.StateError
		clientID *config.MissingClientIDError
		secret   *session.MissingSecretError
		unknown  *config.UnknownProviderError
		tokenErr *oauth.TokenError
	)
	switch {
	case errors.As(err, &login):
		return "run " + loginCommand(login.Provider, login.Profile, login.RedirectURI, login.Record)
	case errors.As(err, &corrupt) && corrupt.Provider != "":
		return fmt.Sprintf("remove it with `zauth logout %s --profile %s`, then %s",
			corrupt.Provider, corrupt.Profile, loginCommand(corrupt.Provider, corrupt.Profile, "", nil))
	case errors.As(err, &browser):
		return "run the login again (raise --timeout if you need longer)"
	case errors.As(err, &index):
		if index.Deleted {
			return "the login is removed; once the directory is writable again (free space, permissions), the next zauth command rebuilds the index"
		}
		return "`zauth token` works meanwhile; once the directory is writable again (free space, permissions), the next zauth command rebuilds the index"
	case errors.As(err, &state):
		switch state.State {
		case keychain.Locked:
			return "unlock it and retry (log in to the desktop session, or unlock the keyring in Seahorse or KeePassXC; " +
				"headless: `gnome-keyring-daemon --unlock`, password on stdin; macOS: `security unlock-keychain`)"
		case keychain.TimedOut:
			return "unlock it and retry, or raise ZAUTH_KEYRING_TIMEOUT"
		}
		return "on Linux zauth needs a Secret Service (gnome-keyring or KeePassXC) on the D-Bus session bus; " +
			"on a headless host, SSH or WSL without one, pass --insecure-storage (or set ZAUTH_STORAGE=file) " +
			"to keep tokens in a 0600 file instead"
	case errors.As(err, &clientID):
		p := clientID.Provider // the one without a client id
		return "run " + clientSetCommand(p) + ", or set " + config.EnvName(p.Name, config.KeyClientID)
	case errors.As(err, &secret):
		return fmt.Sprintf("run `zauth client set %s --client-id %s --secret-stdin`, or set %s",
			secret.Provider, secret.ClientID, config.EnvName(secret.Provider, tokenstore.ClientSecret))
	case errors.As(err, &apiKey):
		return fmt.Sprintf("store it with `zauth client set %s --client-id ID --api-key-stdin`, or set %s",
			apiKey.Provider, config.EnvName(apiKey.Provider, tokenstore.APIKey))
	case errors.As(err, &noScopes):
		n := noScopes.Provider
		return fmt.Sprintf("pass --scope (see `zauth scopes %s`), or set default scopes for %s in the config file; "+
			"a provider that needs no scope takes an explicit empty one: `zauth login %s --scope ''`", n, n, n)
	case errors.As(err, &unknown):
		return "define one with `zauth providers add NAME --issuer URL`"
	case errors.As(err, &tokenErr) && (tokenErr.Code == "invalid_client" || tokenErr.Code == "unauthorized_client"):
		if p != nil {
			return "check the client id and " + p.SecretName + " (`zauth client show " + p.Name + "`)"
		}
		return "check the client id and secret (`zauth client show PROVIDER`)"
	}
	return ""
}

// errorText is err's one-line message with its hint. A hint that internal/
// already put into the message is not repeated.
func errorText(err error, p *provider.Provider) string {
	msg := err.Error()
	if h := hint(err, p); h != "" && !strings.Contains(msg, h) {
		msg += "; " + h
	}
	return textsafe.Line(msg)
}

// clientSetCommand is the command that sets up p's client, in backquotes:
// with --secret-stdin unless the client has no secret.
func clientSetCommand(p *provider.Provider) string {
	switch {
	case p.ClientAuth == provider.AuthNone: // a public client has no secret
		return fmt.Sprintf("`zauth client set %s --client-id ID`", p.Name)
	case p.PublicWithoutSecret:
		return fmt.Sprintf("`zauth client set %s --client-id ID` (add --secret-stdin if the client has a secret)", p.Name)
	}
	return fmt.Sprintf("`zauth client set %s --client-id ID --secret-stdin`", p.Name)
}

// loginCommand is the command that reproduces a login: provider, profile,
// the scopes it asked for, and its redirect URI when it was not the
// configured one (as --port when only the port differs). r may be nil.
func loginCommand(name, profile, redirectURI string, r *tokenstore.Record) string {
	args := []string{"zauth", "login", name}
	if profile != "" && profile != "default" {
		args = append(args, "--profile", profile)
	}
	if r != nil {
		switch scopes := r.RequestedScopes; {
		case len(scopes) > 0:
			args = append(args, "--scope", shellQuote(textsafe.Line(strings.Join(scopes, ","))))
		case scopes != nil:
			args = append(args, "--scope", "''")
		}
		if r.RedirectURI != "" && r.RedirectURI != redirectURI {
			if port, ok := onlyPortDiffers(r.RedirectURI, redirectURI); ok {
				args = append(args, "--port", port)
			} else {
				args = append(args, "--redirect-uri", shellQuote(textsafe.Line(r.RedirectURI)))
			}
		}
	}
	return "`" + strings.Join(args, " ") + "`"
}

// onlyPortDiffers returns a's port when a and b differ in it alone.
func onlyPortDiffers(a, b string) (string, bool) {
	ha, pa, ra, ok1 := splitHostPort(a)
	hb, _, rb, ok2 := splitHostPort(b)
	return pa, ok1 && ok2 && ha == hb && ra == rb
}

func splitHostPort(u string) (host, port, rest string, ok bool) {
	s, found := strings.CutPrefix(u, "http://")
	if !found {
		return "", "", "", false
	}
	hostport, path, _ := strings.Cut(s, "/")
	i := strings.LastIndexByte(hostport, ':')
	if i < 0 {
		return "", "", "", false
	}
	return hostport[:i], hostport[i+1:], path, true
}

// shellQuote quotes s for a POSIX shell unless it is plainly safe: in
// single quotes, a quote inside closed, escaped and reopened. ~ is never
// left bare, since a shell expands it after : or = in an assignment (eval
// of token --format env), nor is a leading = (zsh expands =cmd).
func shellQuote(s string) string {
	if s != "" && s[0] != '=' && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/+=@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package session

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zauth-cli/zauth/pkg/jwt"
	"github.com/zauth-cli/zauth/pkg/provider"
	"github.com/zauth-cli/zauth/pkg/textsafe"
	"github.com/zauth-cli/zauth/pkg/tokenstore"
)

// accountTimeout bounds the account lookup of a login: it is a courtesy,
// and the login has already succeeded.
const accountTimeout = 5 * time.Second

// oidcClaims name an OpenID Connect account, most readable first.
var oidcClaims = []string{"preferred_username", "email", "name", "sub"}

// account names who a new login belongs to, when the provider tells
// cheaply: the provider's account API call when its scope was granted,
// else an OpenID ID token's claims, else the userinfo endpoint when openid
// was granted. It never fails: "" when nothing said.
func (e *Env) account(ctx context.Context, p *provider.Provider, r *tokenstore.Record, idToken, apiKey string) string {
	ctx, cancel := context.WithTimeout(ctx, accountTimeout)
	defer cancel()
	get := func(url, key, origin string) map[string]any {
		if p.UsesAPIKey && key == "" && origin != "" {
			return nil
		}
		v, err := e.getJSON(ctx, p, url, r, key, origin)
		if err != nil {
			return nil
		}
		m, _ := v.(map[string]any)
		return m
	}
	switch {
	case p.Account != nil:
		if (p.Account.Scope != "" && !slices.Contains(r.Scopes, p.Account.Scope)) || p.APIURL == "" {
			return ""
		}
		url := strings.TrimSuffix(p.APIURL, "/") + p.Account.Path
		return firstField(get(url, apiKey, p.APIURL), p.Account.Fields)
	case idToken != "":
		if d, ok := jwt.Decode(idToken); ok {
			return firstField(d.Claims, oidcClaims)
		}
	case p.UserinfoURL != "" && slices.Contains(r.Scopes, provider.OpenIDScope):
		return firstField(get(p.UserinfoURL, "", ""), oidcClaims)
	}
	return ""
}

// firstField returns the first of the dotted paths that holds a non-empty
// string or a number in m, cleaned for the terminal and bounded.
func firstField(m map[string]any, fields []string) string {
	for _, f := range fields {
		var v any = m
		for _, k := range strings.Split(f, ".") {
			obj, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = obj[k]
		}
		var s string
		switch x := v.(type) {
		case string:
			s = x
		case float64:
			s = fmt.Sprint(x)
		}
		if s = textsafe.Short(textsafe.Line(s), 80); strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// LoginCommand is the command that reproduces a login: provider, profile,
// the scopes it asked for, and its redirect URI when it was not the
// configured one (as --port when only the port differs). r may be nil.
func LoginCommand(t Target, r *tokenstore.Record) string {
	args := []string{"zauth", "login", t.Provider.Name}
	if t.Profile != "" && t.Profile != "default" {
		args = append(args, "--profile", t.Profile)
	}
	if r != nil {
		switch scopes := r.RequestedScopes; {
		case len(scopes) > 0:
			args = append(args, "--scope", shellWord(strings.Join(scopes, ",")))
		case scopes != nil:
			args = append(args, "--scope", "''")
		}
		if r.RedirectURI != "" && r.RedirectURI != t.RedirectURI {
			if port, ok := onlyPortDiffers(r.RedirectURI, t.RedirectURI); ok {
				args = append(args, "--port", port)
			} else {
				args = append(args, "--redirect-uri", shellWord(r.RedirectURI))
			}
		}
	}
	return "`" + strings.Join(args, " ") + "`"
}

// LoginHint is the hint of every "log in again" error.
func LoginHint(t Target, r *tokenstore.Record) string { return "run " + LoginCommand(t, r) }

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

// shellWord quotes s for a shell unless it is plainly safe.
func shellWord(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.,:/+=@", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(textsafe.Line(s), "'", `'\''`) + "'"
}

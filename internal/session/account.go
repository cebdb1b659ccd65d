package session

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/zauth-cli/zauth/internal/jwt"
	"github.com/zauth-cli/zauth/internal/provider"
	"github.com/zauth-cli/zauth/internal/textsafe"
	"github.com/zauth-cli/zauth/internal/tokenstore"
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

package oauth

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/zauth-cli/zauth/internal/provider"
)

// secretParams are the request parameters that carry a secret.
var secretParams = []string{"client_secret", "code", "code_verifier", "refresh_token", "token"}

// sentSecrets lists the secrets a request to an endpoint carries, in each
// form a server that echoes the request might repeat them: as sent, form-
// and JSON-encoded, and the Basic credentials.
func sentSecrets(p *provider.Provider, c Client, params [][2]string) []string {
	values := []string{c.Secret}
	for _, kv := range params {
		if slices.Contains(secretParams, kv[0]) {
			values = append(values, kv[1])
		}
	}
	var out []string
	for _, v := range values {
		if v == "" {
			continue
		}
		j, _ := json.Marshal(v)
		out = append(out, v, url.QueryEscape(v), url.PathEscape(v), strings.Trim(string(j), `"`))
	}
	if p.ClientAuth == provider.AuthBasic && c.Secret != "" {
		out = append(out, base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.basicUser())+":"+url.QueryEscape(c.Secret))))
	}
	// Longest first, so a secret that contains another is replaced whole.
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}

// Redact replaces every secret in s. A short secret is replaced only where
// it stands alone (not inside a word): "s" is a secret worth hiding in
// "client_secret=s&", not in "request".
func Redact(s string, secrets []string) string {
	for _, v := range secrets {
		if v == "" {
			continue
		}
		if len(v) >= 8 {
			s = strings.ReplaceAll(s, v, "[REDACTED]")
			continue
		}
		var b strings.Builder
		for {
			i := strings.Index(s, v)
			if i < 0 {
				break
			}
			end := i + len(v)
			b.WriteString(s[:i])
			if (i == 0 || !isWordByte(s[i-1])) && (end == len(s) || !isWordByte(s[end])) {
				b.WriteString("[REDACTED]")
			} else {
				b.WriteString(v)
			}
			s = s[end:]
		}
		s = b.String() + s
	}
	return s
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c >= 0x80
}

package config

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/zauth-cli/zauth/internal/loopback"
	"github.com/zauth-cli/zauth/internal/provider"
)

// Problem is a configuration mistake zauth can name: an unknown key (with
// the closest valid one) or a value it cannot use.
type Problem struct {
	Key     string // "ziina.clientid" or "ZAUTH_HTTP_TIMEOUT"
	Message string // one line, ready to print
}

// endpointKeys are the per-provider keys that hold URLs, besides the
// KeyXXX constants: overrides of discovered endpoints.
var endpointKeys = []string{"revocation_url", "introspection_url", "userinfo_url"}

// ProviderKeys lists every key of a provider section (ziina:, zbd:, or a
// custom provider's section).
func ProviderKeys() []string {
	return append([]string{KeyClientID, KeyUsername, KeyRedirectURI, KeyIssuer, KeyAuthURL, KeyTokenURL, KeyAPIURL, KeyScopes}, endpointKeys...)
}

// Problems checks the config file's keys and values and the values of
// zauth's environment variables. It reads nothing but what Load read.
func (c *Config) Problems() []Problem {
	var out []Problem
	names := c.ProviderNames()
	for _, key := range c.fileKeys {
		section, rest, _ := strings.Cut(key, ".")
		switch {
		case section == "providers":
			name, field, _ := strings.Cut(rest, ".")
			if field, _, _ = strings.Cut(field, "."); field != "" && !slices.Contains(provider.DefinitionKeys(), field) {
				out = append(out, unknown(key, "providers."+name+".", field, provider.DefinitionKeys()))
			}
		case !slices.Contains(names, section):
			out = append(out, unknown(key, "", section, append(names, "providers")))
		default:
			field, _, _ := strings.Cut(rest, ".")
			if !slices.Contains(ProviderKeys(), field) {
				out = append(out, unknown(key, section+".", field, ProviderKeys()))
				continue
			}
			out = append(out, c.checkValue(section, field)...)
		}
	}
	for _, e := range EnvVars {
		if v := os.Getenv(e.Name); v != "" && e.Valid != nil && !e.Valid(v) {
			out = append(out, Problem{Key: e.Name, Message: fmt.Sprintf("%s=%q is not a valid value (%s)", e.Name, v, e.Want)})
		}
	}
	return out
}

// checkValue checks one per-provider value from the config file.
func (c *Config) checkValue(section, field string) []Problem {
	v := c.get(section, field)
	var err error
	switch {
	case v == "" || field == KeyScopes || field == KeyClientID || field == KeyUsername:
		return nil
	case field == KeyRedirectURI:
		err = loopback.CheckRedirectURI(v)
	default:
		err = provider.CheckEndpoint(v)
	}
	if err != nil {
		return []Problem{{Key: section + "." + field, Message: fmt.Sprintf("%s.%s: %v", section, field, err)}}
	}
	return nil
}

func unknown(key, prefix, field string, valid []string) Problem {
	msg := fmt.Sprintf("unknown key %s in the config file", key)
	if s := closest(field, valid); s != "" {
		msg += fmt.Sprintf("; did you mean %s%s?", prefix, s)
	}
	return Problem{Key: key, Message: msg}
}

// closest returns the valid name nearest to s, if it is near enough to be
// a likely typo (clientid, client-id, cleint_id).
func closest(s string, valid []string) string {
	best, bestD := "", len(s)/2+2
	norm := func(x string) string { return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(x)) }
	for _, v := range valid {
		d := provider.EditDistance(norm(s), norm(v))
		if d < bestD {
			best, bestD = v, d
		}
	}
	return best
}

package config

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

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

// Durations and choices zauth reads from the environment.
var envChecks = map[string]func(string) bool{
	"ZAUTH_HTTP_TIMEOUT":    positiveDuration,
	"ZAUTH_KEYRING_TIMEOUT": positiveDuration,
	"ZAUTH_STORAGE":         func(v string) bool { return v == "file" || v == "keychain" },
	"ZAUTH_DEBUG":           func(v string) bool { return v == "0" || v == "1" },
}

func positiveDuration(v string) bool {
	d, err := time.ParseDuration(v)
	return err == nil && d > 0
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
	envNames := slices.Sorted(func(yield func(string) bool) {
		for k := range envChecks {
			if !yield(k) {
				return
			}
		}
	})
	for _, name := range envNames {
		if v, set := os.LookupEnv(name); set && v != "" && !envChecks[name](v) {
			out = append(out, Problem{Key: name, Message: fmt.Sprintf("%s=%q is not a valid value (%s)", name, v, envHelp[name])})
		}
	}
	return out
}

var envHelp = map[string]string{
	"ZAUTH_HTTP_TIMEOUT":    "a duration such as 30s; the default 30s is used",
	"ZAUTH_KEYRING_TIMEOUT": "a duration such as 20s; the default 20s is used",
	"ZAUTH_STORAGE":         `"file" or "keychain"`,
	"ZAUTH_DEBUG":           `"1" or "0"`,
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

// UnknownEnv lists ZAUTH_ variables in the environment that zauth does not
// read: likely misspellings.
func UnknownEnv() []string {
	known := map[string]bool{"ZAUTH_CONFIG": true, "ZAUTH_KEYRING_SERVICE": true, "ZAUTH_PROFILE": true, "ZAUTH_ACCESS_TOKEN": true}
	for k := range envChecks {
		known[k] = true
	}
	keys := append(ProviderKeys(), "client_secret", "api_key")
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		rest, ok := strings.CutPrefix(name, "ZAUTH_")
		if !ok || known[name] {
			continue
		}
		if perProvider(strings.ToLower(rest), keys) {
			continue
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// perProvider reports whether rest is <provider>_<key> for some key; any
// provider name is allowed (custom providers are named by the user).
func perProvider(rest string, keys []string) bool {
	for _, k := range keys {
		if p, ok := strings.CutSuffix(rest, "_"+k); ok && p != "" {
			return true
		}
	}
	return false
}

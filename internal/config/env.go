package config

import (
	"os"
	"slices"
	"strings"
	"time"
)

// EnvVar is one of zauth's environment variables: the one table that the
// man page, the config check (Problems, UnknownEnv) and the scrubbing of
// child processes' environments (childproc) read.
type EnvVar struct {
	// Name is the variable's name, or a pattern in which <PROVIDER>
	// stands for any provider name and <KEY> for any key of ProviderKeys.
	Name    string
	Meaning string // one line, for the man page
	// Secret marks credentials never passed on to a command zauth runs
	// (exec's command, the browser opener): zauth's own, and the token
	// zauth exec gave the command that ran this zauth (exec sets its own).
	Secret bool
	Valid  func(string) bool // nil: any value
	Want   string            // what Valid accepts, for the message
}

// EnvVars are the variables zauth reads (and ZAUTH_ACCESS_TOKEN, which it
// sets), in the order the man page lists them.
var EnvVars = []EnvVar{
	{Name: "ZAUTH_CONFIG", Meaning: "the config file to use instead of the default"},
	{Name: "ZAUTH_<PROVIDER>_<KEY>", Meaning: "a provider setting (" + strings.Join(ProviderKeys(), ", ") +
		"), for example ZAUTH_ZIINA_CLIENT_ID; overrides the config file"},
	{Name: "ZAUTH_<PROVIDER>_CLIENT_SECRET", Meaning: "the client secret (Ziina: the password), instead of the one in the keychain", Secret: true},
	{Name: "ZAUTH_<PROVIDER>_API_KEY", Meaning: "the project API key of a provider whose API wants one (ZBD: ZAUTH_ZBD_API_KEY), instead of the one in the keychain", Secret: true},
	{Name: "ZAUTH_PROFILE", Meaning: `the profile used when --profile is not given, instead of "default"`},
	{Name: "ZAUTH_STORAGE", Meaning: "file keeps tokens in an unencrypted 0600 file instead of the keychain (as --insecure-storage)",
		Valid: func(v string) bool { return v == "file" || v == "keychain" }, Want: `"file" or "keychain"`},
	{Name: "ZAUTH_HTTP_TIMEOUT", Meaning: "bound on each request to a provider (default 30s)",
		Valid: positiveDuration, Want: "a duration such as 30s; the default 30s is used"},
	{Name: "ZAUTH_KEYRING_TIMEOUT", Meaning: "bound on each keychain call (default 20s)",
		Valid: positiveDuration, Want: "a duration such as 20s; the default 20s is used"},
	{Name: "ZAUTH_KEYRING_SERVICE", Meaning: "the keychain service name items are kept under (default zauth)"},
	{Name: "ZAUTH_DEBUG", Meaning: "1 traces provider HTTP exchanges, secrets redacted (as --verbose)",
		Valid: func(v string) bool { return v == "0" || v == "1" }, Want: `"1" or "0"`},
	{Name: "ZAUTH_ACCESS_TOKEN", Meaning: "set by zauth exec for the command it runs: the access token; zauth itself does not read it, nor pass it on", Secret: true},
}

// HTTPTimeout bounds each request to a provider: ZAUTH_HTTP_TIMEOUT, else
// 30 seconds (an invalid value is one of Problems).
func HTTPTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("ZAUTH_HTTP_TIMEOUT")); err == nil && d > 0 {
		return d
	}
	return 30 * time.Second
}

func positiveDuration(v string) bool {
	d, err := time.ParseDuration(v)
	return err == nil && d > 0
}

// Matches reports whether name is this variable, or fits its pattern.
// Names are compared case-insensitively: Windows environments are.
func (e EnvVar) Matches(name string) bool {
	name = strings.ToUpper(name)
	before, after, pattern := strings.Cut(e.Name, "<PROVIDER>")
	if !pattern {
		return name == e.Name
	}
	rest, ok := strings.CutPrefix(name, before)
	if !ok {
		return false
	}
	suffixes := []string{after}
	if after == "_<KEY>" {
		suffixes = suffixes[:0]
		for _, k := range ProviderKeys() {
			suffixes = append(suffixes, "_"+strings.ToUpper(k))
		}
	}
	return slices.ContainsFunc(suffixes, func(s string) bool { return len(rest) > len(s) && strings.HasSuffix(rest, s) })
}

// LookupEnvVar returns the table's entry for a variable name.
func LookupEnvVar(name string) (EnvVar, bool) {
	i := slices.IndexFunc(EnvVars, func(e EnvVar) bool { return e.Matches(name) })
	if i < 0 {
		return EnvVar{}, false
	}
	return EnvVars[i], true
}

// SecretEnv reports whether a variable holds one of zauth's own secrets.
func SecretEnv(name string) bool {
	// Every entry, not the first match: ZAUTH_X_API_KEY fits the
	// <PROVIDER>_<KEY> pattern of a provider named "x_api" too.
	return slices.ContainsFunc(EnvVars, func(e EnvVar) bool { return e.Secret && e.Matches(name) })
}

// UnknownEnv lists ZAUTH_ variables in the environment that zauth does not
// read: likely misspellings.
func UnknownEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if _, known := LookupEnvVar(name); strings.HasPrefix(name, "ZAUTH_") && !known {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

package provider

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func acme(extra map[string]any) map[string]any {
	def := map[string]any{"auth_url": "https://a.example/auth", "token_url": "https://a.example/token"}
	for k, v := range extra {
		def[k] = v
	}
	return def
}

// TestEnumTypos: a misspelt quirk value is refused when the definition is
// read, naming the key, the value and the valid values, instead of
// silently meaning the default (a typo in api_auth used to mean bearer).
func TestEnumTypos(t *testing.T) {
	for _, c := range []struct {
		key, value string
		want       []string
	}{
		{"api_auth", "usertokn", []string{`api_auth "usertokn"`, "bearer or usertoken", `did you mean "usertoken"`}},
		{"pkce", "S256x", []string{`pkce "S256x"`, "required, s256 or off"}},
		{"client_auth", "magic", []string{`client_auth "magic"`, "basic, post or none"}},
		{"token_body", "xml", []string{`token_body "xml"`, "form or json"}},
	} {
		_, err := FromDefinition("acme", acme(map[string]any{c.key: c.value}))
		if err == nil {
			t.Errorf("%s: %s accepted", c.key, c.value)
			continue
		}
		msg := err.Error()
		for _, w := range append(c.want, "provider acme") {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q lacks %q", c.key, msg, w)
			}
		}
		if strings.Contains(msg, "\n") {
			t.Errorf("%s: error is not one line: %q", c.key, msg)
		}
	}
	// Every valid value is accepted and lands in the field.
	p, err := FromDefinition("acme", acme(map[string]any{"api_auth": "usertoken", "pkce": "off", "client_auth": "none", "token_body": "json"}))
	if err != nil || p.APIAuth != APIUserToken || p.PKCE != PKCEOff || p.ClientAuth != AuthNone || p.TokenBody != BodyJSON {
		t.Errorf("valid values: %+v, %v", p, err)
	}
}

// TestDefinitionWrongType: a value of the wrong kind gets a one-line error
// in the config file's terms, not a Go type name.
func TestDefinitionWrongType(t *testing.T) {
	for key, v := range map[string]any{"pkce": true, "iss_on_redirect": "yes", "identity_paths": "/me", "account": "x"} {
		_, err := FromDefinition("acme", acme(map[string]any{key: v}))
		if err == nil || !strings.HasPrefix(err.Error(), "provider acme: "+key+" must be a ") || strings.Contains(err.Error(), "provider.") {
			t.Errorf("%s: %v", key, err)
		}
	}
}

// TestDefinitionCannotRename: the block's key names the provider; a name
// inside the block is not a definition key.
func TestDefinitionCannotRename(t *testing.T) {
	p, err := FromDefinition("acme", acme(map[string]any{"name": "ziina"}))
	if err != nil || p.Name != "acme" {
		t.Errorf("name: %v, %v", p.Name, err)
	}
	if slices.Contains(DefinitionKeys(), "name") {
		t.Error("name is listed as a definition key")
	}
}

// TestBuiltinDefinitionsHonoured reads builtin.yaml independently and
// checks that every key it sets reaches the provider unchanged, and every
// key it leaves out keeps Custom's default (consent_for_offline: the
// OpenID rule).
func TestBuiltinDefinitionsHonoured(t *testing.T) {
	var defs map[string]map[string]any
	if err := yaml.Unmarshal(builtinYAML, &defs); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(slices.Sorted(maps.Keys(defs)), Names()) {
		t.Fatalf("Names() = %v", Names())
	}
	asJSON := func(v any) any {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var out any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	for name, def := range defs {
		p, _ := Lookup(name)
		got := asJSON(p).(map[string]any)
		defaults := asJSON(Custom(name)).(map[string]any)
		for _, key := range DefinitionKeys() {
			want, set := def[key]
			switch {
			case key == "scopes":
				if !reflect.DeepEqual(asJSON(p.ScopeNames()), asJSON(names(want))) {
					t.Errorf("%s.scopes = %v, want %v", name, p.ScopeNames(), names(want))
				}
				continue
			case !set && key == "consent_for_offline":
				want = p.HasScope(OpenIDScope)
			case !set:
				want = defaults[key]
			}
			if !reflect.DeepEqual(got[key], asJSON(want)) {
				t.Errorf("%s.%s = %#v, want %#v", name, key, got[key], asJSON(want))
			}
		}
		for key := range def {
			if !slices.Contains(DefinitionKeys(), key) {
				t.Errorf("%s: builtin.yaml uses %s, which is not a definition key", name, key)
			}
		}
	}
}

// names lists the scope names of a list-form scopes value.
func names(scopes any) []string {
	var out []string
	for _, s := range scopes.([]any) {
		out = append(out, s.(map[string]any)["name"].(string))
	}
	return out
}

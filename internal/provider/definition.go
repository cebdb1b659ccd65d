package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/zauth-cli/zauth/internal/textsafe"
)

// definitionForm reads a provider's data form (builtin.yaml, and the config
// file's providers.<name> blocks alike) straight into a Provider, except
// for the two keys whose data form differs from the field: scopes, which
// may be a map, and consent_for_offline, whose absence has a meaning of its
// own. encoding/json gives these outer fields precedence over the embedded
// Provider's.
type definitionForm struct {
	*Provider
	Scopes            json.RawMessage `json:"scopes"`
	ConsentForOffline *bool           `json:"consent_for_offline"`
}

// FromDefinition builds a provider from its data form, starting from the
// standard defaults (Custom). Scopes are either a list of {name,
// description, covers} (catalogue order kept) or a map of name to
// description (sorted by name). An unknown pkce, client_auth, token_body or
// api_auth value is an error naming the valid ones.
func FromDefinition(name string, def map[string]any) (*Provider, error) {
	raw, err := json.Marshal(def)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %v", name, err)
	}
	p := Custom(name)
	d := definitionForm{Provider: p}
	if err := json.Unmarshal(raw, &d); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			key := te.Field[strings.LastIndex(te.Field, ".")+1:]
			return nil, fmt.Errorf("provider %s: %s must be a %s, not a %s", name, key, kindName(te.Type), te.Value)
		}
		return nil, fmt.Errorf("provider %s: %v", name, err)
	}
	p.Name = name // the block's key names it, never a key inside
	if p.Account != nil && (p.Account.Path == "" || len(p.Account.Fields) == 0) {
		return nil, fmt.Errorf("provider %s: account needs a path and fields", name)
	}
	if len(d.Scopes) > 0 && string(d.Scopes) != "null" {
		var list []Scope
		var byName map[string]string
		switch {
		case json.Unmarshal(d.Scopes, &list) == nil:
			p.Scopes = list
		case json.Unmarshal(d.Scopes, &byName) == nil:
			for _, n := range slices.Sorted(maps.Keys(byName)) {
				p.Scopes = append(p.Scopes, Scope{Name: n, Description: byName[n]})
			}
		default:
			return nil, fmt.Errorf("provider %s: scopes must be a list of {name, description} or a map of name: description", name)
		}
	}
	for _, s := range p.Scopes {
		if s.Name == "" || strings.ContainsAny(s.Name, "+, \t") || !textsafe.Printable(s.Name) {
			return nil, fmt.Errorf("provider %s: invalid scope name %q", name, s.Name)
		}
	}
	if d.ConsentForOffline != nil {
		p.ConsentForOffline = *d.ConsentForOffline
	} else {
		// OpenID Connect Core §11: servers drop offline_access requested
		// without prompt=consent.
		p.ConsentForOffline = p.HasScope(OpenIDScope)
	}
	return p, nil
}

// kindName names a Go type the way a config file author thinks of it.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Slice:
		return "list"
	case reflect.Struct, reflect.Pointer, reflect.Map:
		return "map"
	default:
		return "string"
	}
}

// DefinitionKeys lists the keys a provider definition (a providers.<name>
// block, or builtin.yaml) may use: Provider's own keys, but its name.
var DefinitionKeys = sync.OnceValue(func() []string {
	t := reflect.TypeFor[Provider]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "name" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
})

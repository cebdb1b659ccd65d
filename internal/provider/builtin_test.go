package provider

import (
	_ "embed"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

//go:embed builtin.yaml
var builtinYAML []byte

// TestBuiltinGenerated: builtin_gen.go is what builtin.yaml says, read the
// way config-file definitions are.
func TestBuiltinGenerated(t *testing.T) {
	var defs map[string]map[string]any
	if err := yaml.Unmarshal(builtinYAML, &defs); err != nil {
		t.Fatal(err)
	}
	want := map[string]*Provider{}
	for name, def := range defs {
		p, err := FromDefinition(name, def)
		if err != nil {
			t.Fatal(err)
		}
		want[name] = p
	}
	got := builtinProviders()
	for name := range want {
		if !reflect.DeepEqual(got[name], want[name]) {
			t.Errorf("builtin_gen.go is stale for %s; run `go generate ./...`\n got %+v\nwant %+v", name, got[name], want[name])
		}
	}
	if len(got) != len(want) {
		t.Errorf("builtin_gen.go has %d providers, builtin.yaml %d; run `go generate ./...`", len(got), len(want))
	}
	// Lookup hands out values of their own: changing one changes no other.
	a, _ := Lookup("zbd")
	a.IdentityPaths[0], a.Account.Fields[0], a.Scopes[0].Covers[0] = "x", "x", "x"
	if b, _ := Lookup("zbd"); !reflect.DeepEqual(b, want["zbd"]) {
		t.Errorf("a change to one Lookup result shows in the next: %+v", b)
	}
}

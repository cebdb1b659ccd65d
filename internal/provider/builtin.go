package provider

import (
	_ "embed"
	"fmt"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed builtin.yaml
var builtinYAML []byte

// builtins parses the embedded definitions on first use, through the same
// code as config-file definitions: nothing at start-up.
var builtins = sync.OnceValue(func() map[string]*Provider {
	var defs map[string]map[string]any
	if err := yaml.Unmarshal(builtinYAML, &defs); err != nil {
		panic("builtin.yaml: " + err.Error())
	}
	out := make(map[string]*Provider, len(defs))
	for name, def := range defs {
		p, err := FromDefinition(name, def)
		if err != nil {
			panic(fmt.Sprintf("builtin.yaml: %v", err))
		}
		out[name] = p
	}
	return out
})

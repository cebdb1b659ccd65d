package provider

import (
	"reflect"
	"strings"
	"sync"
)

// DefinitionKeys lists the keys a provider definition (a providers.<name>
// block, or builtin.yaml) may use.
var DefinitionKeys = sync.OnceValue(func() []string {
	t := reflect.TypeFor[definition]()
	keys := make([]string, 0, t.NumField())
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		keys = append(keys, name)
	}
	return keys
})

package provider

import "sync"

//go:generate go run ./gen

// builtins are the providers builtin.yaml defines, turned into Go values
// at generate time (builtin_gen.go) through the same code as config-file
// definitions: no parsing at run time.
var builtins = sync.OnceValue(builtinProviders)

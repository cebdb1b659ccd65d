package provider

// The providers builtin.yaml defines are turned into Go values at generate
// time (builtinProviders, in builtin_gen.go) through the same code as
// config-file definitions: nothing is parsed at run time, and every call
// builds values of its own.
//
//go:generate go run ./gen
